//! `/request/check`: "Check your answers", then send.

use crate::router::{use_navigate, NavigateOptions};
use leptos::prelude::*;
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::route::Route;

use super::send::{send, send_as_new, SendState};
use super::{codes_status_label, reason_label, RequestField, RequestFlow};
use crate::api::ApiClient;
use crate::components::{
    ErrorSummary, FormField, Page, StatusMessage, SummaryItem, SummaryList, SummaryRow,
};
use crate::config::use_config;
use crate::draft::Draft;

/// `/request/check`
#[component]
pub fn CheckAnswers() -> impl IntoView {
    let flow = expect_context::<RequestFlow>();
    let client = expect_context::<ApiClient>();
    let config = use_config();
    let navigate = use_navigate();

    // No step skipping: answers that would not pass go back to their
    // page. (Not while a submission is under way: that one owns the draft.)
    if let Some(question) = flow.first_incomplete() {
        if !flow.send.with_untracked(SendState::is_busy) {
            let navigate = navigate.clone();
            request_animation_frame(move || {
                navigate(
                    &Route::Request(question).path(),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                )
            });
        }
    }

    let state = flow.send;
    let error_items = Signal::derive(move || {
        state
            .with(SendState::error_text)
            .map(|t| vec![SummaryItem::text(t)])
            .unwrap_or_default()
    });
    let has_errors = Signal::derive(move || state.with(SendState::is_error));
    let status_text = Signal::derive(move || state.with(SendState::status_text));
    let busy = move || state.with(SendState::is_busy);
    let retrying = move || state.with(|s| matches!(s, SendState::Retrying { .. }));
    let key_reused = move || state.with(|s| matches!(s, SendState::KeyReused));

    let on_send = {
        let client = client.clone();
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            send(flow, client.clone(), navigate.clone());
        }
    };
    let on_send_new = {
        let client = client.clone();
        let navigate = navigate.clone();
        move |_| send_as_new(flow, client.clone(), navigate.clone())
    };

    view! {
        <Page title="Check your answers before sending your request" has_errors=has_errors back=Route::Request(RequestQuestion::Contact).path()>
            <ErrorSummary items=error_items/>
            <h1 class="heading-l">"Check your answers before sending your request"</h1>
            {move || answers(&flow.draft.get())}
            // The GOV.UK declaration pattern: sending is agreeing, so nobody
            // has to tick boxes before they may ask for help.
            <h2 class="heading-m">"Now send your request"</h2>
            <p class="body">"By sending this request you confirm that:"</p>
            <ul class="list list--bullet">
                <li>"the details you gave are correct to the best of your knowledge"</li>
                <li>
                    "you will follow the "
                    <a class="link" href=config.support.code_of_conduct_url.clone() rel="external">
                        {format!("{} Code of Conduct", config.site_name)}
                    </a>
                </li>
                <li>{format!(
                    "you understand that support checks every request by hand, which usually takes {}, and that sending more than one request does not make it faster",
                    config.expected_response_time
                )}</li>
            </ul>
            <p class="body">"Send it only once: you will get a request ID straight away."</p>
            // The button stays focusable while sending (aria-disabled, not
            // disabled) so keyboard focus is not lost; `send` ignores presses
            // while a submission is under way.
            <form novalidate on:submit=on_send>
                <StatusMessage text=status_text/>
                <div class="button-group">
                    <button
                        type="submit"
                        class="button"
                        aria-disabled=move || busy().then_some("true")
                    >
                        "Accept and send"
                    </button>
                    <Show when=retrying>
                        <button type="button" class="button button--secondary" on:click=move |_| flow.retry_now.set(true)>
                            "Try again now"
                        </button>
                    </Show>
                    <Show when=key_reused>
                        <button type="button" class="button button--warning" on:click=on_send_new.clone()>
                            "Send as a new request"
                        </button>
                    </Show>
                </div>
            </form>
        </Page>
    }
}

/// The summary list of answers with a Change link each.
fn answers(draft: &Draft) -> impl IntoView {
    let none = || "None given".to_string();
    let body = draft.to_body();
    let mut rows: Vec<(&'static str, AnyView, RequestField, &'static str)> = Vec::new();
    if draft.unknown_username {
        rows.push((
            "Email address your account used",
            text_value(body.account_email.clone().unwrap_or_default()),
            RequestField::AccountEmail,
            "email address your account used",
        ));
    } else {
        rows.push((
            "Username",
            text_value(body.username.clone()),
            RequestField::Username,
            "username",
        ));
    }
    rows.push((
        "Why you are asking",
        text_value(
            body.reason
                .map(reason_label)
                .unwrap_or_default()
                .to_string(),
        ),
        RequestField::Reason,
        "why you are asking",
    ));
    if let Some(status) = body.recovery_codes_status {
        rows.push((
            "Recovery codes",
            text_value(codes_status_label(status).to_string()),
            RequestField::RecoveryCodesStatus,
            "recovery codes",
        ));
    }
    rows.push((
        "What happened",
        view! { <span class="pre-wrap">{body.details.clone()}</span> }.into_any(),
        RequestField::Details,
        "what happened",
    ));
    rows.push((
        "When you lost access",
        text_value(
            body.lost_access_on
                .as_deref()
                .map(crate::browser::format_date)
                .unwrap_or_else(|| "Not given".to_string()),
        ),
        RequestField::LostAccessOn,
        "when you lost access",
    ));
    rows.push((
        "Previous email addresses",
        list_value(&body.previous_emails, none()),
        RequestField::PreviousEmails,
        "previous email addresses",
    ));
    rows.push((
        "Packages you maintain",
        list_value(&body.packages, none()),
        RequestField::Packages,
        "packages you maintain",
    ));
    rows.push((
        "Contact email address",
        text_value(body.contact_email.clone()),
        RequestField::ContactEmail,
        "contact email address",
    ));
    let mut rows: Vec<SummaryRow> = rows
        .into_iter()
        .map(|(key, value, target, hidden)| SummaryRow {
            key: key.to_string(),
            value,
            change: Some((
                format!(
                    "{}#{}",
                    Route::Request(target.question()).path(),
                    target.id()
                ),
                hidden.to_string(),
            )),
        })
        .collect();
    if body.email_proof.is_some() {
        // Proven in the wizard, not typed here: nothing to change.
        let words = match &draft.email_proof_address {
            Some(address) => format!("Yes: {address}, with a one-time code"),
            None => "Yes, the proof is attached".to_string(),
        };
        rows.push(SummaryRow {
            key: "Email verified".to_string(),
            value: text_value(words),
            change: None,
        });
    }
    if body.repository_proof.is_some() {
        let words = match &draft.repository_proof_url {
            Some(url) => format!("Yes: {url}, with a branch named with a token"),
            None => "Yes, the proof is attached".to_string(),
        };
        rows.push(SummaryRow {
            key: "Repository proven".to_string(),
            value: text_value(words),
            change: None,
        });
    }
    view! { <SummaryList rows=rows/> }
}

fn text_value(text: String) -> AnyView {
    view! { {text} }.into_any()
}

fn list_value(items: &[String], empty: String) -> AnyView {
    if items.is_empty() {
        return text_value(empty);
    }
    view! {
        <ul class="list">
            {items.iter().map(|i| view! { <li>{i.clone()}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}
