//! In-process tests of the router (no socket): the key flows end to end,
//! one module per area. This module is the harness: an app on an
//! in-memory database with the demo seed, a page per bundle (from
//! `Bundle::ALL`), and requests whose problem answers are checked against
//! the OpenAPI document (each must be a status and code its operation lists).

mod api;
mod checkup;
mod login;
mod repository_proofs;
mod requests;
mod security_keys;
mod self_service;
mod static_pages;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use reclaim_core::bundle::Bundle;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::app::router;
use crate::clock::Clock;
use crate::crypto::Hasher;
use crate::demo;
use crate::headers::SecurityHeaders;
use crate::mail::Mailer;
use crate::passwords::PasswordWork;
use crate::state::{App, AppState, Settings};
use crate::static_files::{Asset, StaticFiles};
use crate::store::Db;
use crate::totp;

/// The test app's page for `bundle`: an inline loader of its own script
/// (so the CSP hashes one script per page).
fn bundle_page(bundle: Bundle) -> String {
    format!(
        "<!DOCTYPE html><html><head><script type=\"module\">import init from '/{}-0123456789abcdef.js';init();</script></head><body></body></html>",
        bundle.name()
    )
}

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
    let url = settings.public_url.clone();
    db.blocking(|c| demo::seed(c, &h, &key, &url, now)).unwrap();
    // As `serve` does at start, for the operator commands' mails.
    let letterhead = settings.letterhead();
    db.blocking(|c| Ok(crate::store::letterhead::record(c, &letterhead)?))
        .unwrap();
    let mut files = StaticFiles::load(std::path::Path::new("/nonexistent"));
    // Every bundle's page, from core's list: a new bundle needs no edit here.
    for bundle in Bundle::ALL {
        let page = format!("/{}", bundle.html_file());
        let asset = Asset::new(&page, bundle_page(bundle));
        files.assets.insert(page, asset);
    }
    crate::static_files::add_signed_in_pages(&mut files.assets, "/api/v1");
    files.assets.insert(
        "/reclaim-0123456789abcdef.js".into(),
        Asset::new(
            "/reclaim-0123456789abcdef.js",
            "export default 1;\n".repeat(50).into_bytes(),
        ),
    );
    let headers = SecurityHeaders::new(&files.bundle_pages(), false);
    let relying_party =
        crate::security_keys::RelyingParty::for_public_url(&settings.public_url, "PyPI").unwrap();
    let state = Arc::new(App {
        db,
        clock,
        passwords: PasswordWork::new(hasher, 2, 32),
        key,
        mailer: Mailer::default(),
        relying_party,
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
        let (method, path) = (req.method().clone(), req.uri().path().to_string());
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let res = Res {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        };
        assert_documented(&method, &path, &res);
        res
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
                json!({"username": user, "password": demo::password()}),
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
                json!({"username": "alice", "password": demo::password()}),
            )
            .await;
        assert_eq!(r.body["result"], "second_factor", "{}", r.text);
        r.body["token"].as_str().unwrap().to_string()
    }
}

fn alice_secret() -> Vec<u8> {
    totp::base32_decode(demo::alice_totp_secret()).unwrap()
}

/// Code `i` of alice's current set (the fixture, `demo/accounts.json`).
fn alice_code(i: usize) -> &'static str {
    &demo::alice_codes().codes[i]
}

/// The code of alice's current set that is already used.
fn alice_burned_code() -> &'static str {
    &demo::alice_codes().used[0].code
}

/// Code `i` of alice's older, replaced set (each answers "invalid").
fn alice_old_code(i: usize) -> &'static str {
    &demo::alice().replaced_recovery_codes[0].codes[i]
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

/// The `Set-Cookie` values of an answer.
fn set_cookies(r: &Res) -> Vec<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// An operation of the document: `METHOD` and path under `/api/v1`.
type Operation = (String, String);
/// The problem codes it may answer, by status.
type Problems = BTreeMap<u16, Vec<String>>;

/// Per documented operation, the problem codes the document lets it answer.
fn documented_problems() -> &'static BTreeMap<Operation, Problems> {
    static DOC: OnceLock<BTreeMap<Operation, Problems>> = OnceLock::new();
    DOC.get_or_init(|| {
        let doc: Value = serde_json::from_str(crate::openapi::json()).unwrap();
        let mut out = BTreeMap::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let mut by_status = BTreeMap::new();
                for (status, response) in op["responses"].as_object().unwrap() {
                    let codes: Vec<String> = match response["$ref"].as_str() {
                        Some(r) => vec![r.rsplit('/').next().unwrap().to_string()],
                        None => response["content"]["application/problem+json"]["schema"]["allOf"]
                            [1]["properties"]["code"]["enum"]
                            .as_array()
                            .map(|a| a.iter().map(|c| c.as_str().unwrap().to_string()).collect())
                            .unwrap_or_default(),
                    };
                    by_status.insert(status.parse().unwrap(), codes);
                }
                out.insert((method.to_uppercase(), path.clone()), by_status);
            }
        }
        out
    })
}

/// A problem answered by a documented operation is one its document lists:
/// the status, and the code among that status's codes (the server, the
/// document and the app agree; schemathesis checks the same from outside).
#[track_caller]
fn assert_documented(method: &Method, path: &str, res: &Res) {
    let Some(api_path) = path.strip_prefix("/api/v1") else {
        return;
    };
    let Some(code) = res.body["code"].as_str() else {
        return;
    };
    let matches = |template: &str| {
        let (a, b): (Vec<_>, Vec<_>) =
            (template.split('/').collect(), api_path.split('/').collect());
        a.len() == b.len() && a.iter().zip(&b).all(|(t, p)| t == p || t.starts_with('{'))
    };
    let Some((_, by_status)) = documented_problems()
        .iter()
        .find(|((m, template), _)| m == method.as_str() && matches(template))
    else {
        return; // not an operation: 404 and 405 of the API as a whole
    };
    let status = res.status.as_u16();
    let codes = by_status.get(&status).unwrap_or_else(|| {
        panic!("{method} {path}: {status} `{code}` is not in the OpenAPI document")
    });
    assert!(
        codes.iter().any(|c| c == code),
        "{method} {path}: `{code}` is not among the documented {status} codes {codes:?}"
    );
}
