//! `POST /email-verification` and `POST /email-verification/confirm`: a
//! one-time code by mail, exchanged for a proof a recovery request can carry.
//!
//! Demo mode: all but the uniform-answer and bad-email tests (the code is read
//! from the outbox).

use std::time::Duration;

use reclaim_contract::api::{EmailProof, RecoveryRequestCreated};
use reclaim_contract::{
    api, assert_problem, demo_api, request_body, submit_request, unique, unique_email,
    unique_username, Api, Client,
};
use serde_json::json;

fn start(client: &Client, email: &str) -> reclaim_contract::Resp {
    client.post_json("/email-verification", &json!({ "email": email }))
}

fn confirm(client: &Client, email: &str, code: &str) -> reclaim_contract::Resp {
    client.post_json(
        "/email-verification/confirm",
        &json!({ "email": email, "code": code }),
    )
}

/// Ask for a code for `email` and read it from the outbox.
fn code_for(api: &Api, client: &Client, email: &str) -> String {
    start(client, email).expect(202);
    let mail = api
        .wait_for_mail(email, Duration::from_secs(5), |m| m.code().is_some())
        .unwrap_or_else(|| {
            panic!(
                "a one-time code mailed to {email}: {:?}",
                api.mails_to(email)
            )
        });
    mail.code().unwrap()
}

#[test]
fn verification_answers_202_alike_for_any_address() {
    let api = api();
    let client = api.client();
    let a = start(&client, &unique_email());
    a.expect(202);
    let b = start(&client, &unique_email());
    b.expect(202);
    assert_eq!(a.text(), b.text());
    assert_eq!(a.stable_headers(), b.stable_headers());
}

#[test]
fn verification_refuses_a_bad_address() {
    let api = api();
    let client = api.client();
    for bad in [
        "not-an-email",
        "",
        "a@b@example.org",
        "x@example.org\r\nBcc: y@example.org",
    ] {
        let r = start(&client, bad);
        let p = assert_problem(&r);
        assert!((400..500).contains(&p.status), "{bad:?} → {}", r.status);
    }
}

#[test]
fn code_from_the_mail_gives_a_proof_a_request_can_carry() {
    let Some(api) = demo_api("code_from_the_mail_gives_a_proof_a_request_can_carry") else {
        return;
    };
    let client = api.client();
    let email = unique_email();
    let code = code_for(api, &client, &email);
    let r = confirm(&client, &email, &code);
    r.expect(200);
    let proof: EmailProof = r.parse();
    assert!(
        proof.proof.len() >= 16,
        "an unguessable proof: {:?}",
        proof.proof
    );

    let mut body = request_body(&unique_username());
    body["contact_email"] = json!(email);
    body["email_proof"] = json!(proof.proof);
    let created = submit_request(&client, &unique("key"), &body);
    created.expect(201);
    let _: RecoveryRequestCreated = created.parse();
}

#[test]
fn wrong_code_is_refused() {
    let Some(api) = demo_api("wrong_code_is_refused") else {
        return;
    };
    let client = api.client();
    let email = unique_email();
    let code = code_for(api, &client, &email);
    let wrong: String = code
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    let r = confirm(&client, &email, &wrong);
    let p = assert_problem(&r);
    assert!((400..500).contains(&p.status));
    // the right code still works afterwards
    confirm(&client, &email, &code).expect(200);
}

#[test]
fn code_is_bound_to_its_address_and_single_use() {
    let Some(api) = demo_api("code_is_bound_to_its_address_and_single_use") else {
        return;
    };
    let client = api.client();
    let email = unique_email();
    let code = code_for(api, &client, &email);
    let elsewhere = confirm(&client, &unique_email(), &code);
    let p = assert_problem(&elsewhere);
    assert!((400..500).contains(&p.status));
    confirm(&client, &email, &code).expect(200);
    let again = confirm(&client, &email, &code);
    let p = assert_problem(&again);
    assert!((400..500).contains(&p.status), "a code works once");
}
