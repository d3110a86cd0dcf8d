//! `/status`: look up a request by id and status token (or the one
//! remembered on this device). The token never goes in a URL: it is sent in
//! the `Authorization` header only. A lost token is replaced on
//! `/status/new-token`, through the request's contact address.

mod cancel;
mod new_token;

pub use cancel::CancelPage;
pub use new_token::NewTokenPage;

use leptos::prelude::*;
use reclaim_core::api::{ProofKind, RecoveryRequestStatusView, RequestProof, RequestStatus};
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::route::Route;

use crate::api::{ApiClient, ApiError};
use crate::browser;
use crate::components::{ErrorSummary, Page, StatusMessage, SummaryItem, Tag, TagTone, TextInput};
use crate::config::use_config;
use crate::draft::RememberedRequest;
use crate::failure_words;
use crate::pages::request::reason_label;
use crate::router::use_router;

/// Said once the replacement token has opened the request.
const NEW_TOKEN_IN_USE: &str = "Your new status token is in the Status token field, and the old one no longer works. Keep the new one somewhere safe, like a password manager.";

/// What the status pages share, in memory only: the request ID and the
/// status token as typed, or as `/status/new-token` got it.
#[derive(Debug, Clone, Copy)]
pub struct StatusKeys {
    pub id: RwSignal<String>,
    pub token: RwSignal<String>,
    /// A new token just came: look the request up at once, and say so.
    pub new_token: RwSignal<bool>,
}

impl StatusKeys {
    pub fn new() -> StatusKeys {
        StatusKeys {
            id: RwSignal::new(String::new()),
            token: RwSignal::new(String::new()),
            new_token: RwSignal::new(false),
        }
    }
}

impl Default for StatusKeys {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lookup {
    Idle,
    Loading,
    Found(RecoveryRequestStatusView),
}

/// `/status`
#[component]
pub fn StatusPage() -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let config = use_config();
    let StatusKeys {
        id,
        token,
        new_token,
    } = expect_context::<StatusKeys>();
    // The mails link here with the request's ID (not a secret).
    if let Some(from_mail) = use_router().query_param("id") {
        if id.with_untracked(String::is_empty) {
            id.set(from_mail);
        }
    }
    let remembered = RwSignal::new(RememberedRequest::load());
    let id_error = RwSignal::new(None::<String>);
    let token_error = RwSignal::new(None::<String>);
    let lookup_error = RwSignal::new(None::<String>);
    let focus = RwSignal::new(0u32);
    let lookup = RwSignal::new(Lookup::Idle);
    let announce = RwSignal::new(String::new());

    let summary = Signal::derive(move || {
        let mut items = Vec::new();
        if let Some(e) = id_error.get() {
            items.push(SummaryItem::field("request-id", e));
        }
        if let Some(e) = token_error.get() {
            items.push(SummaryItem::field("status-token", e));
        }
        if let Some(e) = lookup_error.get() {
            items.push(SummaryItem::field("request-id", e));
        }
        items
    });
    let has_errors = Signal::derive(move || !summary.with(Vec::is_empty));

    let run = {
        let client = client.clone();
        move |request_id: String, status_token: String| {
            if lookup.with_untracked(|l| *l == Lookup::Loading) {
                return;
            }
            lookup.set(Lookup::Loading);
            lookup_error.set(None);
            announce.set("Looking up your request…".to_string());
            let client = client.clone();
            leptos::task::spawn_local(async move {
                let result = client
                    .recovery_request_status(&request_id, &status_token)
                    .await;
                match result {
                    Ok(view) => {
                        announce.set(format!(
                            "Found request {}: {}.",
                            view.id,
                            status_label(view.status)
                        ));
                        lookup.set(Lookup::Found(view));
                        request_animation_frame(|| {
                            browser::focus_id("request-status");
                        });
                    }
                    Err(err) => {
                        announce.set(String::new());
                        lookup.set(Lookup::Idle);
                        lookup_error.set(Some(lookup_error_text(&err)));
                        focus.update(|n| *n += 1);
                    }
                }
            });
        }
    };

    let on_submit = {
        let run = run.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let (i, t) = (id.get_untracked(), token.get_untracked());
            id_error.set(
                i.trim()
                    .is_empty()
                    .then(|| failure_words::ENTER_REQUEST_ID.to_string()),
            );
            token_error.set(
                t.trim()
                    .is_empty()
                    .then(|| failure_words::ENTER_STATUS_TOKEN.to_string()),
            );
            lookup_error.set(None);
            if id_error.get_untracked().is_some() || token_error.get_untracked().is_some() {
                focus.update(|n| *n += 1);
                return;
            }
            run(i, t);
        }
    };
    let look_up_remembered = {
        let run = run.clone();
        move |_| {
            if let Some(r) = remembered.get_untracked() {
                id_error.set(None);
                token_error.set(None);
                run(r.id, r.status_token);
            }
        }
    };
    let forget = move |_| {
        RememberedRequest::forget();
        remembered.set(None);
        announce.set("The request is no longer remembered on this device.".to_string());
    };

    // Shown, not announced: the lookup's own words take the live region.
    let got_new_token = new_token.get_untracked();
    if got_new_token {
        new_token.set(false);
        run(id.get_untracked(), token.get_untracked());
    }

    let expected = config.expected_response_time.clone();
    let support_email = config.support.email.clone();

    view! {
        <Page title="Check the status of a recovery request" has_errors=has_errors back=Route::Start.path()>
            <ErrorSummary items=summary focus_key=focus/>
            <h1 class="heading-l">"Check the status of a recovery request"</h1>
            <StatusMessage text=announce/>
            {got_new_token.then(|| view! { <div class="inset-text"><p class="body">{NEW_TOKEN_IN_USE}</p></div> })}
            {move || {
                remembered
                    .get()
                    .map(|r| {
                        view! {
                            <div class="inset-text">
                                <p class="body">
                                    {format!("Request {} is remembered on this device.", r.id)}
                                </p>
                                <div class="button-group">
                                    <button type="button" class="button" on:click=look_up_remembered.clone()>
                                        {format!("Show the status of {}", r.id)}
                                    </button>
                                    <button type="button" class="button button--secondary" on:click=forget>
                                        "Forget it on this device"
                                    </button>
                                </div>
                            </div>
                        }
                    })
            }}
            <form novalidate on:submit=on_submit>
                <TextInput
                    id="request-id"
                    label="Request ID"
                    hint="You got it when you sent your request, for example RR-2026-000123."
                    value=id
                    on_input=Callback::new(move |v: String| id.set(v))
                    error=id_error
                    autocomplete="off"
                    no_spellcheck=true
                    width="input--width-20"
                />
                <TextInput
                    id="status-token"
                    label="Status token"
                    hint="The token shown once when you sent your request. Paste it here; it is shown so that you can check it."
                    value=token
                    on_input=Callback::new(move |v: String| token.set(v))
                    error=token_error
                    autocomplete="off"
                    no_spellcheck=true
                    width="input--width-30"
                />
                <button
                    type="submit"
                    class="button"
                    aria-disabled=move || lookup.with(|l| *l == Lookup::Loading).then_some("true")
                >
                    "Check status"
                </button>
            </form>
            <p class="body"><a class="link" href=Route::StatusNewToken.path()>"I do not have my status token"</a></p>
            {move || match lookup.get() {
                Lookup::Found(view) => status_view(view, &expected, &support_email).into_any(),
                _ => ().into_any(),
            }}
        </Page>
    }
}

fn lookup_error_text(err: &ApiError) -> String {
    if err.is_not_found() {
        return failure_words::STATUS_NOT_FOUND.to_string();
    }
    match err {
        ApiError::Network => failure_words::NETWORK_ERROR.to_string(),
        ApiError::RateLimited { retry_after } => format!(
            "There have been too many attempts. {}.",
            failure_words::try_again_in(retry_after.unwrap_or(60))
        ),
        ApiError::Server { .. } => format!("{} Try again later.", failure_words::SERVER_ERROR),
        // A malformed id gets the same answer as an unknown one.
        ApiError::Validation { .. }
        | ApiError::Problem {
            status: 400..=499, ..
        } => failure_words::STATUS_NOT_FOUND.to_string(),
        _ => failure_words::UNEXPECTED.to_string(),
    }
}

/// A status in plain words.
pub fn status_label(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Received => "Received",
        RequestStatus::InReview => "In review",
        RequestStatus::AwaitingUser => "Waiting for your reply",
        RequestStatus::Approved => "Approved",
        RequestStatus::Rejected => "Not approved",
        RequestStatus::Closed => "Closed",
    }
}

fn status_tone(status: RequestStatus) -> TagTone {
    match status {
        RequestStatus::Received | RequestStatus::InReview => TagTone::Info,
        RequestStatus::AwaitingUser => TagTone::Warning,
        RequestStatus::Approved => TagTone::Good,
        RequestStatus::Rejected => TagTone::Bad,
        RequestStatus::Closed => TagTone::Done,
    }
}

/// What the user should do next, per status.
fn next_step(status: RequestStatus, expected: &str) -> String {
    match status {
        RequestStatus::Received => format!(
            "Support has your request and will read it. It usually takes {expected}. You do not need to do anything now: support will write to your contact email address."
        ),
        RequestStatus::InReview => "Support is checking your request. They may write to ask you to prove that your packages are yours, for example by pushing a branch with a token to a project's public repository. Check your email, including spam.".to_string(),
        RequestStatus::AwaitingUser => "Support is waiting for your reply. Find their email (check your spam folder too) and answer it by email. Your request cannot go on until you do.".to_string(),
        RequestStatus::Approved => "Your request was approved. Follow the instructions in the email from support to sign in. Then set up two-factor authentication again and save new recovery codes.".to_string(),
        RequestStatus::Rejected => "Support could not confirm that the account is yours. Their email explains why. You can answer that email if you have more information.".to_string(),
        RequestStatus::Closed => "This request is closed. If you still cannot sign in, you can send a new request.".to_string(),
    }
}

/// One proof the request carries, as a line.
fn proof_words(proof: &RequestProof) -> String {
    let at = browser::format_timestamp(&proof.at);
    match proof.kind {
        ProofKind::Email => format!("Email address proven with a one-time code, {at}"),
        ProofKind::Repository => {
            let repository = proof
                .repository_url
                .as_deref()
                .unwrap_or("a project\u{2019}s repository");
            let branch = proof
                .ref_name
                .as_deref()
                .map(|r| r.rsplit('/').next().unwrap_or(r))
                .unwrap_or("the branch");
            let commit = proof
                .commit
                .as_deref()
                .map(|c| c.get(..12).unwrap_or(c))
                .unwrap_or("");
            format!("Branch {branch} (commit {commit}) found in {repository}, {at}")
        }
    }
}

fn queue_words(place: u32) -> String {
    match place {
        1 => "Next".to_string(),
        2 => "2 (one request before it)".to_string(),
        n => format!("{n} ({} requests before it)", n - 1),
    }
}

fn status_view(
    view: RecoveryRequestStatusView,
    expected: &str,
    support_email: &str,
) -> impl IntoView {
    let status = view.status;
    let mut timeline = view.timeline.clone();
    timeline.sort_by(|a, b| b.at.cmp(&a.at));
    view! {
        <section class="status-result" aria-labelledby="request-status">
            <h2 class="heading-m" id="request-status" tabindex="-1">
                {format!("Request {}", view.id)}
            </h2>
            <dl class="summary-list summary-list--no-actions">
                <div class="summary-list__row">
                    <dt class="summary-list__key">"Status"</dt>
                    <dd class="summary-list__value">
                        <Tag text=status_label(status) tone=status_tone(status)/>
                    </dd>
                </div>
                <div class="summary-list__row">
                    <dt class="summary-list__key">"Reason"</dt>
                    <dd class="summary-list__value">{reason_label(view.reason)}</dd>
                </div>
                <div class="summary-list__row">
                    <dt class="summary-list__key">"Sent"</dt>
                    <dd class="summary-list__value">{browser::format_timestamp(&view.submitted_at)}</dd>
                </div>
                <div class="summary-list__row">
                    <dt class="summary-list__key">"Last update"</dt>
                    <dd class="summary-list__value">{browser::format_timestamp(&view.updated_at)}</dd>
                </div>
                {(!view.proofs.is_empty()).then(|| view! {
                    <div class="summary-list__row">
                        <dt class="summary-list__key">"Proofs"</dt>
                        <dd class="summary-list__value">
                            <ul class="list">{view.proofs.iter().map(|p| view! { <li>{proof_words(p)}</li> }).collect_view()}</ul>
                        </dd>
                    </div>
                })}
                {view.hold_ends_at.as_deref().map(|until| view! {
                    <div class="summary-list__row">
                        <dt class="summary-list__key">"Waiting period"</dt>
                        <dd class="summary-list__value">{format!("Until {}. Nobody acts on the request before then, and the account\u{2019}s addresses can cancel it.", browser::format_timestamp(until))}</dd>
                    </div>
                })}
                {view.expected_response_by.as_deref().map(|by| view! {
                    <div class="summary-list__row">
                        <dt class="summary-list__key">"Expected answer"</dt>
                        <dd class="summary-list__value">{format!("By {}", browser::format_timestamp(by))}</dd>
                    </div>
                })}
                {view.queue_position.map(|place| view! {
                    <div class="summary-list__row">
                        <dt class="summary-list__key">"Place in the queue"</dt>
                        <dd class="summary-list__value">{queue_words(place)}</dd>
                    </div>
                })}
            </dl>
            <h3 class="heading-s">"What happens next"</h3>
            <p class="body">{next_step(status, expected)}</p>
            {(status == RequestStatus::Closed || status == RequestStatus::Rejected).then(|| view! {
                <p class="body"><a class="link" href=Route::Request(RequestQuestion::Account).path()>"Send a new request"</a></p>
            })}
            <h3 class="heading-s">"History"</h3>
            <ol class="timeline">
                {timeline
                    .into_iter()
                    .map(|entry| {
                        view! {
                            <li class="timeline__item">
                                <span class="timeline__title">{status_label(entry.status)}</span>
                                " "
                                <span class="timeline__date">{browser::format_timestamp(&entry.at)}</span>
                                {entry.note.map(|n| view! { <p class="timeline__note pre-wrap">{n}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <p class="body">
                "Questions about your request? Answer the last email from support, or write to "
                <a class="link" href=format!("mailto:{support_email}")>{support_email.to_string()}</a>
                " with your request ID."
            </p>
        </section>
    }
}
