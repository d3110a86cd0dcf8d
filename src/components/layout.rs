use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use super::BackLink;
use crate::browser;
use crate::config::use_config;

/// The frame of every page: skip link, header with the site name, the page,
/// and a footer with the support contact.
///
/// On every client-side navigation, focus moves to the new page's `<h1>`
/// (unless the page already moved it, e.g. to an error summary), so screen
/// reader and keyboard users start at the top of the new content.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let config = use_config();
    let location = use_location();

    let first = StoredValue::new(true);
    Effect::new(move |_| {
        location.pathname.track();
        if first.get_value() {
            first.set_value(false);
            return;
        }
        set_timeout(focus_new_page, std::time::Duration::ZERO);
    });

    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        browser::focus_id("main-content");
    };

    let site = config.site_name.clone();
    let support = config.support.clone();
    let mailto = format!("mailto:{}", support.email);
    view! {
        <a href="#main-content" class="skip-link" on:click=skip>
            "Skip to main content"
        </a>
        <header class="header">
            <div class="width-container header__inner">
                <a href="/" class="header__link">
                    <span class="header__site">{site.clone()}</span>
                    " "
                    <span class="header__service">"Account recovery"</span>
                </a>
            </div>
        </header>
        <div class="width-container page">{children()}</div>
        <footer class="footer">
            <div class="width-container">
                <h2 class="visually-hidden">"Support links"</h2>
                <p class="footer__text">
                    "Need help? Email "
                    <a class="footer__link" href=mailto>{support.email.clone()}</a>
                    " or read the "
                    <a class="footer__link" href=support.help_url.clone() rel="external">
                        {format!("{site} account recovery help")}
                    </a> "."
                </p>
                <p class="footer__text">
                    "Support will never ask for your password, your recovery codes or the codes from your authenticator app."
                </p>
                <ul class="footer__list">
                    <li><a class="footer__link" href="/status">"Check the status of a request"</a></li>
                    <li><a class="footer__link" href=support.security_url.clone() rel="external">"Report a security problem"</a></li>
                </ul>
            </div>
        </footer>
    }
}

fn focus_new_page() {
    let in_main = browser::active_element()
        .and_then(|el| el.closest("#main-content").ok().flatten())
        .is_some();
    if in_main {
        return;
    }
    let heading = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("#main-content h1").ok().flatten());
    match heading.and_then(|h| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h).ok()) {
        Some(h1) => {
            let _ = h1.set_attribute("tabindex", "-1");
            let _ = h1.focus();
            browser::scroll_to_top();
        }
        None => {
            browser::focus_id("main-content");
        }
    }
}

/// Title, back link and `<main>` of one page.
///
/// The document title is "{page} – Account recovery – {site}", prefixed
/// "Error: " while the page shows errors.
#[component]
pub fn Page(
    #[prop(into)] title: Signal<String>,
    #[prop(optional, into)] has_errors: Signal<bool>,
    /// Where the Back link goes; no Back link when `None`.
    #[prop(optional, into)]
    back: Option<String>,
    children: Children,
) -> impl IntoView {
    let site = use_config().site_name;
    let full_title = move || {
        format!(
            "{}{} – Account recovery – {}",
            if has_errors.get() { "Error: " } else { "" },
            title.get(),
            site
        )
    };
    view! {
        <Title text=full_title/>
        {back.map(|href| view! { <BackLink href=href/> })}
        <main id="main-content" class="main" tabindex="-1">
            {children()}
        </main>
    }
}
