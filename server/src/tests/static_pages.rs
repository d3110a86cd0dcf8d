//! The built app: each route gets its bundle's page (all of core's routes,
//! with and without a session cookie), with the strict security headers,
//! and assets with their encodings and caching.

use reclaim_core::route::Route;

use super::*;

#[tokio::test]
async fn app_routes_get_their_bundles_page_with_strict_headers() {
    let t = test_app();
    // Each route (core's list) gets the HTML of the bundle that serves it;
    // unknown paths get the start page's bundle, whose "Page not found"
    // explains. Without the session cookie, the signed-in pages get their
    // stand-in's (sign-in).
    let with_session = [("cookie", "reclaim_session=ses_x")];
    let routes = Route::all();
    type Headers<'a> = &'a [(&'a str, &'a str)];
    let mut cases: Vec<(String, Bundle, Headers)> = Vec::new();
    for route in &routes {
        let bundle = route.bundle();
        cases.push((
            route.path(),
            bundle.signed_out_stand_in().unwrap_or(bundle),
            &[],
        ));
        cases.push((route.path(), bundle, &with_session));
        cases.push((format!("{}/", route.path()), bundle, &with_session));
    }
    for path in ["/no-such-page", "/recover/no-such-branch", "/checkups"] {
        cases.push((path.to_string(), Bundle::Start, &[]));
    }
    // A signed-in page, to a browser with the cookie, names what it asks
    // for as it loads, for the browser to fetch while its code loads.
    let preloads = concat!(
        r#"<link rel="preload" href="/api/v1/session" as="fetch" crossorigin="use-credentials">"#,
        r#"<link rel="preload" href="/api/v1/account/security" as="fetch" crossorigin="use-credentials">"#,
    );
    for (path, bundle, cookies) in &cases {
        let r = t.req(Method::GET, path, None, cookies).await;
        let page = bundle_page(*bundle);
        let expected = if bundle.signed_out_stand_in().is_some() {
            page.replacen("<head>", &format!("<head>{preloads}"), 1)
        } else {
            page
        };
        assert_eq!(
            (r.status, r.text.as_str()),
            (StatusCode::OK, expected.as_str()),
            "{path} {cookies:?}"
        );
        let varies = r
            .headers
            .get_all(header::VARY)
            .iter()
            .any(|v| v == "Cookie");
        assert_eq!(
            varies,
            Bundle::for_path(path).signed_out_stand_in().is_some(),
            "{path}: caches must keep both answers apart"
        );
    }
    let r = t
        .req(
            Method::GET,
            "/checkup",
            None,
            &[("accept-encoding", "gzip")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-cache");
    // A page the browser prefetches stays fresh while a click may use it;
    // the same page asked for any other way is revalidated.
    for (path, purpose, cache) in [
        (
            "/recover/forgot-password",
            "prefetch",
            "private, max-age=300",
        ),
        ("/checkup", "prefetch;prerender", "private, max-age=300"),
        ("/recover/forgot-password", "prerender", "no-cache"),
        ("/index.html", "prefetch", "no-cache"),
    ] {
        let r = t
            .req(Method::GET, path, None, &[("sec-purpose", purpose)])
            .await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.headers[header::CACHE_CONTROL], cache, "{path} {purpose}");
    }
    // Both reasons the answer varies, side by side.
    let vary: Vec<_> = r.headers.get_all(header::VARY).iter().collect();
    assert!(vary.iter().any(|v| *v == "Cookie"), "{vary:?}");
    if r.headers.contains_key(header::CONTENT_ENCODING) {
        assert!(vary.iter().any(|v| *v == "Accept-Encoding"), "{vary:?}");
    }
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    for bundle in Bundle::ALL {
        let hash = crate::headers::inline_script_hashes(&bundle_page(bundle)).remove(0);
        assert!(csp.contains(&format!("'{hash}'")), "{csp}");
    }
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY");
    assert!(!r.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    let r = t
        .req(
            Method::GET,
            "/reclaim-0123456789abcdef.js",
            None,
            &[("accept-encoding", "br, gzip")],
        )
        .await;
    assert_eq!(r.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(
        r.headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let r = t.req(Method::GET, "/missing.png", None, &[]).await;
    assert_eq!(r.status, 404);
    let r = t.req(Method::GET, "/api/v1/openapi.json", None, &[]).await;
    assert_eq!(r.body["openapi"], "3.1.0");
    // The API's answers load nothing; its problems too.
    for path in ["/api/v1/openapi.json", "/api/v1/no-such-thing"] {
        let r = t.req(Method::GET, path, None, &[]).await;
        assert_eq!(
            r.headers[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'; frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
