//! Verify the account's email address from inside the account: a code
//! mailed to it, typed back here. This is the only way an address becomes
//! verified (and so receives reset links): an anonymous one-time code from
//! the wizard proves a mailbox for a recovery request and nothing more.

use leptos::prelude::*;
use reclaim_core::api::AccountSecurity;
use reclaim_core::codes::parse_email_code;
use reclaim_core::limits::{EMAIL_CODE_DIGITS, EMAIL_CODE_MINUTES};
use reclaim_core::{ErrorCode, ProblemCode};

use super::authenticator::panel_failure;
use super::{Checkup, Panel, StepHeading};
use crate::api::ApiClient;
use crate::components::{
    Cooldown, ErrorSummary, FormField, FormState, StatusMessage, SubmitButton, TextInput,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct EmailCode;

impl FormField for EmailCode {
    fn id(self) -> String {
        String::from("email-code")
    }
    fn pointer(self) -> String {
        String::from("/code")
    }
    fn message(self, code: ErrorCode) -> String {
        match code {
            ErrorCode::Required => "Enter the code from the email".into(),
            other => reclaim_core::messages::email_code_message(other).into(),
        }
    }
}

#[component]
pub fn VerifyEmail(security: AccountSecurity) -> impl IntoView {
    let checkup = expect_context::<Checkup>();
    let client = expect_context::<ApiClient>();
    let email = security.email.clone();
    if security.email_verified {
        return view! {
            <StepHeading text="Your email address is verified"/>
            <p class="body">{format!("{email} is verified: reset links and support's replies go there.")}</p>
            <p class="body"><button type="button" class="button" on:click=move |_| checkup.open(Panel::Overview)>"Back to the checkup"</button></p>
        }
        .into_any();
    }
    let sent = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let status = RwSignal::new(String::new());
    let form = FormState::<EmailCode>::new();
    let cooldown = Cooldown::new();
    let code = RwSignal::new(String::new());
    let checking = RwSignal::new(false);

    let send = {
        let (client, email) = (client.clone(), email.clone());
        move || {
            if sending.get_untracked() || cooldown.active().get_untracked() {
                return;
            }
            sending.set(true);
            status.set("Sending…".into());
            let (client, email) = (client.clone(), email.clone());
            leptos::task::spawn_local(async move {
                let result = client.send_account_email_code().await;
                sending.set(false);
                match result {
                    Ok(_) => {
                        status.set(format!("We have sent a code to {email}."));
                        sent.set(true);
                    }
                    Err(err) => {
                        status.set(String::new());
                        if panel_failure(checkup, &err).is_some() {
                            form.show_api_error(cooldown, EmailCode, &err);
                        }
                    }
                }
            });
        }
    };

    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if checking.get_untracked() || cooldown.active().get_untracked() {
            return;
        }
        let parsed = parse_email_code(&code.get_untracked());
        if !form.submit([(EmailCode, parsed.as_ref().map(|_| ()).map_err(|e| *e))]) {
            return;
        }
        let Ok(digits) = parsed else { return };
        checking.set(true);
        let client = client.clone();
        leptos::task::spawn_local(async move {
            let result = client.confirm_account_email(&digits).await;
            checking.set(false);
            match result {
                Ok(_) => checkup.changed(
                    "Your email address is verified: reset links and support's replies go there.",
                ),
                Err(err) if err.code() == Some(ProblemCode::EmailCodeInvalid) => {
                    form.refuse(EmailCode, EmailCode.message(ErrorCode::EmailCodeInvalid));
                }
                Err(err) => {
                    if panel_failure(checkup, &err).is_some() {
                        form.show_api_error(cooldown, EmailCode, &err);
                    }
                }
            }
        });
    };

    let send_first = send.clone();
    let send_again = send;
    (move || {
        if !sent.get() {
            let send_first = send_first.clone();
            return view! {
                <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
                <StepHeading text="Verify your email address"/>
                <p class="body">{format!("We will email a code to {}. Type it in here to show that the address is yours. Then password reset links can go to it.", security.email)}</p>
                <div class="button-group">
                    <button type="button" class="button" on:click=move |_| send_first() disabled=move || sending.get() || cooldown.active().get()>"Send the code"</button>
                    <button type="button" class="button button--secondary" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button>
                </div>
                <StatusMessage text=status/>
            }
            .into_any();
        }
        let send_again = send_again.clone();
        view! {
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <StepHeading text="Enter the code from the email"/>
            <p class="body">{format!("It works for {EMAIL_CODE_MINUTES} minutes.")}</p>
            <form novalidate on:submit=confirm.clone()>
                <TextInput
                    id="email-code"
                    label="Code from the email"
                    hint=format!("{EMAIL_CODE_DIGITS} digits, like 12345678.")
                    value=code
                    on_input=Callback::new(move |v| code.set(v))
                    error=form.error(EmailCode)
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    no_spellcheck=true
                    width="input--width-20"
                />
                <SubmitButton label="Verify my email address" busy="Checking…" sending=checking cooldown=cooldown/>
            </form>
            <StatusMessage text=status/>
            <p class="body">
                <button type="button" class="link-button" on:click=move |_| send_again() disabled=move || sending.get()>"Send a new code"</button>
            </p>
            <p class="body"><button type="button" class="link-button" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button></p>
        }
        .into_any()
    })
    .into_any()
}
