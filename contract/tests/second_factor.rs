//! `POST /login/recovery-code` and `POST /login/totp` with alice's fixed demo
//! data: the exact messages, burned codes, stale sets, TOTP drift and reuse,
//! expired challenges, and 5 attempts per 5 minutes.
//!
//! Demo mode: all but `bogus_token_is_challenge_expired`. Tests that burn a
//! code, use a TOTP code or exhaust the limit get a server of their own.

use reclaim_contract::api::{LoginOutcome, Problem};
use reclaim_contract::{alice_challenge, api, demo, demo_api, fresh_api, totp, Client, Resp};
use serde_json::json;

const FORMAT_MESSAGE: &str = "Recovery codes are 16 character hexadecimal strings";
const INVALID_MESSAGE: &str = "Invalid recovery code.";
const USED_MESSAGE: &str = "Recovery code has been previously used.";

fn recovery(client: &Client, token: &str, code: &str) -> Resp {
    client.post_json(
        "/login/recovery-code",
        &json!({ "token": token, "code": code }),
    )
}

fn totp_login(client: &Client, token: &str, code: &str) -> Resp {
    client.post_json("/login/totp", &json!({ "token": token, "code": code }))
}

/// The words of a problem for people: detail, title and field messages.
fn words(p: &Problem) -> String {
    let mut s = format!("{}\n{}\n", p.title, p.detail.clone().unwrap_or_default());
    for e in &p.errors {
        s.push_str(&e.message);
        s.push('\n');
    }
    s
}

#[track_caller]
fn assert_session(r: &Resp, who: &str) {
    r.expect(200);
    match r.parse::<LoginOutcome>() {
        LoginOutcome::Session { username, .. } => assert_eq!(username, who),
        other => panic!("expected a session, got {other:?}"),
    }
}

#[test]
fn bogus_token_is_challenge_expired() {
    let api = api();
    let client = api.client();
    let token = "bogus-challenge-token-0123456789abcdef";
    let r = recovery(&client, token, "0123456789abcdef");
    let p = r.problem(r.status, Some("challenge_expired"));
    assert!((400..500).contains(&p.status), "a 4xx: {}", p.status);
    let r2 = totp_login(&client, token, "123456");
    r2.problem(r.status, Some("challenge_expired"));
}

#[test]
fn recovery_code_format_is_explained() {
    let Some(api) = demo_api("recovery_code_format_is_explained") else {
        return;
    };
    let client = api.client();
    let c = alice_challenge(&client);
    // too short, a letter outside hex, too long
    for bad in ["0123", "0123456789abcdeg", "0123456789abcdef0"] {
        let r = recovery(&client, &c.token, bad);
        let p = reclaim_contract::assert_problem(&r);
        assert!(
            r.status == 400 || r.status == 422,
            "{bad:?}: format errors are 400/422, got {}",
            r.status
        );
        assert!(
            words(&p).contains(FORMAT_MESSAGE),
            "{bad:?}: the format message {FORMAT_MESSAGE:?}: {}",
            r.text()
        );
    }
}

#[test]
fn codes_pasted_into_the_wrong_field_are_named() {
    let Some(api) = demo_api("codes_pasted_into_the_wrong_field_are_named") else {
        return;
    };
    let client = api.client();
    let c = alice_challenge(&client);
    let cases = [
        ("/login/recovery-code", "123456", "looks_like_totp_code"),
        (
            "/login/recovery-code",
            demo::alice_totp_secret(),
            "looks_like_totp_secret",
        ),
        (
            "/login/totp",
            demo::alice_old_code(),
            "looks_like_recovery_code",
        ),
        (
            "/login/totp",
            demo::alice_totp_secret(),
            "looks_like_totp_secret",
        ),
    ];
    for (path, code, expected) in cases {
        let r = client.post_json(path, &json!({ "token": c.token, "code": code }));
        let p = r.problem(422, None);
        assert!(
            p.errors
                .iter()
                .any(|e| e.pointer == "/code" && e.code == expected),
            "{path} with {code:?}: {expected} at /code: {}",
            r.text()
        );
        assert!(
            !r.text().contains(code),
            "the answer does not echo the pasted secret"
        );
    }
}

#[test]
fn old_set_code_is_invalid_exactly_like_a_typo() {
    let Some(api) = demo_api("old_set_code_is_invalid_exactly_like_a_typo") else {
        return;
    };
    let client = api.client();
    let c = alice_challenge(&client);
    // whitespace, dashes and case are normalised before the check
    let old = demo::alice_old_code().to_ascii_uppercase();
    let spaced = format!(" {}-{} {} ", &old[..4], &old[4..8], &old[8..]);
    let stale = recovery(&client, &c.token, &spaced);
    let p = stale.problem(stale.status, Some("recovery_code_invalid"));
    assert!((400..500).contains(&p.status));
    assert!(words(&p).contains(INVALID_MESSAGE), "{}", stale.text());
    let typo = recovery(&client, &c.token, "0123456789abcdef");
    assert_eq!(typo.status, stale.status);
    assert_eq!(
        typo.text(),
        stale.text(),
        "an old code answers exactly like a typo"
    );
}

#[test]
fn burned_code_is_previously_used() {
    let Some(api) = demo_api("burned_code_is_previously_used") else {
        return;
    };
    let client = api.client();
    let c = alice_challenge(&client);
    let r = recovery(&client, &c.token, demo::alice_burned_code());
    let p = r.problem(r.status, Some("recovery_code_used"));
    assert!((400..500).contains(&p.status));
    assert!(words(&p).contains(USED_MESSAGE), "{}", r.text());
}

#[test]
fn good_recovery_code_signs_in_once() {
    let Some(api) = fresh_api("good_recovery_code_signs_in_once", true) else {
        return;
    };
    let client = api.client();
    let c = alice_challenge(&client);
    let before = c.recovery_codes.unused;
    let code = demo::alice_unused_codes()[0];
    let r = recovery(&client, &c.token, code);
    assert_session(&r, "alice");
    client.adopt_session(&r);
    client.get("/account/security").send().expect(200);

    // the code is burned now
    let other = api.client();
    let c2 = alice_challenge(&other);
    assert_eq!(c2.recovery_codes.unused, before - 1, "one code fewer");
    let again = recovery(&other, &c2.token, code);
    let p = again.problem(again.status, Some("recovery_code_used"));
    assert!(words(&p).contains(USED_MESSAGE));
    // and the used challenge token is spent
    let replay = recovery(&client, &c.token, demo::alice_unused_codes()[1]);
    replay.problem(replay.status, Some("challenge_expired"));
}

#[test]
fn totp_signs_in_and_rejects_reuse_and_drift() {
    let Some(api) = fresh_api("totp_signs_in_and_rejects_reuse_and_drift", true) else {
        return;
    };
    if totp::seconds_left_in_step() < 4 {
        std::thread::sleep(std::time::Duration::from_secs(
            totp::seconds_left_in_step() + 1,
        ));
    }
    let secret = demo::alice_totp_secret();
    let client = api.client();
    let c = alice_challenge(&client);
    // ±1 step is accepted: sign in with the previous step's code
    let code = totp::code_now(secret, -1);
    let r = totp_login(&client, &c.token, &code);
    assert_session(&r, "alice");

    let other = api.client();
    let c2 = alice_challenge(&other);
    // a code already used is refused
    let reuse = totp_login(&other, &c2.token, &code);
    let p = reuse.problem(reuse.status, Some("totp_invalid"));
    assert!((400..500).contains(&p.status));
    // 5 steps away: "may be out of sync"
    let drift = totp_login(&other, &c2.token, &totp::code_now(secret, 5));
    drift.problem(drift.status, Some("totp_out_of_sync"));
    // far away: plainly invalid
    let far = totp_login(&other, &c2.token, &totp::code_now(secret, 1000));
    far.problem(far.status, Some("totp_invalid"));
    // the current code still works on the same challenge
    let now = totp_login(&other, &c2.token, &totp::code_now(secret, 0));
    assert_session(&now, "alice");
}

#[test]
fn totp_code_format_is_refused() {
    let Some(api) = demo_api("totp_code_format_is_refused") else {
        return;
    };
    let client = api.client();
    let c = alice_challenge(&client);
    // a recovery code pasted into the TOTP field is refused without counting as valid
    let r = totp_login(&client, &c.token, "12345");
    let p = reclaim_contract::assert_problem(&r);
    assert!((400..500).contains(&p.status));
    assert_ne!(p.code, "challenge_expired");
}

#[test]
fn second_factor_attempts_are_limited_to_five_per_five_minutes() {
    let Some(api) = fresh_api(
        "second_factor_attempts_are_limited_to_five_per_five_minutes",
        true,
    ) else {
        return;
    };
    let client = api.client();
    let c = alice_challenge(&client);
    // wrong TOTP codes (cheap to check, unlike recovery codes): 5 are answered
    let now = totp::current_step();
    let mut tried = Vec::new();
    let mut offset = 100;
    while tried.len() < 5 {
        let code = totp::code_at(demo::alice_totp_secret(), now + offset);
        offset += 1;
        if (-11..=11).any(|d| totp::code_at(demo::alice_totp_secret(), now + d) == code) {
            continue;
        }
        let r = totp_login(&client, &c.token, &code);
        r.problem(r.status, Some("totp_invalid"));
        tried.push(code);
    }
    // the 6th is limited, whichever method
    let limited = recovery(&client, &c.token, "5123456789abcdef");
    limited.problem(429, Some("rate_limited"));
    // the limit holds for good codes too
    let good = recovery(&client, &c.token, demo::alice_unused_codes()[0]);
    good.problem(429, Some("rate_limited"));
    let t = totp_login(
        &client,
        &c.token,
        &totp::code_now(demo::alice_totp_secret(), 0),
    );
    t.problem(429, Some("rate_limited"));
    // and for a new challenge: the limit is per user, not per challenge
    let c2 = alice_challenge(&api.client());
    let again = totp_login(
        &client,
        &c2.token,
        &totp::code_now(demo::alice_totp_secret(), 0),
    );
    again.problem(429, Some("rate_limited"));
}
