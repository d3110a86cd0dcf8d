//! HTTP handlers, one module per area, and what they share: the signed-in
//! session extractor (with its CSRF check), the session and device cookies
//! (built and read with `axum-extra`'s cookie types), client address, and
//! small answers.

pub mod account;
pub mod account_email;
pub mod account_keys;
pub mod auth;
pub mod login;
pub mod outbox;
pub mod repository_proofs;
pub mod requests;
pub mod table;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use reclaim_core::api::{Accepted, CSRF_HEADER};
use reclaim_core::ProblemCode;

use crate::crypto::{ct_eq, sha256_hex};
use crate::limits::{Reservation, Window};
use crate::problem::{ApiError, ApiResult};
use crate::state::{AppState, Settings};
use crate::store::sessions::{self, SessionRow};

/// The session cookie's name over plain http (loopback, the demo).
pub const SESSION_COOKIE: &str = "reclaim_session";
/// Its name over https: the `__Host-` prefix makes the browser keep it only
/// if it is `Secure`, `Path=/` and has no `Domain`, so neither a sibling
/// subdomain nor a plain-http answer can plant or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-reclaim_session";
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
    set_cookie(settings, session_cookie_name(settings), token, max_age)
}

/// A `Set-Cookie` value with the attributes both cookies have: HttpOnly,
/// SameSite=Strict, Path=/, no Domain, and Secure whenever the settings say
/// the site is served over https (the `__Host-` names require it).
fn set_cookie(settings: &Settings, name: &'static str, value: &str, max_age: i64) -> HeaderValue {
    let cookie = Cookie::build((name, value.to_string()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .max_age(time::Duration::seconds(max_age))
        .secure(settings.secure)
        .build();
    HeaderValue::from_str(&cookie.encoded().to_string()).expect("a cookie is visible ASCII")
}

/// The value of the cookie `name` in the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_string())
}

/// The session cookie's name here: `__Host-reclaim_session` whenever cookies
/// are `Secure` (served over https), else `reclaim_session`. Only this name
/// is read: over https an unprefixed cookie (which anyone able to set a
/// cookie for the site could plant) is no session.
pub fn session_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The known-device cookie: set when a sign-in completes, for a year (see
/// [`crate::store::devices`]). Not a credential: it only lets this browser's
/// sign-ins count in a bucket of their own, which strangers cannot fill.
pub const DEVICE_COOKIE: &str = "reclaim_device";
/// Its name over https, `__Host-` prefixed like the session cookie's.
pub const SECURE_DEVICE_COOKIE: &str = "__Host-reclaim_device";
pub use crate::store::devices::DEVICE_SECS;

/// The device cookie's name here (the session cookie's rule: prefixed
/// whenever cookies are `Secure`, and only that name is read).
pub fn device_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure {
        SECURE_DEVICE_COOKIE
    } else {
        DEVICE_COOKIE
    }
}

/// The device cookie. `Secure` whenever the site is served over HTTPS.
pub fn device_cookie(settings: &Settings, token: &str, max_age: i64) -> HeaderValue {
    set_cookie(settings, device_cookie_name(settings), token, max_age)
}

/// The device cookie the request carries, if any.
fn device_token(settings: &Settings, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, device_cookie_name(settings)).filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The SHA-256 of the device cookie the request carries, if any (as
/// stored; a value of a foreign shape simply matches no device).
pub fn device_hash(settings: &Settings, headers: &HeaderMap) -> Option<String> {
    device_token(settings, headers).map(|t| sha256_hex(&t))
}

/// A sign-in of `user_id` completed: remember this browser as a device of
/// the account, keeping the device cookie it holds if this server issued
/// it (one browser, several accounts), else with a new one. The cookie to
/// set; `None` if it could not be stored (the sign-in still succeeds).
pub async fn remember_device(
    state: &AppState,
    headers: &HeaderMap,
    user_id: i64,
) -> Option<HeaderValue> {
    let now = state.clock.now();
    let held = device_token(&state.settings, headers);
    let token = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let token = match held {
                Some(t) if crate::store::devices::exists(&tx, &sha256_hex(&t), now)? => t,
                _ => crate::crypto::random_token("dev_"),
            };
            crate::store::devices::remember(&tx, &sha256_hex(&token), user_id, now)?;
            tx.commit()?;
            Ok(token)
        })
        .await;
    match token {
        Ok(t) => Some(device_cookie(&state.settings, &t, DEVICE_SECS)),
        Err(_) => {
            eprintln!("sign-in: the device could not be remembered");
            None
        }
    }
}

/// A signed-in caller. For anything but GET/HEAD the `X-CSRF-Token` header
/// must equal the session's token (403 `csrf_failed`), so another site cannot
/// make the browser act with the cookie.
pub struct SignedIn(pub SessionRow);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = cookie_value(&parts.headers, session_cookie_name(&state.settings))
            .ok_or_else(ApiError::unauthenticated)?;
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

/// Commit what a transaction used up (a single-use step, taken) and answer
/// the refusal that came after: the step stays used whatever its answer.
pub fn commit_then<T>(tx: rusqlite::Transaction<'_>, refusal: ApiError) -> ApiResult<T> {
    tx.commit()?;
    Err(refusal)
}

/// Lowercased, trimmed key for limits and lookups.
pub fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; reclaim_session=ses_x; b=2"),
        );
        assert_eq!(cookie_value(&h, SESSION_COOKIE).as_deref(), Some("ses_x"));
        assert_eq!(cookie_value(&h, "c"), None);
        // Several Cookie headers (HTTP/2 sends one per cookie).
        h.append(header::COOKIE, HeaderValue::from_static("c=3"));
        assert_eq!(cookie_value(&h, "c").as_deref(), Some("3"));
    }

    /// The attributes of a `Set-Cookie` value, parsed back.
    fn parsed(value: &HeaderValue) -> Cookie<'static> {
        Cookie::parse(value.to_str().unwrap().to_string()).unwrap()
    }

    #[track_caller]
    fn assert_flags(value: &HeaderValue, name: &str, token: &str, max_age: i64, secure: bool) {
        let c = parsed(value);
        assert_eq!((c.name(), c.value()), (name, token), "{value:?}");
        assert_eq!(c.http_only(), Some(true), "{value:?}");
        assert_eq!(c.same_site(), Some(SameSite::Strict), "{value:?}");
        assert_eq!(c.path(), Some("/"), "{value:?}");
        assert_eq!(
            c.max_age(),
            Some(time::Duration::seconds(max_age)),
            "{value:?}"
        );
        assert_eq!(c.secure().unwrap_or(false), secure, "{value:?}");
        assert_eq!(c.domain(), None, "__Host- forbids it: {value:?}");
    }

    #[test]
    fn cookie_flags() {
        let mut s = Settings::for_tests();
        assert_flags(
            &session_cookie(&s, "t", 10),
            "reclaim_session",
            "t",
            10,
            false,
        );
        s.secure = true;
        assert_flags(
            &session_cookie(&s, "t", 10),
            "__Host-reclaim_session",
            "t",
            10,
            true,
        );
    }

    #[test]
    fn device_cookie_flags_and_name() {
        let mut s = Settings::for_tests();
        assert_flags(
            &device_cookie(&s, "dev_t", DEVICE_SECS),
            "reclaim_device",
            "dev_t",
            31_536_000,
            false,
        );
        s.secure = true;
        assert_flags(
            &device_cookie(&s, "dev_t", 10),
            "__Host-reclaim_device",
            "dev_t",
            10,
            true,
        );
        // Over https only the prefixed name is read.
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("reclaim_device=x"));
        assert_eq!(device_hash(&s, &h), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("__Host-reclaim_device=x"),
        );
        assert_eq!(device_hash(&s, &h), Some(sha256_hex("x")));
    }
}
