//! Signing in, reused by the wizard and the checkup: the password step, then
//! the second-factor step (authenticator code or recovery code).
//!
//! What is typed is normalised and recognised before anything is sent: a
//! 6-digit authenticator code in the recovery-code field, a recovery code in
//! the authenticator field, a setup key, an email code or an API token each
//! get words that say what it is. Nothing typed here is stored anywhere but
//! in this component's memory.

use leptos::prelude::*;
use reclaim_core::api::{LoginOutcome, SecondFactor, SecondFactorChallenge};
use reclaim_core::codes::{parse_recovery_code_with, parse_totp_code_with};
use reclaim_core::validation::require;
use reclaim_core::{ErrorCode, ProblemCode};

use super::{
    Cooldown, ErrorSummary, FormField, FormState, PasswordToggle, SubmitButton, TextInput,
};
use crate::api::ApiClient;
use crate::config::use_config;
use crate::failure_words;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Credential {
    Username,
    Password,
}

impl FormField for Credential {
    fn id(self) -> String {
        String::from(match self {
            Credential::Username => "username",
            Credential::Password => "password",
        })
    }
    fn pointer(self) -> String {
        String::from(match self {
            Credential::Username => "/username",
            Credential::Password => "/password",
        })
    }
    fn message(self, code: ErrorCode) -> String {
        match (self, code) {
            (Credential::Username, ErrorCode::Required) => "Enter your username".into(),
            (Credential::Password, ErrorCode::Required) => "Enter your password".into(),
            _ => reclaim_core::messages::message(code).into(),
        }
    }
}

/// Username and password. `on_outcome` gets a session or a challenge.
#[component]
pub fn PasswordStep(
    #[prop(into)] heading: String,
    on_outcome: Callback<LoginOutcome>,
    /// Shown above the fields (why this page asks for the password).
    #[prop(optional, into)]
    notice: Option<String>,
    children: Children,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let form = FormState::<Credential>::new();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let cooldown = Cooldown::new();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() || cooldown.active().get_untracked() {
            return;
        }
        let (user, pass) = (username.get_untracked(), password.get_untracked());
        if !form.submit([
            (Credential::Username, require(&user)),
            (Credential::Password, require(&pass)),
        ]) {
            return;
        }
        sending.set(true);
        let client = client.clone();
        leptos::task::spawn_local(async move {
            let result = client.login(&user, &pass).await;
            sending.set(false);
            match result {
                Ok(outcome) => {
                    password.set(String::new());
                    form.clear();
                    on_outcome.run(outcome);
                }
                Err(err) => {
                    if err.code() == Some(ProblemCode::InvalidCredentials) {
                        password.set(String::new());
                    }
                    form.show_api_error(cooldown, Credential::Password, &err);
                }
            }
        });
    };

    view! {
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <h1 class="heading-l">{heading}</h1>
            {notice.filter(|n| !n.is_empty()).map(|n| view! { <div class="inset-text" role="status">{n}</div> })}
            {children()}
            <form novalidate on:submit=on_submit>
                <TextInput
                    id="username"
                    label="Username"
                    value=username
                    on_input=Callback::new(move |v| username.set(v))
                    on_blur=Callback::new(move |_| form.blur(Credential::Username, require(&username.get_untracked())))
                    error=form.error(Credential::Username)
                    autocomplete="username"
                    no_spellcheck=true
                    width="input--width-20"
                />
                <TextInput
                    id="password"
                    label="Password"
                    value=password
                    on_input=Callback::new(move |v| password.set(v))
                    error=form.error(Credential::Password)
                    input_type="password"
                    autocomplete="current-password"
                    width="input--width-20"
                />
    <PasswordToggle input_id="password"/>
                <SubmitButton label="Continue" busy="Signing in…" sending=sending cooldown=cooldown/>
            </form>
        }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct CodeField;

impl FormField for CodeField {
    fn id(self) -> String {
        String::from("code")
    }
    fn pointer(self) -> String {
        String::from("/code")
    }
    fn message(self, code: ErrorCode) -> String {
        match code {
            ErrorCode::Required => "Enter the code".into(),
            other => reclaim_core::messages::message(other).into(),
        }
    }
}

/// The second step: a code from the authenticator app or a recovery code.
#[component]
pub fn SecondFactorStep(
    challenge: SecondFactorChallenge,
    /// The kind of code asked for first (the user can switch when the
    /// account has both).
    first: SecondFactor,
    #[prop(into)] heading: String,
    /// Signed in: the username, and the kind of code that did it.
    on_signed_in: Callback<(String, SecondFactor)>,
    /// The 300 s step ended: sign in again with the password.
    on_expired: Callback<()>,
    /// A code was refused (to count stale-code attempts, say).
    #[prop(optional)]
    on_refused: Option<Callback<ProblemCode>>,
    children: Children,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let config = use_config();
    let prefix = config.api_token_prefix.clone();
    let site = config.site_name.clone();
    let form = FormState::<CodeField>::new();
    let code = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let cooldown = Cooldown::new();
    // The codes this step takes; a security key has its own step
    // (`super::key_sign_in`), on the sign-in page.
    let has = |m| challenge.methods.contains(&m);
    let method = RwSignal::new(if has(first) {
        first
    } else if has(SecondFactor::Totp) {
        SecondFactor::Totp
    } else {
        SecondFactor::RecoveryCode
    });
    let can_switch = has(SecondFactor::Totp) && has(SecondFactor::RecoveryCode);
    let token = StoredValue::new(challenge.token.clone());
    let set_made = StoredValue::new(challenge.recovery_codes.generated_at.clone());

    let parse = {
        let prefix = prefix.clone();
        move |input: &str| match method.get_untracked() {
            SecondFactor::Totp => parse_totp_code_with(input, &prefix),
            _ => parse_recovery_code_with(input, &prefix),
        }
    };
    let parse_on_blur = parse.clone();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() || cooldown.active().get_untracked() {
            return;
        }
        let parsed = parse(&code.get_untracked());
        if !form.submit([(CodeField, parsed.as_ref().map(|_| ()).map_err(|e| *e))]) {
            return;
        }
        let Ok(normalised) = parsed else { return };
        sending.set(true);
        let client = client.clone();
        let kind = method.get_untracked();
        leptos::task::spawn_local(async move {
            let token = token.get_value();
            let result = match kind {
                SecondFactor::Totp => client.login_totp(&token, &normalised).await,
                _ => client.login_recovery_code(&token, &normalised).await,
            };
            sending.set(false);
            match result {
                Ok(LoginOutcome::Session { username, .. }) => {
                    code.set(String::new());
                    on_signed_in.run((username, kind));
                }
                Ok(LoginOutcome::SecondFactor(_)) => form.fail(failure_words::UNEXPECTED),
                Err(err) if err.code() == Some(ProblemCode::ChallengeExpired) => on_expired.run(()),
                Err(err) => {
                    if let (Some(cb), Some(code)) = (on_refused, err.code()) {
                        cb.run(code);
                    }
                    match (err.code(), set_made.get_value()) {
                        // The date of the current set is known: say it.
                        (Some(ProblemCode::RecoveryCodeInvalid), Some(at)) => form.refuse(
                            CodeField,
                            reclaim_core::messages::recovery_code_invalid_since(
                                &crate::browser::format_timestamp(&at),
                            ),
                        ),
                        _ => form.show_api_error(cooldown, CodeField, &err),
                    }
                }
            }
        });
    };

    let switch = move |_| {
        method.update(|m| {
            *m = match *m {
                SecondFactor::Totp => SecondFactor::RecoveryCode,
                _ => SecondFactor::Totp,
            }
        });
        code.set(String::new());
        form.clear();
    };

    view! {
        <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
        <h1 class="heading-l">{heading}</h1>
        {children()}
        <form novalidate on:submit=on_submit>
            {move || {
                let (label, hint, inputmode) = match method.get() {
                    SecondFactor::RecoveryCode | SecondFactor::SecurityKey => (
                        "Recovery code".to_string(),
                        "One of the 16-character codes you saved, like 0123 4567 89ab cdef. Spaces, dashes and capitals do not matter. Each code works once.".to_string(),
                        None,
                    ),
                    SecondFactor::Totp => (
                        "Code from your authenticator app".to_string(),
                        format!("The 6-digit code your app shows now for {site}."),
                        Some("numeric"),
                    ),
                };
                let parse = parse_on_blur.clone();
                let inputmode = inputmode.unwrap_or("text");
                view! {
                    <TextInput
                        id="code"
                        label=label
                        hint=hint
                        value=code
                        on_input=Callback::new(move |v| code.set(v))
                        on_blur=Callback::new(move |_| form.blur(CodeField, parse(&code.get_untracked()).map(|_| ())))
                        error=form.error(CodeField)
                        autocomplete="one-time-code"
                        inputmode=inputmode
                        no_spellcheck=true
                        width="input--width-20"
                    />
                }
            }}
            <SubmitButton label="Continue" busy="Checking…" sending=sending cooldown=cooldown/>
        </form>
        {can_switch.then(|| view! {
            <p class="body">
                <button type="button" class="link-button" on:click=switch>
                    {move || match method.get() {
                        SecondFactor::Totp => "Use a recovery code instead",
                        _ => "Use your authenticator app instead",
                    }}
                </button>
            </p>
        })}
    }
}
