//! The signed-in checkup: recovery codes, the authenticator, projects,
//! sealed secrets, and the security notices it mails.

use super::*;
use crate::routes::REAUTH_SECS;

#[tokio::test]
async fn checkup_regenerates_codes_and_adds_an_authenticator() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    // Past the 5 minutes the sign-in counts as a fresh password.
    t.state.clock.advance(REAUTH_SECS + 1);
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    r.assert_problem(403, "reauth_required");
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/reauth",
            Some(json!({"password": "nope-nope"})),
            &h,
        )
        .await;
    assert_eq!(r.body["code"], "password_incorrect");
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/reauth",
            Some(json!({"password": demo::password()})),
            &h,
        )
        .await;
    assert_eq!(r.body["valid_for"], 300);
    // No codes without an authenticator: they would lock bob out.
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    r.assert_problem(409, "second_factor_required");

    let r = t.req(Method::POST, "/api/v1/account/totp", None, &h).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let secret = r.body["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 32);
    assert!(r.body["otpauth_uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/PyPI:bob?secret="));
    let code = totp::current_code(&totp::base32_decode(&secret).unwrap(), t.state.clock.now());
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/totp/confirm",
            Some(json!({"code": code})),
            &h,
        )
        .await;
    assert_eq!(r.body["totp_enabled"], true, "{}", r.text);
    assert!(r.body["totp_changed_at"].is_string(), "{}", r.text);

    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let codes: Vec<String> = serde_json::from_value(r.body["codes"].clone()).unwrap();
    assert_eq!(codes.len(), 8);
    assert!(codes.iter().all(|c| c.len() == 16
        && c.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())));
    let filename = r.body["filename"].as_str().unwrap();
    assert_eq!(
        filename,
        format!(
            "PyPI-Recovery-Codes-bob-{}.txt",
            r.body["generated_at"].as_str().unwrap()
        )
    );
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/recovery-codes/confirm",
            Some(json!({"code": codes[4]})),
            &h,
        )
        .await;
    assert_eq!(r.body["unused"], 7, "{}", r.text);
    let r = t
        .req(Method::GET, "/api/v1/account/security", None, &h)
        .await;
    assert_eq!(r.body["recovery_codes_proven"], true, "{}", r.text);
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/recovery-codes/confirm",
            Some(json!({"code": codes[4]})),
            &h,
        )
        .await;
    r.assert_problem(422, "recovery_code_used");

    // Removing the authenticator deletes the codes with it.
    let r = t
        .req(Method::DELETE, "/api/v1/account/totp", None, &h)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totp_enabled"], false);
    assert_eq!(
        r.body["recovery_codes"],
        json!({"generated_at": null, "unused": 0})
    );
    let r = t
        .req(Method::DELETE, "/api/v1/account/totp", None, &h)
        .await;
    r.assert_problem(409, "totp_not_enabled");
    let subjects: Vec<String> = t
        .outbox("bob@example.org")
        .await
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect();
    assert!(subjects.contains(&"An authenticator app was added to your account".to_string()));
    assert!(subjects.contains(&"New recovery codes were generated".to_string()));
    assert!(subjects.contains(&"The authenticator app was removed from your account".to_string()));
    // bob signs in with his password alone again.
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
}

#[tokio::test]
async fn a_fresh_sign_in_counts_as_a_fresh_password_for_five_minutes() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = t
        .req(Method::GET, "/api/v1/account/security", None, &h)
        .await;
    let left = r.body["reauth_valid_for"].as_u64().unwrap();
    assert!((295..=300).contains(&left), "{left}");
    // No POST /account/reauth: the sign-in just took the password.
    let r = t.req(Method::POST, "/api/v1/account/totp", None, &h).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let secret = totp::base32_decode(r.body["secret"].as_str().unwrap()).unwrap();
    let code = totp::current_code(&secret, t.state.clock.now());
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/totp/confirm",
            Some(json!({"code": code})),
            &h,
        )
        .await;
    assert_eq!(r.body["totp_enabled"], true, "{}", r.text);
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Five minutes later every change that needs it is refused again.
    t.state.clock.advance(REAUTH_SECS + 1);
    let r = t
        .req(Method::GET, "/api/v1/account/security", None, &h)
        .await;
    assert_eq!(r.body["reauth_valid_for"], 0, "{}", r.text);
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    r.assert_problem(403, "reauth_required");
    let r = t
        .req(Method::DELETE, "/api/v1/account/totp", None, &h)
        .await;
    r.assert_problem(403, "reauth_required");
    let r = t.req(Method::POST, "/api/v1/account/totp", None, &h).await;
    r.assert_problem(403, "reauth_required");
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/reauth",
            Some(json!({"password": demo::password()})),
            &h,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // A sign-in with a second factor opens the window when it completes.
    let token = t.alice_challenge().await;
    let code = totp::current_code(&alice_secret(), t.state.clock.now());
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
    let pair = r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = r.body["csrf_token"].as_str().unwrap().to_string();
    let h = [("cookie", pair.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn security_lists_projects_and_when_the_authenticator_changed() {
    let t = test_app();
    let r = t
        .post(
            "/login",
            json!({"username": "carol", "password": demo::password()}),
        )
        .await;
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap().to_string();
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &pair)],
        )
        .await;
    assert_eq!(
        r.body["projects"],
        json!([{"name": "carols-notes", "repository_url": null}])
    );
    assert_eq!(r.body["totp_changed_at"], Value::Null);
    assert_eq!(r.body["recovery_codes_predate_totp"], false);
    assert_eq!(r.body["recovery_codes_proven"], false);
}

#[tokio::test]
async fn authenticator_secrets_are_stored_sealed_and_still_work() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/reauth",
            Some(json!({"password": demo::password()})),
            &h,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = t.req(Method::POST, "/api/v1/account/totp", None, &h).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let secret = r.body["secret"].as_str().unwrap().to_string();
    let row = |t: &T| {
        t.state.db.blocking(|c| {
            Ok(c.query_row(
                "SELECT id, totp_secret, totp_pending_secret FROM users WHERE username = 'bob'",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                },
            )?)
        })
    };
    let (bob, _, pending) = row(&t).unwrap();
    let pending = pending.expect("a pending setup");
    assert!(
        crate::crypto::is_sealed(&pending) && !pending.contains(&secret),
        "stored as {pending}"
    );
    assert_eq!(t.state.key.open_totp(bob, &pending), Some(secret.clone()));
    let bytes = totp::base32_decode(&secret).unwrap();
    let code = totp::current_code(&bytes, t.state.clock.now());
    let r = t
        .req(
            Method::POST,
            "/api/v1/account/totp/confirm",
            Some(json!({"code": code})),
            &h,
        )
        .await;
    assert_eq!(r.body["totp_enabled"], true, "{}", r.text);
    let (_, stored, pending) = row(&t).unwrap();
    let stored = stored.expect("set up");
    assert!(crate::crypto::is_sealed(&stored) && !stored.contains(&secret));
    assert_eq!(pending, None);
    // Round trip: bob now signs in with the authenticator's next code.
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.body["result"], "second_factor", "{}", r.text);
    let token = r.body["token"].as_str().unwrap().to_string();
    let next = totp::current_code(&bytes, t.state.clock.now() + totp::STEP);
    let r = t
        .post("/login/totp", json!({"token": token, "code": next}))
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
    // alice's fixed demo secret is sealed too, and her codes still work.
    let token = t.alice_challenge().await;
    let code = totp::current_code(&alice_secret(), t.state.clock.now());
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
}

#[tokio::test]
async fn security_notices_are_capped_per_address_and_say_so() {
    let t = test_app();
    let now = t.state.clock.now();
    let head = t.state.settings.letterhead();
    let notice = crate::mail::templates::authenticator_added(&head, "bob");
    t.state
        .db
        .blocking(|c| {
            for _ in 0..15 {
                crate::mail::queue_notice(c, &head, "Bob@Example.org", &notice, now)?;
            }
            // The global budget is not involved, and other addresses are not.
            crate::mail::queue_notice(c, &head, "alice@example.org", &notice, now)?;
            Ok(())
        })
        .unwrap();
    let bob = t.outbox("bob@example.org").await;
    assert_eq!(bob.len(), 10, "10 notices an hour per address");
    let newest = bob[0]["body"].as_str().unwrap();
    assert!(newest.contains("held back"), "the tenth says so: {newest}");
    assert!(
        newest.ends_with("contact support at admin@pypi.org.\n"),
        "{newest}"
    );
    assert!(!bob[1]["body"].as_str().unwrap().contains("held back"));
    assert_eq!(t.outbox("alice@example.org").await.len(), 1);
    // An hour later there is room again (and 30 a day in all).
    t.state
        .db
        .blocking(|c| {
            crate::mail::queue_notice(c, &head, "bob@example.org", &notice, now + 3601)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(t.outbox("bob@example.org").await.len(), 11);
}
