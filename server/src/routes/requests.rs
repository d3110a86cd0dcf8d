//! Recovery requests: filed without signing in, followed with a status token.
//!
//! Answers never depend on whether the account exists. One case per username
//! is open at a time: a later request for a username with an open one is
//! stored as its own record, *attached* to the open one (`attached_to`), and
//! answered exactly like any new request (201, its own id and token, status
//! `received`), so the answer reveals neither the account nor the other
//! request. Support sees attachments together with the open case.
//!
//! A lost status token is got back through the contact mailbox: a code
//! mailed to the request's contact address (`/status-code`), entered for a
//! new token (`/status-token`) that replaces the old one.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use reclaim_core::api::{
    Accepted, CancelRequestBody, CodeBody, NewStatusToken, ProofKind, Reason, RecoveryRequestBody,
    RecoveryRequestCreated, RecoveryRequestStatusView, RequestCancelled, RequestProof,
    RequestStatus, StatusTokenCodeBody, IDEMPOTENCY_KEY_HEADER,
};
use reclaim_core::limits::EMAIL_CODE_MINUTES;
use reclaim_core::validation::{check, check_request};
use reclaim_core::ProblemCode;
use rusqlite::TransactionBehavior;

use super::auth::{email_code_invalid, new_email_code, EMAIL_CODE_SECS};
use super::{accepted, client_key, norm};
use crate::crypto::{ct_eq, random_token, sha256_hex, ServerKey};
use crate::extract::ApiJson;
use crate::idempotency::{self, Decision};
use crate::limits::{
    self, CANCELS_PER_CLIENT, CANCELS_PER_REQUEST, RECOVERY_REQUESTS_PER_CLIENT, STATUS_CODE_CHECK,
    STATUS_CODE_CHECK_PER_CLIENT, STATUS_CODE_MAILS, STATUS_CODE_SEND, STATUS_CODE_SEND_PER_CLIENT,
};
use crate::mail::{self, templates};
use crate::openapi::JSON_BODY;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::requests as store;
use crate::store::{email_codes, repository_proofs};
use crate::{holds, limits::DAY};

crate::problems!(
    /// What `POST /recovery-requests` answers besides 201.
    CreateProblems: JSON_BODY, &[ProblemCode::IdempotencyKeyMissing, ProblemCode::IdempotencyKeyReused, ProblemCode::IdempotencyInFlight, ProblemCode::RateLimited, ProblemCode::RepositoryProofInvalid, ProblemCode::RepositoryProofUnchecked, ProblemCode::RepositoryNotCandidate]
);

#[utoipa::path(post, path = "/recovery-requests", tag = "recovery requests", request_body = RecoveryRequestBody,
    description = "Files a recovery request. Requires an `Idempotency-Key` header: the same key with the same body replays the first answer (same status and body, plus `Idempotent-Replayed: true`); with another body it is 422 `idempotency_key_reused`; while the first is still being processed, 409 `idempotency_in_flight`. Keys are kept 24 h. The answer never reveals whether the account exists. 20 an hour and 50 a day per client (429); a replay does not count.\n\nA request with a live `email_proof` is held before anyone acts on it (72 h by default with a `repository_proof`, 7 days without); every address of the account it names (the current one when verified, and every previous one) is mailed a one-use \"This wasn't me\" link that cancels it (`POST /recovery-requests/{id}/cancel`). A `repository_proof` must have been made with this request's `email_proof` for a project of the account the request names (else 422 `repository_proof_invalid`), be checked (else 409 `repository_proof_unchecked`), and be listed on its project before `lost_access_on` when that is given (else 422 `repository_not_candidate`).",
    params(("Idempotency-Key" = String, Header, description = "Client-chosen unique key, 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, body = RecoveryRequestCreated),
        CreateProblems,
    ))]
pub async fn create(State(state): State<AppState>, req: Request) -> ApiResult<Response> {
    let client = format!("requests:ip:{}", client_key(req.extensions()));
    // The key is checked before the body, so a client that forgot it learns
    // that first, whatever else is wrong.
    let key = idempotency::check_key(
        req.headers()
            .get(IDEMPOTENCY_KEY_HEADER)
            .and_then(|v| v.to_str().ok()),
    )?;
    let ApiJson(body) = ApiJson::<RecoveryRequestBody>::from_request(req, &state).await?;
    // The rules the body declares (core/src/api.rs, `#[derive(Validate)]`).
    let issues = check_request(
        &body,
        &state.clock.today(),
        &state.settings.api_token_prefix,
    );
    if !issues.is_empty() {
        return Err(ApiError::validation(
            issues.iter().map(|i| i.to_field_error()).collect(),
        ));
    }
    // Same body = same fields after parsing (key order and spacing do not matter).
    let body_hash = sha256_hex(&serde_json::to_string(&body).map_err(|_| ApiError::internal())?);
    let now = state.clock.now();
    let (k, bh) = (key.clone(), body_hash.clone());
    let decision = state
        .db
        .call(move |c| idempotency::claim(c, &k, &bh, now))
        .await?;
    match decision {
        Decision::Proceed => {}
        Decision::Replay {
            status,
            body,
            claimed_at,
        } => {
            let token = status_token(&state, &key, &body_hash, claimed_at);
            return Ok(stored_answer(status, with_token(&body, &token)?, true));
        }
        Decision::InFlight => return Err(idempotency::in_flight_error()),
        Decision::Reused => return Err(idempotency::reused_error()),
    }

    // Derived, not random, so a replay can answer the same token without
    // the idempotency table keeping it.
    let token = status_token(&state, &key, &body_hash, now);
    let year = state.clock.year();
    let token_hash = sha256_hex(&token);
    let k = key.clone();
    let budget = state.settings.mail_budget();
    let letterhead = state.settings.letterhead();
    let holds = state.settings.holds;
    let result = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            // Charged with the insert: a replay above costs nothing, and a
            // burst cannot file more than the limit.
            let _ = limits::reserve(&tx, &[(&client, RECOVERY_REQUESTS_PER_CLIENT)], now)?;
            let evidence = holds::evidence(&tx, &body, &holds, now)?;
            let (seq, id) = store::insert(&tx, &body, &evidence, &token_hash, year, now)?;
            holds::notify(&tx, &letterhead, seq, &id, &evidence, now)?;
            let created = RecoveryRequestCreated {
                id: id.clone(),
                status_token: token,
                status: RequestStatus::Received,
                submitted_at: crate::clock::rfc3339(now),
                hold_ends_at: evidence.hold_ends_at.map(crate::clock::rfc3339),
            };
            let json = serde_json::to_string(&created).map_err(|_| ApiError::internal())?;
            // Remembered for replays without the token (it is derived again).
            let remembered = with_token(&json, "")?;
            mail::queue_within_budget(
                &tx,
                body.contact_email.trim(),
                &templates::request_received(&letterhead, &id, &body),
                now,
                budget,
            )?;
            idempotency::complete(&tx, &k, 201, &remembered)?;
            tx.commit()?;
            Ok(json)
        })
        .await;
    match result {
        Ok(json) => {
            state.mailer.poke();
            Ok(stored_answer(201, json, false))
        }
        Err(e) => {
            // Not remembered: a retry with the same key may succeed.
            let _ = state
                .db
                .call(move |c| Ok(idempotency::release(c, &key)?))
                .await;
            Err(e)
        }
    }
}

/// The status token of the request filed under this key, body and claim
/// time: the same on every replay, unpredictable without the server's key.
fn status_token(state: &AppState, key: &str, body_hash: &str, claimed_at: i64) -> String {
    state.key.derive_token(
        "st_",
        "status-token",
        &format!("{key}\n{body_hash}\n{claimed_at}"),
    )
}

/// The 201 answer `json` with `status_token` set to `token`.
fn with_token(json: &str, token: &str) -> ApiResult<String> {
    let mut created: RecoveryRequestCreated =
        serde_json::from_str(json).map_err(|_| ApiError::internal())?;
    created.status_token = token.to_string();
    serde_json::to_string(&created).map_err(|_| ApiError::internal())
}

fn stored_answer(status: u16, body: String, replayed: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if replayed {
        h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

/// The hash a bearer token must have for request `id`: the stored one, or
/// for an unknown id (`stored` is `None`) the hash of a token derived for
/// that id under the server key. Both paths derive that token, so an
/// unknown id costs what a known one does.
fn expected_token_hash(key: &ServerKey, id: &str, stored: Option<&str>) -> String {
    #[cfg(test)]
    DERIVATIONS.with(|d| d.set(d.get() + 1));
    let dummy = sha256_hex(&key.derive_token("st_", "status-token-unknown-id", id));
    match stored {
        Some(hash) => hash.to_string(),
        None => dummy,
    }
}

/// Whether the presented token's hash opens request `id` (stored hash
/// `stored`, `None` for an unknown id): compared in constant time in every
/// case, and never true for an unknown id, even for the dummy's token.
fn bearer_matches(key: &ServerKey, id: &str, stored: Option<&str>, presented_hash: &str) -> bool {
    let expected = expected_token_hash(key, id, stored);
    let equal = ct_eq(presented_hash.as_bytes(), expected.as_bytes());
    equal & stored.is_some()
}

#[cfg(test)]
thread_local! {
    static DERIVATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn not_found() -> ApiError {
    ApiError::new(ProblemCode::NotFound, "Request not found")
        .detail("Check the request id and the status token you were given when you sent it.")
}

crate::problems!(
    /// What `GET /recovery-requests/{id}` answers besides 200.
    ShowProblems: &[ProblemCode::NotFound]
);

#[utoipa::path(get, path = "/recovery-requests/{id}", tag = "recovery requests",
    description = "Status and timeline of a request. A missing or wrong bearer token answers exactly like an unknown id.",
    params(("id" = String, Path, description = "e.g. `RR-2026-000123`")),
    security(("status_token" = [])),
    responses(
        (status = 200, body = RecoveryRequestStatusView),
        ShowProblems,
    ))]
pub async fn show(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> ApiResult<Json<RecoveryRequestStatusView>> {
    // An undecodable id is just another unknown id.
    let Ok(Path(id)) = id else {
        return Err(not_found());
    };
    // No token, or no bearer: the hash of nothing, compared all the same.
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim())
        .unwrap_or_default();
    let presented = sha256_hex(presented);
    let lookup = id.clone();
    let found = state
        .db
        .call(move |c| Ok(store::find_row(c, &lookup)?))
        .await?;
    // The same work for an unknown id as for a wrong token: a derivation,
    // a comparison of two hashes in constant time, then the same 404.
    let stored = found.as_ref().map(|r| r.token_hash.as_str());
    if !bearer_matches(&state.key, &id, stored, &presented) {
        return Err(not_found());
    }
    let Some(mut req) = found else {
        return Err(not_found());
    };
    // Read only once the token matched (see above).
    let response_days = state.settings.response_days;
    let view = state
        .db
        .call(move |c| {
            req.timeline = store::timeline(c, req.seq)?;
            let repository = match req.repository_proof_id {
                Some(id) => repository_proofs::by_id(c, id)?,
                None => None,
            };
            let queue_position = store::queue_position(c, &req)?;
            Ok(status_view(req, repository, queue_position, response_days))
        })
        .await?;
    Ok(Json(view))
}

/// What the status page shows of a request: its timeline, the proofs it
/// carries, its hold, and while it is open, when support expects to answer
/// and its place in the queue.
fn status_view(
    req: store::StoredRequest,
    repository: Option<repository_proofs::Proof>,
    queue_position: Option<u32>,
    response_days: i64,
) -> RecoveryRequestStatusView {
    let rfc3339 = crate::clock::rfc3339;
    let email = req.email_proof_at.map(|at| RequestProof {
        kind: ProofKind::Email,
        at: rfc3339(at),
        repository_url: None,
        ref_name: None,
        commit: None,
    });
    let repository = repository.and_then(|p| {
        let found = p.found?;
        Some(RequestProof {
            kind: ProofKind::Repository,
            at: rfc3339(found.at),
            repository_url: Some(p.repository_url),
            ref_name: Some(found.ref_name),
            commit: Some(found.commit),
        })
    });
    let ready = req.hold_ends_at.unwrap_or(req.submitted_at);
    let expected = req
        .status
        .is_open()
        .then(|| rfc3339(ready + response_days * DAY));
    RecoveryRequestStatusView {
        id: req.public_id,
        status: req.status,
        reason: req.reason.unwrap_or(Reason::Other),
        submitted_at: rfc3339(req.submitted_at),
        updated_at: rfc3339(req.updated_at),
        timeline: req.timeline,
        proofs: email.into_iter().chain(repository).collect(),
        hold_ends_at: req.hold_ends_at.map(rfc3339),
        expected_response_by: expected,
        queue_position,
    }
}

/// Keyed with the request's id: a code works for its own request only, and
/// a copy of the database alone does not give it away.
fn status_code_hash(key: &ServerKey, id: &str, code: &str) -> String {
    key.mac_hex("status-token-code", &format!("{id}\n{code}"))
}

crate::problems!(
    /// What `POST /recovery-requests/{id}/status-code` answers besides 202.
    StatusCodeProblems: JSON_BODY, &[ProblemCode::RateLimited]
);

/// Mails a code for a new status token to the request's contact address.
///
/// Attack review (utoipa makes the line above the operation's summary in
/// the OpenAPI document; the description is its own, so these stay here):
/// - Who may call it: anyone. A requester who lost the status token knows
///   the request's id (in every mail about it) and its contact address.
/// - What it reveals: nothing. An unknown id, a wrong address and a match
///   get the same 202 after the same work (one write transaction with the
///   limits and the lookup, the mail written in it), and every limit is
///   keyed by what was typed or by the client, never by whether the request
///   exists. The code goes only to the address the request already has,
///   never to one the caller chose, and changes nothing until it is
///   entered: the token in use keeps working.
/// - What a stranger can spend: knowing the id and the address, the
///   request's codes by mail (5 a day, at most 3 to one client, so the
///   owner from another client still gets some), and the mail budget only
///   within the per-client limits, like every mail anyone can trigger.
#[utoipa::path(post, path = "/recovery-requests/{id}/status-code", tag = "recovery requests", request_body = StatusTokenCodeBody,
    description = "For a requester who lost the status token: when `contact_email` is the request's contact address (compared ASCII case-insensitively), mails it an 8-digit one-time code (valid 15 min) for `POST /recovery-requests/{id}/status-token`. The answer is the same 202 for an unknown id, another address and a match. 2 an hour and 3 a day per request id per client, 20 an hour per client (429); silently at most 3 codes an hour and 5 a day for one request.",
    params(("id" = String, Path, description = "e.g. `RR-2026-000123`")),
    responses(
        (status = 202, body = Accepted),
        StatusCodeProblems,
    ))]
pub async fn mail_status_code(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    id: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<StatusTokenCodeBody>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    check(&body).map_err(ApiError::validation)?;
    // An undecodable id is just another unknown id.
    let id = id.map(|Path(id)| id).unwrap_or_default();
    // The rule refuses blanks around an address, and a request's contact
    // address was stored trimmed: what is left to forgive is ASCII case.
    let contact = body.contact_email;
    let now = state.clock.now();
    let code = new_email_code();
    let client = client_key(&ext);
    let key = state.key.clone();
    let budget = state.settings.mail_budget();
    let letterhead = state.settings.letterhead();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[
                    (
                        &format!("status-code:{}:ip:{client}", norm(&id)),
                        STATUS_CODE_SEND,
                    ),
                    (
                        &format!("status-code:ip:{client}"),
                        STATUS_CODE_SEND_PER_CLIENT,
                    ),
                ],
                now,
            )?;
            let request = store::find_row(&tx, &id)?
                .filter(|r| r.contact_email.eq_ignore_ascii_case(&contact));
            let Some(request) = request else {
                tx.commit()?;
                return Ok(());
            };
            // The request's mailbox is capped silently (one client reaches
            // at most its share); a dropped mail hands its slot back.
            let Some(slot) = limits::mail_slot_total(
                &tx,
                &format!("status-code-request:{}", request.seq),
                STATUS_CODE_MAILS,
                now,
            )?
            else {
                tx.commit()?;
                return Ok(());
            };
            let expires_at = now + EMAIL_CODE_SECS;
            let mail =
                templates::status_token_code(&letterhead, &request.public_id, &code, expires_at);
            if mail::queue_within_budget(&tx, &request.contact_email, &mail, now, budget)? {
                let hash = status_code_hash(&key, &request.public_id, &code);
                email_codes::insert_status_code(&tx, request.seq, &hash, expires_at)?;
            } else {
                limits::refund(&tx, &slot)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(accepted(&format!(
        "If this is the request's contact address, we have sent it a code for a new status token. It works for {EMAIL_CODE_MINUTES} minutes."
    )))
}

crate::problems!(
    /// What `POST /recovery-requests/{id}/status-token` answers besides 200.
    StatusTokenProblems: JSON_BODY, &[ProblemCode::EmailCodeInvalid, ProblemCode::RateLimited]
);

/// Exchanges a mailed code for a new status token.
///
/// Attack review (not in the OpenAPI document, as above):
/// - Who may call it: anyone with a code from the request's contact
///   mailbox. Whoever reads that mailbox already gets every mail about the
///   request, so the status the new token opens tells them nothing new.
/// - What it reveals: nothing about ids. A wrong code, an expired one and
///   an unknown id get the same 422 after the same statement. A code works
///   once: of two concurrent uses, one gets a token.
/// - What a stranger can lock: the 5 guesses per 15 minutes per request id
///   are shared by every client (split by client, the guesses would
///   multiply against 10^8 codes), so one who knows the id can keep the
///   owner from entering a code for 15 minutes at a time. The token in use
///   is untouched, and 20 guesses per 15 minutes per client bound how many
///   requests one client can do that to.
#[utoipa::path(post, path = "/recovery-requests/{id}/status-token", tag = "recovery requests", request_body = CodeBody,
    description = "Exchanges a code from `POST /recovery-requests/{id}/status-code` for a new status token; the request's previous token stops working. The code works once. A wrong or expired code, or an unknown id, is 422 `email_code_invalid` (the same answer for each). 5 guesses per 15 minutes per request id, 20 per client (429). `Cache-Control: no-store`; the token is shown once.",
    params(("id" = String, Path, description = "e.g. `RR-2026-000123`")),
    responses(
        (status = 200, body = NewStatusToken),
        StatusTokenProblems,
    ))]
pub async fn renew_status_token(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    id: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<CodeBody>,
) -> ApiResult<Response> {
    let id = id.map(|Path(id)| id).unwrap_or_default();
    let code: String = body.code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = state.clock.now();
    let token = random_token("st_");
    let token_hash = sha256_hex(&token);
    let client = client_key(&ext);
    let key = state.key.clone();
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Every guess counts (a right one ends the request's codes anyway).
            let _ = limits::reserve(
                &tx,
                &[
                    (&format!("status-check:{}", norm(&id)), STATUS_CODE_CHECK),
                    (
                        &format!("status-check:ip:{client}"),
                        STATUS_CODE_CHECK_PER_CLIENT,
                    ),
                ],
                now,
            )?;
            let hash = status_code_hash(&key, &id, &code);
            let Some(seq) = email_codes::take_status_code(&tx, &id, &hash, now)? else {
                tx.commit()?; // keep the charged attempt
                return Err(email_code_invalid());
            };
            // Replaced, not added: the old token was lost, possibly to
            // someone else (a shared device, a forwarded mail), and must no
            // longer open the request once its owner has proved the mailbox.
            store::replace_status_token(&tx, seq, &token_hash, now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    let mut res = Json(NewStatusToken {
        status_token: token,
    })
    .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

crate::problems!(
    /// What `POST /recovery-requests/{id}/cancel` answers besides 200.
    CancelProblems: JSON_BODY, &[ProblemCode::CancelTokenInvalid, ProblemCode::RateLimited]
);

/// Cancels a held request from the link mailed to an address of its account.
///
/// Attack review (not in the OpenAPI document, as above):
/// - Who may call it: whoever holds a token from a notice, that is whoever
///   reads an address of the account: the owner, who must be able to stop
///   a takeover. The requester, if they read that address too, can only
///   stop their own request.
/// - What it reveals: nothing about ids. A wrong, used or expired token
///   and an unknown id are the same 422. A token works once: of concurrent
///   uses, one cancels.
/// - What it changes: the request is closed, every other token of it goes,
///   and the account is flagged for support, who sees the cancel in
///   `requests show` and may no longer approve the request.
#[utoipa::path(post, path = "/recovery-requests/{id}/cancel", tag = "recovery requests", request_body = CancelRequestBody,
    description = "\"This wasn't me\": cancels a held request with the token of the link mailed to an address of its account (the app's page `/status/cancel?id={id}` reads it from the link's fragment and posts it here; it is never in a URL a server sees). No sign-in. The token works once, until the hold ends; a wrong, used or expired token, or an unknown id, is 422 `cancel_token_invalid`. The request is closed, its timeline says so, and the account is flagged for support. 10 per 15 minutes per request id, 20 per client (429).",
    params(("id" = String, Path, description = "e.g. `RR-2026-000123`")),
    responses(
        (status = 200, body = RequestCancelled),
        CancelProblems,
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    id: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<CancelRequestBody>,
) -> ApiResult<Json<RequestCancelled>> {
    check(&body).map_err(ApiError::validation)?;
    let id = id.map(|Path(id)| id).unwrap_or_default();
    let token_hash = sha256_hex(body.token.trim());
    let now = state.clock.now();
    let client = client_key(&ext);
    let (public_id, letterhead) = (id.clone(), state.settings.letterhead());
    state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[
                    (&format!("cancel:{}", norm(&id)), CANCELS_PER_REQUEST),
                    (&format!("cancel:ip:{client}"), CANCELS_PER_CLIENT),
                ],
                now,
            )?;
            if store::cancel(&tx, &id, &token_hash, now)?.is_none() {
                tx.commit()?; // keep the charged attempt
                return Err(ApiError::new(
                    ProblemCode::CancelTokenInvalid,
                    "This link does not work",
                ));
            }
            // The requester learns it from their contact address too.
            if let Some(req) = store::find_row(&tx, &id)? {
                mail::queue_notice(
                    &tx,
                    &letterhead,
                    &req.contact_email,
                    &templates::request_updated(
                        &letterhead,
                        &req.public_id,
                        store::status_words(RequestStatus::Closed),
                        Some(store::CANCELLED_NOTE),
                    ),
                    now,
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.mailer.poke();
    Ok(Json(RequestCancelled {
        id: public_id,
        status: RequestStatus::Closed,
        cancelled_at: crate::clock::rfc3339(now),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derivations() -> usize {
        DERIVATIONS.with(|d| d.get())
    }

    #[test]
    fn an_unknown_id_costs_what_a_wrong_token_costs() {
        let key = ServerKey::ephemeral();
        let token = "st_the-real-token";
        let stored = sha256_hex(token);
        let wrong = sha256_hex("st_a-wrong-token");
        let id = "RR-2026-123456";

        let before = derivations();
        assert!(
            !bearer_matches(&key, id, Some(&stored), &wrong),
            "wrong token"
        );
        let known = derivations() - before;
        let before = derivations();
        assert!(
            !bearer_matches(&key, "RR-2026-654321", None, &wrong),
            "unknown id"
        );
        let unknown = derivations() - before;
        assert_eq!((known, unknown), (1, 1), "one derivation on either path");
        assert!(bearer_matches(&key, id, Some(&stored), &sha256_hex(token)));

        // The unknown path compares against a hash of the same shape as a
        // stored one (64 hex digits), and even the dummy's own token fails.
        let dummy = expected_token_hash(&key, "RR-2026-654321", None);
        assert_eq!(dummy.len(), stored.len());
        assert_ne!(dummy, expected_token_hash(&key, "RR-2026-654322", None));
        let dummy_token = key.derive_token("st_", "status-token-unknown-id", "RR-2026-654321");
        assert_eq!(sha256_hex(&dummy_token), dummy);
        assert!(!bearer_matches(&key, "RR-2026-654321", None, &dummy));
        // No bearer at all is the hash of nothing: also one derivation.
        let before = derivations();
        assert!(!bearer_matches(&key, id, Some(&stored), &sha256_hex("")));
        assert_eq!(derivations() - before, 1);
    }
}
