//! HTTP handlers, one module per area, and what they share: the signed-in
//! session extractor (with its CSRF check), client address, and small answers.

pub mod account;
pub mod auth;
pub mod login;
pub mod outbox;
pub mod requests;
pub mod table;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use reclaim_core::api::{Accepted, CSRF_HEADER};
use reclaim_core::ProblemCode;

use crate::app::{AppState, Settings};
use crate::crypto::{ct_eq, sha256_hex};
use crate::limits::{Reservation, Window};
use crate::problem::{ApiError, ApiResult};
use crate::store::sessions::{self, SessionRow};

pub const SESSION_COOKIE: &str = "reclaim_session";
pub use crate::store::sessions::SESSION_SECS;
/// How long a password re-entry unlocks sensitive changes.
pub const REAUTH_SECS: i64 = 5 * 60;

/// The uniform answer of endpoints that must not tell whether an account exists.
pub fn accepted(message: &str) -> (StatusCode, axum::Json<Accepted>) {
    (
        StatusCode::ACCEPTED,
        axum::Json(Accepted {
            message: message.to_string(),
        }),
    )
}

pub use crate::client_addr::{client_ip, client_key};

/// The session cookie. `Secure` whenever the site is served over HTTPS.
pub fn session_cookie(settings: &Settings, token: &str, max_age: i64) -> HeaderValue {
    let secure = if settings.secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .expect("cookie is ASCII")
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A signed-in caller. For anything but GET/HEAD the `X-CSRF-Token` header
/// must equal the session's token (403 `csrf_failed`), so another site cannot
/// make the browser act with the cookie.
pub struct SignedIn(pub SessionRow);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = cookie_value(&parts.headers, SESSION_COOKIE)
            .ok_or_else(ApiError::unauthenticated)?
            .to_string();
        let now = state.clock.now();
        let hash = sha256_hex(&token);
        let session = state
            .db
            .call(move |c| Ok(sessions::find(c, &hash, now)?))
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !ct_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    ProblemCode::CsrfFailed,
                    "The request could not be verified",
                )
                .detail(format!(
                    "Send the csrf_token from sign-in in the {CSRF_HEADER} header."
                )));
            }
        }
        Ok(SignedIn(session))
    }
}

/// Reserve one attempt in each bucket, in a write transaction of its own,
/// before the slow work (see [`crate::limits`]).
pub async fn reserve(
    state: &AppState,
    buckets: Vec<(String, &'static [Window])>,
) -> ApiResult<Reservation> {
    let now = state.clock.now();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let pairs: Vec<(&str, &[Window])> =
                buckets.iter().map(|(b, w)| (b.as_str(), *w)).collect();
            let reservation = crate::limits::reserve(&tx, &pairs, now)?;
            tx.commit()?;
            Ok(reservation)
        })
        .await
}

/// Hand a reservation back after a success (rules that count failures only),
/// or after work that never ran (503). A failure to refund only costs the
/// user one counted attempt, so it is logged, not answered.
pub async fn refund(state: &AppState, reservation: Reservation) {
    let done = state
        .db
        .call(move |c| Ok(crate::limits::refund(c, &reservation)?))
        .await;
    if done.is_err() {
        eprintln!("rate limit: a refund was lost");
    }
}

/// Run password work (argon2) for an attempt that holds `reservation`: when
/// the work cannot run (503, busy), the attempt is handed back first.
pub async fn hash_work<R, F>(state: &AppState, reservation: &Reservation, f: F) -> ApiResult<R>
where
    F: FnOnce(&crate::crypto::Hasher) -> R + Send + 'static,
    R: Send + 'static,
{
    match state.passwords.run(f).await {
        Ok(r) => Ok(r),
        Err(e) => {
            refund(state, reservation.clone()).await;
            Err(e)
        }
    }
}

/// Lowercased, trimmed key for limits and lookups.
pub fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; reclaim_session=ses_x; b=2"),
        );
        assert_eq!(cookie_value(&h, SESSION_COOKIE), Some("ses_x"));
        assert_eq!(cookie_value(&h, "c"), None);
    }

    #[test]
    fn cookie_flags() {
        let mut s = Settings::for_tests();
        let c = session_cookie(&s, "t", 10);
        assert_eq!(
            c,
            "reclaim_session=t; HttpOnly; SameSite=Strict; Path=/; Max-Age=10"
        );
        s.secure = true;
        assert!(session_cookie(&s, "t", 10)
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
    }
}
