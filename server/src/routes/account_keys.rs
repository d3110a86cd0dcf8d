//! The signed-in account's security keys and passkeys (WebAuthn, see
//! [`crate::security_keys`]): add one (options, then the key's answer),
//! list, rename and remove them. Every change passes the CSRF check of
//! [`SignedIn`] and counts in the account's bucket of key changes; asking
//! for the options to add a key and removing one also need a password
//! entered in the last 5 minutes (the sign-in, or `POST /account/reauth`).
//!
//! A key is found by the account *and* its id: another account's key
//! answers exactly like an id that does not exist.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::Json;
use reclaim_core::api::{
    AccountSecurity, SecurityKey, SecurityKeyCreationOptions, SecurityKeyList,
    SecurityKeyRegistrationBody, SecurityKeyRenameBody,
};
use reclaim_core::limits::{MAX_SECURITY_KEYS, SECURITY_KEY_SETUP_SECS};
use reclaim_core::validation::check;
use reclaim_core::ProblemCode;
use rusqlite::TransactionBehavior;
use webauthn_rs::prelude::{RegisterPublicKeyCredential, Uuid};

use super::account::{changed_meanwhile, require_reauth, security_of};
use super::{commit_then, reserve, SignedIn};
use crate::clock::rfc3339;
use crate::extract::{parse_member, ApiJson};
use crate::limits::SECURITY_KEY_CHANGES_PER_ACCOUNT;
use crate::mail::{self, templates};
use crate::openapi::{JSON_BODY, SIGNED_IN, SIGNED_IN_CHANGE};
use crate::problem::{ApiError, ApiResult};
use crate::security_keys::{challenge_of, credential_id, new_user_handle};
use crate::state::AppState;
use crate::store::accounts;
use crate::store::security_keys::{self, KeyRow, Registration};
use crate::store::sessions;

/// A stored key as the API shows it.
pub(super) fn key_view(row: &KeyRow) -> SecurityKey {
    SecurityKey {
        id: row.public_id.clone(),
        name: row.name.clone(),
        added_at: rfc3339(row.added_at),
        last_used_at: row.last_used_at.map(rfc3339),
        counter_regressed_at: row.counter_regressed_at.map(rfc3339),
    }
}

/// Count one security-key change of the account, before its work (429
/// beyond [`SECURITY_KEY_CHANGES_PER_ACCOUNT`]).
async fn reserve_key_change(state: &AppState, user_id: i64) -> ApiResult<()> {
    let _counted = reserve(
        state,
        vec![(
            format!("key-change:{user_id}"),
            SECURITY_KEY_CHANGES_PER_ACCOUNT,
        )],
    )
    .await?;
    Ok(())
}

fn unknown_key() -> ApiError {
    ApiError::new(ProblemCode::NotFound, "There is no such security key")
        .detail("This account has no security key with this id.")
}

fn key_limit() -> ApiError {
    ApiError::new(
        ProblemCode::SecurityKeyLimit,
        "This account has as many security keys as it can have",
    )
    .detail(format!(
        "An account can have {MAX_SECURITY_KEYS} security keys. Remove one to add another."
    ))
}

fn setup_expired() -> ApiError {
    ApiError::new(
        ProblemCode::SecurityKeySetupExpired,
        "Start adding the security key again",
    )
    .detail(format!(
        "Adding a key was not started, or more than {} minutes have passed since.",
        SECURITY_KEY_SETUP_SECS / 60
    ))
}

fn key_refused() -> ApiError {
    ApiError::new(
        ProblemCode::SecurityKeyInvalid,
        "The security key's answer was not accepted",
    )
    .detail("The answer does not match the options of this registration. Start again and touch the key once.")
}

/// Of this account (in the options' `excludeCredentials`, for a browser
/// that did not heed them) or of another.
fn already_registered() -> ApiError {
    ApiError::new(
        ProblemCode::SecurityKeyAlreadyRegistered,
        "This security key is added already",
    )
    .detail("Use another key: this one is registered to an account already.")
}

/// The path's key id (an undecodable one is just another unknown id).
fn key_id(id: Result<Path<String>, PathRejection>) -> ApiResult<String> {
    id.map(|Path(id)| id).map_err(|_| unknown_key())
}

crate::problems!(
    /// What `POST /account/security-keys/options` answers besides 200.
    KeyOptionsProblems: SIGNED_IN_CHANGE, &[ProblemCode::ReauthRequired, ProblemCode::SecurityKeyLimit, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/security-keys/options", tag = "account",
    description = "Starts adding a security key or passkey: the browser's `PublicKeyCredentialCreationOptions` in WebAuthn's JSON form, for `navigator.credentials.create({ publicKey })`, with the account's keys in `excludeCredentials` (the browser refuses a key added already). User verification is preferred (a key's PIN or fingerprint where it has one), attestation none. Send the key's answer to `POST /account/security-keys` within 5 minutes; each start works once. Keys answer for one origin, the public URL's (on an IP address, `localhost` at the same port). Needs a fresh re-authentication (a sign-in or `POST /account/reauth` in the last 5 minutes, else 403 `reauth_required`) and `X-CSRF-Token`. At most 10 keys per account (409 `security_key_limit`). Security-key changes (this, adding, renaming, removing) are limited to 20 an hour per account.",
    responses(
        (status = 200, description = "The creation options", body = SecurityKeyCreationOptions),
        KeyOptionsProblems,
    ))]
pub async fn registration_options(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<SecurityKeyCreationOptions>> {
    let now = state.clock.now();
    require_reauth(&s, now)?;
    let uid = s.user.id;
    reserve_key_change(&state, uid).await?;
    let st = state.clone();
    let username = s.user.username.clone();
    let options = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let keys = security_keys::list(&tx, uid)?;
            if keys.len() >= MAX_SECURITY_KEYS {
                return Err(key_limit());
            }
            let handle = security_keys::user_handle(&tx, uid, &new_user_handle().to_string())?;
            let handle = Uuid::parse_str(&handle).map_err(|_| ApiError::internal())?;
            let existing: Vec<String> = keys.into_iter().map(|k| k.credential).collect();
            let begun = st
                .relying_party
                .start_registration(handle, &username, &existing)?;
            security_keys::open_registration(
                &tx,
                uid,
                &begun.challenge,
                &begun.state,
                now + i64::from(SECURITY_KEY_SETUP_SECS),
            )?;
            tx.commit()?;
            Ok(begun.options)
        })
        .await?;
    Ok(Json(SecurityKeyCreationOptions(options)))
}

crate::problems!(
    /// What `POST /account/security-keys` answers besides 200.
    AddKeyProblems: SIGNED_IN_CHANGE, JSON_BODY, &[ProblemCode::SecurityKeySetupExpired, ProblemCode::SecurityKeyInvalid, ProblemCode::SecurityKeyAlreadyRegistered, ProblemCode::SecurityKeyLimit, ProblemCode::ChangedMeanwhile, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/security-keys", tag = "account", request_body = SecurityKeyRegistrationBody,
    description = "Adds the security key: `credential` is what `navigator.credentials.create()` gave for the options of `POST /account/security-keys/options` (found again by its challenge), `name` what the user calls it (1 to 64 characters once trimmed; 422 `validation_failed` on `/name`). The registration works once: a second answer to the same options (a double submit) is 409 `changed_meanwhile`; options older than 5 minutes, or none, 409 `security_key_setup_expired`; an answer that does not verify (another origin or challenge, a bad signature), 422 `security_key_invalid` (start again); a key added already, to this account or another, 409 `security_key_already_registered`. The account's address is mailed. With a key, recovery codes can be generated. Needs `X-CSRF-Token`; counts with the security-key changes (20 an hour per account).",
    responses(
        (status = 200, description = "Added; the updated checkup", body = AccountSecurity),
        AddKeyProblems,
    ))]
pub async fn add(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    ApiJson(body): ApiJson<SecurityKeyRegistrationBody>,
) -> ApiResult<Json<AccountSecurity>> {
    check(&body).map_err(ApiError::validation)?;
    let name = body.name.trim().to_string();
    let credential: RegisterPublicKeyCredential = parse_member(body.credential, "/credential")?;
    let challenge =
        challenge_of(credential.response.client_data_json.as_ref()).ok_or_else(key_refused)?;
    let now = state.clock.now();
    let uid = s.user.id;
    reserve_key_change(&state, uid).await?;
    let st = state.clone();
    let user = s.user.clone();
    let letterhead = state.settings.letterhead();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let pending = match security_keys::take_registration(&tx, uid, &challenge, now)? {
                Registration::Taken(pending) => pending,
                Registration::Used => return Err(changed_meanwhile()),
                Registration::Unknown => return Err(setup_expired()),
            };
            // The registration is used up whatever its answer.
            let Some(key) = st.relying_party.finish_registration(&credential, &pending) else {
                // webauthn-rs refuses a key of the options' `excludeCredentials`
                // like any other answer that does not hold; the id the
                // browser names tells it apart, for the words.
                let named = credential_id(credential.raw_id.as_ref());
                let known = security_keys::by_credential_id(&tx, uid, &named)?.is_some();
                let refusal = if known {
                    already_registered()
                } else {
                    key_refused()
                };
                return commit_then(tx, refusal);
            };
            // Two registrations begun side by side may both finish.
            if security_keys::count(&tx, uid)? >= MAX_SECURITY_KEYS {
                return commit_then(tx, key_limit());
            }
            let added =
                security_keys::insert(&tx, uid, &key.credential_id, &key.credential, &name, now)?;
            if added.is_none() {
                return commit_then(tx, already_registered());
            }
            mail::queue_notice(
                &tx,
                &letterhead,
                &user.email,
                &templates::security_key_added(&letterhead, &user.username, &name),
                now,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(Json(security_of(&state, &s).await?))
}

crate::problems!(
    /// What `GET /account/security-keys` answers besides 200.
    ListKeysProblems: SIGNED_IN
);

#[utoipa::path(get, path = "/account/security-keys", tag = "account",
    description = "The account's security keys and passkeys, oldest first: id, name, when added and last used, and when a sign-in with one was refused for a signature counter that went backwards (`counter_regressed_at`: a copy of the key may be in use). `GET /account/security` carries the same list.",
    responses(
        (status = 200, body = SecurityKeyList),
        ListKeysProblems,
    ))]
pub async fn list(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<SecurityKeyList>> {
    let uid = s.user.id;
    let keys = state
        .db
        .call(move |c| Ok(security_keys::list(c, uid)?))
        .await?;
    Ok(Json(SecurityKeyList {
        keys: keys.iter().map(key_view).collect(),
    }))
}

crate::problems!(
    /// What `PATCH /account/security-keys/{id}` answers besides 200.
    RenameKeyProblems: SIGNED_IN_CHANGE, JSON_BODY, &[ProblemCode::NotFound, ProblemCode::RateLimited]
);

#[utoipa::path(patch, path = "/account/security-keys/{id}", tag = "account", request_body = SecurityKeyRenameBody,
    description = "Renames the key (1 to 64 characters once trimmed; 422 `validation_failed` on `/name`). A key of another account answers 404 `not_found`, like an unknown id. Needs `X-CSRF-Token`; counts with the security-key changes (20 an hour per account).",
    params(("id" = String, Path, description = "The key's `id`, e.g. `sk_3f9a…`")),
    responses(
        (status = 200, description = "Renamed", body = SecurityKey),
        RenameKeyProblems,
    ))]
pub async fn rename(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    SignedIn(s): SignedIn,
    ApiJson(body): ApiJson<SecurityKeyRenameBody>,
) -> ApiResult<Json<SecurityKey>> {
    let id = key_id(id)?;
    check(&body).map_err(ApiError::validation)?;
    let uid = s.user.id;
    reserve_key_change(&state, uid).await?;
    let name = body.name.trim().to_string();
    let renamed = state
        .db
        .call(move |c| Ok(security_keys::rename(c, uid, &id, &name)?))
        .await?
        .ok_or_else(unknown_key)?;
    Ok(Json(key_view(&renamed)))
}

crate::problems!(
    /// What `DELETE /account/security-keys/{id}` answers besides 200.
    RemoveKeyProblems: SIGNED_IN_CHANGE, &[ProblemCode::ReauthRequired, ProblemCode::NotFound, ProblemCode::RateLimited]
);

#[utoipa::path(delete, path = "/account/security-keys/{id}", tag = "account",
    description = "Removes the key. When it was the last second factor (no authenticator app, no other key), **the recovery codes are deleted with it** (they only exist alongside a second factor: a code set alone would make every sign-in demand a code until the account is locked out), and signing in then asks for the password only. Pending sign-in steps of the account end. The account's address is mailed, saying which. A key of another account answers 404 `not_found`, like an unknown id. Needs a fresh re-authentication (a sign-in or `POST /account/reauth` in the last 5 minutes, else 403 `reauth_required`) and `X-CSRF-Token`; counts with the security-key changes (20 an hour per account).",
    params(("id" = String, Path, description = "The key's `id`, e.g. `sk_3f9a…`")),
    responses(
        (status = 200, description = "Removed; the updated checkup", body = AccountSecurity),
        RemoveKeyProblems,
    ))]
pub async fn remove(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<AccountSecurity>> {
    let id = key_id(id)?;
    let now = state.clock.now();
    require_reauth(&s, now)?;
    let uid = s.user.id;
    reserve_key_change(&state, uid).await?;
    let user = s.user.clone();
    let letterhead = state.settings.letterhead();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let name = security_keys::remove(&tx, uid, &id)?.ok_or_else(unknown_key)?;
            let remaining = accounts::after_factor_removed(&tx, uid)?;
            // A sign-in step begun with the key among its methods is over.
            sessions::close_challenges_of(&tx, uid)?;
            mail::queue_notice(
                &tx,
                &letterhead,
                &user.email,
                &templates::security_key_removed(&letterhead, &user.username, &name, remaining),
                now,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(Json(security_of(&state, &s).await?))
}
