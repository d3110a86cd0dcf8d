//! `POST /email-verification` and `POST /email-verification/confirm`: a
//! one-time code by mail, exchanged for a proof a recovery request can carry,
//! and nothing more: it never verifies an account's address, so it never
//! opens the reset channel. `POST /account/email-verification` (+ `/confirm`)
//! is how a signed-in account verifies its own address.
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

/// Mails to `address` after the first `before`, waiting for one to come.
fn mail_after(api: &Api, address: &str, before: usize) -> reclaim_contract::Mail {
    let until = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mails = api.mails_to(address);
        if mails.len() > before {
            return mails.last().cloned().unwrap();
        }
        assert!(
            std::time::Instant::now() < until,
            "a new mail to {address}: {mails:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn is_reset_mail(m: &reclaim_contract::Mail) -> bool {
    m.link().is_some() && m.text.to_ascii_lowercase().contains("reset")
}

/// The takeover this prevents: carol's address was never verified, so no
/// reset link goes to it. Whoever reads that mailbox (an address recycled
/// by its provider, a mistyped address someone else owns) asked for a code,
/// confirmed it, and the server marked carol's address verified; the reset
/// link then went to the mailbox and the new password was set, with no
/// second factor in the way: four anonymous calls.
#[test]
fn an_anonymous_email_code_never_opens_the_reset_channel() {
    let Some(api) = reclaim_contract::fresh_api(
        "an_anonymous_email_code_never_opens_the_reset_channel",
        true,
    ) else {
        return;
    };
    let client = api.client();
    let email = reclaim_contract::demo::carol_email();
    // 1 and 2: a code for carol's address, confirmed: a proof, for a request.
    let code = code_for(&api, &client, email);
    let r = confirm(&client, email, &code);
    r.expect(200);
    let _: EmailProof = r.parse();
    // 3: a reset for carol answers as always, and mails nothing.
    let before = api.mails_to(email).len();
    client
        .post_json("/password-reset", &json!({"identifier": "carol"}))
        .expect(202);
    client
        .post_json("/username-reminder", &json!({"email": email}))
        .expect(202);
    std::thread::sleep(Duration::from_millis(500));
    let after = api.mails_to(email);
    assert!(
        !after.iter().skip(before).any(is_reset_mail),
        "no reset link to an address an anonymous code proved: {:?}",
        after
            .iter()
            .skip(before)
            .map(|m| &m.text)
            .collect::<Vec<_>>()
    );
    assert_eq!(after.len(), before, "no mail at all (no reminder either)");
    // 4 has no link to follow. And carol's address is still unverified.
    let carol = api.client();
    reclaim_contract::sign_in(&carol, "carol");
    let sec: api::AccountSecurity = carol.get("/account/security").send().parse();
    assert!(!sec.email_verified, "an anonymous code verifies no account");
}

/// How an unverified account gets back in: carol signs in with her password
/// (she has no second factor) and verifies her address from the checkup,
/// with a code mailed to it. Only then does a reset mail go out.
#[test]
fn a_signed_in_account_verifies_its_own_address_and_then_can_reset() {
    let Some(api) = reclaim_contract::fresh_api(
        "a_signed_in_account_verifies_its_own_address_and_then_can_reset",
        true,
    ) else {
        return;
    };
    let email = reclaim_contract::demo::carol_email();
    // Not signed in: 401; signed in without the CSRF header: 403.
    api.client()
        .post_json("/account/email-verification", &json!({}))
        .problem(401, Some("unauthenticated"));
    let carol = api.client();
    reclaim_contract::sign_in(&carol, "carol");
    carol
        .post("/account/email-verification")
        .no_csrf()
        .send()
        .problem(403, Some("csrf_failed"));
    // An anonymous code for the same address does not work here.
    let anonymous = code_for(&api, &api.client(), email);
    let before = api.mails_to(email).len();
    carol.post("/account/email-verification").send().expect(202);
    let mail = mail_after(&api, email, before);
    let code = mail.digits(8).expect("an 8-digit code in the mail");
    if anonymous != code {
        carol
            .post_json(
                "/account/email-verification/confirm",
                &json!({ "code": anonymous }),
            )
            .problem(422, Some("email_code_invalid"));
    }
    let wrong: String = code
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    carol
        .post_json(
            "/account/email-verification/confirm",
            &json!({ "code": wrong }),
        )
        .problem(422, Some("email_code_invalid"));
    // Still unverified: a reset mails nothing.
    let before = api.mails_to(email).len();
    api.client()
        .post_json("/password-reset", &json!({"identifier": "carol"}))
        .expect(202);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(api.mails_to(email).len(), before, "no reset link yet");

    let r = carol.post_json(
        "/account/email-verification/confirm",
        &json!({ "code": code }),
    );
    r.expect(200);
    let sec: api::AccountSecurity = r.parse();
    assert!(sec.email_verified, "{}", r.text());
    assert_eq!(
        carol
            .get("/account/security")
            .send()
            .parse::<api::AccountSecurity>(),
        sec
    );
    // The code works once.
    carol
        .post_json(
            "/account/email-verification/confirm",
            &json!({ "code": code }),
        )
        .problem(422, Some("email_code_invalid"));

    // Now a reset mails a link, and it sets a new password.
    api.client()
        .post_json("/password-reset", &json!({"identifier": "carol"}))
        .expect(202);
    let link = api
        .wait_for_mail(email, Duration::from_secs(5), is_reset_mail)
        .and_then(|m| m.link())
        .expect("a reset link to the verified address");
    let token = link.split("token=").nth(1).expect("a token in the link");
    api.client()
        .post_json(
            "/password-reset/confirm",
            &json!({"token": token, "new_password": "carols-new-password"}),
        )
        .expect(204);
    api.client()
        .login("carol", "carols-new-password")
        .expect(200);
}
