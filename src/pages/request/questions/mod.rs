//! The request's question pages (`reclaim_core::request_questions`): each
//! a short form with its heading in view, Continue and a Back link.
//!
//! Continue checks the page's own answers and goes on to the next page, or
//! to "Check your answers" after the last. A page opened from a Change link
//! there (its address names the field: `/request/contact#contact-email`)
//! goes straight back once every answer passes.

mod account;
mod contact;
mod evidence;
mod what_happened;

use leptos::prelude::*;
use reclaim_core::api::Reason;
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::route::Route;

use super::{RequestField, RequestFlow};
use crate::browser;
use crate::components::{ErrorSummary, Page};
use crate::draft::Draft;
use crate::router::{use_navigate, use_router, NavigateOptions};

/// The caption above every question's heading: which task this is.
const CAPTION: &str = "Ask support to recover your account";

/// `/request` and `/request/{question}`.
#[component]
pub fn RequestQuestionPage(question: RequestQuestion) -> impl IntoView {
    let flow = expect_context::<RequestFlow>();
    flow.open(question);
    // Arriving with ?reason=… (the start page's "Ask support"): preselect
    // it once, then drop it from the address so a reload does not undo a
    // later change.
    if let Some(reason) = use_router().query_param("reason") {
        if let Some(reason) = Reason::parse(&reason) {
            flow.draft.update(|d| d.reason = Some(reason));
        }
        use_navigate()(
            &Route::Request(question).path(),
            NavigateOptions {
                replace: true,
                scroll: false,
            },
        );
    }
    match question {
        RequestQuestion::Account => account::view(flow).into_any(),
        RequestQuestion::WhatHappened => what_happened::view(flow).into_any(),
        RequestQuestion::Evidence => evidence::view(flow).into_any(),
        RequestQuestion::Contact => contact::view(flow).into_any(),
    }
}

/// The frame of one question page: title and heading, the error summary,
/// the form and its Continue button.
#[component]
fn QuestionForm(
    question: RequestQuestion,
    #[prop(into)] heading: String,
    /// Below the form (the first page's "Start again").
    #[prop(optional)]
    after: Option<AnyView>,
    children: Children,
) -> impl IntoView {
    let flow = expect_context::<RequestFlow>();
    let navigate = use_navigate();
    // Opened from a Change link on "Check your answers": land on the field.
    let changing = browser::location_hash();
    if let Some(id) = changing.clone() {
        // After the page is in the document and the router has scrolled.
        request_animation_frame(move || {
            browser::focus_id(&id);
        });
    }
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !flow.validate_question(question) {
            return;
        }
        let next = if changing.is_some() {
            flow.first_incomplete()
        } else {
            question.next()
        }
        .map_or(Route::RequestCheck, Route::Request);
        if next == Route::RequestCheck {
            // "Check your answers" is another bundle: a page load.
            flow.save_now();
        }
        navigate(&next.path(), NavigateOptions::default());
    };
    let back = question
        .previous()
        .map_or(Route::Recover, Route::Request)
        .path();
    view! {
        <Page title=heading.clone() has_errors=flow.form.has_errors() back=back>
            <ErrorSummary items=flow.form.summary() focus_key=flow.form.focus_key()/>
            <p class="caption-l">{CAPTION}</p>
            <h1 class="heading-l">{heading}</h1>
            <form novalidate on:submit=on_submit>
                {children()}
                <button type="submit" class="button">"Continue"</button>
            </form>
            {after}
        </Page>
    }
}

/// A text answer of the draft, as a signal for a field.
fn text(flow: RequestFlow, get: fn(&Draft) -> &String) -> Signal<String> {
    Signal::derive(move || flow.draft.with(|d| get(d).clone()))
}

/// Writes a text answer into the draft.
fn set(flow: RequestFlow, put: fn(&mut Draft, String)) -> Callback<String> {
    Callback::new(move |v: String| flow.draft.update(|d| put(d, v)))
}

/// Checks a field when it loses focus.
fn blur(flow: RequestFlow, field: RequestField) -> Callback<()> {
    Callback::new(move |_: ()| flow.on_blur(field))
}
