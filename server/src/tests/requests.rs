//! Recovery requests: idempotency, status, field errors.

use super::*;

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
    // Both mails name the request by its ID and lead to its status page,
    // at the server's public URL, which the operator command read from
    // what the server recorded.
    let link = format!("http://127.0.0.1:8080/status?id={id}\n");
    for mail in [&mails[0], mails.last().unwrap()] {
        let body = mail["body"].as_str().unwrap();
        assert!(body.contains("request ID"), "{body}");
        assert!(body.contains(&link), "{body}");
        assert!(body.contains("\"I do not have my status token\""), "{body}");
        assert!(!body.contains(token), "never the token: {body}");
    }
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

/// File the test request; its (id, status token).
async fn file_request(t: &T, key: &str) -> (String, String) {
    let r = t
        .req(
            Method::POST,
            "/api/v1/recovery-requests",
            Some(request_body()),
            &[("idempotency-key", key)],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let field = |name: &str| r.body[name].as_str().unwrap().to_string();
    (field("id"), field("status_token"))
}

async fn status_with(t: &T, id: &str, token: &str) -> Res {
    let auth = format!("Bearer {token}");
    t.req(
        Method::GET,
        &format!("/api/v1/recovery-requests/{id}"),
        None,
        &[("authorization", &auth)],
    )
    .await
}

async fn ask_code(t: &T, id: &str, contact_email: &str) -> Res {
    t.post(
        &format!("/recovery-requests/{id}/status-code"),
        json!({ "contact_email": contact_email }),
    )
    .await
}

async fn enter_code(t: &T, id: &str, code: &str) -> Res {
    t.post(
        &format!("/recovery-requests/{id}/status-token"),
        json!({ "code": code }),
    )
    .await
}

/// The 8-digit code of the newest mail to `to`.
async fn mailed_code(t: &T, to: &str) -> String {
    let mail = t.outbox(to).await.remove(0);
    let body = mail["body"].as_str().unwrap();
    body.split_whitespace()
        .find(|w| w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("a code in {body}"))
        .to_string()
}

#[tokio::test]
async fn a_lost_status_token_is_replaced_through_the_contact_address() {
    let t = test_app();
    let (id, old_token) = file_request(&t, "k-lost").await;
    let contact = "new-address@example.org";
    // The same answer for an unknown id, another address and a match.
    let unknown = ask_code(&t, "RR-2026-999999", contact).await;
    let other = ask_code(&t, &id, "someone-else@example.org").await;
    let before = t.outbox(contact).await.len();
    let matched = ask_code(&t, &id, "New-Address@Example.ORG").await;
    assert_eq!(matched.status, 202, "{}", matched.text);
    for r in [&unknown, &other] {
        assert_eq!(
            (r.status, &r.text, &r.headers),
            (matched.status, &matched.text, &matched.headers)
        );
    }
    let mails = t.outbox(contact).await;
    assert_eq!(mails.len(), before + 1, "one code, to the match only");
    assert!(t.outbox("someone-else@example.org").await.is_empty());
    let body = mails[0]["body"].as_str().unwrap();
    assert!(body.contains(&format!("request ID {id}")), "{body}");
    assert!(
        body.contains(&format!("http://127.0.0.1:8080/status?id={id}\n")),
        "{body}"
    );
    assert!(body.contains("works for 15 minutes"), "{body}");
    let code = mailed_code(&t, contact).await;

    // A wrong code and an unknown id answer alike; neither uses the code.
    let wrong = enter_code(&t, &id, "00000000").await;
    wrong.assert_problem(422, "email_code_invalid");
    let elsewhere = enter_code(&t, "RR-2026-999999", &code).await;
    assert_eq!(
        (wrong.status, &wrong.text),
        (elsewhere.status, &elsewhere.text)
    );
    let r = enter_code(&t, &id, &format!(" {} {} ", &code[..4], &code[4..])).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let new_token = r.body["status_token"].as_str().unwrap().to_string();
    assert!(new_token.starts_with("st_") && new_token != old_token);
    // Single use.
    let again = enter_code(&t, &id, &code).await;
    assert_eq!((again.status, &again.text), (wrong.status, &wrong.text));

    // The new token opens the status, the old one is an unknown id's 404.
    let r = status_with(&t, &id, &new_token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let timeline = r.body["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 2, "{}", r.text);
    assert_eq!(timeline[1]["status"], "received");
    assert_eq!(
        timeline[1]["note"],
        crate::store::requests::TOKEN_REPLACED_NOTE
    );
    let old = status_with(&t, &id, &old_token).await;
    let unknown = status_with(&t, "RR-2026-999999", &old_token).await;
    assert_eq!(old.status, 404);
    assert_eq!((old.status, &old.text), (unknown.status, &unknown.text));

    // An expired code answers like a wrong one.
    ask_code(&t, &id, contact).await;
    let code = mailed_code(&t, contact).await;
    t.state
        .clock
        .advance(crate::routes::auth::EMAIL_CODE_SECS + 1);
    let late = enter_code(&t, &id, &code).await;
    assert_eq!((late.status, &late.text), (wrong.status, &wrong.text));
    let r = status_with(&t, &id, &new_token).await;
    assert_eq!(r.status, 200, "the token in use still works");
}

#[tokio::test]
async fn status_codes_are_limited_per_request_and_client() {
    let t = test_app();
    let (id, _) = file_request(&t, "k-limits").await;
    let contact = "new-address@example.org";
    let before = t.outbox(contact).await.len();
    assert_eq!(ask_code(&t, &id, contact).await.status, 202);
    assert_eq!(ask_code(&t, &id, contact).await.status, 202);
    // 2 an hour per request id per client, an unknown id's like a real one's.
    let r = ask_code(&t, &id, contact).await;
    r.assert_problem(429, "rate_limited");
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    let unknown = "RR-2026-999999";
    assert_eq!(ask_code(&t, unknown, contact).await.status, 202);
    assert_eq!(ask_code(&t, unknown, contact).await.status, 202);
    ask_code(&t, unknown, contact)
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(t.outbox(contact).await.len(), before + 2);

    // 5 guesses per 15 minutes per request id, whoever guesses.
    for _ in 0..5 {
        enter_code(&t, &id, "00000000")
            .await
            .assert_problem(422, "email_code_invalid");
    }
    enter_code(&t, &id, "00000000")
        .await
        .assert_problem(429, "rate_limited");
}

#[tokio::test]
async fn a_request_gets_at_most_five_status_codes_a_day_whoever_asks() {
    let t = test_app();
    let (id, _) = file_request(&t, "k-cap").await;
    let contact = "new-address@example.org";
    let before = t.outbox(contact).await.len();
    // Three hours of asking from a new client every time: 3 an hour, and
    // 5 a day in all, then the answer stays the same and no mail goes.
    for hour in 0..3u8 {
        for client in 0..4u8 {
            let peer = std::net::SocketAddr::from(([198, 51, 100, hour * 10 + client], 4000));
            let req = Request::builder()
                .method(Method::POST)
                .uri(format!("/api/v1/recovery-requests/{id}/status-code"))
                .header(header::CONTENT_TYPE, "application/json")
                .extension(axum::extract::ConnectInfo(peer))
                .body(Body::from(json!({ "contact_email": contact }).to_string()))
                .unwrap();
            let r = t.raw(req).await;
            assert_eq!(r.status, 202, "{}", r.text);
        }
        t.state.clock.advance(crate::limits::HOUR + 1);
    }
    assert_eq!(t.outbox(contact).await.len(), before + 5);
}
