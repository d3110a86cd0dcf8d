//! Lost 2FA and no usable codes: prove the account's email address with a
//! one-time code, then file the request with the proof attached.

use leptos::prelude::*;
use reclaim_core::codes::parse_email_code;
use reclaim_core::limits::{EMAIL_CODE_DIGITS, EMAIL_CODE_MINUTES};
use reclaim_core::validation::validate_typed_email;
use reclaim_core::wizard::{Answer, Branch, Step};
use reclaim_core::ErrorCode;

use super::{back_href, use_answer, Wizard};
use crate::api::{ApiClient, ApiError};
use crate::components::{
    Cooldown, ErrorSummary, FormField, FormState, Page, SubmitButton, TextInput,
};
use crate::handoff::EmailProof;

/// Seconds before another code can be asked for (the server allows 5 an hour).
const RESEND_AFTER_SECS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ProofField {
    Email,
    Code,
}

impl FormField for ProofField {
    fn id(self) -> String {
        String::from(match self {
            ProofField::Email => "email",
            ProofField::Code => "code",
        })
    }
    fn pointer(self) -> String {
        String::from(match self {
            ProofField::Email => "/email",
            ProofField::Code => "/code",
        })
    }
    fn message(self, code: ErrorCode) -> String {
        match (self, code) {
            (ProofField::Email, ErrorCode::Required) => {
                "Enter the email address of your account".into()
            }
            (ProofField::Code, ErrorCode::Required) => {
                "Enter the 8-digit code from the email".into()
            }
            (ProofField::Code, code) => reclaim_core::messages::email_code_message(code).into(),
            _ => reclaim_core::messages::message(code).into(),
        }
    }
}

/// Send a one-time code to `email`; `Ok` once it is on its way.
async fn send_code(client: ApiClient, email: String) -> Result<(), ApiError> {
    client.send_email_code(&email).await.map(|_| ())
}

#[component]
pub fn EnterEmailPage() -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let wizard = expect_context::<Wizard>();
    let answer = use_answer(Branch::NoCodes, Step::Email);
    let form = FormState::<ProofField>::new();
    let email = RwSignal::new(wizard.email_to_prove.get_untracked());
    let sending = RwSignal::new(false);
    let cooldown = Cooldown::new();
    let on_submit = {
        let answer = answer.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if sending.get_untracked() || cooldown.active().get_untracked() {
                return;
            }
            let typed = email.get_untracked().trim().to_string();
            if !form.submit([(ProofField::Email, validate_typed_email(&typed))]) {
                return;
            }
            sending.set(true);
            let (client, answer) = (client.clone(), answer.clone());
            leptos::task::spawn_local(async move {
                let result = send_code(client, typed.clone()).await;
                sending.set(false);
                match result {
                    Ok(()) => {
                        wizard.email_to_prove.set(typed);
                        answer(Answer::EmailCodeSent);
                    }
                    Err(err) => form.show_api_error(cooldown, ProofField::Email, &err),
                }
            });
        }
    };
    let cannot_read = move |_| answer(Answer::NothingWorked);
    view! {
        <Page title="Prove you can read your account\u{2019}s email" back=back_href(Branch::NoCodes, Step::Email) has_errors=form.has_errors()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <h1 class="heading-l">"Prove you can read your account\u{2019}s email"</h1>
            <p class="body">"Without your authenticator app or a recovery code, only support can let you back in. They first check that the account is yours. Proving that you can read the account\u{2019}s email address now makes that check quicker."</p>
            <p class="body">{format!("We will email you a code of {EMAIL_CODE_DIGITS} digits. It works for {EMAIL_CODE_MINUTES} minutes.")}</p>
            <form novalidate on:submit=on_submit>
                <TextInput
                    id="email"
                    label="Email address of your account"
                    value=email
                    on_input=Callback::new(move |v| email.set(v))
                    on_blur=Callback::new(move |_| form.blur(ProofField::Email, validate_typed_email(&email.get_untracked())))
                    error=form.error(ProofField::Email)
                    input_type="email"
                    autocomplete="email"
                    no_spellcheck=true
                    width="input--width-30"
                />
                <SubmitButton label="Send the code" busy="Sending…" sending=sending cooldown=cooldown/>
            </form>
            <p class="body">
                <button type="button" class="link-button" on:click=cannot_read>
                    "I cannot read the email address of my account"
                </button>
            </p>
        </Page>
    }
}

#[component]
pub fn EnterCodePage() -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let wizard = expect_context::<Wizard>();
    let answer = use_answer(Branch::NoCodes, Step::EmailCode);
    let form = FormState::<ProofField>::new();
    let email = wizard.email_to_prove.get_untracked();
    let code = RwSignal::new(String::new());
    let checking = RwSignal::new(false);
    let cooldown = Cooldown::new();
    let resend_wait = Cooldown::new();
    resend_wait.start(RESEND_AFTER_SECS);
    let resent = RwSignal::new(String::new());

    let on_submit = {
        let (client, email) = (client.clone(), email.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if checking.get_untracked() || cooldown.active().get_untracked() {
                return;
            }
            let parsed = parse_email_code(&code.get_untracked());
            if !form.submit([(
                ProofField::Code,
                parsed.as_ref().map(|_| ()).map_err(|e| *e),
            )]) {
                return;
            }
            let Ok(digits) = parsed else { return };
            checking.set(true);
            let (client, email, answer) = (client.clone(), email.clone(), answer.clone());
            leptos::task::spawn_local(async move {
                let result = client.confirm_email_code(&email, &digits).await;
                checking.set(false);
                match result {
                    Ok(proof) => {
                        let proven = EmailProof {
                            proof: proof.proof,
                            address: email.clone(),
                        };
                        // The repository proof is the next bundle's.
                        crate::page_store::put(&proven);
                        wizard.repository_proof.set(None);
                        wizard.email_proof.set(Some(proven));
                        answer(Answer::EmailProven);
                    }
                    Err(err) if err.code() == Some(reclaim_core::ProblemCode::EmailCodeInvalid) => {
                        form.refuse(
                            ProofField::Code,
                            ProofField::Code.message(ErrorCode::EmailCodeInvalid),
                        );
                    }
                    Err(err) => form.show_api_error(cooldown, ProofField::Code, &err),
                }
            });
        }
    };
    let resend = {
        let email = email.clone();
        move |_| {
            if resend_wait.active().get_untracked() {
                return;
            }
            let (client, email) = (client.clone(), email.clone());
            resent.set("Sending a new code…".to_string());
            leptos::task::spawn_local(async move {
                match send_code(client, email.clone()).await {
                    Ok(()) => {
                        resend_wait.start(RESEND_AFTER_SECS);
                        resent.set(format!(
                            "We have sent a new code to {email}. Only the newest code works."
                        ));
                    }
                    Err(err) => {
                        resent.set(String::new());
                        form.show_api_error(cooldown, ProofField::Code, &err);
                    }
                }
            });
        }
    };
    view! {
        <Page title="Enter the code from the email" back=back_href(Branch::NoCodes, Step::EmailCode) has_errors=form.has_errors()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <h1 class="heading-l">"Enter the code from the email"</h1>
            <p class="body">{format!("We have sent a code to {email}. It works for {EMAIL_CODE_MINUTES} minutes.")}</p>
            <form novalidate on:submit=on_submit>
                <TextInput
                    id="code"
                    label="Code from the email"
                    hint=format!("{EMAIL_CODE_DIGITS} digits, like 12345678.")
                    value=code
                    on_input=Callback::new(move |v| code.set(v))
                    on_blur=Callback::new(move |_| form.blur(ProofField::Code, parse_email_code(&code.get_untracked()).map(|_| ())))
                    error=form.error(ProofField::Code)
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    no_spellcheck=true
                    width="input--width-20"
                />
                <SubmitButton label="Continue" busy="Checking…" sending=checking cooldown=cooldown/>
            </form>
            <h2 class="heading-m">"If no email arrives"</h2>
            <p class="body">"Wait a few minutes and look in your spam folder. Then you can ask for a new code."</p>
            <p class="body">
                <button
                    type="button"
                    class="button button--secondary"
                    on:click=resend
                    disabled=move || resend_wait.active().get()
                >
                    {move || {
                        let left = resend_wait.seconds_left().get();
                        if left > 0 { format!("Send a new code (in {left} s)") } else { "Send a new code".to_string() }
                    }}
                </button>
            </p>
            <crate::components::StatusMessage text=resent/>
            <p class="body"><a class="link" href=back_href(Branch::NoCodes, Step::EmailCode)>"Use another email address"</a></p>
        </Page>
    }
}
