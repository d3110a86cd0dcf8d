//! Hostile and broken input on every public endpoint: malformed JSON (400),
//! wrong content type (415), huge bodies (413), NUL and bidi-override
//! characters, CRLF in emails, unknown fields and wrong types (4xx), HTML
//! answered only as JSON — and never a 5xx. No demo data needed.

use reclaim_contract::{
    api, assert_problem, request_body, unique, unique_email, unique_username, Client, Resp,
};
use serde_json::{json, Value};

/// Public POST endpoints with a valid body each.
fn endpoints() -> Vec<(&'static str, Value)> {
    vec![
        (
            "/password-reset",
            json!({ "identifier": unique_username() }),
        ),
        ("/username-reminder", json!({ "email": unique_email() })),
        (
            "/login",
            json!({ "username": unique_username(), "password": "pw-0123456789" }),
        ),
        (
            "/login/recovery-code",
            json!({ "token": "chl_bogus", "code": "0123456789abcdef" }),
        ),
        (
            "/login/totp",
            json!({ "token": "chl_bogus", "code": "123456" }),
        ),
        ("/email-verification", json!({ "email": unique_email() })),
        (
            "/email-verification/confirm",
            json!({ "email": unique_email(), "code": "123456" }),
        ),
        ("/recovery-requests", request_body(&unique_username())),
        ("/password-reset/check", json!({ "token": "rst_bogus" })),
        (
            "/recovery-requests/RR-2026-000001/status-code",
            json!({ "contact_email": unique_email() }),
        ),
        (
            "/recovery-requests/RR-2026-000001/status-token",
            json!({ "code": "12345678" }),
        ),
    ]
}

fn post_raw(
    client: &Client,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<Vec<u8>>,
) -> Resp {
    let mut req = client.post(path).header("Idempotency-Key", &unique("key"));
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    req.bytes(body).send()
}

fn post_value(client: &Client, path: &str, body: &Value) -> Resp {
    client
        .post(path)
        .header("Idempotency-Key", &unique("key"))
        .json(body)
        .send()
}

#[track_caller]
fn assert_4xx(r: &Resp) -> reclaim_contract::api::Problem {
    assert!(
        (400..500).contains(&r.status),
        "{}: a 4xx, got {} {}",
        r.what,
        r.status,
        r.text()
    );
    assert_problem(r)
}

#[test]
fn malformed_json_is_400() {
    let client = api().client();
    for (path, _) in endpoints() {
        for body in [
            &b"{\"identifier\":"[..],
            b"{'a': 1}",
            b"not json",
            b"{\"a\":1,}",
        ] {
            let r = post_raw(&client, path, Some("application/json"), body);
            let p = r.problem(400, None);
            assert_eq!(p.code, "malformed_json", "{path}");
        }
    }
}

#[test]
fn wrong_content_type_is_415() {
    let client = api().client();
    for (path, body) in endpoints() {
        let bytes = serde_json::to_vec(&body).unwrap();
        for ct in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/jsonp"),
            None,
        ] {
            let r = post_raw(&client, path, ct, bytes.clone());
            r.problem(415, None);
        }
        // JSON with a charset parameter is JSON
        let r = post_raw(
            &client,
            path,
            Some("application/json; charset=utf-8"),
            bytes,
        );
        assert_ne!(
            r.status, 415,
            "{path}: application/json; charset=utf-8 is JSON"
        );
    }
}

#[test]
fn huge_body_is_413() {
    let client = api().client();
    let filler = "a".repeat(70 * 1024);
    for (path, mut body) in endpoints() {
        body.as_object_mut()
            .unwrap()
            .insert("padding".into(), Value::String(filler.clone()));
        let bytes = serde_json::to_vec(&body).unwrap();
        assert!(bytes.len() > 70_000);
        let r = post_raw(&client, path, Some("application/json"), bytes);
        r.problem(413, None);
    }
    // a huge value in a known field, too
    let mut body = request_body(&unique_username());
    body["details"] = json!("x".repeat(70 * 1024));
    let r = post_value(&client, "/recovery-requests", &body);
    r.problem(413, None);
}

#[test]
fn nul_and_bidi_override_characters_are_refused() {
    let client = api().client();
    for bad in [
        "bob\u{0}",
        "bob\u{202E}gnp.exe",
        "\u{0}",
        "b\u{7}ob",
        "bob\u{2066}",
    ] {
        let r = client.post_json("/password-reset", &json!({ "identifier": bad }));
        assert_4xx(&r);
        let r = client.post_json(
            "/username-reminder",
            &json!({ "email": format!("{bad}@example.org") }),
        );
        assert_4xx(&r);
        let r = client.post_json("/login", &json!({ "username": bad, "password": "pw" }));
        assert_4xx(&r);
        for field in ["username", "details", "contact_email"] {
            let mut body = request_body(&unique_username());
            body[field] = json!(format!("{}{bad}", body[field].as_str().unwrap()));
            let r = post_value(&client, "/recovery-requests", &body);
            assert_4xx(&r);
        }
        let mut body = request_body(&unique_username());
        body["packages"] = json!(["fine", format!("pkg{bad}")]);
        assert_4xx(&post_value(&client, "/recovery-requests", &body));
    }
}

#[test]
fn html_in_free_text_is_accepted_but_only_ever_answered_as_json() {
    let client = api().client();
    let script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let mut body = request_body(&unique_username());
    body["details"] = json!(format!("I lost my phone. {script} That is all."));
    let r = post_value(&client, "/recovery-requests", &body);
    r.expect(201);
    assert_eq!(r.content_type(), "application/json");
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let created: reclaim_contract::api::RecoveryRequestCreated = r.parse();
    let view = client
        .get(&format!("/recovery-requests/{}", created.id))
        .header("Authorization", &format!("Bearer {}", created.status_token))
        .send();
    view.expect(200);
    assert_eq!(view.content_type(), "application/json");
    assert_eq!(view.header("x-content-type-options"), Some("nosniff"));

    // HTML where it is not allowed: refused, and the problem is JSON too
    for (path, body) in [
        ("/password-reset", json!({ "identifier": script })),
        (
            "/username-reminder",
            json!({ "email": format!("{script}@example.org") }),
        ),
        ("/login", json!({ "username": script, "password": script })),
    ] {
        let r = client.post_json(path, &body);
        assert!(r.status < 500, "{path}: {}", r.status);
        assert!(
            r.content_type().ends_with("json"),
            "{path}: answered as JSON"
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    let mut body = request_body(&unique_username());
    body["username"] = json!(script);
    let r = post_value(&client, "/recovery-requests", &body);
    assert_4xx(&r);
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn crlf_in_emails_is_refused() {
    let client = api().client();
    let injected = [
        "victim@example.org\r\nBcc: attacker@example.org",
        "victim@example.org\nBcc: attacker@example.org",
        "victim@example.org\r\n",
        "victim@example.org%0d%0aBcc:attacker@example.org",
    ];
    for bad in injected {
        assert_4xx(&client.post_json("/username-reminder", &json!({ "email": bad })));
        assert_4xx(&client.post_json("/email-verification", &json!({ "email": bad })));
        assert_4xx(&client.post_json(
            "/email-verification/confirm",
            &json!({ "email": bad, "code": "123456" }),
        ));
        assert_4xx(&client.post_json(
            "/recovery-requests/RR-2026-000001/status-code",
            &json!({ "contact_email": bad }),
        ));
        if bad.contains('\n') {
            assert_4xx(&client.post_json("/password-reset", &json!({ "identifier": bad })));
        }
        let mut body = request_body(&unique_username());
        body["contact_email"] = json!(bad);
        let r = post_value(&client, "/recovery-requests", &body);
        let p = r.problem(422, None);
        assert!(
            p.errors.iter().any(|e| e.pointer == "/contact_email"),
            "{}",
            r.text()
        );
        let mut body = request_body(&unique_username());
        body["previous_emails"] = json!(["old@example.org", bad]);
        let r = post_value(&client, "/recovery-requests", &body);
        let p = r.problem(422, None);
        assert!(
            p.errors.iter().any(|e| e.pointer == "/previous_emails/1"),
            "{}",
            r.text()
        );
    }
}

#[test]
fn unknown_fields_are_refused() {
    let client = api().client();
    for (path, mut body) in endpoints() {
        body.as_object_mut()
            .unwrap()
            .insert("is_admin".into(), json!(true));
        let r = post_value(&client, path, &body);
        let p = assert_4xx(&r);
        assert!(r.status == 400 || r.status == 422, "{path}: {}", p.status);
    }
}

#[test]
fn wrong_types_are_refused() {
    let client = api().client();
    for (path, body) in endpoints() {
        let obj = body.as_object().unwrap();
        for key in obj.keys() {
            for wrong in [json!(12), json!(["x"]), json!({"x": 1}), json!(true)] {
                if obj[key].is_boolean() && wrong.is_boolean() {
                    continue;
                }
                if obj[key].is_array() && wrong.is_array() {
                    continue;
                }
                let mut b = body.clone();
                b[key] = wrong.clone();
                let r = post_value(&client, path, &b);
                let p = assert_4xx(&r);
                assert!(
                    r.status == 400 || r.status == 422,
                    "{path} {key}={wrong}: {}",
                    p.status
                );
            }
        }
        // a body that is not an object
        for not_object in [json!([]), json!(null), json!("text"), json!(1)] {
            assert_4xx(&post_value(&client, path, &not_object));
        }
        // required fields missing
        assert_4xx(&post_value(&client, path, &json!({})));
    }
}

#[test]
fn over_long_strings_are_refused() {
    let client = api().client();
    let long = "a".repeat(5000);
    assert_4xx(&client.post_json(
        "/username-reminder",
        &json!({ "email": format!("{long}@example.org") }),
    ));
    assert_4xx(&client.post_json(
        "/email-verification",
        &json!({ "email": format!("{long}@example.org") }),
    ));
    for (field, value) in [
        ("username", json!(long)),
        ("contact_email", json!(format!("{long}@example.org"))),
        ("previous_emails", json!([format!("{long}@example.org")])),
        ("packages", json!([long])),
        ("details", json!("d".repeat(60_000))),
    ] {
        let mut body = request_body(&unique_username());
        body[field] = value;
        let r = post_value(&client, "/recovery-requests", &body);
        let p = assert_4xx(&r);
        assert!(r.status == 413 || r.status == 422, "{field}: {}", p.status);
    }
    let mut body = request_body(&unique_username());
    body["packages"] = json!((0..1000).map(|i| format!("pkg-{i}")).collect::<Vec<_>>());
    assert_4xx(&post_value(&client, "/recovery-requests", &body));
}

#[test]
fn odd_bodies_never_cause_a_server_error() {
    let client = api().client();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let odd: Vec<Vec<u8>> = vec![
        Vec::new(),
        b" ".to_vec(),
        b"\xef\xbb\xbf{}".to_vec(),
        b"{\"identifier\":\"\xff\xfe\"}".to_vec(),
        deep.into_bytes(),
        b"{\"identifier\":\"a\",\"identifier\":\"b\"}".to_vec(),
        b"{\"username\":1e999,\"password\":\"x\"}".to_vec(),
        b"{\"email\":\"\\ud800@example.org\"}".to_vec(),
        b"{\"code\":\"123456\",\"token\":\"\\u0000\"}".to_vec(),
        vec![0u8; 1024],
    ];
    for (path, _) in endpoints() {
        for body in &odd {
            let r = post_raw(&client, path, Some("application/json"), body.clone());
            // duplicate keys may be read as the last one; anything else is refused
            assert!(r.status < 500, "{path}: {} {}", r.status, r.text());
            if r.status >= 400 {
                assert_problem(&r);
            }
        }
    }
    // odd ids and tokens on the status endpoint
    for id in [
        "%00",
        "..%2F..%2Fetc%2Fpasswd",
        "RR-0000-000000",
        &"9".repeat(500),
        "%E2%80%AE",
    ] {
        let r = client
            .get(&format!("/recovery-requests/{id}"))
            .header("Authorization", "Bearer x")
            .send();
        assert_4xx(&r);
        // and on getting a lost token back (202 for any id, as for a real one)
        let r = client.post_json(
            &format!("/recovery-requests/{id}/status-code"),
            &json!({ "contact_email": unique_email() }),
        );
        assert!(r.status < 500, "{id}: {} {}", r.status, r.text());
        let r = client.post_json(
            &format!("/recovery-requests/{id}/status-token"),
            &json!({ "code": "12345678" }),
        );
        assert_4xx(&r);
    }
    let r = client
        .get("/recovery-requests/RR-2026-000001")
        .header("Authorization", "Basic YWxpY2U6cHc=")
        .send();
    assert_4xx(&r);
}

#[test]
fn unknown_paths_and_methods_answer_problems() {
    let client = api().client();
    let r = client.get("/no-such-endpoint").send();
    r.problem(404, None);
    let r = client.post_json("/no-such-endpoint", &json!({}));
    r.problem(404, None);
    let r = client.get("/login").send();
    r.problem(405, None);
    let r = client.get("/password-reset").send();
    r.problem(405, None);
}
