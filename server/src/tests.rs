//! In-process tests of the router (no socket): the key flows end to end.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::app::{router, App, AppState, Settings};
use crate::clock::Clock;
use crate::crypto::Hasher;
use crate::demo;
use crate::headers::SecurityHeaders;
use crate::mail::Mailer;
use crate::passwords::PasswordWork;
use crate::static_files::{Asset, StaticFiles};
use crate::store::Db;
use crate::totp;

const INDEX: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/start-0123456789abcdef.js';init();</script></head><body></body></html>";
const RECOVER_SIGN_IN: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/recover-sign-in-0123456789abcdef.js';init();</script></head><body></body></html>";
const REQUEST: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/request-0123456789abcdef.js';init();</script></head><body></body></html>";
const REVIEW: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/request-review-0123456789abcdef.js';init();</script></head><body></body></html>";
const STATUS: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/status-0123456789abcdef.js';init();</script></head><body></body></html>";
const CHECKUP_CODES: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/checkup-recovery-codes-0123456789abcdef.js';init();</script></head><body></body></html>";
const CHECKUP: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/checkup-0123456789abcdef.js';init();</script></head><body></body></html>";
const RECOVER_STEPS: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/recover-steps-0123456789abcdef.js';init();</script></head><body></body></html>";
const SIGN_IN: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/sign-in-0123456789abcdef.js';init();</script></head><body></body></html>";

struct T {
    app: Router,
    state: AppState,
}

struct Res {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
    text: String,
}

fn test_app() -> T {
    test_app_with(|_| {})
}

fn test_app_with(configure: impl FnOnce(&mut Settings)) -> T {
    let mut settings = Settings::for_tests();
    configure(&mut settings);
    let db = Db::memory();
    let hasher = Hasher::fast_for_tests();
    let clock = Clock::default();
    let (h, now) = (hasher.clone(), clock.now());
    let key = crate::crypto::ServerKey::ephemeral();
    db.blocking(|c| demo::seed(c, &h, &key, now)).unwrap();
    let mut files = StaticFiles::load(std::path::Path::new("/nonexistent"));
    for (page, html) in [
        ("/index.html", INDEX),
        ("/recover-steps.html", RECOVER_STEPS),
        ("/recover-sign-in.html", RECOVER_SIGN_IN),
        ("/request.html", REQUEST),
        ("/request-review.html", REVIEW),
        ("/status.html", STATUS),
        ("/sign-in.html", SIGN_IN),
        ("/checkup.html", CHECKUP),
        ("/checkup-recovery-codes.html", CHECKUP_CODES),
    ] {
        files
            .assets
            .insert(page.into(), Asset::new(page, html.as_bytes().to_vec()));
    }
    files.assets.insert(
        "/reclaim-0123456789abcdef.js".into(),
        Asset::new(
            "/reclaim-0123456789abcdef.js",
            "export default 1;\n".repeat(50).into_bytes(),
        ),
    );
    let headers = SecurityHeaders::new(&files.bundle_pages(), false);
    let state = Arc::new(App {
        db,
        clock,
        passwords: PasswordWork::new(hasher, 2, 32),
        key,
        mailer: Mailer::default(),
        settings,
        files,
        headers,
    });
    T {
        app: router(state.clone()),
        state,
    }
}

impl Res {
    /// The answer is a problem document with this status and machine code.
    fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status.as_u16(), self.body["code"].as_str()),
            (status, Some(code)),
            "body: {}",
            self.body
        );
    }
}

impl T {
    async fn req(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        hdrs: &[(&str, &str)],
    ) -> Res {
        let mut b = Request::builder().method(method).uri(path);
        if body.is_some() {
            b = b.header(header::CONTENT_TYPE, "application/json");
        }
        for (k, v) in hdrs {
            b = b.header(*k, *v);
        }
        let req = b
            .body(
                body.map(|v| Body::from(v.to_string()))
                    .unwrap_or_else(Body::empty),
            )
            .unwrap();
        self.raw(req).await
    }

    async fn raw(&self, req: Request<Body>) -> Res {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        Res {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        }
    }

    async fn post(&self, path: &str, body: Value) -> Res {
        self.req(Method::POST, &format!("/api/v1{path}"), Some(body), &[])
            .await
    }

    async fn outbox(&self, to: &str) -> Vec<Value> {
        let r = self
            .req(
                Method::GET,
                &format!("/api/v1/demo/outbox?to={to}"),
                None,
                &[("host", "127.0.0.1:8080")],
            )
            .await;
        r.body["mails"].as_array().cloned().unwrap_or_default()
    }

    /// Sign in a user without two-factor; returns (cookie header, csrf).
    async fn sign_in(&self, user: &str) -> (String, String) {
        let r = self
            .post(
                "/login",
                json!({"username": user, "password": demo::PASSWORD}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["result"], "session");
        let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
        let pair = cookie.split(';').next().unwrap().to_string();
        (pair, r.body["csrf_token"].as_str().unwrap().to_string())
    }

    async fn alice_challenge(&self) -> String {
        let r = self
            .post(
                "/login",
                json!({"username": "alice", "password": demo::PASSWORD}),
            )
            .await;
        assert_eq!(r.body["result"], "second_factor", "{}", r.text);
        r.body["token"].as_str().unwrap().to_string()
    }
}

fn alice_secret() -> Vec<u8> {
    totp::base32_decode(demo::ALICE_TOTP_SECRET).unwrap()
}

#[tokio::test]
async fn password_login_session_cookie_and_csrf() {
    let t = test_app();
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::PASSWORD}),
        )
        .await;
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/")
    );
    assert!(!cookie.contains("Secure"), "loopback http: no Secure flag");
    let (cookie, csrf) = t.sign_in("bob").await;
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["username"], "bob");
    assert_eq!(r.body["totp_enabled"], false);
    assert_eq!(r.body["recovery_codes"]["unused"], 0);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let r = t
        .req(Method::POST, "/api/v1/logout", None, &[("cookie", &cookie)])
        .await;
    r.assert_problem(403, "csrf_failed");
    let r = t
        .req(
            Method::POST,
            "/api/v1/logout",
            None,
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, 204);
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &cookie)],
        )
        .await;
    r.assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn login_failure_is_identical_for_unknown_accounts() {
    let t = test_app();
    let a = t
        .post(
            "/login",
            json!({"username": "bob", "password": "wrong-password"}),
        )
        .await;
    let b = t
        .post(
            "/login",
            json!({"username": "nobody", "password": "wrong-password"}),
        )
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.body["code"], "invalid_credentials");
    assert_eq!((a.status, &a.text), (b.status, &b.text));
    assert_eq!(a.headers, b.headers);
}

#[tokio::test]
async fn recovery_codes_at_sign_in_match_pypi() {
    let t = test_app();
    let r = t
        .post(
            "/login",
            json!({"username": "alice", "password": demo::PASSWORD}),
        )
        .await;
    assert_eq!(r.body["methods"], json!(["totp", "recovery_code"]));
    assert_eq!(
        r.body["recovery_codes"],
        json!({"generated_at": "2026-03-02T09:15:00Z", "unused": 7})
    );
    assert_eq!(r.body["expires_in"], 300);
    let token = r.body["token"].as_str().unwrap().to_string();
    let send = |code: &str| {
        t.post(
            "/login/recovery-code",
            json!({"token": token, "code": code}),
        )
    };
    let r = send(demo::ALICE_CODES[0]).await;
    r.assert_problem(401, "recovery_code_used");
    assert_eq!(r.body["detail"], "Recovery code has been previously used.");
    let r = send(demo::ALICE_OLD_CODES[3]).await;
    assert_eq!(r.body["code"], "recovery_code_invalid");
    assert_eq!(r.body["detail"], "Invalid recovery code.");
    let r = send("not-a-code").await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "recovery_code_format");
    assert_eq!(r.body["errors"][0]["pointer"], "/code");
    let r = send("123 456").await;
    assert_eq!(r.body["errors"][0]["code"], "looks_like_totp_code");
    // Pasted with spaces and upper case: normalised like PyPI.
    let spaced = demo::ALICE_CODES[1]
        .to_uppercase()
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    let r = send(&spaced).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["result"], "session");
    let mails = t.outbox("alice@example.org").await;
    assert_eq!(mails[0]["subject"], "A recovery code was used to sign in");
    // The challenge is spent, and the code is now burned.
    let r = send(demo::ALICE_CODES[2]).await;
    assert_eq!(r.body["code"], "challenge_expired");
    let token = t.alice_challenge().await;
    let r = t
        .post(
            "/login/recovery-code",
            json!({"token": token, "code": demo::ALICE_CODES[1]}),
        )
        .await;
    assert_eq!(r.body["code"], "recovery_code_used");
}

#[tokio::test]
async fn totp_window_reuse_drift_and_expiry() {
    let t = test_app();
    let now = t.state.clock.now();
    let token = t.alice_challenge().await;
    let drifted = {
        let step = now / totp::STEP;
        // A code 5 steps ahead that is not also a code of the ±1 window.
        let near: Vec<String> = (-1..=1)
            .map(|o| totp::current_code(&alice_secret(), (step + o) * totp::STEP))
            .collect();
        let c = totp::current_code(&alice_secret(), (step + 5) * totp::STEP);
        (!near.contains(&c)).then_some(c)
    };
    if let Some(code) = drifted {
        let r = t
            .post("/login/totp", json!({"token": token, "code": code}))
            .await;
        assert_eq!(r.body["code"], "totp_out_of_sync", "{}", r.text);
    }
    let code = totp::current_code(&alice_secret(), t.state.clock.now());
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
    let token = t.alice_challenge().await;
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    r.assert_problem(401, "totp_invalid");
    let r = t
        .post(
            "/login/totp",
            json!({"token": token, "code": demo::ALICE_CODES[3]}),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "looks_like_recovery_code");
    t.state.clock.advance(301);
    let code = totp::current_code(&alice_secret(), t.state.clock.now());
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    assert_eq!(r.body["code"], "challenge_expired");
}

#[tokio::test]
async fn login_limit_counts_failures_per_username() {
    let t = test_app();
    for _ in 0..12 {
        t.sign_in("bob").await;
    }
    for _ in 0..10 {
        let r = t
            .post(
                "/login",
                json!({"username": "bob", "password": "wrong-password"}),
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.body["code"], "rate_limited");
    assert_eq!(r.headers[header::RETRY_AFTER], "300");
    // An unknown name is limited exactly the same way.
    for _ in 0..10 {
        t.post(
            "/login",
            json!({"username": "nobody", "password": "wrong-password"}),
        )
        .await;
    }
    let r = t
        .post("/login", json!({"username": "nobody", "password": "x"}))
        .await;
    assert_eq!(r.status, 429);
}

#[tokio::test]
async fn second_factor_attempts_are_limited() {
    let t = test_app();
    let token = t.alice_challenge().await;
    for _ in 0..5 {
        let r = t
            .post(
                "/login/recovery-code",
                json!({"token": token, "code": "0000000000000000"}),
            )
            .await;
        assert_eq!(r.body["code"], "recovery_code_invalid");
    }
    let r = t
        .post(
            "/login/recovery-code",
            json!({"token": token, "code": "0000000000000000"}),
        )
        .await;
    assert_eq!(r.status, 429);
    let wait: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 300);
}

#[tokio::test]
async fn password_reset_is_uniform_and_mails_only_verified_addresses() {
    let t = test_app();
    let a = t
        .post("/password-reset", json!({"identifier": "bob"}))
        .await;
    let b = t
        .post("/password-reset", json!({"identifier": "nobody-here"}))
        .await;
    let c = t
        .post(
            "/password-reset",
            json!({"identifier": "carol@example.org"}),
        )
        .await;
    assert_eq!(a.status, 202);
    for other in [&b, &c] {
        assert_eq!(
            (a.status, &a.text, &a.headers),
            (other.status, &other.text, &other.headers)
        );
    }
    let mails = t.outbox("bob@example.org").await;
    assert_eq!(mails.len(), 1);
    let body = mails[0]["body"].as_str().unwrap();
    let token = body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert!(t.outbox("carol@example.org").await.is_empty());
    // The link sets a new password once.
    let r = t
        .post(
            "/password-reset/confirm",
            json!({"token": token, "new_password": "a-new-long-password"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = t
        .post(
            "/password-reset/confirm",
            json!({"token": token, "new_password": "a-new-long-password"}),
        )
        .await;
    assert_eq!(r.body["code"], "reset_token_invalid");
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": "a-new-long-password"}),
        )
        .await;
    assert_eq!(r.status, 200);
    for _ in 0..4 {
        assert_eq!(
            t.post("/password-reset", json!({"identifier": "nobody-here"}))
                .await
                .status,
            202
        );
    }
    let r = t
        .post("/password-reset", json!({"identifier": "Nobody-Here"}))
        .await;
    assert_eq!(r.status, 429);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
}

fn request_body() -> Value {
    json!({
        "username": "alice",
        "contact_email": "new-address@example.org",
        "reason": "lost_2fa",
        "details": "I lost the phone with my authenticator app in May.\nThe codes do not work.",
        "lost_access_on": "2026-01-14",
        "previous_emails": ["old@example.com"],
        "packages": ["example-package"],
        "recovery_codes_status": "not_working",
        "email_proof": null,
        "accepted_code_of_conduct": true,
        "acknowledged_delay": true
    })
}

#[tokio::test]
async fn recovery_request_idempotency_and_status() {
    let t = test_app();
    let path = "/api/v1/recovery-requests";
    let r = t.req(Method::POST, path, Some(request_body()), &[]).await;
    r.assert_problem(400, "idempotency_key_missing");
    let first = t
        .req(
            Method::POST,
            path,
            Some(request_body()),
            &[("idempotency-key", "k-1")],
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let id = first.body["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("RR-") && id.len() == "RR-2026-000001".len());
    assert_eq!(first.body["status"], "received");
    let again = t
        .req(
            Method::POST,
            path,
            Some(request_body()),
            &[("idempotency-key", "k-1")],
        )
        .await;
    assert_eq!((again.status, &again.text), (first.status, &first.text));
    let mut other = request_body();
    other["details"] = json!("Something else entirely happened to my account.");
    let r = t
        .req(
            Method::POST,
            path,
            Some(other),
            &[("idempotency-key", "k-1")],
        )
        .await;
    r.assert_problem(422, "idempotency_key_reused");

    let token = first.body["status_token"].as_str().unwrap();
    // The replay answered the token, but nothing stored holds it.
    let t2 = token.to_string();
    let stored: Vec<String> = t
        .state
        .db
        .call(move |c| {
            let mut st = c.prepare("SELECT response FROM idempotency_keys")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
        .unwrap();
    assert!(
        !stored.is_empty() && stored.iter().all(|r| !r.contains(&t2)),
        "{stored:?}"
    );
    let auth = format!("Bearer {token}");
    let r = t
        .req(
            Method::GET,
            &format!("{path}/{id}"),
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["timeline"][0]["status"], "received");
    let wrong = t
        .req(
            Method::GET,
            &format!("{path}/{id}"),
            None,
            &[("authorization", "Bearer st_nope")],
        )
        .await;
    let unknown = t
        .req(
            Method::GET,
            &format!("{path}/RR-2026-999999"),
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(wrong.status, 404);
    assert_eq!((wrong.status, &wrong.text), (unknown.status, &unknown.text));

    // A second request for the same username is answered the same way.
    let second = t
        .req(
            Method::POST,
            path,
            Some(request_body()),
            &[("idempotency-key", "k-2")],
        )
        .await;
    assert_eq!(second.status, 201);
    assert_ne!(second.body["id"], first.body["id"]);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&second.body), keys(&first.body));

    // Support moves it; the status page and a mail show it.
    let out = crate::ops::set_status(
        &t.state.db,
        &id,
        "in_review",
        Some("We are checking your packages."),
    )
    .unwrap();
    assert!(out.contains("in_review"));
    let r = t
        .req(
            Method::GET,
            &format!("{path}/{id}"),
            None,
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(r.body["status"], "in_review");
    assert_eq!(
        r.body["timeline"][1]["note"],
        "We are checking your packages."
    );
    let mails = t.outbox("new-address@example.org").await;
    assert!(mails[0]["subject"]
        .as_str()
        .unwrap()
        .contains("was updated"));
    assert!(crate::ops::show(&t.state.db, &id)
        .unwrap()
        .contains("attachments:"));
}

#[tokio::test]
async fn invalid_requests_get_field_errors() {
    let t = test_app();
    let mut body = request_body();
    body["contact_email"] = json!("old@example.com");
    body["acknowledged_delay"] = json!(false);
    let r = t
        .req(
            Method::POST,
            "/api/v1/recovery-requests",
            Some(body),
            &[("idempotency-key", "k")],
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.body["code"].as_str()),
        (422, Some("validation_failed")),
        "{}",
        r.text
    );
    let pointers: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert!(
        pointers.contains(&"/contact_email") && pointers.contains(&"/acknowledged_delay"),
        "{pointers:?}"
    );
    assert!(r.body["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let mut body = request_body();
    body["username"] = json!("alice\u{0}");
    let r = t
        .req(
            Method::POST,
            "/api/v1/recovery-requests",
            Some(body),
            &[("idempotency-key", "k2")],
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "control_characters");
}

#[tokio::test]
async fn every_bad_body_is_a_problem_document() {
    let t = test_app();
    let req = |ct: &str, body: Vec<u8>| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/login")
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    let cases = [
        (
            req("text/plain", b"{}".to_vec()),
            415,
            "unsupported_media_type",
        ),
        (
            req("application/json", b"{\"username\":".to_vec()),
            400,
            "malformed_json",
        ),
        (
            req(
                "application/json",
                br#"{"username":"a","password":"b","x":1}"#.to_vec(),
            ),
            422,
            "invalid_body",
        ),
        (
            req(
                "application/json",
                br#"{"username":1,"password":"b"}"#.to_vec(),
            ),
            422,
            "invalid_body",
        ),
        (
            req("application/json", vec![b' '; 70_000]),
            413,
            "payload_too_large",
        ),
    ];
    for (r, status, code) in cases {
        let res = t.raw(r).await;
        assert_eq!(res.status.as_u16(), status, "{code}: {}", res.text);
        assert_eq!(res.body["code"], code);
        assert_eq!(
            res.headers[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
    let r = t.req(Method::GET, "/api/v1/no-such-thing", None, &[]).await;
    r.assert_problem(404, "not_found");
    let r = t.req(Method::GET, "/api/v1/login", None, &[]).await;
    r.assert_problem(405, "method_not_allowed");
}

#[tokio::test]
async fn app_routes_get_their_bundles_page_with_strict_headers() {
    let t = test_app();
    // Each path gets the HTML of the bundle that serves it; unknown paths
    // get the public bundle, whose "Page not found" explains. Without the
    // session cookie, the signed-in pages get sign-in's.
    let with_session = [("cookie", "reclaim_session=ses_x")];
    for (path, page, cookies) in [
        ("/", INDEX, &[][..]),
        ("/recover", INDEX, &[]),
        (
            "/recover/forgot-password/check-your-email",
            RECOVER_STEPS,
            &[],
        ),
        ("/recover/lost-2fa/sign-in", RECOVER_SIGN_IN, &[]),
        ("/recover/reset-password", RECOVER_STEPS, &[]),
        ("/no-such-page", INDEX, &[]),
        ("/request", REQUEST, &[]),
        ("/request/check", REVIEW, &[]),
        ("/request/confirmation", REVIEW, &[]),
        ("/status", STATUS, &[]),
        ("/sign-in", SIGN_IN, &[]),
        ("/checkup", SIGN_IN, &[]),
        ("/checkup/recovery-codes", SIGN_IN, &[]),
        ("/checkup", CHECKUP, &with_session),
        ("/checkup/recovery-codes", CHECKUP_CODES, &with_session),
    ] {
        let r = t.req(Method::GET, path, None, cookies).await;
        assert_eq!(
            (r.status, r.text.as_str()),
            (StatusCode::OK, page),
            "{path}"
        );
        let varies = r
            .headers
            .get_all(header::VARY)
            .iter()
            .any(|v| v == "Cookie");
        assert_eq!(
            varies,
            path.starts_with("/checkup"),
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
    // Both reasons the answer varies, side by side.
    let vary: Vec<_> = r.headers.get_all(header::VARY).iter().collect();
    assert!(vary.iter().any(|v| *v == "Cookie"), "{vary:?}");
    if r.headers.contains_key(header::CONTENT_ENCODING) {
        assert!(vary.iter().any(|v| *v == "Accept-Encoding"), "{vary:?}");
    }
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    for page in [
        INDEX,
        RECOVER_STEPS,
        SIGN_IN,
        RECOVER_SIGN_IN,
        REQUEST,
        REVIEW,
        STATUS,
        CHECKUP,
        CHECKUP_CODES,
    ] {
        let hash = crate::headers::inline_script_hashes(page).remove(0);
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
}

#[tokio::test]
async fn checkup_regenerates_codes_and_adds_an_authenticator() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    r.assert_problem(403, "reauth_required");
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/reauth",
            Some(json!({"password": "nope-nope"})),
            &h,
        )
        .await;
    assert_eq!(r.body["code"], "password_incorrect");
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/reauth",
            Some(json!({"password": demo::PASSWORD})),
            &h,
        )
        .await;
    assert_eq!(r.body["valid_for"], 300);
    // No codes without an authenticator: they would lock bob out.
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    r.assert_problem(409, "totp_required");

    let r = t.req(Method::POST, "/api/v1/account/totp", None, &h).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let secret = r.body["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 32);
    assert!(r.body["otpauth_uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/PyPI:bob?secret="));
    let code = totp::current_code(&totp::base32_decode(&secret).unwrap(), t.state.clock.now());
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/totp/confirm",
            Some(json!({"code": code})),
            &h,
        )
        .await;
    assert_eq!(r.body["totp_enabled"], true, "{}", r.text);
    assert!(r.body["totp_changed_at"].is_string(), "{}", r.text);

    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let codes: Vec<String> = serde_json::from_value(r.body["codes"].clone()).unwrap();
    assert_eq!(codes.len(), 8);
    assert!(codes.iter().all(|c| c.len() == 16
        && c.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())));
    let filename = r.body["filename"].as_str().unwrap();
    assert_eq!(
        filename,
        format!(
            "PyPI-Recovery-Codes-bob-{}.txt",
            r.body["generated_at"].as_str().unwrap()
        )
    );
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/recovery-codes/confirm",
            Some(json!({"code": codes[4]})),
            &h,
        )
        .await;
    assert_eq!(r.body["unused"], 7, "{}", r.text);
    let r = t
        .req(Method::GET, "/api/v1/account/security", None, &h)
        .await;
    assert_eq!(r.body["recovery_codes_proven"], true, "{}", r.text);
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/recovery-codes/confirm",
            Some(json!({"code": codes[4]})),
            &h,
        )
        .await;
    r.assert_problem(422, "recovery_code_used");

    // Removing the authenticator deletes the codes with it.
    let r = t
        .req(Method::DELETE, "/api/v1/account/totp", None, &h)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totp_enabled"], false);
    assert_eq!(
        r.body["recovery_codes"],
        json!({"generated_at": null, "unused": 0})
    );
    let r = t
        .req(Method::DELETE, "/api/v1/account/totp", None, &h)
        .await;
    r.assert_problem(409, "totp_not_enabled");
    let subjects: Vec<String> = t
        .outbox("bob@example.org")
        .await
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect();
    assert!(subjects.contains(&"An authenticator app was added to your account".to_string()));
    assert!(subjects.contains(&"New recovery codes were generated".to_string()));
    assert!(subjects.contains(&"The authenticator app was removed from your account".to_string()));
    // bob signs in with his password alone again.
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::PASSWORD}),
        )
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
}

#[tokio::test]
async fn security_lists_projects_and_when_the_authenticator_changed() {
    let t = test_app();
    let r = t
        .post(
            "/login",
            json!({"username": "carol", "password": demo::PASSWORD}),
        )
        .await;
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap().to_string();
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &pair)],
        )
        .await;
    assert_eq!(
        r.body["projects"],
        json!([{"name": "carols-notes", "repository_url": null}])
    );
    assert_eq!(r.body["totp_changed_at"], Value::Null);
    assert_eq!(r.body["recovery_codes_predate_totp"], false);
    assert_eq!(r.body["recovery_codes_proven"], false);
}

#[tokio::test]
async fn email_code_gives_a_proof() {
    let t = test_app();
    let r = t
        .post("/email-verification", json!({"email": "carol@example.org"}))
        .await;
    assert_eq!(r.status, 202);
    let mail = t.outbox("carol@example.org").await.remove(0);
    let body = mail["body"].as_str().unwrap();
    let code = body
        .split_whitespace()
        .find(|w| w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap();
    let r = t
        .post(
            "/email-verification/confirm",
            json!({"email": "carol@example.org", "code": "00000000"}),
        )
        .await;
    assert_eq!(r.body["code"], "email_code_invalid");
    let r = t
        .post(
            "/email-verification/confirm",
            json!({"email": "Carol@example.org", "code": code}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["proof"].as_str().unwrap().starts_with("ep_"));
}

#[tokio::test]
async fn api_tokens_are_named_by_the_configured_prefix() {
    let t = test_app_with(|s| s.api_token_prefix = "crates-".into());
    let token = t.alice_challenge().await;
    let pasted = format!("crates-{}", "A".repeat(40));
    let r = t
        .post("/login/totp", json!({"token": token, "code": pasted}))
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["code"], "looks_like_api_token");
    // PyPI's prefix is just text for this registry.
    let r = t
        .post(
            "/login/totp",
            json!({"token": token, "code": format!("pypi-{}", "A".repeat(40))}),
        )
        .await;
    assert_ne!(
        r.body["errors"][0]["code"], "looks_like_api_token",
        "{}",
        r.text
    );
}

#[tokio::test]
async fn every_documented_route_is_routed_and_demo_ones_only_in_demo() {
    let (paths, _) = crate::routes::table::documented();
    for demo in [true, false] {
        let t = test_app_with(|s| s.demo = demo);
        for (path, item) in &paths.paths {
            let methods = [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::DELETE, item.delete.is_some()),
            ];
            for (method, _) in methods.into_iter().filter(|(_, documented)| *documented) {
                let uri = format!("/api/v1{}", path.replace("{id}", "RR-2026-000001"));
                let r = t
                    .req(method.clone(), &uri, None, &[("host", "localhost")])
                    .await;
                let routed =
                    r.body["code"] != "method_not_allowed" && r.body["title"] != "Not found";
                let expect = demo || !path.starts_with("/demo/");
                assert_eq!(routed, expect, "{method} {path} (demo {demo}): {}", r.text);
            }
        }
    }
}

/// The per-username daily cap (100 failures, NIST SP 800-63B) is reached by
/// strangers over a day; a browser that signed in before is not in that
/// bucket and still gets in, while a stranger's right password is refused.
#[tokio::test]
async fn a_known_device_is_not_locked_out_by_the_daily_cap() {
    let t = test_app();
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let device = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("reclaim_device="))
        .expect("a device cookie at sign-in")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // 100 failures, 10 per 5-minute window.
    for _ in 0..10 {
        for _ in 0..10 {
            let r = t
                .post("/login", json!({"username": "bob", "password": "wrong-pw"}))
                .await;
            r.assert_problem(401, "invalid_credentials");
        }
        t.state.clock.advance(301);
    }
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::PASSWORD}),
        )
        .await;
    r.assert_problem(429, "rate_limited");
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 3600, "the daily cap: {wait} s");
    // The known device: its own bucket.
    let r = t
        .req(
            Method::POST,
            "/api/v1/login",
            Some(json!({"username": "bob", "password": demo::PASSWORD})),
            &[("cookie", &device)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["result"], "session");
    // Whatever the case of the username typed; a failure there counts in the
    // device's bucket. A forgotten device (after a password reset) is a
    // stranger again.
    let r = t
        .req(
            Method::POST,
            "/api/v1/login",
            Some(json!({"username": "Bob", "password": "wrong-pw"})),
            &[("cookie", &device)],
        )
        .await;
    r.assert_problem(401, "invalid_credentials");
    t.state
        .db
        .call(|c| {
            let uid: i64 = c.query_row("SELECT id FROM users WHERE username = 'bob'", [], |r| {
                r.get(0)
            })?;
            Ok(crate::store::devices::forget_all_of(c, uid)?)
        })
        .await
        .unwrap();
    let r = t
        .req(
            Method::POST,
            "/api/v1/login",
            Some(json!({"username": "bob", "password": demo::PASSWORD})),
            &[("cookie", &device)],
        )
        .await;
    r.assert_problem(429, "rate_limited");
}

/// The `Set-Cookie` values of an answer.
fn set_cookies(r: &Res) -> Vec<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_prefixed() {
    let t = test_app_with(|s| {
        s.public_url = "https://pypi.example.org".into();
        s.secure = true;
    });
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let csrf = r.body["csrf_token"].as_str().unwrap().to_string();
    let cookies = set_cookies(&r);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-reclaim_session="))
        .unwrap_or_else(|| panic!("a __Host- session cookie: {cookies:?}"));
    // What the prefix demands: Secure, Path=/, no Domain.
    assert!(session.contains("; Secure") && session.contains("; Path=/"));
    assert!(
        !session.to_ascii_lowercase().contains("domain="),
        "{session}"
    );
    assert!(
        !cookies.iter().any(|c| c.starts_with("reclaim_session=")),
        "{cookies:?}"
    );
    let pair = session.split(';').next().unwrap().to_string();
    let token = pair.split_once('=').unwrap().1.to_string();
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &pair)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The same token under the plain name is no session over https (anyone
    // who can set a cookie for the site could plant that one).
    let plain = format!("reclaim_session={token}");
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &plain)],
        )
        .await;
    r.assert_problem(401, "unauthenticated");
    // The signed-out stand-in page goes by the prefixed name too.
    let r = t
        .req(Method::GET, "/checkup", None, &[("cookie", &pair)])
        .await;
    assert_eq!(r.text, CHECKUP);
    let r = t
        .req(Method::GET, "/checkup", None, &[("cookie", &plain)])
        .await;
    assert_eq!(r.text, SIGN_IN);
    // Signing out clears the prefixed cookie.
    let r = t
        .req(
            Method::POST,
            "/api/v1/logout",
            None,
            &[("cookie", &pair), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(set_cookies(&r)
        .iter()
        .any(|c| c.starts_with("__Host-reclaim_session=;") && c.contains("Max-Age=0")));
    // Over plain http (loopback) the name stays `reclaim_session`.
    let (pair, _) = test_app().sign_in("bob").await;
    assert!(pair.starts_with("reclaim_session="), "{pair}");
}

#[tokio::test]
async fn authenticator_secrets_are_stored_sealed_and_still_work() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/reauth",
            Some(json!({"password": demo::PASSWORD})),
            &h,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = t.req(Method::POST, "/api/v1/account/totp", None, &h).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let secret = r.body["secret"].as_str().unwrap().to_string();
    let row = |t: &T| {
        t.state.db.blocking(|c| {
            Ok(c.query_row(
                "SELECT id, totp_secret, totp_pending_secret FROM users WHERE username = 'bob'",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                },
            )?)
        })
    };
    let (bob, _, pending) = row(&t).unwrap();
    let pending = pending.expect("a pending setup");
    assert!(
        crate::crypto::is_sealed(&pending) && !pending.contains(&secret),
        "stored as {pending}"
    );
    assert_eq!(t.state.key.open_totp(bob, &pending), Some(secret.clone()));
    let bytes = totp::base32_decode(&secret).unwrap();
    let code = totp::current_code(&bytes, t.state.clock.now());
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/totp/confirm",
            Some(json!({"code": code})),
            &h,
        )
        .await;
    assert_eq!(r.body["totp_enabled"], true, "{}", r.text);
    let (_, stored, pending) = row(&t).unwrap();
    let stored = stored.expect("set up");
    assert!(crate::crypto::is_sealed(&stored) && !stored.contains(&secret));
    assert_eq!(pending, None);
    // Round trip: bob now signs in with the authenticator's next code.
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::PASSWORD}),
        )
        .await;
    assert_eq!(r.body["result"], "second_factor", "{}", r.text);
    let token = r.body["token"].as_str().unwrap().to_string();
    let next = totp::current_code(&bytes, t.state.clock.now() + totp::STEP);
    let r = t
        .post("/login/totp", json!({"token": token, "code": next}))
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
    // alice's fixed demo secret is sealed too, and her codes still work.
    let token = t.alice_challenge().await;
    let code = totp::current_code(&alice_secret(), t.state.clock.now());
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
}

#[tokio::test]
async fn security_notices_are_capped_per_address_and_say_so() {
    let t = test_app();
    let now = t.state.clock.now();
    let notice = crate::mail::templates::authenticator_added("bob");
    t.state
        .db
        .blocking(|c| {
            for _ in 0..15 {
                crate::mail::queue_notice(c, "Bob@Example.org", &notice, now)?;
            }
            // The global budget is not involved, and other addresses are not.
            crate::mail::queue_notice(c, "alice@example.org", &notice, now)?;
            Ok(())
        })
        .unwrap();
    let bob = t.outbox("bob@example.org").await;
    assert_eq!(bob.len(), 10, "10 notices an hour per address");
    let newest = bob[0]["body"].as_str().unwrap();
    assert!(newest.contains("held back"), "the tenth says so: {newest}");
    assert!(!bob[1]["body"].as_str().unwrap().contains("held back"));
    assert_eq!(t.outbox("alice@example.org").await.len(), 1);
    // An hour later there is room again (and 30 a day in all).
    t.state
        .db
        .blocking(|c| {
            crate::mail::queue_notice(c, "bob@example.org", &notice, now + 3601)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(t.outbox("bob@example.org").await.len(), 11);
}
