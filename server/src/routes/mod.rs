//! HTTP handlers, one module per area, and what they share: the signed-in
//! session extractor (with its CSRF check), client address, and small answers.

pub mod account;
pub mod auth;
pub mod login;
pub mod outbox;
pub mod requests;

use reclaim_core::ProblemCode;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use reclaim_core::api::{Accepted, CSRF_HEADER};

use crate::app::{AppState, Settings};
use crate::crypto::{ct_eq, random_token, sha256_hex};
use crate::problem::ApiError;
use crate::store::models::{self, SessionRow};

pub const SESSION_COOKIE: &str = "reclaim_session";
pub const SESSION_SECS: i64 = 12 * 3600;
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

/// The peer address (no proxy headers are trusted by the reference server).
pub fn client_ip(parts_ext: &axum::http::Extensions) -> Option<IpAddr> {
    parts_ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

/// The session cookie. `Secure` whenever the site is served over HTTPS.
pub fn session_cookie(settings: &Settings, token: &str, max_age: i64) -> HeaderValue {
    let secure = if settings.secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .expect("cookie is ASCII")
}

/// Create a session row; returns (cookie token, csrf token).
pub fn create_session(
    c: &rusqlite::Connection,
    user_id: i64,
    now: i64,
) -> rusqlite::Result<(String, String)> {
    let token = random_token("ses_");
    let csrf = random_token("");
    c.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![sha256_hex(&token), user_id, csrf, now, now + SESSION_SECS],
    )?;
    Ok((token, csrf))
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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
            .call(move |c| Ok(models::session(c, &hash, now)?))
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

/// Count one failed attempt in each bucket (the limits count failures only),
/// then answer with `err`.
pub async fn failed(state: &AppState, buckets: Vec<String>, err: ApiError) -> ApiError {
    let now = state.clock.now();
    let recorded = state
        .db
        .call(move |c| {
            for b in &buckets {
                crate::limits::record(c, &[(b.as_str(), &[])], now)?;
            }
            Ok(())
        })
        .await;
    match recorded {
        Ok(()) => err,
        Err(e) => e,
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
