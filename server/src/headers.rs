//! Security headers on every response, and `no-store` on every API answer.
//!
//! The CSP allows scripts only from this origin plus the exact hashes of the
//! inline scripts found in the bundles' HTML at startup (Trunk emits an
//! inline module loader per page). No inline style is allowed, so the app must not use `style=`.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    pub csp: HeaderValue,
    pub hsts: bool,
}

impl SecurityHeaders {
    pub fn new(pages: &[&str], hsts: bool) -> SecurityHeaders {
        let mut hashes: Vec<String> = pages.iter().flat_map(|p| inline_script_hashes(p)).collect();
        hashes.sort();
        hashes.dedup();
        let csp = csp(&hashes);
        SecurityHeaders {
            csp: HeaderValue::from_str(&csp).expect("CSP is ASCII"),
            hsts,
        }
    }
}

pub fn csp(script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for h in script_hashes {
        script_src.push_str(&format!(" '{h}'"));
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The policy of every API answer (as OWASP's REST Security Cheat Sheet
/// gives it).
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// `sha256-…` of the text of every `<script>` without `src`, byte for byte.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut pos = 0;
    while let Some(start) = lower[pos..].find("<script").map(|i| i + pos) {
        let Some(tag_end) = lower[start..].find('>').map(|i| i + start) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| i + tag_end) else {
            break;
        };
        let tag = &lower[start..tag_end];
        // A JSON data block (the inlined config) is never executed: no hash.
        let is_data = tag.contains("application/json");
        if !is_data && !tag.contains(" src=") && !tag.contains(" src =") {
            let body = &html[tag_end + 1..close];
            out.push(format!(
                "sha256-{}",
                STANDARD.encode(Sha256::digest(body.as_bytes()))
            ));
        }
        pos = close;
    }
    out
}

/// Middleware: the security headers on every answer (the app's and the API's).
pub async fn apply(State(headers): State<SecurityHeaders>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // An API answer is JSON, never a document: nothing in it may load or
    // run, and it needs none of the page's script hashes, ~850 bytes that
    // every answer would carry down a slow line.
    let csp = if is_api {
        HeaderValue::from_static(API_CSP)
    } else {
        headers.csp.clone()
    };
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if headers.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // API answers carry tokens, codes and account facts: never cache them.
    if is_api && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<html><head>
<script type="module" src="/app.js"></script>
<script type="module">import init from '/x.js';await init();</script>
<SCRIPT>alert(1)</SCRIPT></head></html>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2);
        let expected = STANDARD.encode(Sha256::digest(b"import init from '/x.js';await init();"));
        assert_eq!(hashes[0], format!("sha256-{expected}"));
        let policy = csp(&hashes);
        assert!(policy.contains(&format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{expected}'"
        )));
        assert!(policy.contains("object-src 'none'; base-uri 'none'; frame-ancestors 'none'"));
    }

    #[test]
    fn no_inline_scripts_no_hashes() {
        assert!(inline_script_hashes("<p>hi</p>").is_empty());
        assert!(csp(&[]).starts_with(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'"
        ));
    }
}
