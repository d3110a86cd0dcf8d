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
