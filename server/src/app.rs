//! The application: shared state and the router.
//!
//! There is no panic guard: the release profile aborts on panic (a panic is
//! a bug to be seen, and run the server under a supervisor that restarts
//! it); handlers answer every bad input with a problem document instead.

use reclaim_core::ProblemCode;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;
use axum::Router;

use crate::client_addr::TrustedProxies;
use crate::clock::Clock;
use crate::crypto::ServerKey;
use crate::extract::BODY_LIMIT;
use crate::headers::SecurityHeaders;
use crate::mail::Mailer;
use crate::passwords::PasswordWork;
use crate::problem::ApiError;
use crate::static_files::StaticFiles;
use crate::store::Db;

/// Facts about this deployment the handlers need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Registry name, used in the recovery-codes file name and mails.
    pub site_name: String,
    pub totp_issuer: String,
    /// Origin users reach the app at, for links in mails.
    pub public_url: String,
    /// Served over HTTPS (directly or behind a proxy): `Secure` cookies, HSTS.
    pub secure: bool,
    /// Demo mode: outbox endpoint, seeded accounts.
    pub demo: bool,
    /// The registry's API-token prefix (`pypi-`), so a token pasted into a
    /// code field or a request is named for what it is.
    pub api_token_prefix: String,
    /// Proxies whose forwarding header (one: `--proxy-header`) is believed.
    pub trusted_proxies: TrustedProxies,
    /// Mails anyone can trigger, at most this many per
    /// `mail_budget_window` seconds (an hour by default; 0: unlimited).
    pub mail_budget_per_hour: usize,
    pub mail_budget_window: i64,
    /// Longest a request may take, body upload included (then 408).
    pub request_timeout: std::time::Duration,
}

impl Settings {
    /// The budget of mail anyone can trigger.
    pub fn mail_budget(&self) -> crate::mail::Budget {
        crate::mail::Budget {
            max: self.mail_budget_per_hour,
            secs: self.mail_budget_window,
        }
    }

    #[cfg(test)]
    pub fn for_tests() -> Settings {
        Settings {
            site_name: "PyPI".into(),
            totp_issuer: "PyPI".into(),
            public_url: "http://127.0.0.1:8080".into(),
            secure: false,
            demo: true,
            api_token_prefix: reclaim_core::limits::DEFAULT_API_TOKEN_PREFIX.into(),
            trusted_proxies: TrustedProxies::default(),
            mail_budget_per_hour: 0,
            mail_budget_window: crate::limits::HOUR,
            request_timeout: std::time::Duration::from_secs(30),
        }
    }
}

pub struct App {
    pub db: Db,
    pub clock: Clock,
    /// Password and recovery-code hashing, bounded (see [`PasswordWork`]).
    pub passwords: PasswordWork,
    /// Keys the hashes of one-time codes and derives status tokens.
    pub key: ServerKey,
    pub mailer: Mailer,
    pub settings: Settings,
    pub files: StaticFiles,
    pub headers: SecurityHeaders,
}

pub type AppState = Arc<App>;

pub fn router(state: AppState) -> Router {
    // One table for the routes and their documentation (routes/table.rs).
    let api = crate::routes::table::router(state.settings.demo)
        .route("/openapi.json", get(crate::openapi::serve));
    let api = api
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT));

    Router::new()
        .nest("/api/v1", api)
        .fallback(crate::static_files::serve)
        .layer(middleware::from_fn_with_state(
            state.settings.request_timeout,
            crate::listener::request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::headers::apply,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::client_addr::resolve,
        ))
        .with_state(state)
}

pub async fn api_not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        ProblemCode::MethodNotAllowed,
        "This method is not allowed here",
    )
    .detail("See the OpenAPI document at /api/v1/openapi.json.")
}

/// Periodic clean-up of expired rows.
pub async fn housekeeping(state: AppState) {
    loop {
        let now = state.clock.now();
        let _ = state
            .db
            .call(move |c| {
                crate::limits::prune(c, now)?;
                crate::idempotency::prune(c, now)?;
                crate::store::sessions::prune(c, now)?;
                crate::store::reset_tokens::prune(c, now)?;
                crate::store::email_codes::prune(c, now)?;
                crate::store::devices::prune(c, now)?;
                crate::mail::prune(c, now)?;
                Ok(())
            })
            .await;
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    }
}
