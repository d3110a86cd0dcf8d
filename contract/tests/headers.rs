//! Security headers: the strict CSP on the app, `nosniff` and
//! `no-referrer` everywhere, `no-store` on answers that carry a secret.
//!
//! Demo mode: the `no-store` checks on sign-in answers.

use reclaim_contract::{
    api, demo, demo_api, request_body, submit_request, unique, unique_email, unique_username, Resp,
};
use serde_json::json;

#[track_caller]
fn assert_common(r: &Resp) {
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{}: X-Content-Type-Options",
        r.what
    );
    assert_eq!(
        r.header("referrer-policy")
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("no-referrer"),
        "{}: Referrer-Policy",
        r.what
    );
}

#[track_caller]
fn assert_no_store(r: &Resp) {
    let cc = r.header("cache-control").unwrap_or("").to_ascii_lowercase();
    assert!(
        cc.contains("no-store"),
        "{}: Cache-Control no-store, got {cc:?}",
        r.what
    );
}

/// The directives of a CSP header: name → sources.
fn directives(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|d| {
            let mut parts = d.split_whitespace();
            let name = parts.next()?.to_ascii_lowercase();
            Some((name, parts.map(str::to_string).collect()))
        })
        .collect()
}

#[test]
fn app_is_served_with_the_strict_csp() {
    let api = api();
    let client = api.client();
    let r = client.get(&format!("{}/", api.app)).send();
    r.expect(200);
    assert!(
        r.content_type().starts_with("text/html"),
        "{}",
        r.content_type()
    );
    assert_common(&r);
    let csp = r
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("a Content-Security-Policy on /: {:?}", r.headers));
    let d = directives(csp);
    let get = |name: &str| {
        d.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("CSP has {name}: {csp}"))
    };
    let script = get("script-src");
    assert!(script.contains(&"'self'".to_string()), "{csp}");
    assert!(script.contains(&"'wasm-unsafe-eval'".to_string()), "{csp}");
    for bad in [
        "'unsafe-inline'",
        "'unsafe-eval'",
        "*",
        "data:",
        "http:",
        "https:",
    ] {
        assert!(
            !script.contains(&bad.to_string()),
            "script-src without {bad}: {csp}"
        );
    }
    assert_eq!(get("object-src"), vec!["'none'"], "{csp}");
    assert_eq!(get("base-uri"), vec!["'none'"], "{csp}");
    assert_eq!(get("frame-ancestors"), vec!["'none'"], "{csp}");
    // an unknown client route serves the app too (client-side routing), same headers
    let deep = client
        .get(&format!("{}/recover/forgot-password", api.app))
        .send();
    if deep.status == 200 {
        assert_common(&deep);
        assert!(deep.header("content-security-policy").is_some());
    }
}

#[test]
fn api_answers_carry_nosniff_and_no_referrer() {
    let api = api();
    let client = api.client();
    let answers = [
        client.post_json(
            "/password-reset",
            &json!({ "identifier": unique_username() }),
        ),
        client.post_json("/username-reminder", &json!({ "email": unique_email() })),
        client.post_json(
            "/login",
            &json!({ "username": unique_username(), "password": "x-x-x-x-x" }),
        ),
        client
            .post("/login")
            .header("Content-Type", "text/plain")
            .bytes("x")
            .send(),
        client.get("/no-such-endpoint").send(),
        client.get("/openapi.json").send(),
        client.get("/account/security").send(),
        submit_request(&client, &unique("key"), &request_body(&unique_username())),
    ];
    for r in &answers {
        assert!(r.status < 500, "{}: {}", r.what, r.status);
        assert_common(r);
    }
}

#[test]
fn api_answers_are_not_framable_html() {
    let api = api();
    let client = api.client();
    for r in [
        client.get("/no-such-endpoint").send(),
        client.post_json(
            "/password-reset",
            &json!({ "identifier": unique_username() }),
        ),
    ] {
        assert!(
            r.content_type().ends_with("json"),
            "{}: {}",
            r.what,
            r.content_type()
        );
        assert!(
            !r.text().trim_start().starts_with('<'),
            "{}: not HTML",
            r.what
        );
    }
}

#[test]
fn answers_with_secrets_are_not_stored() {
    let api = api();
    let client = api.client();
    let created = submit_request(&client, &unique("key"), &request_body(&unique_username()));
    created.expect(201);
    assert_no_store(&created);
    let c: reclaim_contract::api::RecoveryRequestCreated = created.parse();
    let status = client
        .get(&format!("/recovery-requests/{}", c.id))
        .header("Authorization", &format!("Bearer {}", c.status_token))
        .send();
    status.expect(200);
    assert_no_store(&status);
}

#[test]
fn sign_in_answers_are_not_stored() {
    let Some(api) = demo_api("sign_in_answers_are_not_stored") else {
        return;
    };
    let client = api.client();
    let session = client.login("bob", demo::password());
    session.expect(200);
    assert_no_store(&session);
    assert_common(&session);
    let security = client.get("/account/security").send();
    security.expect(200);
    assert_no_store(&security);
    let challenge = api.client().login("alice", demo::password());
    challenge.expect(200);
    assert_no_store(&challenge);
}

#[test]
fn demo_outbox_is_not_cached() {
    let Some(api) = demo_api("demo_outbox_is_not_cached") else {
        return;
    };
    let r = api.client().get("/demo/outbox").send();
    r.expect(200);
    assert_no_store(&r);
    assert_common(&r);
}
