//! The signed-in account verifies its own address: a one-time code mailed
//! to the account's address, entered in the checkup. This is the only way
//! an address becomes verified (and so the only way the reset channel
//! opens): the anonymous codes of `auth.rs` prove a mailbox for a recovery
//! request and nothing more, or whoever reads an unverified address's
//! mailbox could take the account over with a reset link, second factor or
//! not.
//!
//! The limits are the account's own buckets, reachable only with its
//! session: a stranger asking anonymous codes for the address (from any
//! number of clients) spends none of them. The code mail goes only to the
//! account's own address, so like a security notice it is never dropped by
//! the mail budget.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use reclaim_core::api::{Accepted, AccountSecurity, CodeBody};
use rusqlite::TransactionBehavior;

use super::account::security_of;
use super::auth::{email_code_invalid, new_email_code, EMAIL_CODE_SECS};
use super::{accepted, norm, SignedIn};
use crate::crypto::ServerKey;
use crate::extract::ApiJson;
use crate::limits::{self, ACCOUNT_EMAIL_CODE_CHECK, ACCOUNT_EMAIL_CODE_SEND};
use crate::mail::{self, templates};
use crate::openapi::{JSON_BODY, SIGNED_IN_CHANGE};
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{accounts, email_codes};
use reclaim_core::ProblemCode;

const ANSWER: &str =
    "We have sent a code to your account's email address. It works for 15 minutes.";

/// Keyed, and bound to the account and the address it was sent to.
fn code_hash(key: &ServerKey, user_id: i64, email: &str, code: &str) -> String {
    key.mac_hex("account-email-code", &format!("{user_id}\n{email}\n{code}"))
}

crate::problems!(
    /// What `POST /account/email-verification` answers besides 202.
    EmailVerificationStartProblems: SIGNED_IN_CHANGE, &[ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/email-verification", tag = "account",
    description = "Mails an 8-digit one-time code (valid 15 min) to the signed-in account's own address, to verify it with `POST /account/email-verification/confirm`. Needs `X-CSRF-Token`. 5 an hour per account, in the account's own bucket (anonymous codes for the address, `POST /email-verification`, never count here). No body.",
    responses(
        (status = 202, body = Accepted),
        EmailVerificationStartProblems,
    ))]
pub async fn email_verification_start(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    let now = state.clock.now();
    let code = new_email_code();
    let key = state.key.clone();
    let uid = s.user.id;
    let letterhead = state.settings.letterhead();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[(&format!("account-everify:{uid}"), ACCOUNT_EMAIL_CODE_SEND)],
                now,
            )?;
            // The address as it is now, not as the session first saw it.
            let user = accounts::user_by_id(&tx, uid)?.ok_or_else(ApiError::unauthenticated)?;
            let email = norm(&user.email);
            email_codes::insert_account_code(
                &tx,
                uid,
                &email,
                &code_hash(&key, uid, &email, &code),
                now + EMAIL_CODE_SECS,
            )?;
            let mail = templates::account_email_code(
                &letterhead,
                &user.username,
                &code,
                now + EMAIL_CODE_SECS,
            );
            mail::queue_notice(&tx, &letterhead, &user.email, &mail, now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(accepted(ANSWER))
}

crate::problems!(
    /// What `POST /account/email-verification/confirm` answers besides 200.
    EmailVerificationConfirmProblems: SIGNED_IN_CHANGE, JSON_BODY, &[ProblemCode::EmailCodeInvalid, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/account/email-verification/confirm", tag = "account", request_body = CodeBody,
    description = "Checks the code from `POST /account/email-verification` and marks the signed-in account's address verified (password resets and username reminders are mailed to it from then on). Needs `X-CSRF-Token`. 5 guesses per 15 minutes per account. A code from the anonymous `POST /email-verification` does not work here. A code that is wrong, expired, or was sent to an address the account no longer has is 422 `email_code_invalid`.",
    responses(
        (status = 200, description = "Verified; the updated checkup", body = AccountSecurity),
        EmailVerificationConfirmProblems,
    ))]
pub async fn email_verification_confirm(
    State(state): State<AppState>,
    SignedIn(s): SignedIn,
    ApiJson(body): ApiJson<CodeBody>,
) -> ApiResult<Json<AccountSecurity>> {
    let code: String = body.code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = state.clock.now();
    let key = state.key.clone();
    let uid = s.user.id;
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Every guess counts (a right one ends the codes anyway).
            let _ = limits::reserve(
                &tx,
                &[(
                    &format!("account-everify-check:{uid}"),
                    ACCOUNT_EMAIL_CODE_CHECK,
                )],
                now,
            )?;
            let user = accounts::user_by_id(&tx, uid)?.ok_or_else(ApiError::unauthenticated)?;
            let email = norm(&user.email);
            let hash = code_hash(&key, uid, &email, &code);
            if !email_codes::take_account_code(&tx, uid, &email, &hash, now)? {
                tx.commit()?; // keep the charged attempt
                return Err(email_code_invalid());
            }
            // Conditional on the address the code was sent to.
            if !accounts::mark_own_email_verified(&tx, uid, &user.email)? {
                return Err(email_code_invalid());
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(security_of(&state, &s).await?))
}
