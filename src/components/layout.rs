use std::sync::atomic::{AtomicBool, Ordering};

use leptos::prelude::*;
use reclaim_core::route::Route;

use super::BackLink;
use crate::browser;
use crate::config::use_config;

/// The frame of every page: skip link, header with the site name, the page,
/// and a footer with the support contact.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let config = use_config();

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
                <a href=Route::Start.path() class="header__link">
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
                    <li><a class="footer__link" href=Route::Status.path()>"Check the status of a request"</a></li>
                    <li><a class="footer__link" href=support.security_url.clone() rel="external">"Report a security problem"</a></li>
                </ul>
            </div>
        </footer>
    }
}

/// Set once the first page has been mounted (the app is single-threaded).
static NAVIGATED: AtomicBool = AtomicBool::new(false);

/// Focus the new page's `<h1>`, unless the page already moved focus into
/// itself (e.g. to an error summary).
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
    // The document title follows `full_title` while the page is mounted.
    // A render effect (what leptos_meta's `<Title>` used) runs at once, as
    // the page is built; the owner's stored value keeps it alive until the
    // page is left. Not pulling leptos_meta for this saves ~1% of the wasm.
    let title_effect = RenderEffect::new(move |_| document().set_title(&full_title()));
    StoredValue::new_local(title_effect);
    // Every page mounted after the first is a client-side navigation: the
    // link that was followed is gone, so focus would fall back to <body> and
    // the next Tab would land in the footer. Move it to the new page's <h1>
    // instead. This runs once the new page is in the document, which the
    // router's own location change comes too early for.
    Effect::new(move |_| {
        if NAVIGATED.swap(true, Ordering::Relaxed) {
            set_timeout(focus_new_page, std::time::Duration::ZERO);
        }
    });
    view! {
        {back.map(|href| view! { <BackLink href=href/> })}
        <main id="main-content" class="main" tabindex="-1">
            {children()}
        </main>
    }
}
