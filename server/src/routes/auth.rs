//! Self-service without signing in: password reset, username reminder, and
//! one-time email codes (a verification factor a recovery request can carry;
//! it never marks an account's address verified, see `account_email.rs`).
//!
//! Every answer here is the same 202 whether or not an account matches, and
//! both paths do the same database work (one write transaction for the rate
//! limit and the lookup); only the mail differs, and it is written in the
//! same transaction, so the timing does not tell either.
//!
//! Strangers cannot spend the owner's quota: the visible limits (429) are
//! per client (what was typed, by whom, and how much one client asks in
//! all), and the caps on mail to one account or address are silent, with a
//! share per client and a bucket of its own for a known device of the
//! account (see [`limits::MailCap`]). A mail the global budget drops hands
//! its slot back.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use reclaim_core::api::{
    Accepted, EmailProof, EmailVerificationBody, EmailVerificationConfirmBody, PasswordResetBody,
    PasswordResetCheckBody, PasswordResetConfirmBody, ResetLinkValid, UsernameReminderBody,
};
use reclaim_core::limits::{EMAIL_CODE_DIGITS, EMAIL_CODE_MINUTES, RESET_LINK_HOURS};
use reclaim_core::validation::check;
use reclaim_core::ErrorCode;
use reclaim_core::ProblemCode;
use rusqlite::TransactionBehavior;

use super::{accepted, client_key, device_hash, hash_work, norm, refund, reserve};
use crate::crypto::{random_bytes, random_token, sha256_hex, ServerKey};
use crate::extract::ApiJson;
use crate::limits::{
    self, EMAIL_CODE_CHECK, EMAIL_CODE_CHECK_PER_CLIENT, EMAIL_CODE_MAILS_PER_ADDRESS,
    EMAIL_CODE_SEND, EMAIL_CODE_SEND_PER_CLIENT, PASSWORD_RESET, PASSWORD_RESET_PER_CLIENT,
    REMINDER_MAILS, RESET_CHECK_PER_CLIENT, RESET_CONFIRM_PER_CLIENT, RESET_MAILS,
    USERNAME_REMINDER, USERNAME_REMINDER_PER_CLIENT,
};
use crate::mail::{self, templates};
use crate::openapi::JSON_BODY;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{accounts, devices, email_codes, reset_tokens, sessions};

/// A reset link works for [`RESET_LINK_HOURS`].
pub const RESET_SECS: i64 = RESET_LINK_HOURS as i64 * 3600;
/// A one-time email code works for [`EMAIL_CODE_MINUTES`].
pub const EMAIL_CODE_SECS: i64 = EMAIL_CODE_MINUTES as i64 * 60;
/// An email proof can be attached to a request for 7 days.
pub const EMAIL_PROOF_SECS: i64 = 7 * 86_400;

const RESET_ANSWER: &str = "If an account matches and its email address is verified, we have sent a link to reset the password. It works for 6 hours.";
const REMINDER_ANSWER: &str =
    "If any accounts use this verified email address, we have sent their usernames to it.";
const CODE_ANSWER: &str = "We have sent a code to this address. It works for 15 minutes.";

crate::problems!(
    /// What `POST /password-reset` answers besides 202.
    PasswordResetProblems: JSON_BODY, &[ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/password-reset", tag = "self-service", request_body = PasswordResetBody,
    description = "Sends a reset link (valid 6 h) to the account's verified email. The answer is identical whether or not an account matches; an unverified address gets no mail (the user signs in and verifies it in the checkup, or files a recovery request). 5 a day per identifier typed per client, 20 an hour per client (429). Silently, at most 5 links a day per account, of which 3 to any one client; a known device of the account (its device cookie) has 5 a day of its own, so strangers cannot spend the owner's links.",
    responses(
        (status = 202, body = Accepted),
        PasswordResetProblems,
    ))]
pub async fn password_reset(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordResetBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    // The rules the body declares (core/src/api.rs), as in every handler here.
    check(&body).map_err(ApiError::validation)?;
    let ident = body.identifier.trim().to_string();
    let now = state.clock.now();
    let letterhead = state.settings.letterhead();
    let budget = state.settings.mail_budget();
    let client = client_key(&ext);
    let device = device_hash(&state.settings, &headers);
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[
                    (
                        &format!("reset:{}:ip:{client}", norm(&ident)),
                        PASSWORD_RESET,
                    ),
                    (&format!("reset:ip:{client}"), PASSWORD_RESET_PER_CLIENT),
                ],
                now,
            )?;
            for user in accounts::users_by_identifier(&tx, &ident)? {
                // Mail only a verified address: an unverified one may not be theirs.
                if !user.email_verified {
                    continue;
                }
                // Also cap per account, silently, across username and email:
                // the client's share first, or the known device's own.
                let known = match &device {
                    Some(d) => devices::find(&tx, d, user.id, now)?,
                    None => None,
                };
                let account = format!("reset-account:{}", user.id);
                let Some(slot) =
                    limits::mail_slot(&tx, &account, RESET_MAILS, &client, known, now)?
                else {
                    continue;
                };
                let token = random_token("rst_");
                let link = letterhead.reset_link(&token);
                let mail =
                    templates::password_reset(&user.username, &link, &token, now + RESET_SECS);
                if mail::queue_within_budget(&tx, &user.email, &mail, now, budget)? {
                    reset_tokens::insert(&tx, &sha256_hex(&token), user.id, now + RESET_SECS)?;
                } else {
                    // Dropped by the budget: the account's slot is not spent.
                    limits::refund(&tx, &slot)?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(accepted(RESET_ANSWER))
}

/// The answer to a reset link that does not work (unknown, used or expired).
fn reset_token_invalid() -> ApiError {
    ApiError::new(
        ProblemCode::ResetTokenInvalid,
        "This reset link does not work",
    )
    .detail("It may have expired (links work for 6 hours) or been used. Ask for a new one.")
}

crate::problems!(
    /// What `POST /password-reset/check` answers besides 200.
    PasswordResetCheckProblems: JSON_BODY, &[ProblemCode::ResetTokenInvalid, ProblemCode::RateLimited]
);

/// Checks a reset link without using it.
///
/// Attack review (utoipa makes the line above the operation's summary in
/// the OpenAPI document; the description is its own, so these stay here):
/// - Who may call it: anyone, without a session: it is for the page the
///   mailed link opens, to say at once whether the link still works.
/// - What it reveals: whether this token is live and for how long, which
///   only its holder can ask (256 random bits); a dead token answers
///   exactly as `/password-reset/confirm` does.
/// - What a stranger can spend: nothing of anyone else's. It reads, and
///   writes only the client's own limit (30 checks an hour, every check
///   counting): it uses no link up, and 30 guesses an hour at 256-bit
///   tokens find none.
#[utoipa::path(post, path = "/password-reset/check", tag = "self-service", request_body = PasswordResetCheckBody,
    description = "Whether the token from a reset link still works, without using it: 200 with the seconds it has left, or 400 `reset_token_invalid` (unknown, used or expired), as `POST /password-reset/confirm` answers. The token goes in the body, never in a URL. Changes nothing; 30 checks an hour per client, every check counting (429).",
    responses(
        (status = 200, body = ResetLinkValid),
        PasswordResetCheckProblems,
    ))]
pub async fn password_reset_check(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<PasswordResetCheckBody>,
) -> ApiResult<Json<ResetLinkValid>> {
    let now = state.clock.now();
    let token_hash = sha256_hex(&body.token);
    let client = format!("reset-check:ip:{}", client_key(&ext));
    let until = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(&tx, &[(&client, RESET_CHECK_PER_CLIENT)], now)?;
            let until = reset_tokens::live_until(&tx, &token_hash, now)?;
            tx.commit()?;
            Ok(until)
        })
        .await?;
    let until = until.ok_or_else(reset_token_invalid)?;
    Ok(Json(ResetLinkValid {
        valid_for: u32::try_from(until - now).unwrap_or(u32::MAX),
    }))
}

crate::problems!(
    /// What `POST /password-reset/confirm` answers besides 204.
    PasswordResetConfirmProblems: JSON_BODY, &[ProblemCode::ResetTokenInvalid, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/password-reset/confirm", tag = "self-service", request_body = PasswordResetConfirmBody,
    description = "Sets a new password with the token from the reset link; signs out every session and forgets the account's known devices. A token that is unknown, used or expired is 400 `reset_token_invalid`; a new password the rule refuses, 422 `validation_failed` on `/new_password`.",
    responses(
        (status = 204, description = "Password changed"),
        PasswordResetConfirmProblems,
    ))]
pub async fn password_reset_confirm(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<PasswordResetConfirmBody>,
) -> ApiResult<StatusCode> {
    check(&body).map_err(ApiError::validation)?;
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
        .call(move |c| Ok(reset_tokens::live_until(c, &th, now)?))
        .await?;
    if live.is_none() {
        return Err(reset_token_invalid());
    }
    let password = body.new_password;
    let new_hash = hash_work(&state, &reservation, move |h| h.hash(&password)).await?;
    let letterhead = state.settings.letterhead();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Checked again with the write: of two concurrent uses, one wins.
            let uid =
                reset_tokens::use_link(&tx, &token_hash, now)?.ok_or_else(reset_token_invalid)?;
            accounts::set_password(&tx, uid, &new_hash, now)?;
            sessions::end_all_of(&tx, uid)?;
            // A reset may follow a compromise: no browser stays known.
            devices::forget_all_of(&tx, uid)?;
            if let Some(u) = accounts::user_by_id(&tx, uid)? {
                mail::queue_notice(
                    &tx,
                    &letterhead,
                    &u.email,
                    &templates::password_changed(&letterhead, &u.username, now),
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

crate::problems!(
    /// What `POST /username-reminder` answers besides 202.
    UsernameReminderProblems: JSON_BODY, &[ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/username-reminder", tag = "self-service", request_body = UsernameReminderBody,
    description = "Mails the usernames of accounts with this verified email. Identical answer either way. 5 a day per address typed per client, 20 an hour per client (429). Silently, at most 5 reminders a day per address, of which 3 to any one client; a known device of one of its accounts has 5 a day of its own.",
    responses(
        (status = 202, body = Accepted),
        UsernameReminderProblems,
    ))]
pub async fn username_reminder(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UsernameReminderBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    check(&body).map_err(ApiError::validation)?;
    let email = norm(&body.email);
    let now = state.clock.now();
    let budget = state.settings.mail_budget();
    let client = client_key(&ext);
    let device = device_hash(&state.settings, &headers);
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[
                    (&format!("reminder:{email}:ip:{client}"), USERNAME_REMINDER),
                    (
                        &format!("reminder:ip:{client}"),
                        USERNAME_REMINDER_PER_CLIENT,
                    ),
                ],
                now,
            )?;
            let users: Vec<accounts::User> = accounts::users_by_email(&tx, &email)?
                .into_iter()
                .filter(|u| u.email_verified)
                .collect();
            if !users.is_empty() {
                let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
                let known = match &device {
                    Some(d) => devices::find_any(&tx, d, &ids, now)?,
                    None => None,
                };
                let address = format!("reminder-address:{email}");
                if let Some(slot) =
                    limits::mail_slot(&tx, &address, REMINDER_MAILS, &client, known, now)?
                {
                    let names: Vec<String> = users.into_iter().map(|u| u.username).collect();
                    let mail = templates::username_reminder(&names);
                    if !mail::queue_within_budget(&tx, &email, &mail, now, budget)? {
                        limits::refund(&tx, &slot)?;
                    }
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(accepted(REMINDER_ANSWER))
}

/// A new one-time email code: 8 digits, never mistaken for a 6-digit
/// authenticator code.
pub(super) fn new_email_code() -> String {
    let n = u64::from_le_bytes(random_bytes::<8>()) % 10u64.pow(EMAIL_CODE_DIGITS as u32);
    format!("{n:0width$}", width = EMAIL_CODE_DIGITS)
}

/// The answer to a wrong or expired one-time code.
pub(super) fn email_code_invalid() -> ApiError {
    ApiError::new(ProblemCode::EmailCodeInvalid, "The code is not right")
        .detail(
            "Check the code in the latest email, or ask for a new one (codes work for 15 minutes).",
        )
        .on_field("/code", ErrorCode::EmailCodeInvalid)
}

/// Keyed: a copy of the database alone does not give the code away.
fn code_hash(key: &ServerKey, email: &str, code: &str) -> String {
    key.mac_hex("email-code", &format!("{email}\n{code}"))
}

crate::problems!(
    /// What `POST /email-verification` answers besides 202.
    EmailVerificationProblems: JSON_BODY, &[ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/email-verification", tag = "self-service", request_body = EmailVerificationBody,
    description = "Sends an 8-digit one-time code (valid 15 min) to the address, for a recovery request's `email_proof`. 5 an hour per address per client, 20 an hour per client (429); silently at most 10 codes an hour to one address. It never verifies an account's address: a signed-in account does that with `POST /account/email-verification`.",
    responses(
        (status = 202, body = Accepted),
        EmailVerificationProblems,
    ))]
pub async fn email_verification(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<EmailVerificationBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    check(&body).map_err(ApiError::validation)?;
    let email = norm(&body.email);
    let now = state.clock.now();
    let code = new_email_code();
    let client = client_key(&ext);
    let key = state.key.clone();
    let budget = state.settings.mail_budget();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Visible limits are the client's own: another client's requests
            // for this address never answer 429 to this one.
            let _ = limits::reserve(
                &tx,
                &[
                    (&format!("everify:{email}:ip:{client}"), EMAIL_CODE_SEND),
                    (&format!("everify:ip:{client}"), EMAIL_CODE_SEND_PER_CLIENT),
                ],
                now,
            )?;
            // The address's mailbox is capped silently (one client reaches
            // at most half of it); a dropped mail hands its slot back.
            let Some(slot) = limits::mail_slot_total(
                &tx,
                &format!("everify-address:{email}"),
                EMAIL_CODE_MAILS_PER_ADDRESS,
                now,
            )?
            else {
                tx.commit()?;
                return Ok(());
            };
            let mail = templates::email_code(&code, now + EMAIL_CODE_SECS);
            if mail::queue_within_budget(&tx, &email, &mail, now, budget)? {
                email_codes::insert_code(
                    &tx,
                    &email,
                    &code_hash(&key, &email, &code),
                    now + EMAIL_CODE_SECS,
                )?;
            } else {
                limits::refund(&tx, &slot)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(accepted(CODE_ANSWER))
}

crate::problems!(
    /// What `POST /email-verification/confirm` answers besides 200.
    EmailVerificationConfirmProblems: JSON_BODY, &[ProblemCode::EmailCodeInvalid, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/email-verification/confirm", tag = "self-service", request_body = EmailVerificationConfirmBody,
    description = "Checks the one-time code and returns a proof (valid 7 days) that a recovery request can carry as `email_proof`. The proof says only that the requester reads this mailbox: it does not mark any account's address verified (so it never opens the reset channel); a signed-in account verifies its address with `POST /account/email-verification/confirm`. A wrong or expired code is 422 `email_code_invalid`; 5 guesses per 15 minutes per address (429).",
    responses(
        (status = 200, body = EmailProof),
        EmailVerificationConfirmProblems,
    ))]
pub async fn email_verification_confirm(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<EmailVerificationConfirmBody>,
) -> ApiResult<Json<EmailProof>> {
    check(&body).map_err(ApiError::validation)?;
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
                return Err(email_code_invalid());
            }
            // A proof for a request, and nothing more: reading a mailbox is
            // not owning the accounts that use it.
            email_codes::insert_proof(&tx, &proof_hash, &email, now + EMAIL_PROOF_SECS, now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(EmailProof { proof }))
}
