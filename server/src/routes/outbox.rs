//! Demo only: the mail outbox, so a person trying the demo (and the tests) can
//! read reset links and one-time codes. Routed only with `--demo`, which
//! itself refuses a non-loopback address; each call is also checked to come
//! from a loopback peer.

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::client_ip;
use crate::app::AppState;
use crate::clock::rfc3339;
use crate::problem::{ApiError, ApiResult};

#[derive(Debug, Deserialize, IntoParams)]
pub struct OutboxQuery {
    /// Only mails to this address (case-insensitive).
    pub to: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OutboxMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// RFC 3339.
    pub created_at: String,
    /// `pending` (not delivered yet, or no SMTP relay configured), `sent`,
    /// or `failed` (refused by the relay; never retried).
    pub state: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Outbox {
    /// Newest first, at most 200.
    pub mails: Vec<OutboxMail>,
}

#[utoipa::path(get, path = "/demo/outbox", tag = "demo", params(OutboxQuery),
    description = "Demo mode only (`--demo`, loopback): mails the server sent, newest first.",
    responses(
        (status = 200, body = Outbox),
        (status = 404, description = "`not_found` (not in demo mode, or not from loopback)", body = reclaim_core::api::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    Query(q): Query<OutboxQuery>,
) -> ApiResult<Json<Outbox>> {
    // In-process tests have no peer address; a real socket must be loopback.
    if client_ip(&ext).is_some_and(|ip| !ip.is_loopback()) || !state.settings.demo {
        return Err(ApiError::not_found());
    }
    let to = q.to.map(|t| t.trim().to_lowercase());
    let mails = state
        .db
        .call(move |c| {
            let rows = crate::store::outbox::list(c, to.as_deref())?;
            Ok(rows
                .into_iter()
                .map(|m| OutboxMail {
                    id: m.id,
                    to: m.to,
                    subject: m.subject,
                    body: m.body,
                    created_at: rfc3339(m.created_at),
                    state: m.state,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(Outbox { mails }))
}
