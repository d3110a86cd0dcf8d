//! Limits hold under concurrent bursts: every limited endpoint gets
//! [`BURST`] attempts released at the same moment, and the attempts the
//! server evaluated (answered with the endpoint's own failure, not 429) are
//! counted against the published limit. A server that checks the limit
//! before the slow work and counts the failure after it lets the whole burst
//! through (30 × 401 where the limit is 10).
//!
//! Each test needs a server of its own (it exhausts limits): locally a fresh
//! reference server; against your API only with
//! `RECLAIM_CONTRACT_DESTRUCTIVE=1` (and demo data where named).

use reclaim_contract::api::{LoginOutcome, TotpSetup};
use reclaim_contract::{
    alice_challenge, assert_problem, concurrently, demo, fresh_api, note, sign_in, totp,
    unique_email, unique_username, Resp,
};
use serde_json::json;

/// Attempts per burst.
const BURST: usize = 30;

/// (evaluated, refused with 429); panics on any other answer than
/// `evaluated_status` or 429, and checks every 429 is a problem with
/// `Retry-After`.
#[track_caller]
fn tally(what: &str, answers: &[Resp], evaluated_status: u16) -> (usize, usize) {
    let mut evaluated = 0;
    let mut limited = 0;
    for r in answers {
        match r.status {
            429 => {
                assert_problem(r);
                limited += 1;
            }
            s if s == evaluated_status => evaluated += 1,
            s => panic!("{what}: unexpected {s} {}", r.text()),
        }
    }
    note(&format!(
        "{what}: {BURST} concurrent attempts, {evaluated} evaluated, {limited} refused (429)"
    ));
    (evaluated, limited)
}

#[track_caller]
fn assert_within(what: &str, answers: &[Resp], evaluated_status: u16, limit: usize) {
    let (evaluated, limited) = tally(what, answers, evaluated_status);
    assert!(
        evaluated <= limit,
        "{what}: {evaluated} of {BURST} concurrent attempts were evaluated; the limit is {limit}"
    );
    assert!(evaluated >= 1, "{what}: at least one attempt is evaluated");
    assert_eq!(evaluated + limited, BURST);
}

#[test]
fn sign_in_burst_is_cut_at_ten() {
    let Some(api) = fresh_api("sign_in_burst_is_cut_at_ten", false) else {
        return;
    };
    let username = unique_username();
    let answers = concurrently(BURST, |_| {
        api.client().post_json(
            "/login",
            &json!({"username": username, "password": "wrong-password-1"}),
        )
    });
    assert_within("POST /login (wrong password)", &answers, 401, 10);
}

#[test]
fn second_factor_burst_is_cut_at_five() {
    let Some(api) = fresh_api("second_factor_burst_is_cut_at_five", true) else {
        return;
    };
    let challenge = alice_challenge(&api.client());
    let answers = concurrently(BURST, |_| {
        api.client().post_json(
            "/login/recovery-code",
            &json!({"token": challenge.token, "code": "0123456789abcdef"}),
        )
    });
    assert_within("POST /login/recovery-code (wrong code)", &answers, 422, 5);
    // The limit is the user's, not the challenge's: a new one is limited too.
    let again = alice_challenge(&api.client());
    api.client()
        .post_json(
            "/login/totp",
            &json!({"token": again.token, "code": totp::code_now(demo::alice_totp_secret(), 0)}),
        )
        .problem(429, Some("rate_limited"));
}

#[test]
fn reauth_burst_is_cut_at_ten() {
    let Some(api) = fresh_api("reauth_burst_is_cut_at_ten", true) else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    let answers = concurrently(BURST, |_| {
        client.post_json("/account/reauth", &json!({"password": "not-bobs-password"}))
    });
    assert_within("POST /account/reauth (wrong password)", &answers, 422, 10);
}

#[test]
fn recovery_code_confirmation_burst_is_cut_at_five() {
    let Some(api) = fresh_api("recovery_code_confirmation_burst_is_cut_at_five", true) else {
        return;
    };
    // alice signs in with her authenticator (a success: it does not count).
    let client = api.client();
    let challenge = alice_challenge(&client);
    if totp::seconds_left_in_step() < 3 {
        std::thread::sleep(std::time::Duration::from_secs(
            totp::seconds_left_in_step() + 1,
        ));
    }
    let r = client.post_json(
        "/login/totp",
        &json!({"token": challenge.token, "code": totp::code_now(demo::alice_totp_secret(), 0)}),
    );
    r.expect(200);
    client.adopt_session(&r);
    let answers = concurrently(BURST, |_| {
        client.post_json(
            "/account/recovery-codes/confirm",
            &json!({"code": "0123456789abcdef"}),
        )
    });
    assert_within(
        "POST /account/recovery-codes/confirm (wrong code)",
        &answers,
        422,
        5,
    );
}

#[test]
fn authenticator_confirmation_burst_is_cut_at_five() {
    let Some(api) = fresh_api("authenticator_confirmation_burst_is_cut_at_five", true) else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    client
        .post_json("/account/reauth", &json!({"password": demo::password()}))
        .expect(200);
    let r = client.post_json("/account/totp", &json!({}));
    r.expect(200);
    let secret = r.parse::<TotpSetup>().secret;
    // A code that is wrong now and in the steps around it.
    let wrong = (0..1000)
        .map(|n| format!("{:06}", (n * 7919) % 1_000_000))
        .find(|c| (-10..=10).all(|o| totp::code_now(&secret, o) != *c))
        .unwrap();
    let answers = concurrently(BURST, |_| {
        client.post_json("/account/totp/confirm", &json!({"code": wrong}))
    });
    assert_within("POST /account/totp/confirm (wrong code)", &answers, 422, 5);
}

#[test]
fn email_code_guess_burst_is_cut_at_five() {
    let Some(api) = fresh_api("email_code_guess_burst_is_cut_at_five", false) else {
        return;
    };
    let email = unique_email();
    api.client()
        .post_json("/email-verification", &json!({"email": email}))
        .expect(202);
    let answers = concurrently(BURST, |i| {
        api.client().post_json(
            "/email-verification/confirm",
            &json!({"email": email, "code": format!("{:08}", 10_000_000 + i)}),
        )
    });
    assert_within(
        "POST /email-verification/confirm (wrong code)",
        &answers,
        422,
        5,
    );
}

#[test]
fn reset_confirmation_burst_is_cut_per_client() {
    let Some(api) = fresh_api("reset_confirmation_burst_is_cut_per_client", false) else {
        return;
    };
    let answers = concurrently(BURST, |i| {
        api.client().post_json(
            "/password-reset/confirm",
            &json!({"token": format!("rst_not-a-real-token-{i}"), "new_password": "a-new-password-1"}),
        )
    });
    assert_within("POST /password-reset/confirm (bad link)", &answers, 400, 10);
}

#[test]
fn one_client_cannot_mail_codes_to_any_number_of_addresses() {
    let Some(api) = fresh_api(
        "one_client_cannot_mail_codes_to_any_number_of_addresses",
        false,
    ) else {
        return;
    };
    let answers = concurrently(BURST, |_| {
        api.client()
            .post_json("/email-verification", &json!({"email": unique_email()}))
    });
    assert_within(
        "POST /email-verification (30 addresses, one client)",
        &answers,
        202,
        20,
    );
}

#[test]
fn one_client_cannot_file_requests_to_any_number_of_contact_addresses() {
    let Some(api) = fresh_api(
        "one_client_cannot_file_requests_to_any_number_of_contact_addresses",
        false,
    ) else {
        return;
    };
    let answers = concurrently(BURST, |i| {
        let mut body = reclaim_contract::request_body(&unique_username());
        body["contact_email"] = json!(format!("stranger-{i}-{}", unique_email()));
        // Not `submit_request`: that spreads requests over source addresses
        // against a long-lived loopback API; this must be one client.
        api.client()
            .post("/recovery-requests")
            .header(
                reclaim_contract::api::IDEMPOTENCY_KEY_HEADER,
                &reclaim_contract::unique("burst"),
            )
            .json(&body)
            .send()
    });
    assert_within(
        "POST /recovery-requests (30 contact addresses, one client)",
        &answers,
        201,
        20,
    );
    if api.demo {
        // Only the accepted ones mailed anyone.
        let mailed = api
            .outbox()
            .iter()
            .filter(|m| m.to.starts_with("stranger-"))
            .count();
        let created = answers.iter().filter(|r| r.status == 201).count();
        assert_eq!(mailed, created);
    }
}

#[test]
fn a_correct_password_after_failures_is_not_counted() {
    let Some(api) = fresh_api("a_correct_password_after_failures_is_not_counted", true) else {
        return;
    };
    // 9 failures, then any number of successes: only failures count.
    for _ in 0..9 {
        api.client().login("bob", "wrong-password-2").expect(401);
    }
    for _ in 0..5 {
        let r = api.client().login("bob", demo::password());
        assert!(
            matches!(r.parse::<LoginOutcome>(), LoginOutcome::Session { .. }),
            "{}",
            r.text()
        );
    }
    api.client().login("bob", "wrong-password-3").expect(401);
    api.client()
        .login("bob", "wrong-password-4")
        .problem(429, Some("rate_limited"));
}

#[test]
fn email_codes_to_one_address_are_cut_at_five() {
    let Some(api) = fresh_api("email_codes_to_one_address_are_cut_at_five", false) else {
        return;
    };
    let email = unique_email();
    let answers = concurrently(BURST, |_| {
        api.client()
            .post_json("/email-verification", &json!({"email": email}))
    });
    assert_within("POST /email-verification (one address)", &answers, 202, 5);
}

#[test]
fn password_resets_for_one_identifier_are_cut_at_five() {
    let Some(api) = fresh_api("password_resets_for_one_identifier_are_cut_at_five", false) else {
        return;
    };
    let identifier = unique_username();
    let answers = concurrently(BURST, |_| {
        api.client()
            .post_json("/password-reset", &json!({"identifier": identifier}))
    });
    assert_within("POST /password-reset (one identifier)", &answers, 202, 5);
}
