//! The application, assembled: the API's route table with its fallbacks
//! under `/api/v1`, the built app for everything else, and the layers
//! (request timeout, security headers, client address); and the periodic
//! clean-up. The state it runs on is [`crate::state`].
//!
//! There is no panic guard: the release profile aborts on panic (a panic is
//! a bug to be seen, and run the server under a supervisor that restarts
//! it); handlers answer every bad input with a problem document instead.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware;
use axum::response::Response;
use axum::routing::{any, get};
use axum::Router;
use reclaim_core::demo::DEMO_GIT_PATH;
use reclaim_core::ProblemCode;

use crate::extract::BODY_LIMIT;
use crate::problem::ApiError;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    // One table for the routes and their documentation (routes/table.rs).
    let (api, _) = crate::routes::table::api(state.settings.demo).split_for_parts();
    let api = api
        .route("/openapi.json", get(crate::openapi::serve))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT));

    let trusted_proxies = Arc::new(state.settings.trusted_proxies.clone());
    let mut app = Router::new().nest("/api/v1", api);
    if state.settings.demo_git_root.is_some() {
        app = app.route(
            &format!("{DEMO_GIT_PATH}/{{*path}}"),
            any(crate::demo_git::serve),
        );
    }
    app.fallback(app_files)
        .layer(middleware::from_fn_with_state(
            state.settings.request_timeout,
            crate::listener::request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.headers.clone(),
            crate::headers::apply,
        ))
        .layer(middleware::from_fn_with_state(
            trusted_proxies,
            crate::client_addr::resolve,
        ))
        .with_state(state)
}

/// Everything outside the API: the built app (`static_files`), which
/// answers signed-in pages by whether this server's session cookie is there.
async fn app_files(State(state): State<AppState>, req: Request) -> Response {
    crate::static_files::serve(
        &state.files,
        crate::routes::session_cookie_name(&state.settings),
        &req,
    )
}

async fn api_not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
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
                crate::store::security_keys::prune(c, now)?;
                crate::store::repository_proofs::prune(c, now)?;
                crate::store::requests::prune(c, now)?;
                crate::mail::prune(c, now)?;
                Ok(())
            })
            .await;
        tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    }
}
