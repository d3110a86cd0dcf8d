//! `GET /openapi.json`: the OpenAPI 3.1 document is served and describes
//! every endpoint of the contract with its error answers.

use reclaim_contract::api;
use serde_json::Value;

const ENDPOINTS: &[(&str, &str)] = &[
    ("post", "/password-reset"),
    ("post", "/password-reset/check"),
    ("post", "/password-reset/confirm"),
    ("post", "/username-reminder"),
    ("post", "/login"),
    ("post", "/login/recovery-code"),
    ("post", "/login/totp"),
    ("post", "/email-verification"),
    ("post", "/email-verification/confirm"),
    ("post", "/recovery-requests"),
    ("get", "/recovery-requests/{id}"),
    ("post", "/recovery-requests/{id}/status-code"),
    ("post", "/recovery-requests/{id}/status-token"),
    ("get", "/account/security"),
    ("post", "/account/reauth"),
    ("post", "/account/recovery-codes"),
    ("post", "/account/recovery-codes/confirm"),
    ("post", "/account/totp"),
    ("post", "/account/totp/confirm"),
    ("post", "/account/email-verification"),
    ("post", "/account/email-verification/confirm"),
    ("post", "/logout"),
];

fn document() -> Value {
    let r = api().client().get("/openapi.json").send();
    r.expect(200);
    assert!(r.content_type().ends_with("json"), "{}", r.content_type());
    r.json()
}

/// The document's operation for `method path`, whether paths are written
/// relative to a server URL (`/login`) or in full (`/api/v1/login`).
fn operation<'v>(doc: &'v Value, base_path: &str, method: &str, path: &str) -> Option<&'v Value> {
    let paths = doc["paths"].as_object()?;
    paths
        .iter()
        .find(|(p, _)| {
            let p = p.strip_prefix(base_path).unwrap_or(p);
            // any parameter name will do
            let norm = |s: &str| {
                s.split('/')
                    .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
                    .collect::<Vec<_>>()
                    .join("/")
            };
            norm(p) == norm(path)
        })
        .and_then(|(_, item)| item.get(method))
}

#[test]
fn document_is_openapi_3_1() {
    let doc = document();
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1"), "OpenAPI 3.1, got {version:?}");
    assert!(doc["info"]["title"].is_string());
    assert!(doc["paths"].is_object());
}

#[test]
fn every_endpoint_is_described() {
    let doc = document();
    let base_path = api().base_path();
    let mut missing = Vec::new();
    for (method, path) in ENDPOINTS {
        match operation(&doc, &base_path, method, path) {
            Some(op) => {
                let responses = op["responses"].as_object();
                assert!(
                    responses.is_some_and(|r| !r.is_empty()),
                    "{method} {path} has responses"
                );
            }
            None => missing.push(format!("{method} {path}")),
        }
    }
    assert!(
        missing.is_empty(),
        "not in the OpenAPI document: {missing:?}"
    );
}

#[test]
fn error_answers_are_documented_as_problem_json() {
    let doc = document();
    let base_path = api().base_path();
    for (method, path) in ENDPOINTS {
        let Some(op) = operation(&doc, &base_path, method, path) else {
            continue;
        };
        let responses = op["responses"].as_object().unwrap();
        let errors: Vec<_> = responses
            .iter()
            .filter(|(code, _)| code.starts_with('4') || code.starts_with('5'))
            .collect();
        assert!(
            !errors.is_empty(),
            "{method} {path} documents its error answers"
        );
        for (code, resp) in errors {
            let content = resp["content"].as_object();
            let ok = content.is_none_or(|c| c.contains_key("application/problem+json"));
            assert!(ok, "{method} {path} {code}: application/problem+json");
        }
    }
}

#[test]
fn idempotency_key_is_documented() {
    let doc = document();
    let op = operation(&doc, &api().base_path(), "post", "/recovery-requests")
        .expect("POST /recovery-requests");
    let text = op.to_string();
    assert!(
        text.contains("Idempotency-Key"),
        "the Idempotency-Key header: {text}"
    );
    for code in ["201", "400", "409", "422"] {
        assert!(
            op["responses"].get(code).is_some(),
            "POST /recovery-requests documents {code}"
        );
    }
}
