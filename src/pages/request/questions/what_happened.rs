//! `/request/what-happened`: why, what about the codes (only if the wizard
//! does not know yet), what happened and when.

use leptos::prelude::*;
use reclaim_core::api::{Reason, RecoveryCodesStatus};
use reclaim_core::request_questions::RequestQuestion;

use super::{blur, set, text, QuestionForm};
use crate::browser;
use crate::components::{DateInput, RadioOption, Radios, Textarea};
use crate::draft::MAX_DETAILS_CHARS;
use crate::pages::request::{codes_status_label, reason_label, RequestField, RequestFlow};

pub fn view(flow: RequestFlow) -> impl IntoView {
    let draft = flow.draft;
    let err = move |field: RequestField| flow.form.error(field);
    // The Change link of the codes answer asks it again.
    if browser::location_hash().as_deref() == Some("recovery-codes-status") {
        draft.update(|d| d.codes_known = false);
    }
    let reason_options = Reason::ALL
        .into_iter()
        .map(|r| RadioOption::new(r.as_str(), reason_label(r)))
        .collect::<Vec<_>>();
    let codes_options = StoredValue::new(
        RecoveryCodesStatus::ALL
            .into_iter()
            .map(|s| RadioOption::new(s.as_str(), codes_status_label(s)))
            .collect::<Vec<_>>(),
    );
    // Asked only where codes are the problem, so nobody has to tick a
    // false answer (see `Reason::concerns_recovery_codes`), and not again
    // when the wizard has the answer.
    let ask_codes = move || {
        draft.with(|d| {
            d.reason.is_some_and(|r| r.concerns_recovery_codes())
                && !(d.codes_known && d.recovery_codes_status.is_some())
        })
    };
    view! {
        <QuestionForm question=RequestQuestion::WhatHappened heading="What happened?">
            <Radios
                id="reason"
                legend="Why are you asking for help?"
                options=reason_options
                selected=Signal::derive(move || draft.with(|d| d.reason.map(|r| r.as_str().to_string())))
                on_change=Callback::new(move |v: String| {
                    // Another reason: what the wizard knew about codes may not hold.
                    draft.update(|d| {
                        d.reason = Reason::parse(&v);
                        d.codes_known = false;
                    });
                    flow.validate_field(RequestField::Reason);
                })
                error=err(RequestField::Reason)
            />
            <Show when=ask_codes>
                <Radios
                    id="recovery-codes-status"
                    legend="What about your recovery codes?"
                    hint="Do not enter the codes themselves, here or anywhere else."
                    options=codes_options.get_value()
                    selected=Signal::derive(move || {
                        draft.with(|d| d.recovery_codes_status.map(|s| s.as_str().to_string()))
                    })
                    on_change=Callback::new(move |v: String| {
                        draft.update(|d| d.recovery_codes_status = RecoveryCodesStatus::parse(&v));
                        flow.validate_field(RequestField::RecoveryCodesStatus);
                    })
                    error=err(RequestField::RecoveryCodesStatus)
                />
            </Show>
            <Textarea
                id="details"
                label="Tell us what happened"
                hint="For example, when you last signed in, what changed, and what you tried. Do not include any codes."
                value=text(flow, |d| &d.details)
                on_input=set(flow, |d, v| d.details = v)
                on_blur=blur(flow, RequestField::Details)
                error=err(RequestField::Details)
                max_chars=MAX_DETAILS_CHARS
            />
            <DateInput
                id="lost-access-on"
                legend="When did you lose access? (optional)"
                hint="For example, 14 5 2026. Leave it empty if you do not know."
                day=text(flow, |d| &d.lost_day)
                month=text(flow, |d| &d.lost_month)
                year=text(flow, |d| &d.lost_year)
                on_input=Callback::new(move |(part, v): (&'static str, String)| {
                    draft.update(|d| match part {
                        "day" => d.lost_day = v,
                        "month" => d.lost_month = v,
                        _ => d.lost_year = v,
                    })
                })
                on_blur=blur(flow, RequestField::LostAccessOn)
                error=err(RequestField::LostAccessOn)
            />
        </QuestionForm>
    }
}
