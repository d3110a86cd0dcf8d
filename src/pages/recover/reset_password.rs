//! `/recover/reset-password?token=…`: the page the mailed reset link opens.
//!
//! The token is taken out of the address bar before anything else (so it is
//! not left in history, bookmarks or a shared screenshot) and kept in memory.
//! The link is checked as the page opens (without using it up), so a used
//! or broken one says so before anyone types a new password twice.

use leptos::prelude::*;
use reclaim_core::limits::{MIN_PASSWORD_CHARS, RESET_LINK_HOURS};
use reclaim_core::route::Route;
use reclaim_core::validation::validate_new_password;
use reclaim_core::wizard::{Branch, Step, Target};
use reclaim_core::{ErrorCode, ProblemCode};

use super::href;
use crate::api::ApiClient;
use crate::browser;
use crate::components::{
    Cooldown, ErrorSummary, FormField, FormState, Page, Panel, PasswordToggle, SubmitButton,
    TextInput,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NewPassword {
    Password,
    Confirm,
}

impl FormField for NewPassword {
    fn id(self) -> String {
        String::from(match self {
            NewPassword::Password => "new-password",
            NewPassword::Confirm => "confirm-password",
        })
    }
    fn pointer(self) -> String {
        String::from(match self {
            NewPassword::Password => "/new_password",
            NewPassword::Confirm => "",
        })
    }
    fn message(self, code: ErrorCode) -> String {
        match (self, code) {
            (NewPassword::Password, ErrorCode::Required) => "Enter a new password".into(),
            (NewPassword::Confirm, ErrorCode::Required) => "Enter the new password again".into(),
            (NewPassword::Password, ErrorCode::TooLong) => {
                "Enter a shorter password, of at most 1,024 characters".into()
            }
            _ => reclaim_core::messages::message(code).into(),
        }
    }
}

fn confirm_rule(password: &str, confirm: &str) -> Result<(), ErrorCode> {
    if confirm.is_empty() {
        Err(ErrorCode::Required)
    } else if confirm != password {
        Err(ErrorCode::PasswordMismatch)
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The link is being checked.
    Checking,
    Form,
    Changed,
    LinkDead,
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = StoredValue::new(browser::take_query_param(
        "token",
        &Route::ResetPassword.path(),
    ));
    let client = expect_context::<ApiClient>();
    let form = FormState::<NewPassword>::new();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let cooldown = Cooldown::new();
    let outcome = RwSignal::new(Outcome::LinkDead);
    if let Some(token) = token.get_value() {
        outcome.set(Outcome::Checking);
        let client = client.clone();
        leptos::task::spawn_local(async move {
            // Only a dead link ends here: with the network or the server in
            // the way, the form shows, and changing the password tells.
            outcome.set(match client.check_password_reset(&token).await {
                Err(err) if err.code() == Some(ProblemCode::ResetTokenInvalid) => Outcome::LinkDead,
                _ => Outcome::Form,
            });
        });
    }

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() || cooldown.active().get_untracked() {
            return;
        }
        let (new, again) = (password.get_untracked(), confirm.get_untracked());
        if !form.submit([
            (NewPassword::Password, validate_new_password(&new)),
            (NewPassword::Confirm, confirm_rule(&new, &again)),
        ]) {
            return;
        }
        let Some(token) = token.get_value() else {
            return;
        };
        sending.set(true);
        let client = client.clone();
        leptos::task::spawn_local(async move {
            let result = client.confirm_password_reset(&token, &new).await;
            sending.set(false);
            match result {
                Ok(()) => {
                    password.set(String::new());
                    confirm.set(String::new());
                    outcome.set(Outcome::Changed);
                }
                Err(err) if err.code() == Some(ProblemCode::ResetTokenInvalid) => {
                    outcome.set(Outcome::LinkDead)
                }
                Err(err) => form.show_api_error(cooldown, NewPassword::Password, &err),
            }
        });
    };

    let ask_again = href(Target::Step(Branch::ForgotPassword, Step::Ask));
    move || {
        match outcome.get() {
        Outcome::Checking => view! {
            <Page title="Checking your reset link">
                <h1 class="heading-l">"Checking your reset link"</h1>
                <p class="body" role="status">"One moment: we are checking that the link from the email still works."</p>
            </Page>
        }
        .into_any(),
        Outcome::Changed => view! {
            <Page title="Your password has been changed">
                <Panel title="Your password has been changed">"You can sign in with it now."</Panel>
                <p class="body">"For your safety, every place where your account was signed in has been signed out."</p>
                <p class="body">"We have emailed you to say the password changed. If you did not do this, reset it again at once and tell support."</p>
                <a class="button" href=Route::SignIn.path()>"Sign in"</a>
            </Page>
        }
        .into_any(),
        Outcome::LinkDead => {
            let ask_again = ask_again.clone();
            view! {
            <Page title="This reset link does not work">
                <h1 class="heading-l">"This reset link does not work"</h1>
                <p class="body">{format!("A reset link works once, for {RESET_LINK_HOURS} hours. This one has expired, has been used, or was not copied whole from the email.")}</p>
                <p class="body">"If you already chose a new password with it, sign in with that password."</p>
                <ul class="list">
                    <li><a class="link" href=ask_again>"Ask for a new reset link"</a></li>
                    <li><a class="link" href=Route::SignIn.path()>"Sign in"</a></li>
                </ul>
            </Page>
            }
            .into_any()
        }
        Outcome::Form => {
            let on_submit = on_submit.clone();
            view! {
            <Page title="Choose a new password" has_errors=form.has_errors()>
                <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
                <h1 class="heading-l">"Choose a new password"</h1>
                <form novalidate on:submit=on_submit>
                    <TextInput
                        id="new-password"
                        label="New password"
                        hint=format!("At least {MIN_PASSWORD_CHARS} characters. A long phrase of several words is strong and easy to remember; a password manager can make one for you.")
                        value=password
                        on_input=Callback::new(move |v| password.set(v))
                        on_blur=Callback::new(move |_| form.blur(NewPassword::Password, validate_new_password(&password.get_untracked())))
                        error=form.error(NewPassword::Password)
                        input_type="password"
                        autocomplete="new-password"
                        width="input--width-20"
                    />
<PasswordToggle input_id="new-password"/>
                    <TextInput
                        id="confirm-password"
                        label="New password again"
                        value=confirm
                        on_input=Callback::new(move |v| confirm.set(v))
                        error=form.error(NewPassword::Confirm)
                        input_type="password"
                        autocomplete="new-password"
                        width="input--width-20"
                    />
<PasswordToggle input_id="confirm-password"/>
                    <SubmitButton label="Change password" busy="Saving…" sending=sending cooldown=cooldown/>
                </form>
            </Page>
            }
            .into_any()
        }
    }
    }
}
