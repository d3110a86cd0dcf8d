//! `/status/new-token`: "I do not have my status token". The token was
//! shown once; a requester who switched apps on a phone lost it for good.
//! Here the request's contact address gets a one-time code, and the code a
//! new token (the old one stops working). Nothing is stored on the way: the
//! new token goes to the status page in memory, as if pasted.
//!
//! The server answers the first step alike for an unknown ID, a wrong
//! address and a match, so the page says "if" too.

use leptos::prelude::*;
use reclaim_core::codes::parse_email_code;
use reclaim_core::limits::{EMAIL_CODE_DIGITS, EMAIL_CODE_MINUTES};
use reclaim_core::route::Route;
use reclaim_core::validation::validate_typed_email;
use reclaim_core::{ErrorCode, ProblemCode};

use super::StatusKeys;
use crate::api::ApiClient;
use crate::browser;
use crate::components::{
    Cooldown, ErrorSummary, FormField, FormState, Page, SubmitButton, TextInput,
};
use crate::failure_words;
use crate::router::{use_navigate, NavigateOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    RequestId,
    ContactEmail,
    Code,
}

impl FormField for Field {
    fn id(self) -> String {
        String::from(match self {
            Field::RequestId => "request-id",
            Field::ContactEmail => "contact-email",
            Field::Code => "code",
        })
    }
    fn pointer(self) -> String {
        String::from(match self {
            Field::RequestId => "",
            Field::ContactEmail => "/contact_email",
            Field::Code => "/code",
        })
    }
    fn message(self, code: ErrorCode) -> String {
        match (self, code) {
            (Field::RequestId, _) => failure_words::ENTER_REQUEST_ID.into(),
            (Field::ContactEmail, ErrorCode::Required) => {
                "Enter the contact email address of your request".into()
            }
            (Field::Code, ErrorCode::Required) => "Enter the code from the email".into(),
            (Field::Code, other) => reclaim_core::messages::email_code_message(other).into(),
            (_, other) => reclaim_core::messages::message(other).into(),
        }
    }
}

/// `/status/new-token`
#[component]
pub fn NewTokenPage() -> impl IntoView {
    let keys = expect_context::<StatusKeys>();
    let client = expect_context::<ApiClient>();
    let navigate = use_navigate();
    let form = FormState::<Field>::new();
    let email = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // The address the code went to, once it is asked for.
    let mailed = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let cooldown = Cooldown::new();

    let ask_for_code = {
        let client = client.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if sending.get_untracked() || cooldown.active().get_untracked() {
                return;
            }
            let (id, typed) = (keys.id.get_untracked(), email.get_untracked());
            let id_given = if id.trim().is_empty() {
                Err(ErrorCode::Required)
            } else {
                Ok(())
            };
            if !form.submit([
                (Field::RequestId, id_given),
                (Field::ContactEmail, validate_typed_email(&typed)),
            ]) {
                return;
            }
            sending.set(true);
            let client = client.clone();
            leptos::task::spawn_local(async move {
                let result = client.mail_status_code(&id, &typed).await;
                sending.set(false);
                match result {
                    Ok(_) => {
                        mailed.set(Some(typed.trim().to_string()));
                        // The form it was typed in is gone: on to the next.
                        request_animation_frame(|| {
                            browser::focus_id("code");
                        });
                    }
                    Err(err) => form.show_api_error(cooldown, Field::ContactEmail, &err),
                }
            });
        }
    };

    let use_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() || cooldown.active().get_untracked() {
            return;
        }
        let parsed = parse_email_code(&code.get_untracked());
        if !form.submit([(Field::Code, parsed.as_ref().map(|_| ()).map_err(|e| *e))]) {
            return;
        }
        let Ok(digits) = parsed else { return };
        sending.set(true);
        let (client, navigate) = (client.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            let result = client
                .new_status_token(&keys.id.get_untracked(), &digits)
                .await;
            sending.set(false);
            match result {
                Ok(answer) => {
                    keys.token.set(answer.status_token);
                    keys.new_token.set(true);
                    navigate(&Route::Status.path(), NavigateOptions::default());
                }
                Err(err) if err.code() == Some(ProblemCode::EmailCodeInvalid) => {
                    form.refuse(
                        Field::Code,
                        Field::Code.message(ErrorCode::EmailCodeInvalid),
                    );
                }
                Err(err) => form.show_api_error(cooldown, Field::Code, &err),
            }
        });
    };

    let heading = move || match mailed.get() {
        None => "Get a new status token",
        Some(_) => "Enter the code from the email",
    };
    view! {
        <Page title=Signal::derive(move || heading().to_string()) has_errors=form.has_errors() back=Route::Status.path()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <h1 class="heading-l">{heading}</h1>
            {move || match mailed.get() {
                None => view! {
                    <p class="body">
                        "We can email a code to the contact address you gave in your request. With the code you get a new status token, and the old one stops working."
                    </p>
                    <form novalidate on:submit=ask_for_code.clone()>
                        <TextInput
                            id="request-id"
                            label="Request ID"
                            hint="It is in the email we sent when you sent your request, for example RR-2026-000123."
                            value=keys.id
                            on_input=Callback::new(move |v: String| keys.id.set(v))
                            error=form.error(Field::RequestId)
                            autocomplete="off"
                            no_spellcheck=true
                            width="input--width-20"
                        />
                        <TextInput
                            id="contact-email"
                            label="Contact email address"
                            hint="The address you gave for support to write to."
                            value=email
                            on_input=Callback::new(move |v: String| email.set(v))
                            on_blur=Callback::new(move |_| form.blur(Field::ContactEmail, validate_typed_email(&email.get_untracked())))
                            error=form.error(Field::ContactEmail)
                            input_type="email"
                            autocomplete="email"
                            no_spellcheck=true
                            width="input--width-30"
                        />
                        <SubmitButton label="Email me a code" busy="Sending…" sending=sending cooldown=cooldown/>
                    </form>
                }
                .into_any(),
                Some(address) => view! {
                    <p class="body">{format!(
                        "If request {} has the contact address {address}, we have sent a code to it. It works for {EMAIL_CODE_MINUTES} minutes.",
                        keys.id.get_untracked().trim()
                    )}</p>
                    <form novalidate on:submit=use_code.clone()>
                        <TextInput
                            id="code"
                            label="Code from the email"
                            hint=format!("{EMAIL_CODE_DIGITS} digits, like 12345678.")
                            value=code
                            on_input=Callback::new(move |v| code.set(v))
                            error=form.error(Field::Code)
                            autocomplete="one-time-code"
                            inputmode="numeric"
                            no_spellcheck=true
                            width="input--width-20"
                        />
                        <SubmitButton label="Get a new status token" busy="Checking…" sending=sending cooldown=cooldown/>
                    </form>
                    <h2 class="heading-m">"If no email arrives"</h2>
                    <p class="body">"Wait a few minutes and look in your spam folder. Check the request ID and the address: a code is sent only when both are those of one request."</p>
                    <p class="body">
                        <button type="button" class="link-button" on:click=move |_| {
                            code.set(String::new());
                            form.clear();
                            mailed.set(None);
                        }>"Check the request ID and address"</button>
                    </p>
                }
                .into_any(),
            }}
        </Page>
    }
}
