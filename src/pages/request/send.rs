//! Sending the request: one idempotency key per draft, automatic retries
//! with backoff, waits from `Retry-After`, and no second request ever.

use crate::router::NavigateOptions;
use leptos::prelude::*;
use reclaim_core::api::RecoveryRequestCreated;
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::route::Route;
use reclaim_core::ProblemCode;

use super::RequestFlow;
use crate::api::{ApiClient, ApiError};
use crate::browser;
use crate::draft::{new_idempotency_key, Draft};
use crate::failure_words;

/// Automatic retries after a network failure or a 5xx (waits 1, 2, 4 s).
pub const MAX_AUTO_RETRIES: u32 = 3;
/// Retries while the server says the same submission is still running (409).
pub const MAX_CONFLICT_RETRIES: u32 = 10;
/// Wait after a 429 that did not say how long.
pub const DEFAULT_RATE_LIMIT_WAIT: u32 = 60;
/// After a 429, send again by itself when the wait is over, this many times
/// and only for waits up to [`MAX_AUTO_RATE_LIMIT_WAIT`] seconds; otherwise
/// the user presses the button again when the wait is over.
pub const MAX_RATE_LIMIT_RETRIES: u32 = 3;
pub const MAX_AUTO_RATE_LIMIT_WAIT: u32 = 300;

/// Where a submission is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendState {
    Idle,
    /// A request is in flight.
    Sending,
    /// An automatic retry is due in `in_secs` (attempt `attempt` of the max).
    Retrying {
        in_secs: u32,
        attempt: u32,
        max: u32,
        why: &'static str,
    },
    /// 429: the form is locked for `in_secs` more seconds; then, if `auto`,
    /// the request is sent again by itself.
    RateLimited {
        in_secs: u32,
        auto: bool,
    },
    /// 429 wait is over: the user may press the button again.
    RateLimitOver,
    /// Automatic retries are exhausted; the user can try again.
    Failed {
        why: &'static str,
    },
    /// The key was used for other answers (422 `idempotency_key_reused`).
    KeyReused,
    /// Anything else the server refused, in its words.
    Problem {
        message: String,
    },
}

impl SendState {
    /// Whether the send button must be disabled.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            SendState::Sending | SendState::Retrying { .. } | SendState::RateLimited { .. }
        )
    }

    /// Whether the page shows an error (title prefix, summary).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            SendState::Failed { .. } | SendState::KeyReused | SendState::Problem { .. }
        )
    }

    /// The words of the live region.
    pub fn status_text(&self) -> String {
        match self {
            SendState::Idle => String::new(),
            SendState::Sending => "Sending…".to_string(),
            SendState::Retrying {
                in_secs,
                attempt,
                max,
                why,
            } => format!(
                "{why} Trying again in {} (attempt {attempt} of {max}). Your answers are saved.",
                failure_words::duration(*in_secs)
            ),
            SendState::RateLimited { in_secs, auto } => format!(
                "There have been too many attempts. {}.{}",
                failure_words::try_again_in(*in_secs),
                if *auto {
                    " Your request will be sent again then: you do not need to do anything."
                } else {
                    ""
                }
            ),
            SendState::RateLimitOver => "You can try again now.".to_string(),
            SendState::Failed { .. } | SendState::KeyReused | SendState::Problem { .. } => {
                String::new()
            }
        }
    }

    /// The error summary text, when the page shows an error.
    pub fn error_text(&self) -> Option<String> {
        match self {
            SendState::Failed { why } => Some(format!("{why} {}", failure_words::SEND_FAILED)),
            SendState::KeyReused => Some(failure_words::KEY_REUSED.to_string()),
            SendState::Problem { message } => Some(message.clone()),
            _ => None,
        }
    }
}

/// Count down `secs` seconds, updating the state each second; returns early
/// when the user asks to retry now.
async fn count_down(
    flow: RequestFlow,
    secs: u32,
    state: impl Fn(u32) -> SendState,
    skippable: bool,
) {
    flow.retry_now.set(false);
    let mut left = secs;
    while left > 0 {
        flow.send.set(state(left));
        browser::sleep_ms(1000).await;
        left -= 1;
        if skippable && flow.retry_now.get_untracked() {
            break;
        }
    }
}

/// Send the draft. Does nothing if a submission is already under way, so a
/// double click cannot send twice.
pub fn send(
    flow: RequestFlow,
    client: ApiClient,
    navigate: impl Fn(&str, NavigateOptions) + 'static,
) {
    if flow.send.with_untracked(SendState::is_busy) {
        return;
    }
    flow.send.set(SendState::Sending);
    leptos::task::spawn_local(async move {
        let mut retries = 0;
        let mut conflicts = 0;
        let mut rate_limited = 0;
        loop {
            flow.send.set(SendState::Sending);
            // Read the draft at every attempt: the key is the draft's, so a
            // reload during sending reuses it.
            let draft = flow.draft.get_untracked();
            let body = draft.to_body();
            match client
                .submit_recovery_request(&body, &draft.idempotency_key)
                .await
            {
                Ok(created) => {
                    succeed(flow, created, body.contact_email.clone());
                    navigate(
                        &Route::RequestConfirmation.path(),
                        NavigateOptions::default(),
                    );
                    return;
                }
                Err(ApiError::Conflict { retry_after, .. }) if conflicts < MAX_CONFLICT_RETRIES => {
                    conflicts += 1;
                    let wait = retry_after.unwrap_or(1).max(1);
                    count_down(
                        flow,
                        wait,
                        |in_secs| SendState::Retrying {
                            in_secs,
                            attempt: conflicts,
                            max: MAX_CONFLICT_RETRIES,
                            why: "Your request is still being processed.",
                        },
                        false,
                    )
                    .await;
                }
                Err(err @ (ApiError::Network | ApiError::Server { .. }))
                    if retries < MAX_AUTO_RETRIES =>
                {
                    retries += 1;
                    let backoff = 1u32 << (retries - 1); // 1, 2, 4 s
                    let wait = err.retry_after().map_or(backoff, |s| s.max(backoff));
                    let why = if err == ApiError::Network {
                        failure_words::NETWORK_ERROR
                    } else {
                        failure_words::SERVER_ERROR
                    };
                    count_down(
                        flow,
                        wait,
                        |in_secs| SendState::Retrying {
                            in_secs,
                            attempt: retries,
                            max: MAX_AUTO_RETRIES,
                            why,
                        },
                        true,
                    )
                    .await;
                }
                Err(ApiError::Network) => {
                    flow.send.set(SendState::Failed {
                        why: failure_words::NETWORK_ERROR,
                    });
                    return;
                }
                Err(ApiError::Server { .. } | ApiError::Conflict { .. }) => {
                    flow.send.set(SendState::Failed {
                        why: failure_words::SERVER_ERROR,
                    });
                    return;
                }
                Err(ApiError::RateLimited { retry_after }) => {
                    let wait = retry_after.unwrap_or(DEFAULT_RATE_LIMIT_WAIT).max(1);
                    rate_limited += 1;
                    let auto =
                        rate_limited <= MAX_RATE_LIMIT_RETRIES && wait <= MAX_AUTO_RATE_LIMIT_WAIT;
                    count_down(
                        flow,
                        wait,
                        |in_secs| SendState::RateLimited { in_secs, auto },
                        false,
                    )
                    .await;
                    if !auto {
                        flow.send.set(SendState::RateLimitOver);
                        return;
                    }
                    // The wait is over: send again, same key, same answers.
                }
                Err(ApiError::Validation { fields, .. }) => {
                    // Back to the first page that asks for a refused answer.
                    // A refusal no page asks about (the declaration's
                    // acknowledgements) is the server's words here.
                    let Some(question) = fields
                        .iter()
                        .filter_map(|f| RequestQuestion::asking(&f.pointer))
                        .min()
                    else {
                        let message = fields
                            .iter()
                            .map(|f| f.text())
                            .collect::<Vec<_>>()
                            .join(" ");
                        flow.send.set(SendState::Problem { message });
                        return;
                    };
                    flow.send.set(SendState::Idle);
                    let fields: Vec<_> = fields
                        .iter()
                        .map(|f| (f.pointer.clone(), f.text()))
                        .collect();
                    flow.hand_errors_to_form(&fields);
                    navigate(&Route::Request(question).path(), NavigateOptions::default());
                    return;
                }
                Err(ApiError::Problem {
                    code: Some(ProblemCode::IdempotencyKeyReused),
                    ..
                }) => {
                    flow.send.set(SendState::KeyReused);
                    return;
                }
                Err(ApiError::Problem { title, detail, .. }) => {
                    // The server's own words: no field rule of ours refused it.
                    let message = match detail {
                        Some(detail) => format!("{title}. {detail}"),
                        None => title,
                    };
                    flow.send.set(SendState::Problem { message });
                    return;
                }
                Err(ApiError::Decode) => {
                    flow.send.set(SendState::Problem {
                        message: failure_words::UNEXPECTED.to_string(),
                    });
                    return;
                }
            }
        }
    });
}

/// After "A request may already have been sent": send these answers as a new
/// request, with a new key.
pub fn send_as_new(
    flow: RequestFlow,
    client: ApiClient,
    navigate: impl Fn(&str, NavigateOptions) + 'static,
) {
    flow.draft
        .update(|d| d.idempotency_key = new_idempotency_key());
    flow.send.set(SendState::Idle);
    send(flow, client, navigate);
}

fn succeed(flow: RequestFlow, created: RecoveryRequestCreated, contact_email: String) {
    flow.created.set(Some(created));
    flow.sent_to.set(Some(contact_email));
    flow.sent_with_repository_proof
        .set(flow.draft.with_untracked(|d| d.repository_proof.is_some()));
    // The request exists: the draft and the wizard's proof have done their job.
    Draft::clear();
    crate::page_store::remove::<crate::handoff::EmailProof>();
    flow.draft.set(Draft::fresh());
    flow.form.clear();
    flow.send.set(SendState::Idle);
}
