//! The one list of the API's routes. Each entry is routed in axum *and*
//! documented in the OpenAPI document, both from the handler's
//! `#[utoipa::path]`, where its method, path, answers and problem codes are
//! written once: utoipa-axum's `routes!` reads them for both. Before, the
//! router, the document's `paths(...)` and a test kept three lists in step.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    account, account_email, account_keys, auth, login, outbox, repository_proofs, requests,
};
use crate::state::AppState;

/// The API's routes (under `/api/v1`), with those of demo mode only with
/// `demo`. The document is made from `api(true)`: it describes the demo
/// routes too, as such (`crate::openapi`).
pub fn api(demo: bool) -> OpenApiRouter<AppState> {
    let api = OpenApiRouter::default()
        .routes(routes!(auth::password_reset))
        .routes(routes!(auth::password_reset_check))
        .routes(routes!(auth::password_reset_confirm))
        .routes(routes!(auth::username_reminder))
        .routes(routes!(login::login))
        .routes(routes!(login::login_recovery_code))
        .routes(routes!(login::login_totp))
        .routes(routes!(login::login_security_key_options))
        .routes(routes!(login::login_security_key))
        .routes(routes!(auth::email_verification))
        .routes(routes!(auth::email_verification_confirm))
        .routes(routes!(requests::create))
        .routes(routes!(requests::show))
        .routes(routes!(requests::mail_status_code))
        .routes(routes!(requests::renew_status_token))
        .routes(routes!(requests::cancel))
        .routes(routes!(repository_proofs::list_candidates))
        .routes(routes!(repository_proofs::issue))
        .routes(routes!(repository_proofs::check_repository))
        .routes(routes!(account::security))
        .routes(routes!(account::reauth))
        .routes(routes!(account::generate_codes))
        .routes(routes!(account::confirm_code))
        .routes(routes!(account::totp_start, account::totp_remove))
        .routes(routes!(account::totp_confirm))
        .routes(routes!(account_keys::registration_options))
        .routes(routes!(account_keys::list, account_keys::add))
        .routes(routes!(account_keys::rename, account_keys::remove))
        .routes(routes!(account_email::email_verification_start))
        .routes(routes!(account_email::email_verification_confirm))
        .routes(routes!(account::session))
        .routes(routes!(account::logout));
    if demo {
        api.routes(routes!(outbox::list))
    } else {
        api
    }
}
