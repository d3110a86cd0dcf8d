//! Client-side routing for one page bundle (see `reclaim_core::bundle`).
//!
//! Not leptos_router: measured with the same build, its `Router` and
//! `FlatRoutes` add 26.7 KB of brotli wasm to every bundle, 18% of the
//! 150 KB first-load budget, for matching this app does not need (a few
//! fixed paths and two slugs, matched in `app.rs`). This keeps what the
//! pages use: the path and query as signals, links and Back/Forward without
//! a page load, and `navigate` with `replace`. A path another bundle owns
//! gets a normal page load.

use leptos::prelude::*;
use reclaim_core::bundle::Bundle;
use wasm_bindgen::JsCast;
use web_sys::{HtmlAnchorElement, MouseEvent, Url};

/// The current address of the app, from context.
#[derive(Debug, Clone, Copy)]
pub struct Router {
    bundle: Bundle,
    path: RwSignal<String>,
    /// `?a=b`, or empty.
    search: RwSignal<String>,
}

/// How to navigate (the subset of leptos_router's options the pages use).
#[derive(Debug, Clone, Copy)]
pub struct NavigateOptions {
    /// Replace the current history entry instead of adding one.
    pub replace: bool,
    /// Scroll to the top of the new page.
    pub scroll: bool,
}

impl Default for NavigateOptions {
    fn default() -> Self {
        NavigateOptions {
            replace: false,
            scroll: true,
        }
    }
}

impl Router {
    /// Read the address, and follow Back/Forward and this bundle's links
    /// from now on. Provides the router as context.
    pub fn start(bundle: Bundle) -> Router {
        let location = window().location();
        let router = Router {
            bundle,
            path: RwSignal::new(location.pathname().unwrap_or_default()),
            search: RwSignal::new(location.search().unwrap_or_default()),
        };
        provide_context(router);
        // Both listeners live as long as the page (the handles only remove).
        let _ = window_event_listener(leptos::ev::popstate, move |_| router.sync());
        let _ = window_event_listener(leptos::ev::click, move |ev| router.follow_link(&ev));
        router
    }

    /// The bundle this router serves.
    pub fn bundle(self) -> Bundle {
        self.bundle
    }

    /// The path (`/recover/lost-2fa`), tracked.
    pub fn path(self) -> String {
        self.path.get()
    }

    /// One query parameter of the current address, untracked.
    pub fn query_param(self, name: &str) -> Option<String> {
        let search = self.search.get_untracked();
        web_sys::UrlSearchParams::new_with_str(&search)
            .ok()?
            .get(name)
    }

    /// Go to `href` (a path, with query or fragment).
    pub fn navigate(self, href: &str, options: NavigateOptions) {
        let location = window().location();
        let Some(url) = location
            .href()
            .ok()
            .and_then(|base| Url::new_with_base(href, &base).ok())
        else {
            return;
        };
        if !self.bundle.owns(&url.pathname()) {
            // Another bundle's page: the browser loads it.
            let _ = if options.replace {
                location.replace(href)
            } else {
                location.assign(href)
            };
            return;
        }
        if let Ok(history) = window().history() {
            let _ = if options.replace {
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
            } else {
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
            };
        }
        if options.scroll && url.pathname() != self.path.get_untracked() {
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
        self.sync();
    }

    /// Take the path and query from the address bar.
    fn sync(self) {
        let location = window().location();
        let path = location.pathname().unwrap_or_default();
        let search = location.search().unwrap_or_default();
        if path != self.path.get_untracked() {
            self.path.set(path);
        }
        if search != self.search.get_untracked() {
            self.search.set(search);
        }
    }

    /// A click on a link to a page of this bundle: navigate without a load.
    /// Left to the browser: modified clicks, other windows, downloads,
    /// `rel="external"`, other origins, other bundles, and fragment links
    /// within the page.
    fn follow_link(self, ev: &MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a[href]").ok().flatten())
            .and_then(|el| el.dyn_into::<HtmlAnchorElement>().ok())
        else {
            return;
        };
        let target = link.target();
        if (!target.is_empty() && target != "_self")
            || link.has_attribute("download")
            || link.rel().split_whitespace().any(|r| r == "external")
        {
            return;
        }
        let Ok(url) = Url::new(&link.href()) else {
            return;
        };
        let location = window().location();
        let (path, search) = (url.pathname(), url.search());
        let same_page = path == location.pathname().unwrap_or_default()
            && search == location.search().unwrap_or_default();
        if Some(url.origin()) != location.origin().ok()
            || !self.bundle.owns(&path)
            || (same_page && !url.hash().is_empty())
        {
            return;
        }
        ev.prevent_default();
        self.navigate(
            &format!("{path}{search}{}", url.hash()),
            NavigateOptions::default(),
        );
    }
}

/// The router of this bundle. Panics outside the app (a programming error).
pub fn use_router() -> Router {
    expect_context::<Router>()
}

/// `navigate(href, options)`, as leptos_router's hook of the same name.
pub fn use_navigate() -> impl Fn(&str, NavigateOptions) + Clone + 'static {
    let router = use_router();
    move |href, options| router.navigate(href, options)
}
