//! Warm the browser's cache with the code of the page a user is about to
//! open. The wizard's first question is its own small bundle, so that it
//! appears fast; each answer leads to another bundle, a page load away. As
//! soon as an answer is chosen (before "Continue"), its page and that
//! page's code are fetched at the lowest priority, so that the load that
//! follows is short.
//! Only the chosen answer's bundle: no data is spent on pages nobody opens.

use std::cell::RefCell;

use reclaim_core::bundle::Bundle;

thread_local! {
    /// The bundles already asked for in this page.
    static ASKED: RefCell<Vec<Bundle>> = const { RefCell::new(Vec::new()) };
    /// The pages whose document was already asked for.
    static DOCUMENTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Fetch, at the lowest priority, the page at `path` when another bundle
/// serves it (once per page), and that bundle's JS glue and wasm (once
/// per bundle).
pub fn prefetch_page(path: &str, current: Bundle) {
    let bundle = Bundle::for_path(path);
    if bundle == current {
        return;
    }
    if !DOCUMENTS.with(|d| d.borrow().iter().any(|asked| asked == path)) {
        DOCUMENTS.with(|d| d.borrow_mut().push(path.to_string()));
        prefetch_document(path);
    }
    if ASKED.with(|a| a.borrow().contains(&bundle)) {
        return;
    }
    ASKED.with(|a| a.borrow_mut().push(bundle));
    // The page's own HTML names its assets (their names carry content
    // hashes): the bundle's HTML file, as every host of the app serves it.
    let page = format!("/{}", bundle.html_file());
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(answer) = crate::browser::fetch(&page, &web_sys::RequestInit::new()).await else {
            return;
        };
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(Some(head)) = document.query_selector("head") else {
            return;
        };
        for href in preloaded_assets(&answer.text) {
            let Ok(link) = document.create_element("link") else {
                return;
            };
            // The same request mode as the page's own preloads, so that the
            // cached answer is the one they find.
            let _ = link.set_attribute("rel", "prefetch");
            let _ = link.set_attribute("href", href);
            let _ = link.set_attribute("crossorigin", "anonymous");
            let _ = head.append_child(&link);
        }
    });
}

/// The page itself, as the navigation will ask for it, so that the page
/// load that follows skips the round trip for its HTML. The browser marks
/// the request `Sec-Purpose: prefetch`, and the server answers it fresh for
/// five minutes: Chromium takes a prefetched document for a navigation only
/// while it is fresh (under `no-cache` it asks the network again).
fn prefetch_document(path: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Ok(link), Ok(Some(head))) = (
        document.create_element("link"),
        document.query_selector("head"),
    ) else {
        return;
    };
    let _ = link.set_attribute("rel", "prefetch");
    let _ = link.set_attribute("href", path);
    let _ = head.append_child(&link);
}

/// The addresses of the JS glue and wasm that an HTML page of the app links
/// (Trunk's `modulepreload` and `preload` links).
pub fn preloaded_assets(html: &str) -> Vec<&str> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && (href.ends_with(".js") || href.ends_with(".wasm")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_page_names_its_glue_and_wasm_and_nothing_else() {
        let html = r#"<head><script type="module">import init from '/a-1.js';</script>
<link rel="stylesheet" href="/main-2.css" integrity="sha384-x"/>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="modulepreload" href="/a-1.js" crossorigin="anonymous" integrity="sha384-y"><link rel="preload" href="/a-1_bg.wasm" crossorigin="anonymous" as="fetch" type="application/wasm"></head>"#;
        assert_eq!(preloaded_assets(html), ["/a-1.js", "/a-1_bg.wasm"]);
        assert!(preloaded_assets("<p>no links</p>").is_empty());
        assert!(preloaded_assets(r#"<a href="https://x.example/a.js">"#).is_empty());
    }
}
