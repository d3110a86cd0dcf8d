//! `/request/what-support-can-check`: addresses the account used before
//! and the packages, both optional.

use leptos::prelude::*;
use reclaim_core::api::Reason;
use reclaim_core::request_questions::RequestQuestion;

use super::{blur, QuestionForm};
use crate::components::ListInput;
use crate::config::use_config;
use crate::draft::{MAX_PACKAGES, MAX_PREVIOUS_EMAILS};
use crate::pages::request::{RequestField, RequestFlow};

pub fn view(flow: RequestFlow) -> impl IntoView {
    let site = use_config().site_name;
    let draft = flow.draft;
    let err = move |field: RequestField| flow.form.error(field);
    // For a lost address, the one lost is the first thing support checks.
    let lost_email = draft.with_untracked(|d| d.reason == Some(Reason::LostEmail));
    let emails_hint = if lost_email {
        "Start with the address you lost access to: support compares it with their records."
    } else {
        "Support can compare them with their records."
    };
    view! {
        <QuestionForm question=RequestQuestion::Evidence heading="What can support check?">
            <p class="body">"Both questions are optional, but each answer helps support find your account and see that it is yours."</p>
            <ListInput
                id="previous-emails"
                legend="Email addresses your account used before (optional)"
                hint=emails_hint
                item_label="Email address"
                add_label="Add another email address"
                rows=Signal::derive(move || draft.with(|d| d.previous_emails.clone()))
                on_change=Callback::new(move |rows: Vec<String>| draft.update(|d| d.previous_emails = rows))
                on_blur=blur(flow, RequestField::PreviousEmails)
                row_error=Callback::new(move |i: usize| flow.form.error(RequestField::PreviousEmail(i)).get())
                error=err(RequestField::PreviousEmails)
                max=MAX_PREVIOUS_EMAILS
                input_type="email"
                autocomplete="off"
            />
            <ListInput
                id="packages"
                legend="Packages you maintain (optional)"
                hint=format!("The project names on {site}, for example example-package. Support checks ownership through them.")
                item_label="Package name"
                add_label="Add another package"
                rows=Signal::derive(move || draft.with(|d| d.packages.clone()))
                on_change=Callback::new(move |rows: Vec<String>| draft.update(|d| d.packages = rows))
                on_blur=blur(flow, RequestField::Packages)
                row_error=Callback::new(move |i: usize| flow.form.error(RequestField::Package(i)).get())
                error=err(RequestField::Packages)
                max=MAX_PACKAGES
                autocomplete="off"
            />
        </QuestionForm>
    }
}
