//! Self-service without signing in: password reset, username reminder, and
//! one-time email codes (a verification factor a recovery request can carry).
//!
//! Every answer here is the same 202 whether or not an account matches, and
//! both paths do the same database work (one write transaction for the rate
//! limit and the lookup); only the mail differs, and it is written in the
//! same transaction, so the timing does not tell either.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use reclaim_core::api::{
    Accepted, EmailProof, EmailVerificationBody, EmailVerificationConfirmBody, PasswordResetBody,
    PasswordResetConfirmBody, Problem, UsernameReminderBody,
};
use reclaim_core::limits::{
    EMAIL_CODE_DIGITS, EMAIL_CODE_MINUTES, MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
    RESET_LINK_HOURS,
};
use reclaim_core::validation::validate_email;
use reclaim_core::ErrorCode;
use reclaim_core::ProblemCode;
use rusqlite::TransactionBehavior;

use super::{accepted, client_key, hash_work, norm, refund, reserve};
use crate::app::AppState;
use crate::crypto::{random_bytes, random_token, sha256_hex, ServerKey};
use crate::extract::ApiJson;
use crate::limits::{
    self, Window, EMAIL_CODE_CHECK, EMAIL_CODE_CHECK_PER_CLIENT, EMAIL_CODE_SEND,
    EMAIL_CODE_SEND_PER_CLIENT, PASSWORD_RESET, RESET_CONFIRM_PER_CLIENT, USERNAME_REMINDER,
};
use crate::mail::{self, templates};
use crate::problem::{ApiError, ApiResult};
use crate::store::{accounts, email_codes, reset_tokens, sessions};

/// A reset link works for [`RESET_LINK_HOURS`].
pub const RESET_SECS: i64 = RESET_LINK_HOURS as i64 * 3600;
/// A one-time email code works for [`EMAIL_CODE_MINUTES`].
pub const EMAIL_CODE_SECS: i64 = EMAIL_CODE_MINUTES as i64 * 60;
/// An email proof can be attached to a request for 7 days.
pub const EMAIL_PROOF_SECS: i64 = 7 * 86_400;
/// Reset links mailed per account, whatever was typed: 5 a day, counted
/// in a bucket of its own so that expired links still count.
const RESETS_PER_ACCOUNT: &[Window] = &[Window {
    max: 5,
    secs: limits::DAY,
}];

const RESET_ANSWER: &str = "If an account matches and its email address is verified, we have sent a link to reset the password. It works for 6 hours.";
const REMINDER_ANSWER: &str =
    "If any accounts use this verified email address, we have sent their usernames to it.";
const CODE_ANSWER: &str = "We have sent a code to this address. It works for 15 minutes.";

fn check_identifier(s: &str) -> ApiResult<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ApiError::field("/identifier", ErrorCode::Required));
    }
    if t.chars().count() > MAX_EMAIL_CHARS {
        return Err(ApiError::field("/identifier", ErrorCode::TooLong));
    }
    Ok(t.to_string())
}

#[utoipa::path(post, path = "/password-reset", tag = "self-service", request_body = PasswordResetBody,
    description = "Sends a reset link (valid 6 h) to the account's verified email. The answer is identical whether or not an account matches; an unverified address gets no mail (the user is pointed to a recovery request instead). 5 per day per identifier.",
    responses(
        (status = 202, body = Accepted),
        (status = 422, description = "`validation_failed`, `invalid_body`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn password_reset(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PasswordResetBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    let ident = check_identifier(&body.identifier)?;
    let now = state.clock.now();
    let base = state.settings.public_url.clone();
    let budget = state.settings.mail_budget_per_hour;
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[(&format!("reset:{}", norm(&ident)), PASSWORD_RESET)],
                now,
            )?;
            for user in accounts::users_by_identifier(&tx, &ident)? {
                // Mail only a verified address: an unverified one may not be theirs.
                if !user.email_verified {
                    continue;
                }
                // Also cap per account, silently, across username and email.
                let account = format!("reset-account:{}", user.id);
                if limits::reserve(&tx, &[(&account, RESETS_PER_ACCOUNT)], now).is_err() {
                    continue;
                }
                let token = random_token("rst_");
                reset_tokens::insert(&tx, &sha256_hex(&token), user.id, now + RESET_SECS)?;
                let link = format!("{base}/recover/reset-password?token={token}");
                let mail =
                    templates::password_reset(&user.username, &link, &token, now + RESET_SECS);
                mail::queue_within_budget(&tx, &user.email, &mail, now, budget)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(accepted(RESET_ANSWER))
}

#[utoipa::path(post, path = "/password-reset/confirm", tag = "self-service", request_body = PasswordResetConfirmBody,
    description = "Sets a new password with the token from the reset link; signs out every session.",
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "`reset_token_invalid` (unknown, used or expired)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`/new_password`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn password_reset_confirm(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<PasswordResetConfirmBody>,
) -> ApiResult<StatusCode> {
    let len = body.new_password.chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Err(ApiError::field(
            "/new_password",
            ErrorCode::PasswordTooShort,
        ));
    }
    if len > MAX_PASSWORD_CHARS {
        return Err(ApiError::field("/new_password", ErrorCode::TooLong));
    }
    let invalid = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ProblemCode::ResetTokenInvalid,
            "This reset link does not work",
        )
        .detail("It may have expired (links work for 6 hours) or been used. Ask for a new one.")
    };
    // Failed confirmations per client, reserved first; the token is checked
    // before the new password is hashed, so a bad link costs no argon2.
    let reservation = reserve(
        &state,
        vec![(
            format!("reset-confirm:ip:{}", client_key(&ext)),
            RESET_CONFIRM_PER_CLIENT,
        )],
    )
    .await?;
    let now = state.clock.now();
    let token_hash = sha256_hex(&body.token);
    let th = token_hash.clone();
    let live = state
        .db
        .call(move |c| Ok(reset_tokens::is_live(c, &th, now)?))
        .await?;
    if !live {
        return Err(invalid());
    }
    let password = body.new_password;
    let new_hash = hash_work(&state, &reservation, move |h| h.hash(&password)).await?;
    let at = crate::clock::rfc3339(now);
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Checked again with the write: of two concurrent uses, one wins.
            let uid = reset_tokens::use_link(&tx, &token_hash, now)?.ok_or_else(invalid)?;
            accounts::set_password(&tx, uid, &new_hash, now)?;
            sessions::end_all_of(&tx, uid)?;
            if let Some(u) = accounts::user_by_id(&tx, uid)? {
                mail::queue_notice(
                    &tx,
                    &u.email,
                    &templates::password_changed(&u.username, &at),
                    now,
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    refund(&state, reservation).await;
    state.mailer.poke();
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/username-reminder", tag = "self-service", request_body = UsernameReminderBody,
    description = "Mails the usernames of accounts with this verified email. Identical answer either way. 5 per day per address.",
    responses(
        (status = 202, body = Accepted),
        (status = 422, description = "`validation_failed` (`/email`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn username_reminder(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<UsernameReminderBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    validate_email(&body.email).map_err(|e| ApiError::field("/email", e))?;
    let email = norm(&body.email);
    let now = state.clock.now();
    let budget = state.settings.mail_budget_per_hour;
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[(&format!("reminder:{email}"), USERNAME_REMINDER)],
                now,
            )?;
            let names: Vec<String> = accounts::users_by_email(&tx, &email)?
                .into_iter()
                .filter(|u| u.email_verified)
                .map(|u| u.username)
                .collect();
            if !names.is_empty() {
                mail::queue_within_budget(
                    &tx,
                    &email,
                    &templates::username_reminder(&names),
                    now,
                    budget,
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(accepted(REMINDER_ANSWER))
}

/// Keyed: a copy of the database alone does not give the code away.
fn code_hash(key: &ServerKey, email: &str, code: &str) -> String {
    key.mac_hex("email-code", &format!("{email}\n{code}"))
}

#[utoipa::path(post, path = "/email-verification", tag = "self-service", request_body = EmailVerificationBody,
    description = "Sends an 8-digit one-time code (valid 15 min) to the address. 5 per hour per address.",
    responses(
        (status = 202, body = Accepted),
        (status = 422, description = "`validation_failed` (`/email`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn email_verification(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<EmailVerificationBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    validate_email(&body.email).map_err(|e| ApiError::field("/email", e))?;
    let email = norm(&body.email);
    let now = state.clock.now();
    // 8 digits: never mistaken for a 6-digit authenticator code.
    let n = u64::from_le_bytes(random_bytes::<8>()) % 10u64.pow(EMAIL_CODE_DIGITS as u32);
    let code = format!("{n:0width$}", width = EMAIL_CODE_DIGITS);
    let client = format!("everify:ip:{}", client_key(&ext));
    let key = state.key.clone();
    let budget = state.settings.mail_budget_per_hour;
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[
                    (&format!("everify:{email}"), EMAIL_CODE_SEND),
                    (&client, EMAIL_CODE_SEND_PER_CLIENT),
                ],
                now,
            )?;
            email_codes::insert_code(
                &tx,
                &email,
                &code_hash(&key, &email, &code),
                now + EMAIL_CODE_SECS,
            )?;
            let mail = templates::email_code(&code, now + EMAIL_CODE_SECS);
            mail::queue_within_budget(&tx, &email, &mail, now, budget)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(accepted(CODE_ANSWER))
}

#[utoipa::path(post, path = "/email-verification/confirm", tag = "self-service", request_body = EmailVerificationConfirmBody,
    description = "Checks the one-time code and returns a proof (valid 7 days) that a recovery request can carry as `email_proof`. Accounts using this address count as verified from then on.",
    responses(
        (status = 200, body = EmailProof),
        (status = 422, description = "`email_code_invalid` (wrong or expired), `validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited` (5 guesses per 15 min per address)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn email_verification_confirm(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<EmailVerificationConfirmBody>,
) -> ApiResult<Json<EmailProof>> {
    validate_email(&body.email).map_err(|e| ApiError::field("/email", e))?;
    let email = norm(&body.email);
    let code: String = body.code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = state.clock.now();
    let proof = random_token("ep_");
    let proof_hash = sha256_hex(&proof);
    let client = format!("everify-check:ip:{}", client_key(&ext));
    let key = state.key.clone();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Every guess counts (a right one ends the code anyway).
            let _ = limits::reserve(
                &tx,
                &[
                    (&format!("everify-check:{email}"), EMAIL_CODE_CHECK),
                    (&client, EMAIL_CODE_CHECK_PER_CLIENT),
                ],
                now,
            )?;
            if !email_codes::take_code(&tx, &email, &code_hash(&key, &email, &code), now)? {
                tx.commit()?; // keep the charged attempt
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ProblemCode::EmailCodeInvalid,
                    "The code is not right",
                )
                .detail("Check the code in the latest email, or ask for a new one (codes work for 15 minutes).")
                .on_field("/code", ErrorCode::EmailCodeInvalid));
            }
            email_codes::insert_proof(&tx, &proof_hash, &email, now + EMAIL_PROOF_SECS, now)?;
            accounts::mark_email_verified(&tx, &email)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(EmailProof { proof }))
}
