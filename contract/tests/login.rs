//! `POST /login`: a session, or a second-factor challenge; `401
//! invalid_credentials` alike for a wrong password and an unknown user; 10
//! attempts per 5 minutes per user.
//!
//! Demo mode: every test but the first half of the uniform-answer test.

use reclaim_contract::api::{LoginOutcome, SecondFactor};
use reclaim_contract::{api, demo, demo_api, fresh_api, unique_username};

#[test]
fn wrong_password_and_unknown_user_answer_alike() {
    let api = api();
    let client = api.client();
    let unknown = client.login(&unique_username(), "not-the-password-1");
    let p = unknown.problem(401, Some("invalid_credentials"));
    assert!(!p.title.is_empty());
    if api.demo {
        let wrong = client.login("bob", "not-the-password-1");
        wrong.problem(401, Some("invalid_credentials"));
        assert_eq!(wrong.text(), unknown.text(), "same body");
        assert_eq!(
            wrong.stable_headers(),
            unknown.stable_headers(),
            "same headers"
        );
        assert!(
            wrong.header("set-cookie").is_none(),
            "a failed sign-in sets no cookie"
        );
    }
}

#[test]
fn alice_gets_a_second_factor_challenge() {
    let Some(api) = demo_api("alice_gets_a_second_factor_challenge") else {
        return;
    };
    let client = api.client();
    let r = client.login("alice", demo::password());
    r.expect(200);
    let LoginOutcome::SecondFactor(c) = r.parse::<LoginOutcome>() else {
        panic!(
            "alice has an authenticator app: expected a challenge, got {}",
            r.text()
        );
    };
    assert!(
        c.token.len() >= 16,
        "an unguessable challenge token: {:?}",
        c.token
    );
    assert!(
        c.methods.contains(&SecondFactor::Totp),
        "methods: {:?}",
        c.methods
    );
    assert!(
        c.methods.contains(&SecondFactor::RecoveryCode),
        "methods: {:?}",
        c.methods
    );
    assert_eq!(c.recovery_codes.unused, 7, "8 codes, one burned");
    let generated = c
        .recovery_codes
        .generated_at
        .as_deref()
        .expect("generated_at of the current set");
    assert_eq!(
        generated,
        demo::alice_codes_generated_at(),
        "when alice's current set was generated (RFC 3339)"
    );
    assert!(
        (1..=300).contains(&c.expires_in),
        "the second-factor step lasts 300 s: {}",
        c.expires_in
    );
    // the password step alone does not sign in
    let security = client.get("/account/security").send();
    security.problem(401, None);
}

#[test]
fn bob_gets_a_session_cookie() {
    let Some(api) = demo_api("bob_gets_a_session_cookie") else {
        return;
    };
    let client = api.client();
    let r = client.login("bob", demo::password());
    r.expect(200);
    let LoginOutcome::Session {
        username,
        csrf_token,
    } = r.parse::<LoginOutcome>()
    else {
        panic!(
            "bob has no second factor: expected a session, got {}",
            r.text()
        );
    };
    assert_eq!(username, "bob");
    assert!(csrf_token.len() >= 16, "an unguessable CSRF token");
    let cookies = r.headers_all("set-cookie");
    assert!(!cookies.is_empty(), "a session cookie is set");
    let session = cookies
        .iter()
        .find(|c| c.to_ascii_lowercase().contains("httponly"))
        .unwrap_or_else(|| panic!("the session cookie is HttpOnly: {cookies:?}"));
    let attrs: Vec<String> = session
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(
        attrs.iter().any(|a| a == "samesite=strict"),
        "SameSite=Strict: {session}"
    );
    assert!(attrs
        .iter()
        .any(|a| a == "path=/" || a.starts_with("path=")));
    assert!(
        !session.contains(&csrf_token),
        "the CSRF token is not the session cookie"
    );
    client.get("/account/security").send().expect(200);
}

#[test]
fn login_is_limited_to_ten_attempts_per_five_minutes() {
    let Some(api) = fresh_api("login_is_limited_to_ten_attempts_per_five_minutes", true) else {
        return;
    };
    let client = api.client();
    for i in 1..=10 {
        let r = client.login("bob", &format!("wrong-password-{i}"));
        r.problem(401, Some("invalid_credentials"));
    }
    let limited = client.login("bob", "wrong-password-11");
    limited.problem(429, Some("rate_limited"));
    // once limited, even the right password does not tell that it is right
    let right = client.login("bob", demo::password());
    right.problem(429, Some("rate_limited"));
}
