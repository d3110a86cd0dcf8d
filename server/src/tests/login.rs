//! Sign-in: password, second factor (authenticator codes, recovery codes),
//! their limits, known devices, and the session cookie.

use super::*;

#[tokio::test]
async fn password_login_session_cookie_and_csrf() {
    let t = test_app();
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/")
    );
    assert!(!cookie.contains("Secure"), "loopback http: no Secure flag");
    let (cookie, csrf) = t.sign_in("bob").await;
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["username"], "bob");
    assert_eq!(r.body["totp_enabled"], false);
    assert_eq!(r.body["recovery_codes"]["unused"], 0);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let r = t
        .req(Method::POST, "/api/v1/logout", None, &[("cookie", &cookie)])
        .await;
    r.assert_problem(403, "csrf_failed");
    let r = t
        .req(
            Method::POST,
            "/api/v1/logout",
            None,
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, 204);
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &cookie)],
        )
        .await;
    r.assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn login_failure_is_identical_for_unknown_accounts() {
    let t = test_app();
    let a = t
        .post(
            "/login",
            json!({"username": "bob", "password": "wrong-password"}),
        )
        .await;
    let b = t
        .post(
            "/login",
            json!({"username": "nobody", "password": "wrong-password"}),
        )
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.body["code"], "invalid_credentials");
    assert_eq!((a.status, &a.text), (b.status, &b.text));
    assert_eq!(a.headers, b.headers);
}

#[tokio::test]
async fn recovery_codes_at_sign_in_match_pypi() {
    let t = test_app();
    let r = t
        .post(
            "/login",
            json!({"username": "alice", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.body["methods"], json!(["totp", "recovery_code"]));
    assert_eq!(
        r.body["recovery_codes"],
        json!({"generated_at": demo::alice_codes().generated_at, "unused": demo::alice_codes().unused().len()})
    );
    assert_eq!(r.body["expires_in"], 300);
    let token = r.body["token"].as_str().unwrap().to_string();
    let send = |code: &str| {
        t.post(
            "/login/recovery-code",
            json!({"token": token, "code": code}),
        )
    };
    let r = send(alice_burned_code()).await;
    r.assert_problem(422, "recovery_code_used");
    assert_eq!(r.body["detail"], "Recovery code has been previously used.");
    let r = send(alice_old_code(3)).await;
    assert_eq!(r.body["code"], "recovery_code_invalid");
    assert_eq!(r.body["detail"], "Invalid recovery code.");
    let r = send("not-a-code").await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "recovery_code_format");
    assert_eq!(r.body["errors"][0]["pointer"], "/code");
    let r = send("123 456").await;
    assert_eq!(r.body["errors"][0]["code"], "looks_like_totp_code");
    // Pasted with spaces and upper case: normalised like PyPI.
    let spaced = alice_code(1)
        .to_uppercase()
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    let r = send(&spaced).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["result"], "session");
    let mails = t.outbox("alice@example.org").await;
    assert_eq!(mails[0]["subject"], "A recovery code was used to sign in");
    // The challenge is spent, and the code is now burned.
    let r = send(alice_code(2)).await;
    assert_eq!(r.body["code"], "challenge_expired");
    let token = t.alice_challenge().await;
    let r = t
        .post(
            "/login/recovery-code",
            json!({"token": token, "code": alice_code(1)}),
        )
        .await;
    assert_eq!(r.body["code"], "recovery_code_used");
}

#[tokio::test]
async fn totp_window_reuse_drift_and_expiry() {
    let t = test_app();
    let now = t.state.clock.now();
    let token = t.alice_challenge().await;
    let drifted = {
        let step = now / totp::STEP;
        // A code 5 steps ahead that is not also a code of the ±1 window.
        let near: Vec<String> = (-1..=1)
            .map(|o| totp::current_code(&alice_secret(), (step + o) * totp::STEP))
            .collect();
        let c = totp::current_code(&alice_secret(), (step + 5) * totp::STEP);
        (!near.contains(&c)).then_some(c)
    };
    if let Some(code) = drifted {
        let r = t
            .post("/login/totp", json!({"token": token, "code": code}))
            .await;
        assert_eq!(r.body["code"], "totp_out_of_sync", "{}", r.text);
    }
    let code = totp::current_code(&alice_secret(), t.state.clock.now());
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
    let token = t.alice_challenge().await;
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    r.assert_problem(422, "totp_invalid");
    let r = t
        .post(
            "/login/totp",
            json!({"token": token, "code": alice_code(3)}),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "looks_like_recovery_code");
    t.state.clock.advance(301);
    let code = totp::current_code(&alice_secret(), t.state.clock.now());
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    assert_eq!(r.body["code"], "challenge_expired");
}

#[tokio::test]
async fn login_limit_counts_failures_per_username() {
    let t = test_app();
    for _ in 0..12 {
        t.sign_in("bob").await;
    }
    for _ in 0..10 {
        let r = t
            .post(
                "/login",
                json!({"username": "bob", "password": "wrong-password"}),
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.body["code"], "rate_limited");
    assert_eq!(r.headers[header::RETRY_AFTER], "300");
    // An unknown name is limited exactly the same way.
    for _ in 0..10 {
        t.post(
            "/login",
            json!({"username": "nobody", "password": "wrong-password"}),
        )
        .await;
    }
    let r = t
        .post("/login", json!({"username": "nobody", "password": "x"}))
        .await;
    assert_eq!(r.status, 429);
}

#[tokio::test]
async fn second_factor_attempts_are_limited() {
    let t = test_app();
    let token = t.alice_challenge().await;
    for _ in 0..5 {
        let r = t
            .post(
                "/login/recovery-code",
                json!({"token": token, "code": "0000000000000000"}),
            )
            .await;
        assert_eq!(r.body["code"], "recovery_code_invalid");
    }
    let r = t
        .post(
            "/login/recovery-code",
            json!({"token": token, "code": "0000000000000000"}),
        )
        .await;
    assert_eq!(r.status, 429);
    let wait: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 300);
}

#[tokio::test]
async fn api_tokens_are_named_by_the_configured_prefix() {
    let t = test_app_with(|s| s.api_token_prefix = "crates-".into());
    let token = t.alice_challenge().await;
    let pasted = format!("crates-{}", "A".repeat(40));
    let r = t
        .post("/login/totp", json!({"token": token, "code": pasted}))
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["code"], "looks_like_api_token");
    // PyPI's prefix is just text for this registry.
    let r = t
        .post(
            "/login/totp",
            json!({"token": token, "code": format!("pypi-{}", "A".repeat(40))}),
        )
        .await;
    assert_ne!(
        r.body["errors"][0]["code"], "looks_like_api_token",
        "{}",
        r.text
    );
}

/// The per-username daily cap (100 failures, NIST SP 800-63B) is reached by
/// strangers over a day; a browser that signed in before is not in that
/// bucket and still gets in, while a stranger's right password is refused.
#[tokio::test]
async fn a_known_device_is_not_locked_out_by_the_daily_cap() {
    let t = test_app();
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let device = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("reclaim_device="))
        .expect("a device cookie at sign-in")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // 100 failures, 10 per 5-minute window.
    for _ in 0..10 {
        for _ in 0..10 {
            let r = t
                .post("/login", json!({"username": "bob", "password": "wrong-pw"}))
                .await;
            r.assert_problem(401, "invalid_credentials");
        }
        t.state.clock.advance(301);
    }
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    r.assert_problem(429, "rate_limited");
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 3600, "the daily cap: {wait} s");
    // The known device: its own bucket.
    let r = t
        .req(
            Method::POST,
            "/api/v1/login",
            Some(json!({"username": "bob", "password": demo::password()})),
            &[("cookie", &device)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["result"], "session");
    // Whatever the case of the username typed; a failure there counts in the
    // device's bucket. A forgotten device (after a password reset) is a
    // stranger again.
    let r = t
        .req(
            Method::POST,
            "/api/v1/login",
            Some(json!({"username": "Bob", "password": "wrong-pw"})),
            &[("cookie", &device)],
        )
        .await;
    r.assert_problem(401, "invalid_credentials");
    t.state
        .db
        .call(|c| {
            let uid: i64 = c.query_row("SELECT id FROM users WHERE username = 'bob'", [], |r| {
                r.get(0)
            })?;
            Ok(crate::store::devices::forget_all_of(c, uid)?)
        })
        .await
        .unwrap();
    let r = t
        .req(
            Method::POST,
            "/api/v1/login",
            Some(json!({"username": "bob", "password": demo::password()})),
            &[("cookie", &device)],
        )
        .await;
    r.assert_problem(429, "rate_limited");
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_prefixed() {
    let t = test_app_with(|s| {
        s.public_url = "https://pypi.example.org".into();
        s.secure = true;
    });
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let csrf = r.body["csrf_token"].as_str().unwrap().to_string();
    let cookies = set_cookies(&r);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-reclaim_session="))
        .unwrap_or_else(|| panic!("a __Host- session cookie: {cookies:?}"));
    // What the prefix demands: Secure, Path=/, no Domain.
    assert!(session.contains("; Secure") && session.contains("; Path=/"));
    assert!(
        !session.to_ascii_lowercase().contains("domain="),
        "{session}"
    );
    assert!(
        !cookies.iter().any(|c| c.starts_with("reclaim_session=")),
        "{cookies:?}"
    );
    let pair = session.split(';').next().unwrap().to_string();
    let token = pair.split_once('=').unwrap().1.to_string();
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &pair)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The same token under the plain name is no session over https (anyone
    // who can set a cookie for the site could plant that one).
    let plain = format!("reclaim_session={token}");
    let r = t
        .req(
            Method::GET,
            "/api/v1/account/security",
            None,
            &[("cookie", &plain)],
        )
        .await;
    r.assert_problem(401, "unauthenticated");
    // The signed-out stand-in page goes by the prefixed name too.
    let r = t
        .req(Method::GET, "/checkup", None, &[("cookie", &pair)])
        .await;
    // (the checkup's page, with its preloads of a signed-in page)
    let checkup = bundle_page(Bundle::Checkup);
    let script = &checkup[checkup.find("<script").unwrap()..];
    assert!(r.text.ends_with(script), "{}", r.text);
    assert!(
        r.text.contains(r#"rel="preload" href="/api/v1/session""#),
        "{}",
        r.text
    );
    let r = t
        .req(Method::GET, "/checkup", None, &[("cookie", &plain)])
        .await;
    assert_eq!(r.text, bundle_page(Bundle::SignIn));
    // Signing out clears the prefixed cookie.
    let r = t
        .req(
            Method::POST,
            "/api/v1/logout",
            None,
            &[("cookie", &pair), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(set_cookies(&r)
        .iter()
        .any(|c| c.starts_with("__Host-reclaim_session=;") && c.contains("Max-Age=0")));
    // Over plain http (loopback) the name stays `reclaim_session`.
    let (pair, _) = test_app().sign_in("bob").await;
    assert!(pair.starts_with("reclaim_session="), "{pair}");
}
