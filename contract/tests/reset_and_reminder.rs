//! `POST /password-reset` and `POST /username-reminder`: one uniform `202`,
//! mail only where an account with a verified email exists, 5 resets a day;
//! `POST /password-reset/check` tells a live link from a dead one without
//! using it, 30 checks an hour per client.
//!
//! Demo mode: the outbox checks and the limit test (which also needs a fresh
//! server or RECLAIM_CONTRACT_DESTRUCTIVE=1).

use std::time::Duration;

use reclaim_contract::api::ResetLinkValid;
use reclaim_contract::{
    api, assert_problem, concurrently, demo, demo_api, fresh_api, note, unique_email,
    unique_username, Resp,
};
use serde_json::json;

fn reset(api: &reclaim_contract::Api, identifier: &str) -> Resp {
    api.client()
        .post_json("/password-reset", &json!({ "identifier": identifier }))
}

fn remind(api: &reclaim_contract::Api, email: &str) -> Resp {
    api.client()
        .post_json("/username-reminder", &json!({ "email": email }))
}

/// A mail that carries a password-reset link.
fn is_reset_mail(m: &reclaim_contract::Mail) -> bool {
    m.link().is_some() && m.text.to_ascii_lowercase().contains("reset")
}

#[track_caller]
fn assert_alike(a: &Resp, b: &Resp) {
    assert_eq!(
        a.status,
        b.status,
        "same status: {} vs {}",
        a.text(),
        b.text()
    );
    assert_eq!(
        a.text(),
        b.text(),
        "same body for existing and unknown accounts"
    );
    assert_eq!(
        a.stable_headers(),
        b.stable_headers(),
        "same headers for existing and unknown accounts"
    );
}

#[test]
fn password_reset_answers_alike_for_existing_and_unknown_usernames() {
    let api = api();
    let unknown = reset(api, &unique_username());
    unknown.expect(202);
    let accepted: reclaim_contract::api::Accepted = unknown.parse();
    assert!(!accepted.message.is_empty());
    if api.demo {
        let existing = reset(api, "bob");
        existing.expect(202);
        assert_alike(&existing, &unknown);
    }
}

#[test]
fn password_reset_answers_alike_for_existing_and_unknown_emails() {
    let api = api();
    let unknown = reset(api, &unique_email());
    unknown.expect(202);
    if api.demo {
        let existing = reset(api, demo::bob_email());
        assert_alike(&existing, &unknown);
        // an unverified email answers alike too
        let unverified = reset(api, "carol");
        assert_alike(&unverified, &unknown);
    }
}

#[test]
fn password_reset_mails_bob_a_link() {
    let Some(api) = demo_api("password_reset_mails_bob_a_link") else {
        return;
    };
    reset(api, "bob").expect(202);
    let mail = api
        .wait_for_mail(demo::bob_email(), Duration::from_secs(5), is_reset_mail)
        .expect("a mail with a reset link to bob");
    let link = mail.link().unwrap();
    assert!(
        link.len() > 30,
        "the link carries an unguessable token: {link}"
    );
}

#[test]
fn password_reset_for_unknown_email_sends_nothing() {
    let Some(api) = demo_api("password_reset_for_unknown_email_sends_nothing") else {
        return;
    };
    let email = unique_email();
    reset(api, &email).expect(202);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        api.mails_to(&email).is_empty(),
        "no mail to an unknown address"
    );
}

#[test]
fn password_reset_sends_no_link_to_an_unverified_email() {
    let Some(api) = demo_api("password_reset_sends_no_link_to_an_unverified_email") else {
        return;
    };
    // carol's email is unverified: an unverified email cannot reset.
    let before = api.mails_to(demo::carol_email()).len();
    reset(api, demo::carol_email()).expect(202);
    std::thread::sleep(Duration::from_millis(300));
    let after = api.mails_to(demo::carol_email());
    assert!(
        !after.iter().skip(before).any(is_reset_mail),
        "no reset link to carol's unverified address: {:?}",
        after
            .iter()
            .skip(before)
            .map(|m| &m.text)
            .collect::<Vec<_>>()
    );
}

#[test]
fn username_reminder_answers_alike_for_existing_and_unknown_emails() {
    let api = api();
    let unknown = remind(api, &unique_email());
    unknown.expect(202);
    let _: reclaim_contract::api::Accepted = unknown.parse();
    if api.demo {
        let existing = remind(api, demo::alice_email());
        assert_alike(&existing, &unknown);
        let unverified = remind(api, demo::carol_email());
        assert_alike(&unverified, &unknown);
    }
}

#[test]
fn username_reminder_mails_the_username() {
    let Some(api) = demo_api("username_reminder_mails_the_username") else {
        return;
    };
    remind(api, demo::bob_email()).expect(202);
    let mail = api
        .wait_for_mail(demo::bob_email(), Duration::from_secs(5), |m| {
            let text = m.text.replace(demo::bob_email(), "");
            text.contains("bob") && text.to_ascii_lowercase().contains("username")
        })
        .expect("a username reminder to bob naming `bob`");
    assert!(!mail.to.is_empty());
}

#[test]
fn username_reminder_for_unknown_email_sends_nothing() {
    let Some(api) = demo_api("username_reminder_for_unknown_email_sends_nothing") else {
        return;
    };
    let email = unique_email();
    remind(api, &email).expect(202);
    std::thread::sleep(Duration::from_millis(300));
    assert!(api.mails_to(&email).is_empty());
}

#[test]
fn password_reset_is_limited_to_five_a_day_per_user() {
    let Some(api) = fresh_api("password_reset_is_limited_to_five_a_day_per_user", true) else {
        return;
    };
    for i in 1..=5 {
        reset(&api, "bob").expect(202);
        let _ = i;
    }
    let limited = reset(&api, "bob");
    let p = limited.problem(429, None);
    assert_eq!(p.code, "rate_limited");
    // An unknown identifier is limited the same way, or the limit would tell
    // which accounts exist.
    let ghost = unique_username();
    for _ in 1..=5 {
        reset(&api, &ghost).expect(202);
    }
    let ghost_limited = reset(&api, &ghost);
    ghost_limited.problem(429, Some(&p.code));
    assert_eq!(
        limited.header("content-type"),
        ghost_limited.header("content-type")
    );
    // no more than 5 reset mails went to bob
    std::thread::sleep(Duration::from_millis(200));
    let links = api
        .mails_to(demo::bob_email())
        .iter()
        .filter(|m| is_reset_mail(m))
        .count();
    assert!(links <= 5, "at most 5 reset mails a day, got {links}");
}

#[test]
fn reset_link_sets_a_new_password_once() {
    let Some(api) = fresh_api("reset_link_sets_a_new_password_once", true) else {
        return;
    };
    let signed_in = api.client();
    reclaim_contract::sign_in(&signed_in, "bob");
    reset(&api, "bob").expect(202);
    let mail = api
        .wait_for_mail(demo::bob_email(), Duration::from_secs(5), is_reset_mail)
        .expect("a reset link to bob");
    let link = mail.link().unwrap();
    let token = link
        .split(['?', '&', '#'])
        .find_map(|p| p.strip_prefix("token="))
        .unwrap_or_else(|| panic!("the link carries ?token=: {link}"))
        .to_string();
    let client = api.client();
    let bogus = client.post_json(
        "/password-reset/confirm",
        &json!({ "token": "rst_bogus0123456789", "new_password": "a-new-long-password-1" }),
    );
    let p = bogus.problem(bogus.status, None);
    assert!((400..500).contains(&p.status));
    let new_password = "a-new-long-password-for-bob";
    let ok = client.post_json(
        "/password-reset/confirm",
        &json!({ "token": token, "new_password": new_password }),
    );
    assert!(
        ok.status == 200 || ok.status == 204,
        "{} {}",
        ok.status,
        ok.text()
    );
    // the link works once
    let again = client.post_json(
        "/password-reset/confirm",
        &json!({ "token": token, "new_password": "yet-another-password-1" }),
    );
    again.problem(p.status, Some(&p.code));
    // the old password is gone, the new one works, old sessions are ended
    client
        .login("bob", reclaim_contract::demo::password())
        .problem(401, Some("invalid_credentials"));
    reclaim_contract::assert_problem(&signed_in.get("/account/security").send());
    let fresh = api.client();
    fresh.login("bob", new_password).expect(200);
    fresh.get("/account/security").send().expect(200);
}

#[test]
fn a_password_reset_does_not_bypass_the_second_factor() {
    // RubyGems CVE-2024-21654: a reset that signed in, or switched off
    // two-factor, let a mailbox take over an account with an authenticator.
    let Some(api) = fresh_api("a_password_reset_does_not_bypass_the_second_factor", true) else {
        return;
    };
    reset(&api, "alice").expect(202);
    let mail = api
        .wait_for_mail(demo::alice_email(), Duration::from_secs(5), is_reset_mail)
        .expect("a reset link to alice");
    let link = mail.link().unwrap();
    let token = link
        .split(['?', '&', '#'])
        .find_map(|p| p.strip_prefix("token="))
        .unwrap_or_else(|| panic!("the link carries ?token=: {link}"))
        .to_string();
    let client = api.client();
    let new_password = "a-new-long-password-for-alice";
    let ok = client.post_json(
        "/password-reset/confirm",
        &json!({ "token": token, "new_password": new_password }),
    );
    assert!(
        ok.status == 200 || ok.status == 204,
        "{} {}",
        ok.status,
        ok.text()
    );
    // The reset itself is no session.
    client
        .get("/account/security")
        .send()
        .problem(401, Some("unauthenticated"));
    // Signing in with the new password still asks for the authenticator.
    let r = client.login("alice", new_password);
    r.expect(200);
    match r.parse::<reclaim_contract::api::LoginOutcome>() {
        reclaim_contract::api::LoginOutcome::SecondFactor(c) => {
            assert!(
                c.methods
                    .contains(&reclaim_contract::api::SecondFactor::Totp),
                "{}",
                r.text()
            );
        }
        other => panic!("a session without the second factor after a reset: {other:?}"),
    }
    client
        .get("/account/security")
        .send()
        .problem(401, Some("unauthenticated"));
}

fn check(api: &reclaim_contract::Api, token: &str) -> Resp {
    api.client()
        .post_json("/password-reset/check", &json!({ "token": token }))
}

/// The token of the newest reset link mailed to `address`.
fn reset_token(api: &reclaim_contract::Api, address: &str) -> String {
    let mail = api
        .wait_for_mail(address, Duration::from_secs(5), is_reset_mail)
        .expect("a reset link");
    let link = mail.link().unwrap();
    link.split(['?', '&', '#'])
        .find_map(|p| p.strip_prefix("token="))
        .unwrap_or_else(|| panic!("the link carries ?token=: {link}"))
        .to_string()
}

#[test]
fn a_reset_link_is_checked_without_being_used() {
    let Some(api) = fresh_api("a_reset_link_is_checked_without_being_used", true) else {
        return;
    };
    reset(&api, "bob").expect(202);
    let token = reset_token(&api, demo::bob_email());
    // Checked twice: live both times, for at most the link's 6 hours.
    for _ in 0..2 {
        let r = check(&api, &token);
        r.expect(200);
        let valid: ResetLinkValid = r.parse();
        assert!(
            (1..=6 * 3600).contains(&valid.valid_for),
            "{}",
            valid.valid_for
        );
    }
    // The checks used nothing up: the link sets the password.
    let client = api.client();
    let ok = client.post_json(
        "/password-reset/confirm",
        &json!({ "token": token, "new_password": "a-new-long-password-for-bob" }),
    );
    assert!(
        ok.status == 200 || ok.status == 204,
        "{} {}",
        ok.status,
        ok.text()
    );
    // Now it is dead, and the check says so as the confirmation does.
    let used = check(&api, &token);
    used.problem(400, Some("reset_token_invalid"));
    let confirm_again = client.post_json(
        "/password-reset/confirm",
        &json!({ "token": token, "new_password": "yet-another-password-1" }),
    );
    assert_eq!(
        (used.status, used.json()["code"].clone()),
        (confirm_again.status, confirm_again.json()["code"].clone())
    );
    let bogus = check(&api, "rst_bogus0123456789");
    assert_eq!(
        (bogus.status, bogus.text()),
        (used.status, used.text()),
        "an unknown token answers like a used one"
    );
}

#[test]
fn reset_link_checks_are_cut_at_thirty_per_client() {
    let Some(api) = fresh_api("reset_link_checks_are_cut_at_thirty_per_client", false) else {
        return;
    };
    let answers = concurrently(40, |i| check(&api, &format!("rst_not-a-real-token-{i}")));
    let (mut dead, mut limited) = (0, 0);
    for r in &answers {
        match r.status {
            400 => {
                r.problem(400, Some("reset_token_invalid"));
                dead += 1;
            }
            429 => {
                assert_problem(r);
                limited += 1;
            }
            s => panic!("POST /password-reset/check: unexpected {s} {}", r.text()),
        }
    }
    note(&format!(
        "POST /password-reset/check: 40 concurrent, {dead} checked, {limited} refused (429)"
    ));
    assert!(
        (1..=30).contains(&dead),
        "30 checks an hour per client, every one counting: {dead} checked"
    );
}
