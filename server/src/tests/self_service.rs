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
