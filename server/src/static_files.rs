//! The built app (`dist/`), held in memory with brotli and gzip variants made
//! once at startup, chosen per request by `Accept-Encoding`. Each variant is
//! a shared [`Bytes`]: an answer hands out a reference to it, so serving the
//! wasm to many browsers at once copies nothing.
//!
//! Trunk puts a content hash in asset names (`reclaim-1a2b3c4d5e6f7a8b_bg.wasm`),
//! so those are cached for a year as immutable; `index.html` and `config.json`
//! are revalidated every time so a deploy or a rebrand shows at once.
//! A path without an extension that is not a file is an app route: it gets
//! the HTML of the bundle that serves it (`Bundle::for_path`, from core's
//! route table: `index.html` for `/` and for paths that are no route,
//! `checkup.html` for `/checkup`, and so on), or, for a signed-in page asked
//! for without the session cookie, sign-in's (`Bundle::signed_out_stand_in`).
//! Anything under `/api` gets a problem document.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use bytes::Bytes;
use reclaim_core::api::SIGNED_IN_PAGE_LOAD;
use reclaim_core::bundle::Bundle;
use reclaim_core::config::AppConfig;

use crate::problem::ApiError;

pub struct Asset {
    pub content_type: &'static str,
    pub cache_control: &'static str,
    pub raw: Bytes,
    pub br: Option<Bytes>,
    pub gz: Option<Bytes>,
}

pub struct StaticFiles {
    pub dir: PathBuf,
    /// Keyed by URL path (`/index.html`).
    pub assets: HashMap<String, Asset>,
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";
/// An app page the browser prefetches (`Sec-Purpose: prefetch`, sent for
/// `<link rel=prefetch>` when an answer is chosen): fresh for five minutes,
/// Chromium's own window for using a prefetch, so that the page load that
/// follows takes it from the cache instead of a round trip. Chromium reuses
/// a prefetched document only while it is fresh: `no-cache` sends the
/// navigation to the network again. Private, so no shared cache keeps it.
/// The cost: for five minutes after a prefetch, a deploy's new page is not
/// seen by that browser (its old bundle files must stay served meanwhile).
const PREFETCHED_PAGE: &str = "private, max-age=300";

impl StaticFiles {
    /// Load `dir`; a missing directory gives an empty set (API-only mode).
    pub fn load(dir: &Path) -> StaticFiles {
        let mut assets = HashMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for entry in entries.flatten() {
                // Skip Trunk's `.stage` and other hidden files.
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(raw) = std::fs::read(&path) {
                    let rel = path.strip_prefix(dir).unwrap_or(&path);
                    let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
                    assets.insert(url.clone(), Asset::new(&url, raw));
                }
            }
        }
        for bundle in Bundle::ALL {
            inline_config(&mut assets, &format!("/{}", bundle.html_file()));
        }
        let api_base = assets
            .get("/config.json")
            .and_then(|c| std::str::from_utf8(&c.raw).ok())
            .and_then(|json| AppConfig::from_json(json).ok())
            .map(|config| config.api_base);
        if let Some(api_base) = api_base {
            add_signed_in_pages(&mut assets, &api_base);
        }
        StaticFiles {
            dir: dir.to_path_buf(),
            assets,
        }
    }

    /// The HTML of every bundle that was built (for the CSP's script hashes).
    pub fn bundle_pages(&self) -> Vec<&str> {
        Bundle::ALL
            .iter()
            .filter_map(|b| self.assets.get(&format!("/{}", b.html_file())))
            .filter_map(|a| std::str::from_utf8(&a.raw).ok())
            .collect()
    }

    /// No `index.html`: the app is not built (or still building).
    pub fn is_empty(&self) -> bool {
        !self.assets.contains_key("/index.html")
    }
}

impl Asset {
    pub fn new(url: &str, raw: impl Into<Bytes>) -> Asset {
        let raw: Bytes = raw.into();
        let content_type = content_type(url);
        let compressible = content_type.starts_with("text/")
            || matches!(
                content_type,
                "application/javascript"
                    | "application/wasm"
                    | "application/json"
                    | "image/svg+xml"
                    | "application/manifest+json"
            );
        let (br, gz) = if compressible && raw.len() > 256 {
            let br = brotli_bytes(&raw).filter(|c| c.len() < raw.len());
            let gz = gzip_bytes(&raw).filter(|c| c.len() < raw.len());
            (br.map(Bytes::from), gz.map(Bytes::from))
        } else {
            (None, None)
        };
        Asset {
            content_type,
            cache_control: if is_hashed(url) { IMMUTABLE } else { NO_CACHE },
            raw,
            br,
            gz,
        }
    }

    fn response(&self, accept: &HeaderMap, head: bool) -> Response {
        let accepts = |enc: &str| accepts_encoding(accept, enc);
        let (body, encoding) = match (&self.br, &self.gz) {
            (Some(b), _) if accepts("br") => (b, Some("br")),
            (_, Some(g)) if accepts("gzip") => (g, Some("gzip")),
            _ => (&self.raw, None),
        };
        let mut res = if head {
            let mut r = Response::new(Body::empty());
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            r
        } else {
            // A reference to the shared bytes, not a copy of them.
            Response::new(Body::from(body.clone()))
        };
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        if self.br.is_some() || self.gz.is_some() {
            h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        if let Some(enc) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
        }
        res
    }
}

fn brotli_bytes(raw: &[u8]) -> Option<Vec<u8>> {
    // Highest quality in release (startup cost, once); quicker in debug builds.
    let quality = if cfg!(debug_assertions) { 5 } else { 11 };
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        w.write_all(raw).ok()?;
    }
    Some(out)
}

fn gzip_bytes(raw: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(raw).ok()?;
    enc.finish().ok()
}

/// `Accept-Encoding` names `enc` with a non-zero q (or `*`).
pub fn accepts_encoding(headers: &HeaderMap, enc: &str) -> bool {
    let Some(value) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value.split(',').any(|part| {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim();
        let q_zero = it.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().map(|q| q == 0.0).unwrap_or(false))
        });
        (name.eq_ignore_ascii_case(enc) || name == "*") && !q_zero
    })
}

/// Trunk's content hash: a `-` followed by a u64 in hex. Trunk does not pad
/// it, so it has 16 digits or, one time in sixteen, fewer.
pub fn is_hashed(url: &str) -> bool {
    const MIN_HASH_DIGITS: usize = 12;
    let name = url.rsplit('/').next().unwrap_or(url);
    name.split(['-', '.', '_'])
        .any(|part| part.len() >= MIN_HASH_DIGITS && part.bytes().all(|b| b.is_ascii_hexdigit()))
        && name.contains('-')
}

fn content_type(url: &str) -> &'static str {
    let ext = url.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "application/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// A prefetch by the browser: `Sec-Purpose: prefetch` (Chromium, Firefox),
/// a header no page's script can set.
fn is_prefetch(headers: &HeaderMap) -> bool {
    headers
        .get("sec-purpose")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().map(str::trim) == Some("prefetch"))
}

fn has_extension(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// The key of a signed-in bundle's page as a browser with the session
/// cookie gets it (`add_signed_in_pages`).
fn signed_in_page_key(bundle: Bundle) -> String {
    format!("/{}#signed-in", bundle.html_file())
}

/// For each signed-in bundle, its page as a browser with the session cookie
/// gets it: naming what the page asks for as it loads
/// (`SIGNED_IN_PAGE_LOAD`), as preloads, so the browser fetches them while
/// the page's code loads, and the app's own requests take those answers.
/// Without the cookie the page is sign-in's, which asks for nothing.
/// Public for the in-process tests, which put their own pages in.
pub fn add_signed_in_pages(assets: &mut HashMap<String, Asset>, api_base: &str) {
    for bundle in Bundle::ALL {
        if bundle.signed_out_stand_in().is_none() {
            continue;
        }
        let Some(html) = assets
            .get(&format!("/{}", bundle.html_file()))
            .and_then(|page| std::str::from_utf8(&page.raw).ok())
        else {
            continue;
        };
        let Some(at) = html.find("<head>").map(|i| i + "<head>".len()) else {
            continue;
        };
        // The app's requests carry credentials ("include"): so must these,
        // or the browser does not match them.
        let preloads: String = SIGNED_IN_PAGE_LOAD
            .iter()
            .map(|path| {
                format!(
                    "<link rel=\"preload\" href=\"{}{path}\" as=\"fetch\" crossorigin=\"use-credentials\">",
                    html_escape(api_base.trim_end_matches('/'))
                )
            })
            .collect();
        let page = format!("{}{preloads}{}", &html[..at], &html[at..]);
        let key = signed_in_page_key(bundle);
        let asset = Asset::new(&format!("/{}", bundle.html_file()), page);
        assets.insert(key, asset);
    }
}

/// The id of the JSON data block in `index.html` that carries `config.json`.
pub const CONFIG_BLOCK_ID: &str = "reclaim-config";

/// Put `config.json` into `index.html` as a JSON data block, so the app
/// starts without a second round trip. The file stays the source of truth
/// (and stays served, for deployments without this server). `<` is escaped
/// so the text cannot close the script element.
fn inline_config(assets: &mut HashMap<String, Asset>, page: &str) {
    let (Some(index), Some(config)) = (assets.get(page), assets.get("/config.json")) else {
        return;
    };
    let (Ok(html), Ok(json)) = (
        std::str::from_utf8(&index.raw),
        std::str::from_utf8(&config.raw),
    ) else {
        return;
    };
    let Some(at) = html.find("</head>") else {
        return;
    };
    let block = format!(
        "<script type=\"application/json\" id=\"{CONFIG_BLOCK_ID}\">{}</script>",
        json.trim().replace('<', "\\u003c")
    );
    let inlined = format!("{}{block}{}", &html[..at], &html[at..]);
    assets.insert(page.to_string(), Asset::new(page, inlined));
}

/// The bundle whose HTML answers an app path, and whether that depends on
/// the request's cookies: a browser without the session cookie gets sign-in
/// for a signed-in page at once (`Bundle::signed_out_stand_in`), instead of
/// that page's code only to be sent on to sign-in. A stale cookie gets the
/// page, which finds out and sends the browser on itself.
/// `session_cookie` is the session cookie's name on this server (with the
/// `__Host-` prefix over https).
fn page_bundle(path: &str, headers: &HeaderMap, session_cookie: &str) -> (Bundle, bool) {
    let bundle = Bundle::for_path(path);
    match bundle.signed_out_stand_in() {
        Some(stand_in)
            if CookieJar::from_headers(headers)
                .get(session_cookie)
                .is_none() =>
        {
            (stand_in, true)
        }
        Some(_) => (bundle, true),
        None => (bundle, false),
    }
}

/// The answer for everything outside the API's routes: app files, app
/// routes, and 404s. `session_cookie` is the session cookie's name here
/// (the app assembles this from its state, `app::app_files`).
pub fn serve(files: &StaticFiles, session_cookie: &str, req: &Request) -> Response {
    let path = req.uri().path().to_string();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::not_found().into_response();
    }
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        return (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed\n").into_response();
    }
    if files.is_empty() {
        return missing_dist(&files.dir, &path);
    }
    let key = if path == "/" {
        "/index.html"
    } else {
        path.as_str()
    };
    if let Some(asset) = files.assets.get(key) {
        return asset.response(req.headers(), head);
    }
    if !has_extension(&path) {
        let (bundle, varies) = page_bundle(&path, req.headers(), session_cookie);
        let page = format!("/{}", bundle.html_file());
        // A signed-in bundle's page here means the cookie was sent.
        let signed_in = bundle
            .signed_out_stand_in()
            .and_then(|_| files.assets.get(&signed_in_page_key(bundle)));
        if let Some(html) = signed_in.or_else(|| files.assets.get(&page)) {
            let mut response = html.response(req.headers(), head);
            if is_prefetch(req.headers()) {
                response.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(PREFETCHED_PAGE),
                );
            }
            if varies {
                // Beside `Vary: Accept-Encoding`, not instead of it.
                response
                    .headers_mut()
                    .append(header::VARY, HeaderValue::from_static("Cookie"));
            }
            return response;
        }
    }
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, NO_CACHE)],
        "Not found\n",
    )
        .into_response()
}

fn missing_dist(dir: &Path, path: &str) -> Response {
    let status = if path == "/" {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reclaim API</title></head>\
         <body><h1>Reclaim API server</h1><p>The API is running at <a href=\"/api/v1/openapi.json\">/api/v1</a>, \
         but the app bundle was not found in <code>{}</code>. Build it with <code>trunk build --release</code> \
         and restart, or pass <code>--dist DIR</code>.</p></body></html>",
        html_escape(&dir.display().to_string())
    );
    (status, [(header::CACHE_CONTROL, NO_CACHE)], Html(page)).into_response()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_inlined_into_index_html_as_inert_json() {
        let mut assets = HashMap::new();
        let html = "<html><head><title>x</title><script type=\"module\">init()</script></head><body></body></html>";
        assets.insert("/index.html".into(), Asset::new("/index.html", html));
        let json = r#"{"site_name": "</script><script>alert(1)</script>"}"#;
        assets.insert("/config.json".into(), Asset::new("/config.json", json));
        inline_config(&mut assets, "/index.html");
        let out = std::str::from_utf8(&assets["/index.html"].raw)
            .unwrap()
            .to_string();
        assert!(out.contains(r#"<script type="application/json" id="reclaim-config">{"site_name": "\u003c/script>\u003cscript>alert(1)\u003c/script>"}</script></head>"#), "{out}");
        // Still valid JSON with the same value once parsed.
        let start = out.find(r#"id="reclaim-config">"#).unwrap() + r#"id="reclaim-config">"#.len();
        let end = out[start..].find("</script>").unwrap() + start;
        let parsed: serde_json::Value = serde_json::from_str(&out[start..end]).unwrap();
        assert_eq!(parsed["site_name"], "</script><script>alert(1)</script>");
        // The CSP hashes the loader, not the data block.
        assert_eq!(crate::headers::inline_script_hashes(&out).len(), 1);
        // config.json itself stays served.
        assert!(assets.contains_key("/config.json"));
    }

    #[test]
    fn signed_in_pages_answer_sign_in_without_the_session_cookie() {
        use crate::routes::{SECURE_SESSION_COOKIE, SESSION_COOKIE};
        let cookies = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, HeaderValue::from_static(v));
            h
        };
        let none = HeaderMap::new();
        let other_cookie = cookies("theme=dark");
        // Over http the cookie is `reclaim_session`, over https
        // `__Host-reclaim_session`: each server looks for its own name only.
        for (name, with_session, the_other_name) in [
            (
                SESSION_COOKIE,
                cookies("theme=dark; reclaim_session=ses_x"),
                cookies("__Host-reclaim_session=ses_x"),
            ),
            (
                SECURE_SESSION_COOKIE,
                cookies("theme=dark; __Host-reclaim_session=ses_x"),
                cookies("reclaim_session=ses_x"),
            ),
        ] {
            for path in [
                "/checkup",
                "/checkup/authenticator",
                "/checkup/recovery-codes",
            ] {
                assert_eq!(
                    page_bundle(path, &none, name),
                    (Bundle::SignIn, true),
                    "{path}"
                );
                assert_eq!(
                    page_bundle(path, &other_cookie, name),
                    (Bundle::SignIn, true)
                );
                assert_eq!(
                    page_bundle(path, &the_other_name, name),
                    (Bundle::SignIn, true)
                );
                let (bundle, varies) = page_bundle(path, &with_session, name);
                assert!(varies && bundle == Bundle::for_path(path), "{path} {name}");
            }
            assert_eq!(page_bundle("/recover", &none, name), (Bundle::Start, false));
            assert_eq!(
                page_bundle("/sign-in", &with_session, name),
                (Bundle::SignIn, false)
            );
        }
    }

    #[test]
    fn hashed_names_are_immutable() {
        assert!(is_hashed("/reclaim-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed("/main-0123456789abcdef.css"));
        // Unpadded: this hash had a leading zero.
        assert!(is_hashed("/reclaim-d48cf17130677cf_bg.wasm"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/config.json"));
        assert!(!is_hashed("/favicon.svg"));
    }

    #[test]
    fn encoding_negotiation() {
        let mut h = HeaderMap::new();
        assert!(!accepts_encoding(&h, "br"));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br;q=0"),
        );
        assert!(accepts_encoding(&h, "gzip"));
        assert!(!accepts_encoding(&h, "br"));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("BR"));
        assert!(accepts_encoding(&h, "br"));
    }

    /// An answer hands out the asset's own bytes: serving the wasm to many
    /// browsers at once holds it in memory once.
    #[tokio::test]
    async fn answers_share_the_assets_bytes() {
        use http_body_util::BodyExt;
        let raw = "let x = 1;\n".repeat(200).into_bytes();
        let asset = Asset::new("/app-0123456789abcdef.js", raw);
        let mut br = HeaderMap::new();
        br.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
        for (accept, held) in [
            (HeaderMap::new(), &asset.raw),
            (br, asset.br.as_ref().unwrap()),
        ] {
            let body = asset.response(&accept, false).into_body();
            let sent = body.collect().await.unwrap().to_bytes();
            assert_eq!(sent.as_ptr(), held.as_ptr(), "the same bytes, not a copy");
            assert_eq!(sent.len(), held.len());
        }
    }

    #[test]
    fn compresses_text_and_picks_variant() {
        let raw = "let x = 1;\n".repeat(200).into_bytes();
        let asset = Asset::new("/app-0123456789abcdef.js", raw);
        assert!(asset.br.is_some() && asset.gz.is_some());
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, br"),
        );
        let res = asset.response(&h, false);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(res.headers()[header::VARY], "Accept-Encoding");
        assert_eq!(res.headers()[header::CACHE_CONTROL], IMMUTABLE);
        let res = asset.response(&HeaderMap::new(), false);
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
    }
}
