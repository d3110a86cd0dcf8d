//! Sign-in: password, then (for accounts with two-factor) a security key, a
//! TOTP code or a recovery code within 300 s.
//!
//! Anti-enumeration: an unknown username costs the same argon2 verification as
//! a known one (against a dummy hash), is limited in the same bucket, and fails
//! with the same 401 body.
//!
//! Known devices: a completed sign-in sets a long-lived device cookie (see
//! [`crate::store::devices`]). A password attempt that carries it for the
//! account it names counts in the device's own bucket instead of the
//! per-username and per-client ones, so strangers who fill those (from any
//! number of addresses) cannot keep the owner's browser out.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use reclaim_core::api::{
    ChallengeBody, LoginBody, LoginOutcome, SecondFactor, SecondFactorBody, SecondFactorChallenge,
    SecurityKeyAssertionBody, SecurityKeyRequestOptions,
};
use reclaim_core::codes::{parse_recovery_code_with, parse_totp_code_with};
use reclaim_core::limits::CHALLENGE_SECS;
use reclaim_core::messages::{RECOVERY_CODE_INVALID, RECOVERY_CODE_USED};
use reclaim_core::validation::Validate;
use reclaim_core::ProblemCode;
use webauthn_rs::prelude::PublicKeyCredential;

use super::{
    client_key, commit_then, device_hash, hash_work, norm, refund, remember_device, session_cookie,
    SESSION_SECS,
};
use crate::crypto::{random_token, sha256_hex};
use crate::extract::{parse_member, ApiJson};
use crate::limits::{
    self, Reservation, Window, LOGIN_PER_CLIENT, LOGIN_PER_DEVICE, LOGIN_PER_USER, SECOND_FACTOR,
};
use crate::mail::{self, templates};
use crate::openapi::JSON_BODY;
use crate::problem::{ApiError, ApiResult};
use crate::security_keys::Refused;
use crate::state::AppState;
use crate::store::accounts::{self, User};
use crate::store::{devices, security_keys, sessions};
use crate::totp;

fn invalid_credentials() -> ApiError {
    ApiError::new(
        ProblemCode::InvalidCredentials,
        "The username or password is not right",
    )
    .detail("Check both and try again, or reset your password.")
}

fn challenge_expired() -> ApiError {
    ApiError::new(
        ProblemCode::ChallengeExpired,
        "The sign-in step has expired",
    )
    .detail("Sign in with your password again; the second step lasts 5 minutes.")
}

/// Answer with a new session: cookie plus the CSRF token in the body, and
/// the device cookie that makes this browser a known device of the account.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    token: &str,
    csrf: String,
) -> Response {
    let cookie = session_cookie(&state.settings, token, SESSION_SECS);
    let device = remember_device(state, headers, user.id).await;
    let body = LoginOutcome::Session {
        username: user.username.clone(),
        csrf_token: csrf,
    };
    let mut res = Json(body).into_response();
    // The session cookie first: clients that read one Set-Cookie read it.
    res.headers_mut().append(header::SET_COOKIE, cookie);
    if let Some(device) = device {
        res.headers_mut().append(header::SET_COOKIE, device);
    }
    res
}

crate::problems!(
    /// What `POST /login` answers besides 200.
    LoginProblems: JSON_BODY, &[ProblemCode::InvalidCredentials, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/login", tag = "sign-in", request_body = LoginBody,
    description = "Checks the password. A completed sign-in (here, or after the second factor) counts as a fresh re-authentication for 5 minutes (`reauth_valid_for` in `GET /account/security`), and sets the session cookie and a device cookie (`reclaim_device`, over https `__Host-reclaim_device`; HttpOnly, SameSite=Strict, one year): a later attempt from this browser for the same account is limited per device (10 failures per 5 min, 100 a day) instead of per username and per client, so strangers filling those cannot lock the owner's browser out. Failures are limited (429) to 10 per 5 min and 100 a day per username and 10 per 5 min per client; from a known device, to 10 per 5 min and 100 a day per device instead.",
    responses(
        (status = 200, description = "Signed in (cookie set), or a second-factor challenge", body = LoginOutcome),
        LoginProblems,
    ))]
pub async fn login(
    State(state): State<AppState>,
    req_ext: axum::http::Extensions,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    // Over the bounds the body declares (core/src/api.rs): as a wrong password.
    if body.validate().is_err() {
        return Err(invalid_credentials());
    }
    let now = state.clock.now();
    let username = body.username.trim().to_string();
    let by_user = format!("login:u:{}", norm(&body.username));
    let by_client = format!("login:ip:{}", client_key(&req_ext));
    let device = device_hash(&state.settings, &headers);
    // Reserved before the password is checked, so a burst is cut at the
    // limit; in the same transaction as the lookup that tells a known
    // device of this account (its own bucket) from anyone else.
    let (user, reservation) = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let user = accounts::user_by_username(&tx, &username)?;
            let known = match (&device, &user) {
                (Some(d), Some(u)) => devices::find(&tx, d, u.id, now)?,
                _ => None,
            };
            let by_device;
            let buckets: Vec<(&str, &[Window])> = match known {
                Some(row) => {
                    by_device = format!("login:dev:{row}");
                    vec![(by_device.as_str(), LOGIN_PER_DEVICE)]
                }
                None => vec![
                    (by_user.as_str(), LOGIN_PER_USER),
                    (by_client.as_str(), LOGIN_PER_CLIENT),
                ],
            };
            let reservation = limits::reserve(&tx, &buckets, now)?;
            tx.commit()?;
            Ok((user, reservation))
        })
        .await?;
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let password = body.password;
    let verified = hash_work(&state, &reservation, move |hasher| match stored_hash {
        Some(hash) => hasher.verify(&password, &hash),
        None => hasher.verify_dummy(&password),
    })
    .await?;
    let Some(user) = user.filter(|_| verified) else {
        return Err(invalid_credentials());
    };
    // Only failures count.
    refund(&state, reservation).await;

    let uid = user.id;
    let keys = state
        .db
        .call(move |c| Ok(security_keys::count(c, uid)?))
        .await?;
    let needs_second = user.totp_enabled() || user.codes_generated_at.is_some() || keys > 0;
    if !needs_second {
        let (token, csrf) = state
            .db
            .call(move |c| Ok(sessions::create(c, uid, now)?))
            .await?;
        return Ok(signed_in(&state, &headers, &user, &token, csrf).await);
    }
    let token = random_token("chl_");
    let hash = sha256_hex(&token);
    let u = user.clone();
    let info = state
        .db
        .call(move |c| {
            sessions::open_challenge(c, &hash, u.id, now + i64::from(CHALLENGE_SECS))?;
            Ok(accounts::codes_info(c, &u)?)
        })
        .await?;
    let mut methods = Vec::new();
    if keys > 0 {
        methods.push(SecondFactor::SecurityKey);
    }
    if user.totp_enabled() {
        methods.push(SecondFactor::Totp);
    }
    if user.codes_generated_at.is_some() {
        methods.push(SecondFactor::RecoveryCode);
    }
    Ok(Json(LoginOutcome::SecondFactor(SecondFactorChallenge {
        token,
        methods,
        recovery_codes: info,
        expires_in: CHALLENGE_SECS,
    }))
    .into_response())
}

pub fn two_fa_bucket(user_id: i64) -> String {
    format!("2fa:{user_id}")
}

/// The user behind a live challenge, with one second-factor attempt
/// reserved (looked up and reserved in one transaction, before any check).
async fn challenge_user(state: &AppState, token: &str) -> ApiResult<(User, Reservation)> {
    let now = state.clock.now();
    let hash = sha256_hex(token);
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let user = sessions::challenge_user(&tx, &hash, now)?.ok_or_else(challenge_expired)?;
            let reservation =
                limits::reserve(&tx, &[(&two_fa_bucket(user.id), SECOND_FACTOR)], now)?;
            tx.commit()?;
            Ok((user, reservation))
        })
        .await
}

crate::problems!(
    /// What `POST /login/totp` answers besides 200.
    LoginTotpProblems: JSON_BODY, &[ProblemCode::ChallengeExpired, ProblemCode::TotpInvalid, ProblemCode::TotpOutOfSync, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/login/totp", tag = "sign-in", request_body = SecondFactorBody,
    description = "The second step with an authenticator code, within 5 minutes of the password (else 401 `challenge_expired`). A wrong code, or one already used, is 422 `totp_invalid`; one that matches a time a few minutes away, 422 `totp_out_of_sync` (the phone's clock drifts). A code of the wrong shape is 422 `validation_failed` on `/code` (`totp_code_format`, `looks_like_recovery_code`, `looks_like_totp_secret`). 5 attempts per 5 min, 20 an hour and 50 a day per account (429).",
    responses(
        (status = 200, description = "Signed in (cookie set)", body = LoginOutcome),
        LoginTotpProblems,
    ))]
pub async fn login_totp(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SecondFactorBody>,
) -> ApiResult<Response> {
    let code = parse_totp_code_with(&body.code, &state.settings.api_token_prefix)
        .map_err(|e| ApiError::field("/code", e))?;
    let (user, reservation) = challenge_user(&state, &body.token).await?;
    // Stored sealed under the server key (see `crypto::ServerKey::seal_totp`).
    let secret = user
        .totp_secret
        .as_deref()
        .and_then(|stored| totp::open_stored(&state.key, user.id, stored));
    let Some(secret) = secret else {
        return Err(totp_invalid());
    };
    let now = state.clock.now();
    match totp::check(&secret, &code, now, user.totp_last_step) {
        totp::Check::Ok(step) => {
            let hash = sha256_hex(&body.token);
            let uid = user.id;
            let res = state
                .db
                .call(move |c| {
                    let tx =
                        c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                    // Conditional: a concurrent use of the same code loses here.
                    if !accounts::use_totp_step(&tx, uid, step)? {
                        return Ok(None);
                    }
                    sessions::close_challenge(&tx, &hash)?;
                    let s = sessions::create(&tx, uid, now)?;
                    tx.commit()?;
                    Ok(Some(s))
                })
                .await?;
            let Some((token, csrf)) = res else {
                return Err(totp_reused());
            };
            refund(&state, reservation).await;
            Ok(signed_in(&state, &headers, &user, &token, csrf).await)
        }
        totp::Check::Reused => Err(totp_reused()),
        totp::Check::OutOfSync => Err(totp_out_of_sync()),
        totp::Check::Invalid => Err(totp_invalid()),
    }
}

pub fn totp_invalid() -> ApiError {
    ApiError::new(ProblemCode::TotpInvalid, "The code is not right")
        .detail("Enter the current 6-digit code from your authenticator app.")
}

pub fn totp_out_of_sync() -> ApiError {
    ApiError::new(ProblemCode::TotpOutOfSync,
        "Your authenticator app may be out of sync",
    )
    .detail("The code matches a time a few minutes away. Set your phone's clock to update automatically, then try a new code.")
}

fn totp_reused() -> ApiError {
    ApiError::new(ProblemCode::TotpInvalid, "The code is not right")
        .detail("This code was already used. Wait for your authenticator app to show a new one.")
}

crate::problems!(
    /// What `POST /login/recovery-code` answers besides 200.
    LoginRecoveryCodeProblems: JSON_BODY, &[ProblemCode::ChallengeExpired, ProblemCode::RecoveryCodeInvalid, ProblemCode::RecoveryCodeUsed, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/login/recovery-code", tag = "sign-in", request_body = SecondFactorBody,
    description = "The second step with a recovery code, within 5 minutes of the password (else 401 `challenge_expired`); the code is burned. A code not in the current set is 422 `recovery_code_invalid` (\"Invalid recovery code.\"), a used one 422 `recovery_code_used` (\"Recovery code has been previously used.\"). A code of the wrong shape is 422 `validation_failed` on `/code` (`recovery_code_format`, `looks_like_totp_code`, `looks_like_totp_secret`). Counts with the second-factor limit (429).",
    responses(
        (status = 200, description = "Signed in (cookie set); the code is burned", body = LoginOutcome),
        LoginRecoveryCodeProblems,
    ))]
pub async fn login_recovery_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SecondFactorBody>,
) -> ApiResult<Response> {
    let code = parse_recovery_code_with(&body.code, &state.settings.api_token_prefix)
        .map_err(|e| ApiError::field("/code", e))?;
    let (user, reservation) = challenge_user(&state, &body.token).await?;
    let code_id = match_recovery_code(&state, &user, code, &reservation).await?;
    let now = state.clock.now();
    let hash = sha256_hex(&body.token);
    let u = user.clone();
    let letterhead = state.settings.letterhead();
    let res = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if !accounts::burn_recovery_code(&tx, code_id, now)? {
                return Ok(None);
            }
            sessions::close_challenge(&tx, &hash)?;
            let info = accounts::codes_info(&tx, &u)?;
            mail::queue_notice(
                &tx,
                &letterhead,
                &u.email,
                &templates::recovery_code_used(&letterhead, &u.username, info.unused),
                now,
            )?;
            let s = sessions::create(&tx, u.id, now)?;
            tx.commit()?;
            Ok(Some(s))
        })
        .await?;
    state.mailer.poke();
    let Some((token, csrf)) = res else {
        return Err(code_used());
    };
    refund(&state, reservation).await;
    Ok(signed_in(&state, &headers, &user, &token, csrf).await)
}

fn key_refused() -> ApiError {
    ApiError::new(
        ProblemCode::SecurityKeyInvalid,
        "The security key's answer was not accepted",
    )
    .detail("Use a key added to this account, for the options of this sign-in step (ask for them again, then touch the key once).")
}

crate::problems!(
    /// What `POST /login/security-key/options` answers besides 200.
    LoginKeyOptionsProblems: JSON_BODY, &[ProblemCode::ChallengeExpired, ProblemCode::NoSecurityKey]
);

#[utoipa::path(post, path = "/login/security-key/options", tag = "sign-in", request_body = ChallengeBody,
    description = "The second step with a security key or passkey, begun: the browser's `PublicKeyCredentialRequestOptions` in WebAuthn's JSON form, for `navigator.credentials.get({ publicKey })`, with the account's keys in `allowCredentials` (user verification preferred). Within 5 minutes of the password (else 401 `challenge_expired`); asking again replaces the options before. An account without a key is 409 `no_security_key` (the challenge's `methods` say what it has). Keys answer for one origin, the public URL's (on an IP address, `localhost` at the same port).",
    responses(
        (status = 200, description = "The request options", body = SecurityKeyRequestOptions),
        LoginKeyOptionsProblems,
    ))]
pub async fn login_security_key_options(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ChallengeBody>,
) -> ApiResult<Json<SecurityKeyRequestOptions>> {
    let now = state.clock.now();
    let hash = sha256_hex(&body.token);
    let st = state.clone();
    let options = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let user = sessions::challenge_user(&tx, &hash, now)?.ok_or_else(challenge_expired)?;
            let keys: Vec<String> = security_keys::list(&tx, user.id)?
                .into_iter()
                .map(|k| k.credential)
                .collect();
            if keys.is_empty() {
                return Err(ApiError::new(
                    ProblemCode::NoSecurityKey,
                    "This account has no security key",
                )
                .detail("Answer the sign-in step with one of the challenge's methods."));
            }
            let (options, request) = st.relying_party.start_sign_in(&keys)?;
            if !sessions::set_security_key_request(&tx, &hash, &request, now)? {
                return Err(challenge_expired());
            }
            tx.commit()?;
            Ok(options)
        })
        .await?;
    Ok(Json(SecurityKeyRequestOptions(options)))
}

crate::problems!(
    /// What `POST /login/security-key` answers besides 200.
    LoginKeyProblems: JSON_BODY, &[ProblemCode::ChallengeExpired, ProblemCode::SecurityKeyInvalid, ProblemCode::SecurityKeyCounter, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/login/security-key", tag = "sign-in", request_body = SecurityKeyAssertionBody,
    description = "The second step with a security key: `credential` is what `navigator.credentials.get()` gave for the options of `POST /login/security-key/options`, within 5 minutes of the password (else 401 `challenge_expired`). The options work once, whatever the answer: an answer that does not verify (another key, an answer to other options, replayed, a bad signature), or one without options asked, is 422 `security_key_invalid` (ask for the options again). A key whose signature counter did not go up since its last sign-in (a copy of it may be in use) is refused with 422 `security_key_counter`; the key is marked (`counter_regressed_at`) and the account's address is mailed. Signed in, the key's last use and counter are stored. Counts with the second-factor limit: 5 attempts per 5 min, 20 an hour and 50 a day per account (429); a sign-in hands its attempt back.",
    responses(
        (status = 200, description = "Signed in (cookie set)", body = LoginOutcome),
        LoginKeyProblems,
    ))]
pub async fn login_security_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SecurityKeyAssertionBody>,
) -> ApiResult<Response> {
    let assertion: PublicKeyCredential = parse_member(body.credential, "/credential")?;
    let (user, reservation) = challenge_user(&state, &body.token).await?;
    let now = state.clock.now();
    let hash = sha256_hex(&body.token);
    let st = state.clone();
    let u = user.clone();
    let letterhead = state.settings.letterhead();
    let signed = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            // Taken in the transaction that decides: of two uses of one
            // step, the second finds it answered (or over).
            let request = match sessions::take_security_key_request(&tx, &hash, now)? {
                None => return Err(challenge_expired()),
                Some(None) => return Err(key_refused()),
                Some(Some(request)) => request,
            };
            let credential_id = crate::security_keys::credential_id(assertion.raw_id.as_ref());
            let key = security_keys::by_credential_id(&tx, u.id, &credential_id)?;
            let verified = st.relying_party.finish_sign_in(&assertion, &request);
            let (result, key) = match (verified, key) {
                (Ok(result), Some(key)) => (result, key),
                (Err(Refused::Counter), Some(key)) => {
                    return copied(tx, &letterhead, &u, &key, now)
                }
                _ => return commit_then(tx, key_refused()),
            };
            let stored = crate::security_keys::after_use(&key.credential, &result)
                .ok_or_else(ApiError::internal)?;
            // webauthn-rs compared the counter with the options' copy of
            // the key; a sign-in since may have raised the stored one.
            if !security_keys::record_use(&tx, key.id, &stored, result.counter(), now)? {
                return copied(tx, &letterhead, &u, &key, now);
            }
            sessions::close_challenge(&tx, &hash)?;
            let s = sessions::create(&tx, u.id, now)?;
            tx.commit()?;
            Ok(s)
        })
        .await;
    let (token, csrf) = match signed {
        Ok(s) => s,
        Err(e) => {
            if e.code == ProblemCode::SecurityKeyCounter {
                state.mailer.poke();
            }
            return Err(e);
        }
    };
    refund(&state, reservation).await;
    Ok(signed_in(&state, &headers, &user, &token, csrf).await)
}

/// Refuse a key whose counter went backwards: mark it, tell the account's
/// address, and keep the step's options used.
fn copied<T>(
    tx: rusqlite::Transaction<'_>,
    letterhead: &crate::mail::Letterhead,
    user: &User,
    key: &security_keys::KeyRow,
    now: i64,
) -> ApiResult<T> {
    security_keys::mark_counter_regressed(&tx, key.id, now)?;
    mail::queue_notice(
        &tx,
        letterhead,
        &user.email,
        &templates::security_key_copied(letterhead, &user.username, &key.name, now),
        now,
    )?;
    let refusal = ApiError::new(
        ProblemCode::SecurityKeyCounter,
        "This security key may have been copied",
    )
    .detail("The key counted fewer uses than at its last sign-in, as a copy of it would. Sign in another way, then remove this key in the security checkup.");
    commit_then(tx, refusal)
}

pub fn code_used() -> ApiError {
    ApiError::new(ProblemCode::RecoveryCodeUsed, RECOVERY_CODE_USED).detail(RECOVERY_CODE_USED)
}

pub fn code_invalid() -> ApiError {
    ApiError::new(ProblemCode::RecoveryCodeInvalid, RECOVERY_CODE_INVALID)
        .detail(RECOVERY_CODE_INVALID)
}

/// The stored codes a code with `tag` is verified against: those with its
/// tag, and those stored without one: one at most, mostly (two of a set's
/// 8 codes share a tag about 1 time in 2,300; a wrong code meets a tag of
/// the set 1 time in 8,000).
fn candidates(
    codes: Vec<accounts::StoredRecoveryCode>,
    tag: &str,
) -> Vec<accounts::StoredRecoveryCode> {
    codes
        .into_iter()
        .filter(|c| c.tag.as_deref().is_none_or(|t| t == tag))
        .collect()
}

/// Find the code in the user's current set: its id if unused, else the
/// matching PyPI error. Old sets are deleted, so their codes are "invalid".
/// The attempt's `reservation` is handed back if the hashing cannot run.
pub async fn match_recovery_code(
    state: &AppState,
    user: &User,
    code: String,
    reservation: &Reservation,
) -> ApiResult<i64> {
    let uid = user.id;
    let codes = state
        .db
        .call(move |c| Ok(accounts::recovery_codes(c, uid)?))
        .await?;
    let candidates = candidates(codes, &state.key.recovery_code_tag(&code));
    let found = hash_work(state, reservation, move |hasher| {
        // Check every candidate so the time does not depend on the position,
        // and one hash when there is none, as when there is one.
        let mut found = None;
        for stored in &candidates {
            if hasher.verify(&code, &stored.hash) && found.is_none() {
                found = Some((stored.id, stored.used));
            }
        }
        if candidates.is_empty() {
            hasher.verify_dummy(&code);
        }
        found
    })
    .await?;
    match found {
        Some((id, false)) => Ok(id),
        Some((_, true)) => Err(code_used()),
        None => Err(code_invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::candidates;
    use crate::store::accounts::StoredRecoveryCode;

    fn stored(id: i64, tag: Option<&str>) -> StoredRecoveryCode {
        StoredRecoveryCode {
            id,
            hash: format!("hash {id}"),
            used: false,
            tag: tag.map(str::to_string),
        }
    }

    #[test]
    fn a_code_is_verified_against_its_tag_and_the_untagged_only() {
        let ids = |tag: &str, codes: Vec<StoredRecoveryCode>| -> Vec<i64> {
            candidates(codes, tag).iter().map(|c| c.id).collect()
        };
        let set = || {
            vec![
                stored(1, Some("0a1b")),
                stored(2, Some("ffff")),
                stored(3, Some("0a1b")),
            ]
        };
        assert_eq!(ids("ffff", set()), [2]);
        assert_eq!(ids("0a1b", set()), [1, 3]);
        assert!(ids("1234", set()).is_empty());
        // A set stored before tags: every code, as before.
        assert_eq!(ids("1234", vec![stored(4, None), stored(5, None)]), [4, 5]);
    }
}
