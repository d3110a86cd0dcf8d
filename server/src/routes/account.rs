//! The signed-in security checkup: facts, re-authentication, recovery codes
//! and the authenticator app. Every POST here passes the CSRF check of
//! [`SignedIn`]; generating codes and adding an authenticator also need a
//! password entered in the last 5 minutes.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use reclaim_core::api::{
    AccountSecurity, CodeBody, Problem, ReauthBody, Reauthenticated, RecoveryCodesGenerated,
    RecoveryCodesInfo, TotpSetup,
};
use reclaim_core::codes::{parse_recovery_code_with, parse_totp_code_with};
use reclaim_core::limits::MAX_PASSWORD_CHARS;
use reclaim_core::ErrorCode;
use reclaim_core::ProblemCode;
use rusqlite::params;

use super::login::{match_recovery_code, two_fa_bucket};
use super::{failed, session_cookie, SignedIn, REAUTH_SECS};
use crate::app::AppState;
use crate::clock::rfc3339;
use crate::crypto::{hex, random_bytes};
use crate::extract::ApiJson;
use crate::limits::{self, LOGIN, SECOND_FACTOR};
use crate::problem::{ApiError, ApiResult};
use crate::store::models::{self, SessionRow};
use crate::{mail, totp};

/// Codes per set and their size (PyPI: 8 codes of 16 hex characters).
pub const CODES_PER_SET: usize = 8;
/// A pending authenticator must be confirmed within 10 minutes.
pub const TOTP_PENDING_SECS: i64 = 600;

fn reauth_left(s: &SessionRow, now: i64) -> u32 {
    s.reauth_at
        .map_or(0, |at| (at + REAUTH_SECS - now).max(0) as u32)
}

fn require_reauth(s: &SessionRow, now: i64) -> ApiResult<()> {
    if reauth_left(s, now) == 0 {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ProblemCode::ReauthRequired,
            "Enter your password again",
        )
        .detail("For this change, confirm your password first (POST /account/reauth); it counts for 5 minutes."));
    }
    Ok(())
}

async fn security_of(state: &AppState, s: &SessionRow) -> ApiResult<AccountSecurity> {
    let uid = s.user.id;
    let now = state.clock.now();
    let left = reauth_left(s, now);
    state
        .db
        .call(move |c| {
            let u = models::user_by_id(c, uid)?.ok_or_else(ApiError::unauthenticated)?;
            let info = models::codes_info(c, &u)?;
            Ok(AccountSecurity {
                totp_enabled: u.totp_enabled(),
                username: u.username,
                email: u.email,
                email_verified: u.email_verified,
                recovery_codes: info,
                reauth_valid_for: left,
            })
        })
        .await
}

#[utoipa::path(get, path = "/account/security", tag = "account",
    responses(
        (status = 200, body = AccountSecurity),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn security(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<AccountSecurity>> {
    Ok(Json(security_of(&state, &s).await?))
}

#[utoipa::path(post, path = "/account/reauth", tag = "account", request_body = ReauthBody,
    description = "Confirms the password; for 5 minutes the session may generate recovery codes and add an authenticator. Needs `X-CSRF-Token`.",
    responses(
        (status = 200, body = Reauthenticated),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`password_incorrect`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reauth(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    ApiJson(body): ApiJson<ReauthBody>,
) -> ApiResult<Json<Reauthenticated>> {
    let now = state.clock.now();
    let uid = s.user.id;
    state
        .db
        .call(move |c| limits::check(c, &[(&format!("reauth:{uid}"), LOGIN)], now))
        .await?;
    let hasher = state.hasher.clone();
    let hash = s.user.password_hash.clone();
    let pw = body.password;
    let ok = pw.chars().count() <= MAX_PASSWORD_CHARS
        && tokio::task::spawn_blocking(move || hasher.verify(&pw, &hash))
            .await
            .map_err(|_| ApiError::internal())?;
    if !ok {
        let bucket = vec![format!("reauth:{uid}")];
        return Err(failed(
            &state,
            bucket,
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::PasswordIncorrect,
                "The password is not right",
            )
            .on_field("/password", ErrorCode::PasswordIncorrect),
        )
        .await);
    }
    let token_hash = s.token_hash.clone();
    state
        .db
        .call(move |c| {
            c.execute(
                "UPDATE sessions SET reauth_at = ?2 WHERE token_hash = ?1",
                params![token_hash, now],
            )?;
            Ok(())
        })
        .await?;
    Ok(Json(Reauthenticated {
        valid_for: REAUTH_SECS as u32,
    }))
}

#[utoipa::path(post, path = "/account/recovery-codes", tag = "account",
    description = "Generates a new set of 8 recovery codes and deletes the old set (its codes then answer \"Invalid recovery code.\"). Needs a fresh re-authentication and `X-CSRF-Token`. The answer is `Cache-Control: no-store`; the codes are never shown again.",
    responses(
        (status = 200, body = RecoveryCodesGenerated),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`, `reauth_required`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn generate_codes(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Response> {
    let now = state.clock.now();
    require_reauth(&s, now)?;
    let codes: Vec<String> = (0..CODES_PER_SET)
        .map(|_| hex(&random_bytes::<8>()))
        .collect();
    let hasher = state.hasher.clone();
    let to_hash = codes.clone();
    let hashes = tokio::task::spawn_blocking(move || {
        to_hash.iter().map(|c| hasher.hash(c)).collect::<Vec<_>>()
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let user = s.user.clone();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            models::replace_recovery_codes(&tx, user.id, &hashes, now)?;
            mail::queue(
                &tx,
                &user.email,
                "New recovery codes were generated",
                &format!(
                    "Hello {},\n\nA new set of recovery codes was generated for your account at {}. The codes of any older set no longer work.\n\n\
                     If this was not you, reset your password now and contact support.\n",
                    user.username,
                    rfc3339(now)
                ),
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

/// A 401 of the sign-in flow, reshaped for a signed-in form (422 on `/code`).
fn as_field(mut e: ApiError) -> ApiError {
    if e.status == StatusCode::UNAUTHORIZED {
        e.status = StatusCode::UNPROCESSABLE_ENTITY;
        e.errors = vec![reclaim_core::api::FieldError {
            pointer: "/code".into(),
            code: e.code.as_str().to_string(),
            message: e.title.to_string(),
        }];
    }
    e
}

#[utoipa::path(post, path = "/account/recovery-codes/confirm", tag = "account", request_body = CodeBody,
    description = "Proves the new codes were stored: enter one; it is burned (7 remain). Needs `X-CSRF-Token`.",
    responses(
        (status = 200, body = RecoveryCodesInfo),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`recovery_code_invalid`, `recovery_code_used`, `validation_failed` (`recovery_code_format`, `looks_like_totp_code`…)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
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
    state
        .db
        .call(move |c| limits::check(c, &[(&two_fa_bucket(uid), SECOND_FACTOR)], now))
        .await?;
    let id = match_recovery_code(&state, &s.user, code)
        .await
        .map_err(as_field)?;
    let user = s.user.clone();
    let info = state
        .db
        .call(move |c| {
            if !models::burn_recovery_code(c, id, now)? {
                return Err(as_field(
                    ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        ProblemCode::RecoveryCodeUsed,
                        reclaim_core::messages::RECOVERY_CODE_USED,
                    )
                    .detail(reclaim_core::messages::RECOVERY_CODE_USED),
                ));
            }
            Ok(models::codes_info(c, &user)?)
        })
        .await?;
    Ok(Json(info))
}

#[utoipa::path(post, path = "/account/totp", tag = "account",
    description = "Starts adding an authenticator app (one per account): a new secret to confirm within 10 minutes. Needs a fresh re-authentication and `X-CSRF-Token`. `Cache-Control: no-store`.",
    responses(
        (status = 200, body = TotpSetup),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`, `reauth_required`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`totp_already_enabled`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn totp_start(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<TotpSetup>> {
    let now = state.clock.now();
    require_reauth(&s, now)?;
    if s.user.totp_enabled() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            ProblemCode::TotpAlreadyEnabled,
            "An authenticator app is already set up",
        )
        .detail("This account allows one authenticator app. Remove the current one first."));
    }
    let secret = totp::base32(&totp::new_secret());
    let uid = s.user.id;
    let stored = secret.clone();
    state
        .db
        .call(move |c| {
            c.execute(
                "UPDATE users SET totp_pending_secret = ?2, totp_pending_expires = ?3 WHERE id = ?1",
                params![uid, stored, now + TOTP_PENDING_SECS],
            )?;
            Ok(())
        })
        .await?;
    let otpauth_uri =
        reclaim_core::totp_uri::otpauth_uri(&state.settings.totp_issuer, &s.user.username, &secret)
            .map_err(|_| ApiError::internal())?;
    Ok(Json(TotpSetup {
        otpauth_uri,
        secret,
        expires_in: TOTP_PENDING_SECS as u32,
    }))
}

#[utoipa::path(post, path = "/account/totp/confirm", tag = "account", request_body = CodeBody,
    description = "Confirms the pending authenticator with a current code. Needs `X-CSRF-Token`.",
    responses(
        (status = 200, body = AccountSecurity),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`totp_setup_expired` (start again)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`totp_invalid`, `totp_out_of_sync`, `validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
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
    let pending = match (&u.totp_pending_secret, u.totp_pending_expires) {
        (Some(sec), Some(exp)) if exp > now && !u.totp_enabled() => totp::base32_decode(sec),
        _ => None,
    };
    let Some(secret) = pending else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            ProblemCode::TotpSetupExpired,
            "Start the authenticator setup again",
        )
        .detail("The setup was not started, or more than 10 minutes have passed."));
    };
    let uid = u.id;
    state
        .db
        .call(move |c| limits::check(c, &[(&two_fa_bucket(uid), SECOND_FACTOR)], now))
        .await?;
    let step = match totp::check(&secret, &code, now, None) {
        totp::Check::Ok(step) => step,
        other => {
            let (code, title) = if other == totp::Check::OutOfSync {
                (
                    ProblemCode::TotpOutOfSync,
                    "Your authenticator app may be out of sync",
                )
            } else {
                (ProblemCode::TotpInvalid, "The code is not right")
            };
            let err = as_field(ApiError::new(StatusCode::UNAUTHORIZED, code, title));
            return Err(failed(&state, vec![two_fa_bucket(uid)], err).await);
        }
    };
    let user = u.clone();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute(
                "UPDATE users SET totp_secret = totp_pending_secret, totp_last_step = ?2,
                    totp_pending_secret = NULL, totp_pending_expires = NULL WHERE id = ?1",
                params![user.id, step],
            )?;
            mail::queue(
                &tx,
                &user.email,
                "An authenticator app was added to your account",
                &format!(
                    "Hello {},\n\nAn authenticator app was added to your account. From now on, signing in asks for its code.\n\n\
                     If this was not you, reset your password now and contact support.\n",
                    user.username
                ),
                now,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(Json(security_of(&state, &s).await?))
}

#[utoipa::path(post, path = "/logout", tag = "account",
    description = "Ends the session and clears the cookie. Needs `X-CSRF-Token`.",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "`unauthenticated`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(State(state): State<AppState>, SignedIn(s): SignedIn) -> ApiResult<Response> {
    let hash = s.token_hash.clone();
    state
        .db
        .call(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", params![hash])?;
            Ok(())
        })
        .await?;
    let cookie = session_cookie(&state.settings, "", 0);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
