//! Shown instead of the app when `config.json` is missing or invalid.
//! It cannot use the configuration (there is none), the router or meta.

use leptos::prelude::*;

use crate::config::{describe, ConfigLoadError, CONFIG_URL};

/// The whole page, mounted without a router.
#[component]
pub fn ConfigErrorPage(error: ConfigLoadError) -> impl IntoView {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title("Error: This service is not set up correctly – Account recovery");
    }
    let problems = describe(&error);
    view! {
        <header class="header">
            <div class="width-container header__inner">
                <span class="header__service">"Account recovery"</span>
            </div>
        </header>
        <div class="width-container page">
            <main id="main-content" class="main" tabindex="-1">
                <h1 class="heading-l">"Sorry, this service is not set up correctly"</h1>
                <div class="error-summary" role="alert" aria-labelledby="config-problems-title">
                    <h2 class="error-summary__title" id="config-problems-title">
                        {format!("There is a problem with {CONFIG_URL}")}
                    </h2>
                    <ul class="error-summary__list error-summary__list--plain">
                        {problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                    </ul>
                </div>
                <h2 class="heading-m">"If you are trying to get back into your account"</h2>
                <p class="body">
                    "Try again later. If it keeps happening, contact the support team of your package index through its website."
                </p>
                <h2 class="heading-m">"If you run this service"</h2>
                <p class="body">
                    "Put a valid config.json next to index.html and reload this page. No rebuild is needed. The README lists every field."
                </p>
            </main>
        </div>
    }
}
