//! Self-service without signing in: password reset, email one-time codes.

use super::*;

#[tokio::test]
async fn password_reset_is_uniform_and_mails_only_verified_addresses() {
    let t = test_app();
    let a = t
        .post("/password-reset", json!({"identifier": "bob"}))
        .await;
    let b = t
        .post("/password-reset", json!({"identifier": "nobody-here"}))
        .await;
    let c = t
        .post(
            "/password-reset",
            json!({"identifier": "carol@example.org"}),
        )
        .await;
    assert_eq!(a.status, 202);
    for other in [&b, &c] {
        assert_eq!(
            (a.status, &a.text, &a.headers),
            (other.status, &other.text, &other.headers)
        );
    }
    let mails = t.outbox("bob@example.org").await;
    assert_eq!(mails.len(), 1);
    let body = mails[0]["body"].as_str().unwrap();
    let token = body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert!(t.outbox("carol@example.org").await.is_empty());
    // The link sets a new password once.
    let r = t
        .post(
            "/password-reset/confirm",
            json!({"token": token, "new_password": "a-new-long-password"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = t
        .post(
            "/password-reset/confirm",
            json!({"token": token, "new_password": "a-new-long-password"}),
        )
        .await;
    assert_eq!(r.body["code"], "reset_token_invalid");
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": "a-new-long-password"}),
        )
        .await;
    assert_eq!(r.status, 200);
    for _ in 0..4 {
        assert_eq!(
            t.post("/password-reset", json!({"identifier": "nobody-here"}))
                .await
                .status,
            202
        );
    }
    let r = t
        .post("/password-reset", json!({"identifier": "Nobody-Here"}))
        .await;
    assert_eq!(r.status, 429);
    assert!(r.headers.contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn email_code_gives_a_proof() {
    let t = test_app();
    let r = t
        .post("/email-verification", json!({"email": "carol@example.org"}))
        .await;
    assert_eq!(r.status, 202);
    let mail = t.outbox("carol@example.org").await.remove(0);
    let body = mail["body"].as_str().unwrap();
    let code = body
        .split_whitespace()
        .find(|w| w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()))
        .unwrap();
    let r = t
        .post(
            "/email-verification/confirm",
            json!({"email": "carol@example.org", "code": "00000000"}),
        )
        .await;
    assert_eq!(r.body["code"], "email_code_invalid");
    let r = t
        .post(
            "/email-verification/confirm",
            json!({"email": "Carol@example.org", "code": code}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["proof"].as_str().unwrap().starts_with("ep_"));
}

/// The token of the newest reset link mailed to `to`.
async fn reset_token(t: &T, to: &str) -> String {
    let mails = t.outbox(to).await;
    let body = mails[0]["body"].as_str().unwrap();
    body.split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_reset_link_is_checked_without_being_used() {
    let t = test_app();
    t.post("/password-reset", json!({"identifier": "bob"}))
        .await;
    let token = reset_token(&t, "bob@example.org").await;
    for _ in 0..2 {
        let r = t
            .post("/password-reset/check", json!({"token": token}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let left = r.body["valid_for"].as_u64().unwrap();
        assert!((6 * 3600 - 5..=6 * 3600).contains(&left), "{left}");
    }
    t.state.clock.advance(3600);
    let r = t
        .post("/password-reset/check", json!({"token": token}))
        .await;
    assert!(
        r.body["valid_for"].as_u64().unwrap() <= 5 * 3600,
        "{}",
        r.text
    );
    // Checked twice, the link still sets the password once.
    let r = t
        .post(
            "/password-reset/confirm",
            json!({"token": token, "new_password": "a-new-long-password"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    // A used link and an unknown one: the confirmation's own answer.
    let used = t
        .post("/password-reset/check", json!({"token": token}))
        .await;
    used.assert_problem(400, "reset_token_invalid");
    let bogus = t
        .post("/password-reset/check", json!({"token": "rst_bogus"}))
        .await;
    assert_eq!((used.status, &used.text), (bogus.status, &bogus.text));
    let confirm = t
        .post(
            "/password-reset/confirm",
            json!({"token": token, "new_password": "a-new-long-password"}),
        )
        .await;
    assert_eq!((used.status, &used.text), (confirm.status, &confirm.text));
    // The password-changed notice says when, with the zone, and whom to ask.
    let notice = t.outbox("bob@example.org").await.remove(0);
    let body = notice["body"].as_str().unwrap();
    assert!(body.contains(" UTC with a reset link"), "{body}");
    assert!(
        body.contains("contact support at admin@pypi.org."),
        "{body}"
    );
}

#[tokio::test]
async fn reset_link_checks_are_limited_per_client() {
    let t = test_app();
    for i in 0..30 {
        t.post(
            "/password-reset/check",
            json!({"token": format!("rst_{i}")}),
        )
        .await
        .assert_problem(400, "reset_token_invalid");
    }
    let r = t
        .post("/password-reset/check", json!({"token": "rst_one-more"}))
        .await;
    r.assert_problem(429, "rate_limited");
    assert!(r.headers.contains_key(header::RETRY_AFTER));
}
