//! `/request/contact`: where support writes, and the proof the wizard
//! attached for it.

use leptos::prelude::*;
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::route::Route;

use super::{blur, set, text, QuestionForm};
use crate::components::TextInput;
use crate::pages::request::{RequestField, RequestFlow};
use crate::prefetch::prefetch_page;
use crate::router::use_router;

pub fn view(flow: RequestFlow) -> impl IntoView {
    let draft = flow.draft;
    // The last question: "Check your answers" is another bundle, so its
    // code is fetched while the user types here.
    prefetch_page(&Route::RequestCheck.path(), use_router().bundle());
    view! {
        <QuestionForm question=RequestQuestion::Contact heading="How can support reach you?">
            <TextInput
                id="contact-email"
                label="Contact email address"
                hint="An address you can read now. Support will write to you there, and you must answer by email. It must not be an address you lost access to."
                value=text(flow, |d| &d.contact_email)
                on_input=set(flow, |d, v| d.contact_email = v)
                on_blur=blur(flow, RequestField::ContactEmail)
                error=flow.form.error(RequestField::ContactEmail)
                input_type="email"
                autocomplete="email"
                no_spellcheck=true
                width="input--width-30"
            />
            <Show when=move || draft.with(|d| d.email_proof.is_some())>
                <div class="inset-text">
                    {move || format!(
                        "Your request will include the proof that you can read {}, which you verified with a one-time code.",
                        draft.with(|d| d.email_proof_address.clone().unwrap_or_else(|| "your email address".into()))
                    )}
                </div>
            </Show>
        </QuestionForm>
    }
}
