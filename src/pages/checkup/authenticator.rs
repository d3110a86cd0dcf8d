//! Set up an authenticator app from a QR code; remove or replace it.

use leptos::prelude::*;
use reclaim_core::api::{AccountSecurity, TotpSetup};
use reclaim_core::codes::{format_totp_secret_for_display, parse_totp_code_with};
use reclaim_core::{ErrorCode, ProblemCode};

use super::reauth::ReauthForm;
use super::{Checkup, Panel, StepHeading};
use crate::api::{ApiClient, ApiError};
use crate::browser;
use crate::components::qr::QrCode;
use crate::components::{
    ErrorSummary, FormField, FormState, StatusMessage, TextInput, WarningText,
};
use crate::config::use_config;
use crate::failure_words;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct AppCode;

impl FormField for AppCode {
    fn id(self) -> String {
        String::from("totp-code")
    }
    fn pointer(self) -> String {
        String::from("/code")
    }
    fn message(self, code: ErrorCode) -> String {
        match code {
            ErrorCode::Required => "Enter the 6-digit code your app shows now".into(),
            other => reclaim_core::messages::message(other).into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Password,
    Starting,
    /// No setup came back (an error, or no answer in time).
    Failed(String),
    Scan(TotpSetup),
}

/// What a failed call of a panel means: the session is gone, the password
/// is needed again, or words for the form.
pub fn panel_failure(checkup: Checkup, err: &ApiError) -> Option<String> {
    if err.is_session_lost() {
        checkup.session_lost();
        return None;
    }
    if err.code() == Some(ProblemCode::ReauthRequired) {
        checkup.reauth_expired();
    }
    Some(failure_words::api_error(err))
}

#[component]
pub fn SetUp(security: AccountSecurity) -> impl IntoView {
    let checkup = expect_context::<Checkup>();
    if security.totp_enabled {
        // One authenticator per account: this address opened by a link or a
        // reload after the app was set up leads on to replacing it.
        leptos::task::spawn_local(async move { checkup.open(Panel::RemoveAuthenticator) });
        return ().into_any();
    }
    let client = expect_context::<ApiClient>();
    let config = use_config();
    let prefix = config.api_token_prefix.clone();
    let stage = RwSignal::new(if checkup.needs_reauth() {
        Stage::Password
    } else {
        Stage::Starting
    });
    let problem = RwSignal::new(None::<String>);

    let start = {
        let client = client.clone();
        move || {
            stage.set(Stage::Starting);
            let client = client.clone();
            leptos::task::spawn_local(async move {
                match client.start_totp_setup().await {
                    Ok(setup) => {
                        stage.set(Stage::Scan(setup));
                        request_animation_frame(|| {
                            browser::focus_id("panel-heading");
                        });
                    }
                    Err(err) => {
                        let Some(words) = panel_failure(checkup, &err) else {
                            return; // signed out: on the way to sign-in
                        };
                        if err.code() == Some(ProblemCode::ReauthRequired) {
                            problem.set(Some(words));
                            stage.set(Stage::Password);
                        } else {
                            stage.set(Stage::Failed(words));
                        }
                    }
                }
            });
        }
    };
    if stage.get_untracked() == Stage::Starting {
        start();
    }
    let on_reauth = {
        let start = start.clone();
        Callback::new(move |_| start())
    };
    let start_again = start.clone();
    let form = FormState::<AppCode>::new();
    let code = RwSignal::new(String::new());
    let copied = RwSignal::new(String::new());
    let sending = RwSignal::new(false);

    let confirm = {
        let client = client.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if sending.get_untracked() {
                return;
            }
            let parsed = parse_totp_code_with(&code.get_untracked(), &prefix);
            if !form.submit([(AppCode, parsed.as_ref().map(|_| ()).map_err(|e| *e))]) {
                return;
            }
            let Ok(digits) = parsed else { return };
            sending.set(true);
            let client = client.clone();
            leptos::task::spawn_local(async move {
                let result = client.confirm_totp_setup(&digits).await;
                sending.set(false);
                match result {
                    Ok(_) => checkup.changed(
                        "Your authenticator app is set up. Next, generate recovery codes.",
                    ),
                    Err(err) if err.code() == Some(ProblemCode::TotpSetupExpired) => {
                        form.fail(failure_words::api_error(&err));
                        stage.set(Stage::Password);
                    }
                    Err(err) => {
                        match err.code().and_then(reclaim_core::messages::problem_message) {
                            Some(words)
                                if matches!(
                                    err.code(),
                                    Some(ProblemCode::TotpInvalid | ProblemCode::TotpOutOfSync)
                                ) =>
                            {
                                form.refuse(AppCode, words)
                            }
                            _ => {
                                if let Some(words) = panel_failure(checkup, &err) {
                                    form.fail(words);
                                }
                            }
                        }
                    }
                }
            });
        }
    };

    let site = config.site_name.clone();
    let username = security.username.clone();
    (move || {
        match stage.get() {
        Stage::Password => view! {
            {move || problem.get().map(|p| view! { <p class="body" role="alert">{p}</p> })}
            <ReauthForm
                heading="Set up an authenticator app"
                why="Enter your password again to change how you sign in."
                on_done=on_reauth
            />
            <p class="body"><button type="button" class="link-button" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button></p>
        }
        .into_any(),
        Stage::Starting => view! { <p class="body" role="status">"Preparing your QR code\u{2026}"</p> }.into_any(),
        Stage::Failed(words) => {
            let start_again = start_again.clone();
            view! {
                <StepHeading text="Your QR code was not made"/>
                <p class="body" role="alert">{words}</p>
                <div class="button-group">
                    <button type="button" class="button" on:click=move |_| start_again()>"Try again"</button>
                    <button type="button" class="button button--secondary" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button>
                </div>
            }
            .into_any()
        }
        Stage::Scan(setup) => {
            let secret = setup.secret.clone();
            let grouped = format_totp_secret_for_display(&setup.secret);
            let copy_secret = move |_| {
                let secret = secret.clone();
                leptos::task::spawn_local(async move {
                    let ok = browser::copy_to_clipboard(&secret).await;
                    copied.set(if ok { "Setup key copied".into() } else { "Copying did not work: select the key and copy it".into() });
                });
            };
            let confirm = confirm.clone();
            view! {
                <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
                <StepHeading text="Add your account to an authenticator app"/>
                <ol class="list list--number">
                    <li>"Open an authenticator app, such as a password manager with one-time codes, and choose to add an account."</li>
                    <li>"On this phone, open the account in the app or type the setup key. On a computer, scan the QR code with your phone."</li>
                    <li>"Enter the 6-digit code the app then shows."</li>
                </ol>
                // The key first in the page (a phone cannot scan its own
                // screen); wide screens show the QR code first.
                <div class="totp-setup">
                    <div class="totp-setup__key">
                        <h2 class="heading-m">"Setup key"</h2>
                        <p class="body">"The setup key is the secret your app makes its codes from. Type it into the app, or open the account in the app straight from here:"</p>
                        <p class="secret-key" id="totp-secret">{grouped}</p>
                        <div class="button-group">
                            <a class="button button--secondary" href=setup.otpauth_uri.clone() rel="external">"Open in your authenticator app"</a>
                            <button type="button" class="button button--secondary" on:click=copy_secret>"Copy the setup key"</button>
                        </div>
                        <StatusMessage text=copied/>
                    </div>
                    <div class="totp-setup__qr">
                        <h2 class="heading-m">"QR code"</h2>
                        <QrCode text=setup.otpauth_uri.clone() label=format!("QR code to add {site} ({username}) to an authenticator app. If you cannot scan it, type the setup key.")/>
                    </div>
                </div>
                <WarningText>"Never share this key: anyone who has it can make your codes."</WarningText>
                <form novalidate on:submit=confirm>
                    <TextInput
                        id="totp-code"
                        label="Code from your authenticator app"
                        hint="6 digits, like 123456."
                        value=code
                        on_input=Callback::new(move |v| code.set(v))
                        error=form.error(AppCode)
                        autocomplete="one-time-code"
                        inputmode="numeric"
                        no_spellcheck=true
                        width="input--width-20"
                    />
                    <button type="submit" class="button" disabled=move || sending.get()>
                        {move || if sending.get() { "Checking…" } else { "Turn on two-factor authentication" }}
                    </button>
                </form>
                <p class="body"><button type="button" class="link-button" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button></p>
            }
            .into_any()
        }
    }
    })
    .into_any()
}

/// Remove the authenticator (to replace it): the codes go with it.
#[component]
pub fn Remove(security: AccountSecurity) -> impl IntoView {
    let checkup = expect_context::<Checkup>();
    if !security.totp_enabled {
        return view! {
            <StepHeading text="You have no authenticator app"/>
            <p class="body">"There is nothing to remove. Set one up so that a stolen password alone cannot open your account."</p>
            <div class="button-group">
                <button type="button" class="button" on:click=move |_| checkup.open(Panel::SetUpAuthenticator)>"Set up an authenticator app"</button>
                <button type="button" class="button button--secondary" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button>
            </div>
        }
        .into_any();
    }
    let client = expect_context::<ApiClient>();
    let reauthed = RwSignal::new(!checkup.needs_reauth());
    let problem = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let remove = move |_| {
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        let client = client.clone();
        leptos::task::spawn_local(async move {
            let result = client.remove_totp().await;
            sending.set(false);
            match result {
                Ok(_) => checkup.changed(
                    "Your authenticator app and your recovery codes are removed. Set up an authenticator app again now.",
                ),
                Err(err) => {
                    if err.code() == Some(ProblemCode::ReauthRequired) {
                        reauthed.set(false);
                    }
                    if let Some(words) = panel_failure(checkup, &err) {
                        problem.set(Some(words));
                    }
                }
            }
        });
    };
    (move || {
        if !reauthed.get() {
            return view! {
                <ReauthForm
                    heading="Replace or remove your authenticator app"
                    why="Enter your password again to change how you sign in."
                    on_done=Callback::new(move |_| reauthed.set(true))
                />
                <p class="body"><button type="button" class="link-button" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button></p>
            }
            .into_any();
        }
        let remove = remove.clone();
        view! {
            <StepHeading text="Remove your authenticator app"/>
            {move || problem.get().map(|p| view! { <p class="body" role="alert">{p}</p> })}
            <WarningText>"Your recovery codes are removed with it: they only work alongside an authenticator app. Until you set one up again, signing in asks for your password only."</WarningText>
            <p class="body">"To use a new phone, remove the app here, then set it up again on the new phone and generate new recovery codes."</p>
            <div class="button-group">
                <button type="button" class="button button--warning" on:click=remove disabled=move || sending.get()>
                    "Remove the authenticator app and recovery codes"
                </button>
                <button type="button" class="button button--secondary" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button>
            </div>
        }
        .into_any()
    })
    .into_any()
}
