//! Signed-in endpoints: `GET /account/security`, `POST /account/reauth`,
//! `POST /account/recovery-codes` (+ `/confirm`), `POST /account/totp` (+
//! `/confirm`), `POST /logout`; cookie session, CSRF header on every
//! state-changing call.
//!
//! Demo mode: all but `security_needs_a_session`. The recovery-code flow gets
//! a server of its own (it gives bob codes, and so a second step at sign-in);
//! the authenticator flow uses carol, whom no other test here signs in as.

use reclaim_contract::api::{
    AccountSecurity, LoginOutcome, RecoveryCodesGenerated, SecondFactor, TotpSetup,
};
use reclaim_contract::{
    api, assert_problem, demo, demo_api, fresh_api, is_recovery_code, sign_in, totp, Client, Resp,
    CSRF_HEADER,
};
use serde_json::json;

fn reauth(client: &Client, password: &str) -> Resp {
    client.post_json("/account/reauth", &json!({ "password": password }))
}

fn security(client: &Client) -> AccountSecurity {
    let r = client.get("/account/security").send();
    r.expect(200);
    r.parse()
}

fn unused_codes(client: &Client) -> u32 {
    security(client).recovery_codes.unused
}

/// Add an authenticator app for the signed-in user (who signed in or
/// re-authenticated in the last 5 minutes); returns its secret.
fn add_authenticator(client: &Client) -> String {
    let r = client.post_json("/account/totp", &json!({}));
    r.expect(200);
    let secret = r.parse::<TotpSetup>().secret;
    if totp::seconds_left_in_step() < 3 {
        std::thread::sleep(std::time::Duration::from_secs(
            totp::seconds_left_in_step() + 1,
        ));
    }
    client
        .post_json(
            "/account/totp/confirm",
            &json!({ "code": totp::code_now(&secret, 0) }),
        )
        .expect(200);
    secret
}

#[test]
fn security_needs_a_session() {
    let api = api();
    let client = api.client();
    let r = client.get("/account/security").send();
    r.problem(401, Some("unauthenticated"));
    let bogus = client
        .get("/account/security")
        .header("Cookie", "reclaim_session=ses_forged0123456789")
        .send();
    bogus.problem(401, Some("unauthenticated"));
    for path in [
        "/account/reauth",
        "/account/recovery-codes",
        "/account/recovery-codes/confirm",
        "/account/totp",
        "/account/totp/confirm",
        "/logout",
    ] {
        let r = client.post_json(path, &json!({}));
        let p = assert_problem(&r);
        assert!(
            r.status == 401 || r.status == 403,
            "{path} without a session: 401/403, got {}",
            p.status
        );
    }
}

#[test]
fn security_checkup_describes_bob() {
    let Some(api) = demo_api("security_checkup_describes_bob") else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    let s = security(&client);
    assert_eq!(s.username, "bob");
    assert_eq!(s.email, demo::bob_email());
    assert!(s.email_verified);
    assert!(!s.totp_enabled);
    assert_eq!(s.recovery_codes.unused, 0, "bob has no codes");
    assert_eq!(s.recovery_codes.generated_at, None);
    // The sign-in just took the password: a fresh re-entry of it.
    assert!(
        (240..=300).contains(&s.reauth_valid_for),
        "a sign-in counts as a re-auth: {}",
        s.reauth_valid_for
    );
    reauth(&client, demo::password()).expect(200);
    let s = security(&client);
    assert!(
        s.reauth_valid_for > 0 && s.reauth_valid_for <= 300,
        "{}",
        s.reauth_valid_for
    );
}

#[test]
fn state_changing_calls_need_the_csrf_header() {
    let Some(api) = demo_api("state_changing_calls_need_the_csrf_header") else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    let body = json!({ "password": demo::password() });
    let missing = client.post("/account/reauth").no_csrf().json(&body).send();
    missing.problem(403, None);
    let wrong = client
        .post("/account/reauth")
        .no_csrf()
        .header(CSRF_HEADER, "not-the-token-0123456789")
        .json(&body)
        .send();
    wrong.problem(403, None);
    for path in [
        "/account/recovery-codes",
        "/account/recovery-codes/confirm",
        "/account/totp",
        "/account/totp/confirm",
        "/logout",
    ] {
        let r = client.post(path).no_csrf().json(&json!({})).send();
        r.problem(403, None);
    }
    // the session survived all that, and the header makes it work
    reauth(&client, demo::password()).expect(200);
    client.get("/account/security").send().expect(200);
}

#[test]
fn reauth_refuses_a_wrong_password() {
    let Some(api) = demo_api("reauth_refuses_a_wrong_password") else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    let r = reauth(&client, "not-the-password");
    let p = assert_problem(&r);
    assert!(
        matches!(r.status, 401 | 403 | 422),
        "a wrong password: 401/403/422, got {}",
        p.status
    );
    // still signed in
    client.get("/account/security").send().expect(200);
}

#[test]
fn logout_ends_the_session() {
    let Some(api) = demo_api("logout_ends_the_session") else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    let cookie_before = client.cookie_names();
    let r = client.post("/logout").send();
    assert!(
        r.status == 200 || r.status == 204,
        "logout: {} {}",
        r.status,
        r.text()
    );
    assert!(
        r.headers_all("set-cookie").iter().any(|c| {
            let c = c.to_ascii_lowercase();
            c.contains("max-age=0") || c.contains("expires=thu, 01 jan 1970")
        }),
        "logout clears the cookie: {:?}",
        r.headers_all("set-cookie")
    );
    assert!(!cookie_before.is_empty());
    client.get("/account/security").send().problem(401, None);
}

/// A page loaded after sign-in (a reload, the checkup's own bundle) holds
/// no CSRF token: `GET /session` gives it back for the cookie alone, and
/// answers 204 (not an error a browser would log) when there is none.
#[test]
fn a_page_loaded_after_sign_in_gets_the_session_back_from_the_cookie() {
    let Some(api) = demo_api("a_page_loaded_after_sign_in_gets_the_session_back") else {
        return;
    };
    let client = api.client();
    client.get("/session").send().expect(204);
    let signed_in = sign_in(&client, "bob");
    let r = client.get("/session").send();
    r.expect(200);
    assert_eq!(r.parse::<LoginOutcome>(), signed_in);
    client.post("/logout").send();
    client.get("/session").send().expect(204);
}

#[test]
fn logout_revokes_the_session_server_side() {
    let Some(api) = demo_api("logout_revokes_the_session_server_side") else {
        return;
    };
    let client = api.client();
    let r = client.login("bob", demo::password());
    r.expect(200);
    let set = r
        .header("set-cookie")
        .expect("a session cookie")
        .to_string();
    let pair = set.split(';').next().unwrap().to_string();
    client.post("/logout").send();
    // replaying the old cookie after logout does not work
    let replay = api.client();
    replay
        .get("/account/security")
        .header("Cookie", &pair)
        .send()
        .problem(401, Some("unauthenticated"));
}

#[test]
fn recovery_codes_are_generated_after_reauth_and_confirmed_by_one_code() {
    let Some(api) = fresh_api(
        "recovery_codes_are_generated_after_reauth_and_confirmed_by_one_code",
        true,
    ) else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    reauth(&client, demo::password()).expect(200);
    // Codes exist only alongside a second factor: alone, every sign-in would
    // demand one until the account is locked out.
    let r = client.post_json("/account/recovery-codes", &json!({}));
    r.problem(409, Some("second_factor_required"));
    assert_eq!(unused_codes(&client), 0);
    add_authenticator(&client);
    let r = client.post_json("/account/recovery-codes", &json!({}));
    assert!(
        r.status == 200 || r.status == 201,
        "generate: {} {}",
        r.status,
        r.text()
    );
    let cc = r.header("cache-control").unwrap_or("").to_ascii_lowercase();
    assert!(cc.contains("no-store"), "codes are never cached: {cc:?}");
    let generated: RecoveryCodesGenerated = r.parse();
    let codes = generated.codes.clone();
    assert_eq!(codes.len(), 8, "8 codes a set: {codes:?}");
    let distinct: std::collections::BTreeSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), 8, "distinct codes");
    for c in &codes {
        assert!(is_recovery_code(c), "16 lowercase hex characters: {c:?}");
    }
    // the download file name carries the generation time
    let filename = generated.filename.clone();
    assert!(
        filename.contains("-Recovery-Codes-bob-") && filename.ends_with(".txt"),
        "{{site}}-Recovery-Codes-{{username}}-{{time}}.txt: {filename}"
    );
    let time = filename
        .split("-Recovery-Codes-bob-")
        .nth(1)
        .unwrap()
        .trim_end_matches(".txt");
    assert!(
        time.starts_with("20") && time.contains('T'),
        "an ISO time: {time}"
    );
    assert_eq!(
        time, generated.generated_at,
        "the file name carries the generation time"
    );
    let s = security(&client);
    assert_eq!(
        s.recovery_codes.generated_at.as_deref(),
        Some(generated.generated_at.as_str())
    );
    assert_eq!(
        s.recovery_codes.unused, 8,
        "8 unused before the confirmation"
    );
    assert!(!s.recovery_codes_proven, "not proven stored yet");

    // a code that is not one of them is refused; one of them burns
    let wrong = client.post_json(
        "/account/recovery-codes/confirm",
        &json!({ "code": "0123456789abcdef" }),
    );
    let p = assert_problem(&wrong);
    assert!((400..500).contains(&p.status));
    let ok = client.post_json(
        "/account/recovery-codes/confirm",
        &json!({ "code": codes[3] }),
    );
    assert!(
        ok.status == 200 || ok.status == 204,
        "confirm: {} {}",
        ok.status,
        ok.text()
    );
    assert_eq!(
        unused_codes(&client),
        7,
        "the confirming code is burned, 7 remain"
    );
    assert!(security(&client).recovery_codes_proven);
    let again = client.post_json(
        "/account/recovery-codes/confirm",
        &json!({ "code": codes[3] }),
    );
    let p = assert_problem(&again);
    assert!(
        (400..500).contains(&p.status),
        "a burned code does not confirm twice"
    );

    // regenerating deletes the old set: an old code is invalid at sign-in
    reauth(&client, demo::password()).expect(200);
    let second = client.post_json("/account/recovery-codes", &json!({}));
    assert!(second.status == 200 || second.status == 201);
    let new_codes = second.parse::<RecoveryCodesGenerated>().codes;
    assert!(new_codes.iter().all(|c| !codes.contains(c)));
    let other = api.client();
    let r = other.login("bob", demo::password());
    let LoginOutcome::SecondFactor(c) = r.parse::<LoginOutcome>() else {
        panic!("bob has codes now: a second step, got {}", r.text());
    };
    assert!(c.methods.contains(&SecondFactor::RecoveryCode));
    let stale = other.post_json(
        "/login/recovery-code",
        &json!({ "token": c.token, "code": codes[0] }),
    );
    stale.problem(stale.status, Some("recovery_code_invalid"));

    // Removing the authenticator takes the codes with it, and says so by mail.
    client
        .delete("/account/totp")
        .no_csrf()
        .send()
        .problem(403, Some("csrf_failed"));
    let r = client.delete("/account/totp").send();
    r.expect(200);
    let after: AccountSecurity = r.parse();
    assert!(!after.totp_enabled);
    assert_eq!(after.recovery_codes.unused, 0);
    assert_eq!(after.recovery_codes.generated_at, None);
    assert!(after.totp_changed_at.is_some());
    client
        .delete("/account/totp")
        .send()
        .problem(409, Some("totp_not_enabled"));
    let mail = api
        .wait_for_mail(demo::bob_email(), std::time::Duration::from_secs(5), |m| {
            m.subject.contains("authenticator app was removed")
        })
        .expect("a mail says the authenticator was removed");
    assert!(
        mail.text.contains("recovery codes were deleted"),
        "{}",
        mail.text
    );
    let r = api.client().login("bob", demo::password());
    assert!(
        matches!(r.parse::<LoginOutcome>(), LoginOutcome::Session { .. }),
        "password alone again: {}",
        r.text()
    );
}

#[test]
fn two_concurrent_authenticator_confirmations_leave_it_on() {
    let Some(api) = fresh_api(
        "two_concurrent_authenticator_confirmations_leave_it_on",
        true,
    ) else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    reauth(&client, demo::password()).expect(200);
    let r = client.post_json("/account/totp", &json!({}));
    r.expect(200);
    let secret = r.parse::<TotpSetup>().secret;
    if totp::seconds_left_in_step() < 3 {
        std::thread::sleep(std::time::Duration::from_secs(
            totp::seconds_left_in_step() + 1,
        ));
    }
    let code = totp::code_now(&secret, 0);
    let barrier = std::sync::Barrier::new(2);
    let answers: Vec<Resp> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    client.post_json("/account/totp/confirm", &json!({ "code": code }))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        answers.iter().any(|r| r.status == 200),
        "one confirmation succeeds: {:?}",
        answers
            .iter()
            .map(|r| (r.status, r.text()))
            .collect::<Vec<_>>()
    );
    for r in &answers {
        if r.status != 200 {
            assert_problem(r);
        }
    }
    assert!(security(&client).totp_enabled, "the authenticator stays on");
    let r = api.client().login("bob", demo::password());
    let LoginOutcome::SecondFactor(c) = r.parse::<LoginOutcome>() else {
        panic!("bob has an authenticator: a second step, got {}", r.text());
    };
    assert!(c.methods.contains(&SecondFactor::Totp));
    // And it is the secret that was confirmed.
    if totp::seconds_left_in_step() < 3 {
        std::thread::sleep(std::time::Duration::from_secs(
            totp::seconds_left_in_step() + 1,
        ));
    }
    let next = totp::code_now(&secret, 1);
    let r = api
        .client()
        .post_json("/login/totp", &json!({ "token": c.token, "code": next }));
    r.expect(200);
}

#[test]
fn security_lists_projects_with_their_repositories() {
    let Some(api) = demo_api("security_lists_projects_with_their_repositories") else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    let s = security(&client);
    assert!(!s.projects.is_empty(), "bob maintains a project");
    // The fixture's repositories, at the demo server's own address.
    for p in &s.projects {
        let fixed = demo::account("bob")
            .projects
            .iter()
            .find(|f| f.name == p.name);
        let expected = fixed.and_then(|f| f.repository_at(&api.app));
        assert_eq!(p.repository_url, expected, "{}", p.name);
    }
    assert!(!s.recovery_codes_predate_totp);
}

/// A completed sign-in counts as a fresh password for 5 minutes: the
/// changes that need one work without `POST /account/reauth`. (That they
/// are refused once the 5 minutes are over is tested in-process, in
/// `server/src/tests/checkup.rs`: a black-box test cannot move a server's
/// clock, and waiting 5 minutes is too long.)
#[test]
fn a_fresh_sign_in_needs_no_reauth_for_five_minutes() {
    let Some(api) = fresh_api("a_fresh_sign_in_needs_no_reauth_for_five_minutes", true) else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    let r = client.post_json("/account/recovery-codes", &json!({}));
    r.problem(409, Some("second_factor_required"));
    add_authenticator(&client);
    let r = client.post_json("/account/recovery-codes", &json!({}));
    r.expect(200);
    let generated: RecoveryCodesGenerated = r.parse();
    assert_eq!(generated.codes.len(), 8);
    assert!(security(&client).totp_enabled);
}

/// carol: no other test here signs in as carol, so her new app touches no one.
#[test]
fn authenticator_app_is_set_up_from_a_secret_and_confirmed_by_a_code() {
    let Some(api) = demo_api("authenticator_app_is_set_up_from_a_secret_and_confirmed_by_a_code")
    else {
        return;
    };
    let client = api.client();
    sign_in(&client, "carol");
    reauth(&client, demo::password()).expect(200);
    let r = client.post_json("/account/totp", &json!({}));
    assert!(
        r.status == 200 || r.status == 201,
        "totp setup: {} {}",
        r.status,
        r.text()
    );
    let cc = r.header("cache-control").unwrap_or("").to_ascii_lowercase();
    assert!(cc.contains("no-store"), "a secret is never cached: {cc:?}");
    let setup: TotpSetup = r.parse();
    let secret = setup.secret.clone();
    assert_eq!(
        secret.len(),
        32,
        "20 random bytes in base32 without padding: {secret}"
    );
    assert!(secret
        .bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    let uri = setup.otpauth_uri.as_str();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(
        uri.contains(":carol?") || uri.contains("%3Acarol?"),
        "issuer:username label: {uri}"
    );
    for part in [
        format!("secret={secret}"),
        "algorithm=SHA1".to_string(),
        "digits=6".to_string(),
        "period=30".to_string(),
        "issuer=".to_string(),
    ] {
        assert!(uri.contains(&part), "{part} in {uri}");
    }

    // a wrong code does not confirm
    let wrong_code = if totp::code_now(&secret, 0) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let wrong = client.post_json("/account/totp/confirm", &json!({ "code": wrong_code }));
    let p = assert_problem(&wrong);
    assert!((400..500).contains(&p.status));
    if totp::seconds_left_in_step() < 3 {
        std::thread::sleep(std::time::Duration::from_secs(
            totp::seconds_left_in_step() + 1,
        ));
    }
    let ok = client.post_json(
        "/account/totp/confirm",
        &json!({ "code": totp::code_now(&secret, 0) }),
    );
    assert!(
        ok.status == 200 || ok.status == 204,
        "confirm: {} {}",
        ok.status,
        ok.text()
    );
    assert!(security(&client).totp_enabled);

    // one authenticator app per account
    reauth(&client, demo::password()).expect(200);
    let second = client.post_json("/account/totp", &json!({}));
    let p = assert_problem(&second);
    assert!((400..500).contains(&p.status), "a second app is refused");

    // from now on carol signs in with a second step
    let other = api.client();
    let r = other.login("carol", demo::password());
    let LoginOutcome::SecondFactor(c) = r.parse::<LoginOutcome>() else {
        panic!(
            "carol has an authenticator app now: a second step, got {}",
            r.text()
        );
    };
    assert!(c.methods.contains(&SecondFactor::Totp));
}
