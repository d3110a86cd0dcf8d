//! Security keys and passkeys: registration (its options, single use, the
//! 5 minutes), the list, renaming and removal (re-auth, another account's
//! key), recovery codes with a key alone and their removal with the last
//! factor, and the sign-in step's options. Registering needs no signature
//! (attestation "none"), so a key is made here by hand; a sign-in with a
//! key's signature, replays and a counter going backwards are in the
//! contract tests (`contract/tests/security_keys.rs`), with a software key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::*;
use crate::routes::REAUTH_SECS;

/// The public key of the P-256 private key 1 (the curve's generator):
/// a valid point, and nothing here signs with it.
const P256_G_X: &str = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
const P256_G_Y: &str = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A CBOR head: major type and length.
fn cbor_head(out: &mut Vec<u8>, major: u8, len: usize) {
    match len {
        0..=23 => out.push(major << 5 | len as u8),
        24..=255 => out.extend([major << 5 | 24, len as u8]),
        _ => {
            out.push(major << 5 | 25);
            out.extend((len as u16).to_be_bytes());
        }
    }
}

fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    cbor_head(out, 2, bytes.len());
    out.extend(bytes);
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    cbor_head(out, 3, text.len());
    out.extend(text.as_bytes());
}

/// What a key without attestation answers to registration `options` for
/// `origin`: a credential with this id (its `clientDataJSON` names the
/// options' challenge).
fn key_answer(options: &Value, credential_id: &[u8], origin: &str) -> Value {
    let rp_id = options["rp"]["id"].as_str().unwrap();
    let client_data = json!({
        "type": "webauthn.create",
        "challenge": options["challenge"],
        "origin": origin,
        "crossOrigin": false,
    })
    .to_string();
    // The COSE key: EC2, ES256, P-256, x, y.
    let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
    cbor_bytes(&mut cose, &unhex(P256_G_X));
    cose.push(0x22);
    cbor_bytes(&mut cose, &unhex(P256_G_Y));
    // rpIdHash, flags (user present, attested data), counter 0, AAGUID 0.
    let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
    auth_data.extend([0x41, 0, 0, 0, 0]);
    auth_data.extend([0; 16]);
    auth_data.extend((credential_id.len() as u16).to_be_bytes());
    auth_data.extend(credential_id);
    auth_data.extend(cose);
    let mut attestation = vec![0xa3];
    cbor_text(&mut attestation, "fmt");
    cbor_text(&mut attestation, "none");
    cbor_text(&mut attestation, "attStmt");
    attestation.push(0xa0);
    cbor_text(&mut attestation, "authData");
    cbor_bytes(&mut attestation, &auth_data);
    let id = URL_SAFE_NO_PAD.encode(credential_id);
    json!({
        "id": id,
        "rawId": id,
        "type": "public-key",
        "response": {
            "clientDataJSON": URL_SAFE_NO_PAD.encode(client_data),
            "attestationObject": URL_SAFE_NO_PAD.encode(attestation),
            "transports": ["usb"],
        },
        "clientExtensionResults": {},
    })
}

const ORIGIN: &str = "http://localhost:8080";

type Headers<'a> = [(&'a str, &'a str); 2];

fn signed_in<'a>(cookie: &'a str, csrf: &'a str) -> Headers<'a> {
    [("cookie", cookie), ("x-csrf-token", csrf)]
}

impl T {
    async fn key_options(&self, h: &Headers<'_>) -> Res {
        self.req(
            Method::POST,
            "/api/v1/account/security-keys/options",
            None,
            h,
        )
        .await
    }

    /// Add a key with this credential id, as `h`'s account.
    async fn add_key(&self, h: &Headers<'_>, name: &str, credential_id: &[u8]) -> Res {
        let options = self.key_options(h).await;
        assert_eq!(options.status, 200, "{}", options.text);
        let answer = key_answer(&options.body, credential_id, ORIGIN);
        self.req(
            Method::POST,
            "/api/v1/account/security-keys",
            Some(json!({"name": name, "credential": answer})),
            h,
        )
        .await
    }

    fn user_id(&self, username: &str) -> i64 {
        self.state
            .db
            .blocking(|c| Ok(crate::store::accounts::user_by_username(c, username)?))
            .unwrap()
            .unwrap()
            .id
    }

    async fn subjects(&self, to: &str) -> Vec<String> {
        self.outbox(to)
            .await
            .iter()
            .map(|m| m["subject"].as_str().unwrap().to_string())
            .collect()
    }
}

#[tokio::test]
async fn a_key_is_added_listed_renamed_and_removed_after_reauth() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = signed_in(&cookie, &csrf);

    let r = t.key_options(&h).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The public URL is an IP address: keys answer for localhost.
    assert_eq!(r.body["rp"]["id"], "localhost");
    assert_eq!(r.body["user"]["name"], "bob");
    assert_eq!(r.body["excludeCredentials"], json!([]));
    assert_eq!(r.body["attestation"], "none");
    assert_eq!(
        r.body["authenticatorSelection"]["userVerification"],
        "preferred"
    );
    let handle = r.body["user"]["id"].clone();

    let r = t.add_key(&h, "  Blue key  ", b"key-one").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let keys = r.body["security_keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1, "{}", r.text);
    assert_eq!(keys[0]["name"], "Blue key", "stored trimmed");
    assert!(keys[0]["id"].as_str().unwrap().starts_with("sk_"));
    assert!(keys[0]["added_at"].is_string());
    assert_eq!(keys[0]["last_used_at"], Value::Null);
    assert_eq!(keys[0]["counter_regressed_at"], Value::Null);
    let id = keys[0]["id"].as_str().unwrap().to_string();
    assert!(t
        .subjects("bob@example.org")
        .await
        .contains(&"A security key was added to your account".to_string()));

    // The next options exclude it, under the same user handle.
    let r = t.key_options(&h).await;
    assert_eq!(r.body["user"]["id"], handle);
    assert_eq!(
        r.body["excludeCredentials"][0]["id"],
        URL_SAFE_NO_PAD.encode(b"key-one")
    );
    // Registered again all the same (a browser that ignores the list).
    let r = t.add_key(&h, "Blue key again", b"key-one").await;
    r.assert_problem(409, "security_key_already_registered");

    let r = t
        .req(Method::GET, "/api/v1/account/security-keys", None, &h)
        .await;
    assert_eq!(r.body["keys"][0]["id"], id.as_str(), "{}", r.text);
    let path = format!("/api/v1/account/security-keys/{id}");
    let r = t
        .req(Method::PATCH, &path, Some(json!({"name": " Red key "})), &h)
        .await;
    assert_eq!(r.body["name"], "Red key", "{}", r.text);
    let r = t
        .req(Method::PATCH, &path, Some(json!({"name": "  "})), &h)
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["pointer"], "/name");
    let r = t
        .req(
            Method::PATCH,
            &path,
            Some(json!({"name": "k".repeat(65)})),
            &h,
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "too_long", "{}", r.text);
    let r = t
        .req(Method::PATCH, &path, Some(json!({"name": "x"})), &h[..1])
        .await;
    r.assert_problem(403, "csrf_failed");

    // Removing needs the password within 5 minutes.
    t.state.clock.advance(REAUTH_SECS + 1);
    let r = t.req(Method::DELETE, &path, None, &h).await;
    r.assert_problem(403, "reauth_required");
    let r = t.key_options(&h).await;
    r.assert_problem(403, "reauth_required");
    t.req(
        Method::POST,
        "/api/v1/account/reauth",
        Some(json!({"password": demo::password()})),
        &h,
    )
    .await;
    let r = t.req(Method::DELETE, &path, None, &h).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["security_keys"], json!([]));
    let r = t.req(Method::DELETE, &path, None, &h).await;
    r.assert_problem(404, "not_found");
    let mail = t.outbox("bob@example.org").await;
    let removed = mail
        .iter()
        .find(|m| m["subject"] == "A security key was removed from your account")
        .expect("the removal is mailed");
    let body = removed["body"].as_str().unwrap();
    assert!(body.contains("\"Red key\""), "{body}");
    assert!(body.contains("asks for your password only"), "{body}");
}

#[tokio::test]
async fn a_registration_works_once_for_five_minutes() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = signed_in(&cookie, &csrf);
    let finish = |body: Value| {
        t.req(
            Method::POST,
            "/api/v1/account/security-keys",
            Some(body),
            &h,
        )
    };

    let options = t.key_options(&h).await.body;
    let answer = key_answer(&options, b"key-one", ORIGIN);
    let r = finish(json!({"name": "", "credential": answer})).await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(r.body["errors"][0]["pointer"], "/name");
    let r = finish(json!({"name": "Blue", "credential": {"id": 7}})).await;
    r.assert_problem(422, "invalid_body");
    assert_eq!(r.body["errors"][0]["pointer"], "/credential/id");
    // Neither used the registration up: they never reached it.
    let r = finish(json!({"name": "Blue", "credential": answer})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A double submit: the first answer holds the result.
    let r = finish(json!({"name": "Blue", "credential": answer})).await;
    r.assert_problem(409, "changed_meanwhile");

    // An answer for another origin does not verify, and uses it up.
    let options = t.key_options(&h).await.body;
    let elsewhere = key_answer(&options, b"key-two", "http://localhost:9999");
    let r = finish(json!({"name": "Two", "credential": elsewhere})).await;
    r.assert_problem(422, "security_key_invalid");
    let answer = key_answer(&options, b"key-two", ORIGIN);
    let r = finish(json!({"name": "Two", "credential": answer})).await;
    r.assert_problem(409, "changed_meanwhile");

    // Options answered more than 5 minutes later, or never asked for.
    let options = t.key_options(&h).await.body;
    t.state.clock.advance(300);
    let answer = key_answer(&options, b"key-three", ORIGIN);
    let r = finish(json!({"name": "Three", "credential": answer})).await;
    r.assert_problem(409, "security_key_setup_expired");
    let mut made_up = options.clone();
    made_up["challenge"] = json!(URL_SAFE_NO_PAD.encode([7u8; 32]));
    let answer = key_answer(&made_up, b"key-three", ORIGIN);
    let r = finish(json!({"name": "Three", "credential": answer})).await;
    r.assert_problem(409, "security_key_setup_expired");
}

#[tokio::test]
async fn a_key_alone_allows_codes_and_the_last_factor_takes_them() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = signed_in(&cookie, &csrf);
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    r.assert_problem(409, "second_factor_required");
    let r = t.add_key(&h, "Blue key", b"key-one").await;
    let id = r.body["security_keys"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = t
        .req(Method::POST, "/api/v1/account/recovery-codes", None, &h)
        .await;
    assert_eq!(r.status, 200, "codes with a key alone: {}", r.text);
    let codes = r.body["codes"].clone();

    // Sign-in asks for the key first, then a code.
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.body["result"], "second_factor", "{}", r.text);
    assert_eq!(r.body["methods"], json!(["security_key", "recovery_code"]));
    let token = r.body["token"].as_str().unwrap().to_string();
    let r = t
        .post("/login/security-key/options", json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["rpId"], "localhost");
    assert_eq!(r.body["userVerification"], "preferred");
    assert_eq!(
        r.body["allowCredentials"][0]["id"],
        URL_SAFE_NO_PAD.encode(b"key-one")
    );
    // An answer that no key made: refused, and the options are used up.
    let forged = json!({
        "id": URL_SAFE_NO_PAD.encode(b"key-one"),
        "rawId": URL_SAFE_NO_PAD.encode(b"key-one"),
        "type": "public-key",
        "response": {
            "clientDataJSON": URL_SAFE_NO_PAD.encode(b"{}"),
            "authenticatorData": URL_SAFE_NO_PAD.encode([0u8; 37]),
            "signature": URL_SAFE_NO_PAD.encode([0u8; 64]),
        },
        "clientExtensionResults": {},
    });
    let assertion = json!({"token": token, "credential": forged});
    let r = t.post("/login/security-key", assertion.clone()).await;
    r.assert_problem(422, "security_key_invalid");
    let r = t.post("/login/security-key", assertion.clone()).await;
    r.assert_problem(422, "security_key_invalid");
    let r = t
        .post(
            "/login/security-key",
            json!({"token": token, "credential": {"rawId": 1}}),
        )
        .await;
    r.assert_problem(422, "invalid_body");
    let r = t
        .post("/login/security-key/options", json!({"token": "chl_nope"}))
        .await;
    r.assert_problem(401, "challenge_expired");

    // The step takes a recovery code all the same.
    let r = t
        .post(
            "/login/recovery-code",
            json!({"token": token, "code": codes[0]}),
        )
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
    let r = t
        .post("/login/security-key/options", json!({"token": token}))
        .await;
    r.assert_problem(401, "challenge_expired");

    // The last factor goes, and the codes with it.
    let path = format!("/api/v1/account/security-keys/{id}");
    let r = t.req(Method::DELETE, &path, None, &h).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["recovery_codes"],
        json!({"generated_at": null, "unused": 0})
    );
    let removed = t.outbox("bob@example.org").await;
    let body = removed[0]["body"].as_str().unwrap();
    assert!(body.contains("recovery codes were deleted"), "{body}");
    let r = t
        .post(
            "/login",
            json!({"username": "bob", "password": demo::password()}),
        )
        .await;
    assert_eq!(
        r.body["result"], "session",
        "password only again: {}",
        r.text
    );
}

#[tokio::test]
async fn another_accounts_key_answers_as_an_unknown_one() {
    let t = test_app();
    let (carol_cookie, carol_csrf) = t.sign_in("carol").await;
    let carol = signed_in(&carol_cookie, &carol_csrf);
    let r = t.add_key(&carol, "Carol's key", b"carols").await;
    let carols = r.body["security_keys"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (cookie, csrf) = t.sign_in("bob").await;
    let bob = signed_in(&cookie, &csrf);
    for id in [carols.as_str(), "sk_000000000000000000000000", "%ff"] {
        let path = format!("/api/v1/account/security-keys/{id}");
        let renamed = t
            .req(Method::PATCH, &path, Some(json!({"name": "Mine"})), &bob)
            .await;
        renamed.assert_problem(404, "not_found");
        let removed = t.req(Method::DELETE, &path, None, &bob).await;
        removed.assert_problem(404, "not_found");
        assert_eq!(renamed.text, removed.text, "{id}");
    }
    let r = t
        .req(Method::GET, "/api/v1/account/security-keys", None, &carol)
        .await;
    assert_eq!(r.body["keys"][0]["name"], "Carol's key", "{}", r.text);
    // Nor can bob register carol's key as his.
    let r = t.add_key(&bob, "Mine", b"carols").await;
    r.assert_problem(409, "security_key_already_registered");
}

#[tokio::test]
async fn an_account_has_at_most_ten_keys() {
    let t = test_app();
    let (cookie, csrf) = t.sign_in("bob").await;
    let h = signed_in(&cookie, &csrf);
    let first = t.add_key(&h, "Key 0", b"key-0").await;
    let bob = t.user_id("bob");
    let stored = t
        .state
        .db
        .blocking(|c| Ok(crate::store::security_keys::list(c, bob)?))
        .unwrap();
    assert_eq!(stored.len(), 1, "{}", first.text);
    let now = t.state.clock.now();
    t.state
        .db
        .blocking(|c| {
            for i in 1..reclaim_core::limits::MAX_SECURITY_KEYS {
                crate::store::security_keys::insert(
                    c,
                    bob,
                    &format!("copy-{i}"),
                    &stored[0].credential,
                    &format!("Key {i}"),
                    now,
                )?;
            }
            Ok(())
        })
        .unwrap();
    let r = t.key_options(&h).await;
    r.assert_problem(409, "security_key_limit");
}

#[tokio::test]
async fn removing_the_authenticator_keeps_the_codes_while_a_key_remains() {
    let t = test_app();
    let token = t.alice_challenge().await;
    let r = t
        .post("/login/security-key/options", json!({"token": token}))
        .await;
    r.assert_problem(409, "no_security_key");
    let code = totp::current_code(&alice_secret(), t.state.clock.now());
    let r = t
        .post("/login/totp", json!({"token": token, "code": code}))
        .await;
    let pair = r.headers[header::SET_COOKIE].to_str().unwrap();
    let cookie = pair.split(';').next().unwrap().to_string();
    let csrf = r.body["csrf_token"].as_str().unwrap().to_string();
    let h = signed_in(&cookie, &csrf);
    t.add_key(&h, "Alice's key", b"alices").await;
    let r = t
        .req(Method::DELETE, "/api/v1/account/totp", None, &h)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totp_enabled"], false);
    assert_eq!(r.body["recovery_codes"]["unused"], 7, "{}", r.text);
    let mail = t.outbox("alice@example.org").await;
    let body = mail[0]["body"].as_str().unwrap();
    assert!(body.contains("recovery codes still work"), "{body}");
    let r = t
        .post(
            "/login",
            json!({"username": "alice", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.body["methods"], json!(["security_key", "recovery_code"]));
}
