//! Reclaim's browser app: account recovery for package-index maintainers.
//!
//! Leptos (client-side rendering) built by Trunk to WebAssembly. It knows the
//! shared rules crate `reclaim_core` and talks to the API over HTTP; it never
//! knows the server's code.

pub mod api;
pub mod app;
pub mod browser;
pub mod components;
pub mod config;
pub mod draft;
pub mod failure_words;
pub mod handoff;
pub mod page_store;
pub mod pages;
pub mod prefetch;
pub mod router;
pub mod session;
pub mod webauthn;

use leptos::prelude::*;

/// Read the configuration, then mount one bundle's app (`app::START`…),
/// or the configuration error page.
pub fn run(app: &'static app::BundleApp) {
    // Panic messages in the console for debug builds (the component and
    // development runs); the release build leaves the hook out, about 1 KB
    // of every bundle's first load. A panic is a bug either way: the
    // release profile aborts.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async move {
        match config::load().await {
            Ok(config) => {
                leptos::mount::mount_to_body(move || view! { <app::App config=config app=app/> })
            }
            Err(error) => leptos::mount::mount_to_body(move || {
                view! { <pages::config_error::ConfigErrorPage error=error/> }
            }),
        }
    });
}
