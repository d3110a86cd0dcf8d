//! The API as a whole: every bad body is a problem document, and every
//! documented route is routed (demo ones only in demo mode).

use super::*;

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
async fn every_documented_route_is_routed_and_demo_ones_only_in_demo() {
    let paths = crate::openapi::document().paths;
    for demo in [true, false] {
        let t = test_app_with(|s| s.demo = demo);
        for (path, item) in &paths.paths {
            let methods = [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PATCH, item.patch.is_some()),
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

/// The document lists each problem code under its one status
/// (`ProblemCode::status`), and every code is a response of its own.
#[test]
fn documented_problems_are_under_their_codes_status() {
    use reclaim_core::ProblemCode;
    let operations = documented_problems();
    assert_eq!(operations.len(), 36, "every operation of the route table");
    for ((method, path), by_status) in operations {
        for (status, codes) in by_status {
            for code in codes {
                let code = ProblemCode::parse(code).unwrap_or_else(|| panic!("{code}"));
                assert_eq!(code.status(), *status, "{method} {path}: {code}");
            }
        }
        // What any operation may answer.
        for code in ["request_timeout", "internal_error", "unavailable"] {
            assert!(
                by_status.values().flatten().any(|c| c == code),
                "{method} {path}: {code}"
            );
        }
    }
    let doc: Value = serde_json::from_str(crate::openapi::json()).unwrap();
    for &code in ProblemCode::ALL {
        let response = &doc["components"]["responses"][code.as_str()];
        let schema = &response["content"]["application/problem+json"]["schema"]["allOf"][1];
        assert_eq!(
            schema["properties"]["status"]["enum"],
            json!([code.status()])
        );
    }
    let login_totp = &operations[&("POST".to_string(), "/login/totp".to_string())];
    assert!(login_totp[&422].contains(&"totp_invalid".to_string()));
    assert_eq!(login_totp[&401], ["challenge_expired"]);
}
