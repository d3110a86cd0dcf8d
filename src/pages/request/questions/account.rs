//! `/request`: which account it is. The first page: what it is for, the
//! warning about codes, and "Start again".

use leptos::prelude::*;
use reclaim_core::request_questions::RequestQuestion;

use super::{blur, set, text, QuestionForm};
use crate::browser;
use crate::components::{Checkbox, StatusMessage, TextInput, WarningText};
use crate::config::use_config;
use crate::pages::request::{RequestField, RequestFlow};

pub fn view(flow: RequestFlow) -> impl IntoView {
    let site = use_config().site_name;
    let draft = flow.draft;
    let err = move |field: RequestField| flow.form.error(field);
    let username_hint = format!(
        "The name you sign in to {site} with, like jbber, not your email address. If you do not know it, tick the box below."
    );
    let cleared = RwSignal::new(String::new());
    let start_again = move |_| {
        flow.start_again();
        cleared.set("Your answers have been cleared. You can start again.".to_string());
        browser::focus_id("main-content");
        browser::scroll_to_top();
    };
    let start_again = view! {
        <p class="body">
            <button type="button" class="link-button" on:click=start_again>"Start again"</button>
        </p>
    }
    .into_any();
    view! {
        <QuestionForm question=RequestQuestion::Account heading="Which account do you need back?" after=start_again>
            <StatusMessage text=cleared/>
            <p class="body">
                "A few short questions help support check that the account is yours. You can check your answers before you send them; they are kept in this browser tab until then."
            </p>
            <WarningText>
                "Never enter your password, your recovery codes or a code from your authenticator app in these answers. Support will never ask for them."
            </WarningText>
            <Show
                when=move || !draft.with(|d| d.unknown_username)
                fallback=move || view! {
                    <TextInput
                        id="account-email"
                        label="Email address your account used"
                        hint="We will use it to find your account. It will not be shown to anyone else."
                        value=text(flow, |d| &d.account_email)
                        on_input=set(flow, |d, v| d.account_email = v)
                        on_blur=blur(flow, RequestField::AccountEmail)
                        error=err(RequestField::AccountEmail)
                        input_type="email"
                        autocomplete="email"
                        no_spellcheck=true
                        width="input--width-30"
                    />
                }
            >
                <TextInput
                    id="username"
                    label="Username"
                    hint=username_hint.clone()
                    value=text(flow, |d| &d.username)
                    on_input=set(flow, |d, v| d.username = v)
                    on_blur=blur(flow, RequestField::Username)
                    error=err(RequestField::Username)
                    autocomplete="username"
                    no_spellcheck=true
                    width="input--width-20"
                />
            </Show>
            <Checkbox
                id="unknown-username"
                label="I do not know my username"
                checked=Signal::derive(move || draft.with(|d| d.unknown_username))
                on_change=Callback::new(move |v: bool| {
                    draft.update(|d| d.unknown_username = v);
                    // Errors of the hidden question no longer apply.
                    flow.form.clear_field(RequestField::Username);
                    flow.form.clear_field(RequestField::AccountEmail);
                })
            />
        </QuestionForm>
    }
}
