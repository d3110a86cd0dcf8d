//! The signed-in security checkup: facts, re-authentication, recovery codes
//! and the authenticator app (security keys: [`super::account_keys`]).
//! Every POST and DELETE here passes the CSRF check of [`SignedIn`];
//! generating codes, adding an authenticator and removing it also need a
//! password entered in the last 5 minutes: at the sign-in that made the
//! session, or again with `POST /account/reauth`.
//!
//! Double submits: every change is written with a condition on the state
//! it was decided on (the pending secret that was checked, the code set that
//! was replaced), so of two concurrent calls exactly one takes effect and the
//! other is told so; none can leave the account in a state neither meant.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use reclaim_core::api::{
    AccountProject, AccountSecurity, CodeBody, LoginOutcome, ReauthBody, Reauthenticated,
    RecoveryCodesGenerated, RecoveryCodesInfo, TotpSetup,
};
use reclaim_core::codes::{parse_recovery_code_with, parse_totp_code_with};
use reclaim_core::validation::Validate;
use reclaim_core::{ErrorCode, ProblemCode};
use rusqlite::TransactionBehavior;

use super::login::{code_used, match_recovery_code, totp_invalid, totp_out_of_sync, two_fa_bucket};
use super::{hash_work, refund, reserve, session_cookie, SignedIn, REAUTH_SECS};
use crate::clock::rfc3339;
use crate::crypto::{hex, random_bytes};
use crate::extract::ApiJson;
use crate::limits::{REAUTH, RECOVERY_CODES_PER_ACCOUNT, SECOND_FACTOR, TOTP_CHANGES_PER_ACCOUNT};
use crate::mail::{self, templates};
use crate::openapi::{JSON_BODY, SIGNED_IN, SIGNED_IN_CHANGE};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::accounts::{self, TotpConfirmed};
use crate::store::security_keys;
use crate::store::sessions::{self, SessionRow};
use crate::totp;

/// Codes per set and their size (PyPI: 8 codes of 16 hex characters).
pub const CODES_PER_SET: usize = 8;
/// A pending authenticator must be confirmed within 10 minutes.
pub const TOTP_PENDING_SECS: i64 = 600;

/// The per-account bucket of authenticator changes (start, confirm, remove).
fn totp_changes_bucket(user_id: i64) -> String {
    format!("totp-change:{user_id}")
}

/// Count one authenticator change of the account, before its work
/// (429 beyond [`TOTP_CHANGES_PER_ACCOUNT`]).
async fn reserve_totp_change(state: &AppState, user_id: i64) -> ApiResult<()> {
    let _counted = reserve(
        state,
        vec![(totp_changes_bucket(user_id), TOTP_CHANGES_PER_ACCOUNT)],
    )
    .await?;
    Ok(())
}

fn reauth_left(s: &SessionRow, now: i64) -> u32 {
    s.reauth_at
        .map_or(0, |at| (at + REAUTH_SECS - now).max(0) as u32)
}

pub(super) fn require_reauth(s: &SessionRow, now: i64) -> ApiResult<()> {
    if reauth_left(s, now) == 0 {
        return Err(ApiError::new(ProblemCode::ReauthRequired,
            "Enter your password again",
        )
        .detail("For this change, confirm your password first (POST /account/reauth), or sign in again: either counts for 5 minutes."));
    }
    Ok(())
}

fn second_factor_required() -> ApiError {
    ApiError::new(ProblemCode::SecondFactorRequired,
        "Set up an authenticator app or a security key first",
    )
    .detail("Recovery codes work only alongside a second factor (an authenticator app or a security key): without one, every sign-in would ask for a code until none were left.")
}

pub(super) fn changed_meanwhile() -> ApiError {
    ApiError::new(ProblemCode::ChangedMeanwhile,
        "This was changed at the same moment by another request",
    )
    .detail("Another request (a double click, another tab) made this change first. Reload the checkup to see the result.")
}

pub(super) async fn security_of(state: &AppState, s: &SessionRow) -> ApiResult<AccountSecurity> {
    let uid = s.user.id;
    let now = state.clock.now();
    let left = reauth_left(s, now);
    state
        .db
        .call(move |c| {
            let u = accounts::user_by_id(c, uid)?.ok_or_else(ApiError::unauthenticated)?;
            let info = accounts::codes_info(c, &u)?;
            let projects = accounts::projects(c, uid)?
                .into_iter()
                .map(|p| AccountProject {
                    name: p.name,
                    repository_url: p.repository_url,
                })
                .collect();
            let proven = accounts::codes_proven(c, uid)?;
            let security_keys = security_keys::list(c, uid)?
                .iter()
                .map(super::account_keys::key_view)
                .collect();
            let predate = matches!(
                (u.codes_generated_at, u.totp_changed_at),
                (Some(codes), Some(totp)) if codes < totp
            );
            Ok(AccountSecurity {
                totp_enabled: u.totp_enabled(),
                username: u.username,
                email: u.email,
                email_verified: u.email_verified,
                recovery_codes: info,
                reauth_valid_for: left,
                totp_changed_at: u.totp_changed_at.map(rfc3339),
                recovery_codes_predate_totp: predate,
                recovery_codes_proven: proven,
                password_changed_at: u.password_changed_at.map(rfc3339),
                projects,
                security_keys,
            })
        })
        .await
}

crate::problems!(
    /// What `GET /account/security` answers besides 200.
    SecurityProblems: SIGNED_IN
);

#[utoipa::path(get, path = "/account/security", tag = "account",
    description = "What the checkup grades: email, authenticator, security keys, recovery codes (and whether they predate the last authenticator change), and the account's projects with their public repositories (support verifies ownership by a push to one).",
    responses(
        (status = 200, body = AccountSecurity),
        SecurityProblems,
    ))]
pub async fn security(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<AccountSecurity>> {
    Ok(Json(security_of(&state, &s).await?))
}

crate::problems!(
    /// What `POST /account/reauth` answers besides 200.
    ReauthProblems: SIGNED_IN_CHANGE, JSON_BODY, &[ProblemCode::PasswordIncorrect, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/reauth", tag = "account", request_body = ReauthBody,
    description = "Confirms the password; for 5 minutes the session may generate recovery codes, add or remove an authenticator, add a security key and remove one. A completed sign-in opens the same window, so this is needed only once the 5 minutes after signing in are over. Needs `X-CSRF-Token`. 10 failed confirmations per 5 minutes per user.",
    responses(
        (status = 200, body = Reauthenticated),
        ReauthProblems,
    ))]
pub async fn reauth(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    ApiJson(body): ApiJson<ReauthBody>,
) -> ApiResult<Json<Reauthenticated>> {
    let now = state.clock.now();
    let uid = s.user.id;
    let reservation = reserve(&state, vec![(format!("reauth:{uid}"), REAUTH)]).await?;
    let hash = s.user.password_hash.clone();
    // Over the bound the body declares (core/src/api.rs): as a wrong password.
    let within_bounds = body.validate().is_ok();
    let pw = body.password;
    let ok =
        within_bounds && hash_work(&state, &reservation, move |h| h.verify(&pw, &hash)).await?;
    if !ok {
        return Err(
            ApiError::new(ProblemCode::PasswordIncorrect, "The password is not right")
                .on_field("/password", ErrorCode::PasswordIncorrect),
        );
    }
    refund(&state, reservation).await;
    let token_hash = s.token_hash.clone();
    state
        .db
        .call(move |c| Ok(sessions::mark_reauthenticated(c, &token_hash, now)?))
        .await?;
    Ok(Json(Reauthenticated {
        valid_for: REAUTH_SECS as u32,
    }))
}

crate::problems!(
    /// What `POST /account/recovery-codes` answers besides 200.
    GenerateCodesProblems: SIGNED_IN_CHANGE, &[ProblemCode::ReauthRequired, ProblemCode::SecondFactorRequired, ProblemCode::ChangedMeanwhile, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/recovery-codes", tag = "account",
    description = "Generates a new set of 8 recovery codes and deletes the old set (its codes then answer \"Invalid recovery code.\"). Only with a second factor set up, an authenticator app or a security key (409 `second_factor_required`): a code set alone would make every sign-in demand a code until the account is locked out. Needs a fresh re-authentication (a sign-in or `POST /account/reauth` in the last 5 minutes, else 403 `reauth_required`) and `X-CSRF-Token`. The answer is `Cache-Control: no-store`; the codes are never shown again. Of two concurrent calls one succeeds, the other is 409 `changed_meanwhile`. 5 generations an hour and 10 a day per account (every call that gets past the checks above counts).",
    responses(
        (status = 200, body = RecoveryCodesGenerated),
        GenerateCodesProblems,
    ))]
pub async fn generate_codes(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Response> {
    let now = state.clock.now();
    require_reauth(&s, now)?;
    let uid = s.user.id;
    let seen = state
        .db
        .call(move |c| Ok(accounts::second_factors_now(c, uid)?))
        .await?;
    let Some((true, seen_set)) = seen else {
        return Err(second_factor_required());
    };
    // Counted before the eight hashes (handed back only when they cannot run).
    let reservation = reserve(
        &state,
        vec![(format!("codes:{}", s.user.id), RECOVERY_CODES_PER_ACCOUNT)],
    )
    .await?;
    let codes: Vec<String> = (0..CODES_PER_SET)
        .map(|_| hex(&random_bytes::<8>()))
        .collect();
    let (to_hash, key) = (codes.clone(), state.key.clone());
    let stored = hash_work(&state, &reservation, move |h| {
        to_hash
            .iter()
            .map(|c| accounts::NewRecoveryCode {
                hash: h.hash(c),
                tag: key.recovery_code_tag(c),
            })
            .collect::<Vec<_>>()
    })
    .await?;
    let user = s.user.clone();
    let letterhead = state.settings.letterhead();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Decided on this state: a second factor, and the set we saw.
            match accounts::second_factors_now(&tx, user.id)? {
                Some((false, _)) | None => return Err(second_factor_required()),
                Some((true, set)) if set != seen_set => return Err(changed_meanwhile()),
                Some(_) => {}
            }
            accounts::replace_recovery_codes(&tx, user.id, &stored, now)?;
            mail::queue_notice(
                &tx,
                &letterhead,
                &user.email,
                &templates::recovery_codes_generated(&letterhead, &user.username, now),
                now,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    let generated_at = rfc3339(now);
    let filename = format!(
        "{}-Recovery-Codes-{}-{}.txt",
        state.settings.site_name, s.user.username, generated_at
    );
    let mut res = Json(RecoveryCodesGenerated {
        codes,
        generated_at,
        filename,
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// A refused code of the sign-in flow, placed on the signed-in form's
/// `/code` field (same code and status, 422; sign-in has no field errors).
fn as_field(mut e: ApiError) -> ApiError {
    if matches!(
        e.code,
        ProblemCode::TotpInvalid
            | ProblemCode::TotpOutOfSync
            | ProblemCode::RecoveryCodeInvalid
            | ProblemCode::RecoveryCodeUsed
    ) {
        e.errors = vec![reclaim_core::api::FieldError {
            pointer: "/code".into(),
            code: e.code.as_str().to_string(),
            message: e.title.to_string(),
        }];
    }
    e
}

crate::problems!(
    /// What `POST /account/recovery-codes/confirm` answers besides 200.
    ConfirmCodeProblems: SIGNED_IN_CHANGE, JSON_BODY, &[ProblemCode::RecoveryCodeInvalid, ProblemCode::RecoveryCodeUsed, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/recovery-codes/confirm", tag = "account", request_body = CodeBody,
    description = "Proves the new codes were stored: enter one; it is burned (7 remain). Needs `X-CSRF-Token`. Failed attempts count with the second-factor limit (5 per 5 min). A refused code is 422 with its code on `/code` (`recovery_code_invalid`, `recovery_code_used`); a code of the wrong shape, 422 `validation_failed` (`recovery_code_format`, `looks_like_totp_code`, …).",
    responses(
        (status = 200, body = RecoveryCodesInfo),
        ConfirmCodeProblems,
    ))]
pub async fn confirm_code(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    ApiJson(body): ApiJson<CodeBody>,
) -> ApiResult<Json<RecoveryCodesInfo>> {
    let code = parse_recovery_code_with(&body.code, &state.settings.api_token_prefix)
        .map_err(|e| ApiError::field("/code", e))?;
    let now = state.clock.now();
    let uid = s.user.id;
    let reservation = reserve(&state, vec![(two_fa_bucket(uid), SECOND_FACTOR)]).await?;
    let id = match_recovery_code(&state, &s.user, code, &reservation)
        .await
        .map_err(as_field)?;
    let user = s.user.clone();
    let info = state
        .db
        .call(move |c| {
            // Conditional: of two concurrent uses of one code, one burns it.
            if !accounts::burn_recovery_code(c, id, now)? {
                return Err(as_field(code_used()));
            }
            Ok(accounts::codes_info(c, &user)?)
        })
        .await?;
    refund(&state, reservation).await;
    Ok(Json(info))
}

crate::problems!(
    /// What `POST /account/totp` answers besides 200.
    TotpStartProblems: SIGNED_IN_CHANGE, &[ProblemCode::ReauthRequired, ProblemCode::TotpAlreadyEnabled, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/totp", tag = "account",
    description = "Starts adding an authenticator app (one per account): a new secret to confirm within 10 minutes. Needs a fresh re-authentication (a sign-in or `POST /account/reauth` in the last 5 minutes, else 403 `reauth_required`) and `X-CSRF-Token`. `Cache-Control: no-store`. Authenticator changes (this, its confirmation, removal) are limited to 10 an hour per account.",
    responses(
        (status = 200, body = TotpSetup),
        TotpStartProblems,
    ))]
pub async fn totp_start(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Response> {
    let now = state.clock.now();
    require_reauth(&s, now)?;
    let already = || {
        ApiError::new(
            ProblemCode::TotpAlreadyEnabled,
            "An authenticator app is already set up",
        )
        .detail("This account allows one authenticator app. Remove the current one first.")
    };
    if s.user.totp_enabled() {
        return Err(already());
    }
    reserve_totp_change(&state, s.user.id).await?;
    let secret = totp::base32(&totp::new_secret());
    let uid = s.user.id;
    // Stored sealed under the server key, never as text.
    let stored = state.key.seal_totp(uid, &secret);
    let started = state
        .db
        // Only while none is set up (a concurrent confirmation may have won).
        .call(move |c| {
            Ok(accounts::start_totp(
                c,
                uid,
                &stored,
                now + TOTP_PENDING_SECS,
            )?)
        })
        .await?;
    if !started {
        return Err(already());
    }
    let otpauth_uri =
        reclaim_core::totp_uri::otpauth_uri(&state.settings.totp_issuer, &s.user.username, &secret)
            .map_err(|_| ApiError::internal())?;
    let mut res = Json(TotpSetup {
        otpauth_uri,
        secret,
        expires_in: TOTP_PENDING_SECS as u32,
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

crate::problems!(
    /// What `POST /account/totp/confirm` answers besides 200.
    TotpConfirmProblems: SIGNED_IN_CHANGE, JSON_BODY, &[ProblemCode::TotpSetupExpired, ProblemCode::TotpInvalid, ProblemCode::TotpOutOfSync, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/totp/confirm", tag = "account", request_body = CodeBody,
    description = "Confirms the pending authenticator with a current code. Needs `X-CSRF-Token`. Failed attempts count with the second-factor limit (5 per 5 min); every attempt counts with the authenticator changes (10 an hour per account). A second confirmation of the same setup (a double submit) answers like the first. A refused code is 422 with its code on `/code` (`totp_invalid`, `totp_out_of_sync`); a setup older than 10 minutes, 409 `totp_setup_expired` (start again).",
    responses(
        (status = 200, body = AccountSecurity),
        TotpConfirmProblems,
    ))]
pub async fn totp_confirm(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    ApiJson(body): ApiJson<CodeBody>,
) -> ApiResult<Json<AccountSecurity>> {
    let code = parse_totp_code_with(&body.code, &state.settings.api_token_prefix)
        .map_err(|e| ApiError::field("/code", e))?;
    let now = state.clock.now();
    let u = &s.user;
    let expired = || {
        ApiError::new(
            ProblemCode::TotpSetupExpired,
            "Start the authenticator setup again",
        )
        .detail("The setup was not started, or more than 10 minutes have passed.")
    };
    // The pending secret (sealed) as this session saw it: the one the code
    // is checked against, and the one that will be set up.
    let pending = match (&u.totp_pending_secret, u.totp_pending_expires) {
        (Some(sec), Some(exp)) if exp > now => Some(sec.clone()),
        _ => None,
    };
    let Some(pending) = pending else {
        return Err(expired());
    };
    let uid = u.id;
    let secret = totp::open_stored(&state.key, uid, &pending).ok_or_else(expired)?;
    reserve_totp_change(&state, uid).await?;
    let reservation = reserve(&state, vec![(two_fa_bucket(uid), SECOND_FACTOR)]).await?;
    let step = match totp::check(&secret, &code, now, None) {
        totp::Check::Ok(step) => step,
        totp::Check::OutOfSync => return Err(as_field(totp_out_of_sync())),
        _ => return Err(as_field(totp_invalid())),
    };
    let user = u.clone();
    let letterhead = state.settings.letterhead();
    let confirmed = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            match accounts::confirm_totp(&tx, user.id, &pending, step, now)? {
                TotpConfirmed::Now => {}
                // A concurrent confirmation of this same secret already set it
                // up: the same outcome, so the same answer.
                TotpConfirmed::Already => return Ok(true),
                TotpConfirmed::No => return Ok(false),
            }
            mail::queue_notice(
                &tx,
                &letterhead,
                &user.email,
                &templates::authenticator_added(&letterhead, &user.username),
                now,
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !confirmed {
        return Err(expired());
    }
    refund(&state, reservation).await;
    state.mailer.poke();
    Ok(Json(security_of(&state, &s).await?))
}

crate::problems!(
    /// What `DELETE /account/totp` answers besides 200.
    TotpRemoveProblems: SIGNED_IN_CHANGE, &[ProblemCode::ReauthRequired, ProblemCode::TotpNotEnabled, ProblemCode::RateLimited]
);

#[utoipa::path(delete, path = "/account/totp", tag = "account",
    description = "Removes the authenticator app. When it was the last second factor (no security key either), **the recovery codes are deleted with it** (they only exist alongside a second factor: a code set alone would make every sign-in demand a code until the account is locked out), and signing in then asks for the password only; set up a second factor again, then generate new codes. The account's address is mailed, saying which. Needs a fresh re-authentication (a sign-in or `POST /account/reauth` in the last 5 minutes, else 403 `reauth_required`) and `X-CSRF-Token`. Counts with the authenticator changes (10 an hour per account).",
    responses(
        (status = 200, description = "Removed; the updated checkup", body = AccountSecurity),
        TotpRemoveProblems,
    ))]
pub async fn totp_remove(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<AccountSecurity>> {
    let now = state.clock.now();
    require_reauth(&s, now)?;
    let not_enabled = || {
        ApiError::new(
            ProblemCode::TotpNotEnabled,
            "There is no authenticator app to remove",
        )
        .detail("This account has no authenticator app set up.")
    };
    if !s.user.totp_enabled() {
        return Err(not_enabled());
    }
    reserve_totp_change(&state, s.user.id).await?;
    let user = s.user.clone();
    let letterhead = state.settings.letterhead();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(remaining) = accounts::remove_totp(&tx, user.id, now)? else {
                return Err(not_enabled());
            };
            sessions::close_challenges_of(&tx, user.id)?;
            mail::queue_notice(
                &tx,
                &letterhead,
                &user.email,
                &templates::authenticator_removed(&letterhead, &user.username, remaining),
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
    /// What `GET /session` answers besides 200 and 204: only what any operation may.
    SessionProblems: &[]
);

#[utoipa::path(get, path = "/session", tag = "account",
    description = "The signed-in session of this cookie: its username and its CSRF token, for a page loaded after sign-in (the app holds the token in memory only, so a reload or another page of the app asks here). `204` when there is none: being signed out is an answer, not an error. A cross-origin page cannot read the answer: no CORS header is ever sent, and the cookie is `SameSite=Strict`.",
    responses(
        (status = 200, description = "Signed in", body = LoginOutcome),
        (status = 204, description = "No session for this cookie (or no cookie)"),
        SessionProblems,
    ))]
pub async fn session(State(state): State<AppState>, mut parts: Parts) -> ApiResult<Response> {
    match SignedIn::from_request_parts(&mut parts, &state).await {
        Ok(SignedIn(s)) => Ok(Json(LoginOutcome::Session {
            username: s.user.username,
            csrf_token: s.csrf_token,
        })
        .into_response()),
        Err(e) if e.code == ProblemCode::Unauthenticated => {
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        Err(e) => Err(e),
    }
}

crate::problems!(
    /// What `POST /logout` answers besides 204.
    LogoutProblems: SIGNED_IN_CHANGE
);

#[utoipa::path(post, path = "/logout", tag = "account",
    description = "Ends the session and clears the cookie. Needs `X-CSRF-Token`.",
    responses(
        (status = 204, description = "Signed out"),
        LogoutProblems,
    ))]
pub async fn logout(State(state): State<AppState>, SignedIn(s): SignedIn) -> ApiResult<Response> {
    let hash = s.token_hash.clone();
    state.db.call(move |c| Ok(sessions::end(c, &hash)?)).await?;
    let cookie = session_cookie(&state.settings, "", 0);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
