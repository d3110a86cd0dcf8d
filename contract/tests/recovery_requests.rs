//! `POST /recovery-requests` (Idempotency-Key semantics, one open request per
//! username, nothing revealed about accounts) and `GET /recovery-requests/{id}`
//! with the status token.
//!
//! Demo mode: only the "existing username" half of the uniform-answer test.

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};

use reclaim_contract::api::{RecoveryRequestCreated, RecoveryRequestStatusView, RequestStatus};
use reclaim_contract::{
    api, assert_problem, request_body, submit_request, unique, unique_username, Client, Resp,
};
use serde_json::{json, Value};

fn status_of(client: &Client, id: &str, token: Option<&str>) -> Resp {
    let mut req = client.get(&format!("/recovery-requests/{id}"));
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    req.send()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn a_request_is_created_with_id_token_and_status() {
    let client = api().client();
    let r = submit_request(&client, &unique("key"), &request_body(&unique_username()));
    r.expect(201);
    let created: RecoveryRequestCreated = r.parse();
    assert!(!created.id.is_empty());
    assert!(
        created.status_token.len() >= 20,
        "an unguessable status token: {:?}",
        created.status_token
    );
    assert_eq!(created.status, RequestStatus::Received);
    assert!(
        created.submitted_at.len() >= 20 && created.submitted_at.contains('T'),
        "an RFC 3339 time: {}",
        created.submitted_at
    );
    assert!(r.content_type().ends_with("json"));
}

#[test]
fn same_key_and_body_replays_the_same_answer() {
    let client = api().client();
    let key = unique("key");
    let body = request_body(&unique_username());
    let first = submit_request(&client, &key, &body);
    first.expect(201);
    let again = submit_request(&client, &key, &body);
    again.expect(201);
    assert_eq!(
        first.json(),
        again.json(),
        "a replay answers the stored answer"
    );
    // a replay from another client (no cookies) too
    let other = api().client();
    let third = submit_request(&other, &key, &body);
    third.expect(201);
    assert_eq!(first.json(), third.json());
}

#[test]
fn same_key_with_another_body_is_422() {
    let client = api().client();
    let key = unique("key");
    let body = request_body(&unique_username());
    submit_request(&client, &key, &body).expect(201);
    let mut other = body.clone();
    other["details"] = json!("A different story entirely, told a second time with other words.");
    let r = submit_request(&client, &key, &other);
    r.problem(422, None);
    assert_ne!(
        r.json()["code"],
        "validation_failed",
        "not a field error: {}",
        r.text()
    );
}

#[test]
fn missing_idempotency_key_is_400() {
    let client = api().client();
    let r = client
        .post("/recovery-requests")
        .json(&request_body(&unique_username()))
        .send();
    r.problem(400, None);
    let empty = client
        .post("/recovery-requests")
        .header("Idempotency-Key", "")
        .json(&request_body(&unique_username()))
        .send();
    assert_problem(&empty);
    assert!((400..500).contains(&empty.status));
}

#[test]
fn concurrent_duplicates_create_exactly_one_request() {
    const N: usize = 8;
    let base = api().base.clone();
    let key = unique("key");
    let body = request_body(&unique_username());
    let barrier = Arc::new(Barrier::new(N));
    let handles: Vec<_> = (0..N)
        .map(|_| {
            let (base, key, body, barrier) =
                (base.clone(), key.clone(), body.clone(), barrier.clone());
            std::thread::spawn(move || {
                let client = Client::new(&base);
                barrier.wait();
                submit_request(&client, &key, &body)
            })
        })
        .collect();
    let answers: Vec<Resp> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut created = BTreeSet::new();
    for r in &answers {
        match r.status {
            201 => {
                let c: RecoveryRequestCreated = r.parse();
                created.insert((c.id, c.status_token));
            }
            409 => {
                assert_problem(r);
            }
            other => panic!(
                "a concurrent duplicate answers 201 (replay) or 409, got {other}: {}",
                r.text()
            ),
        }
    }
    assert_eq!(
        created.len(),
        1,
        "exactly one request was created: {created:?}"
    );
    // afterwards the key replays that one request
    let client = api().client();
    let replay = submit_request(&client, &key, &body);
    replay.expect(201);
    let c: RecoveryRequestCreated = replay.parse();
    assert!(created.contains(&(c.id, c.status_token)));
}

#[test]
fn status_needs_the_bearer_token_and_wrong_tokens_look_like_unknown_ids() {
    let client = api().client();
    let r = submit_request(&client, &unique("key"), &request_body(&unique_username()));
    r.expect(201);
    let created: RecoveryRequestCreated = r.parse();

    let ok = status_of(&client, &created.id, Some(&created.status_token));
    ok.expect(200);
    let view: RecoveryRequestStatusView = ok.parse();
    assert_eq!(view.id, created.id);
    assert_eq!(view.status, RequestStatus::Received);
    assert_eq!(
        view.reason,
        reclaim_contract::api::Reason::StaleRecoveryCodes
    );
    assert_eq!(view.submitted_at, created.submitted_at);
    assert!(
        !view.timeline.is_empty(),
        "a timeline with the first status"
    );
    assert_eq!(view.timeline[0].status, RequestStatus::Received);
    assert!(
        !ok.text().contains(&created.status_token),
        "the status answer does not echo the token"
    );

    let wrong = status_of(
        &client,
        &created.id,
        Some("wrong-token-0123456789abcdefghij"),
    );
    let unknown_id = format!("{}9", created.id);
    let unknown = status_of(
        &client,
        &unknown_id,
        Some("wrong-token-0123456789abcdefghij"),
    );
    let p = assert_problem(&wrong);
    assert!((400..500).contains(&p.status));
    assert_eq!(
        wrong.status, unknown.status,
        "wrong token answers like an unknown id"
    );
    assert_eq!(
        wrong.text(),
        unknown.text().replace(&unknown_id, &created.id)
    );
    assert_eq!(wrong.stable_headers(), unknown.stable_headers());
    // the token of another request does not open this one
    let r2 = submit_request(&client, &unique("key"), &request_body(&unique_username()));
    let other: RecoveryRequestCreated = r2.parse();
    let crossed = status_of(&client, &created.id, Some(&other.status_token));
    assert_eq!(crossed.status, wrong.status);
    assert_eq!(crossed.text(), wrong.text());

    let none = status_of(&client, &created.id, None);
    let p = assert_problem(&none);
    assert!((400..500).contains(&p.status));
}

#[test]
fn one_open_request_per_username_is_answered_like_a_first_one() {
    let api = api();
    let client = api.client();
    let user = unique_username();
    let first = submit_request(&client, &unique("key"), &request_body(&user));
    first.expect(201);
    let second = submit_request(&client, &unique("key"), &request_body(&user));
    second.expect(201);
    let (a, b) = (first.json(), second.json());
    assert_eq!(keys(&a), keys(&b), "same shape");
    assert_eq!(a["status"], b["status"]);
    assert_eq!(
        first.stable_headers().keys().collect::<Vec<_>>(),
        second.stable_headers().keys().collect::<Vec<_>>()
    );
    // the second answer's token opens a status page as well
    let c: RecoveryRequestCreated = second.parse();
    status_of(&client, &c.id, Some(&c.status_token)).expect(200);

    if api.demo {
        // an existing account's username answers the same way, twice
        let existing_first = submit_request(&client, &unique("key"), &request_body("carol"));
        existing_first.expect(201);
        let existing_second = submit_request(&client, &unique("key"), &request_body("carol"));
        existing_second.expect(201);
        assert_eq!(keys(&existing_second.json()), keys(&b));
        assert_eq!(existing_second.json()["status"], b["status"]);
        assert_eq!(
            existing_second.text().len(),
            second.text().len(),
            "same length for existing and unknown usernames: {} vs {}",
            existing_second.text(),
            second.text()
        );
    }
}

#[test]
fn invalid_requests_name_their_fields() {
    let client = api().client();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("contact_email", json!("not-an-email"), "/contact_email"),
        (
            "accepted_code_of_conduct",
            json!(false),
            "/accepted_code_of_conduct",
        ),
        ("acknowledged_delay", json!(false), "/acknowledged_delay"),
        ("lost_access_on", json!("14/05/2026"), "/lost_access_on"),
        ("lost_access_on", json!("2999-01-01"), "/lost_access_on"),
        (
            "previous_emails",
            json!(["old@example.com", "bad email"]),
            "/previous_emails/1",
        ),
        (
            "packages",
            json!(["ok-package", "not a package!"]),
            "/packages/1",
        ),
        ("username", json!("bad user name!"), "/username"),
    ];
    for (field, value, pointer) in cases {
        let mut body = request_body(&unique_username());
        body[field] = value.clone();
        let r = submit_request(&client, &unique("key"), &body);
        let p = r.problem(422, None);
        assert!(
            p.errors.iter().any(|e| e.pointer == pointer),
            "{field} = {value}: an error at {pointer}: {}",
            r.text()
        );
        for e in &p.errors {
            assert!(!e.code.is_empty() && !e.message.is_empty(), "{}", r.text());
        }
    }
}

#[test]
fn secrets_in_the_free_text_are_refused() {
    let client = api().client();
    let cases = [
        ("my codes: 0123456789abcdef", "contains_recovery_code"),
        (
            "secret JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP from the app",
            "contains_totp_secret",
        ),
    ];
    for (details, code) in cases {
        let mut body = request_body(&unique_username());
        body["details"] = json!(format!("I lost my phone in May. {details}"));
        let r = submit_request(&client, &unique("key"), &body);
        let p = r.problem(422, None);
        assert!(
            p.errors
                .iter()
                .any(|e| e.pointer == "/details" && e.code == code),
            "{details:?} → {code} at /details: {}",
            r.text()
        );
        assert!(
            !r.text().contains("0123456789abcdef") && !r.text().contains("JBSWY3DPEHPK3PXP"),
            "the answer does not echo the secret"
        );
    }
}

#[test]
fn every_reason_and_codes_status_is_accepted() {
    let client = api().client();
    for (reason, codes) in [
        ("lost_2fa", "lost"),
        ("forgot_password", "never_generated"),
        ("stale_recovery_codes", "not_working"),
        ("lost_email", "lost"),
        ("compromised", "lost"),
        ("other", "never_generated"),
    ] {
        let mut body = request_body(&unique_username());
        body["reason"] = json!(reason);
        body["recovery_codes_status"] = json!(codes);
        body["lost_access_on"] = Value::Null;
        let r = submit_request(&client, &unique("key"), &body);
        assert_eq!(r.status, 201, "{reason}/{codes}: {}", r.text());
    }
    let mut body = request_body(&unique_username());
    body["reason"] = json!("bored");
    let r = submit_request(&client, &unique("key"), &body);
    assert_problem(&r);
    assert_eq!(r.status, 422);
}
