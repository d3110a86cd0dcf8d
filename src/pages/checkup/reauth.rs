//! "Enter your password again": a fresh re-authentication before a change.

use leptos::prelude::*;
use reclaim_core::{ErrorCode, ProblemCode};

use super::{Checkup, StepHeading};
use crate::api::ApiClient;
use crate::components::{
    Cooldown, ErrorSummary, FormField, FormState, PasswordToggle, SubmitButton, TextInput,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Password;

impl FormField for Password {
    fn id(self) -> String {
        String::from("reauth-password")
    }
    fn pointer(self) -> String {
        String::from("/password")
    }
    fn message(self, code: ErrorCode) -> String {
        match code {
            ErrorCode::Required => "Enter your password".into(),
            other => reclaim_core::messages::message(other).into(),
        }
    }
}

#[component]
pub fn ReauthForm(
    #[prop(into)] heading: String,
    /// Why the password is asked again.
    #[prop(into)]
    why: String,
    on_done: Callback<()>,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let checkup = expect_context::<Checkup>();
    let form = FormState::<Password>::new();
    let password = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let cooldown = Cooldown::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() || cooldown.active().get_untracked() {
            return;
        }
        let typed = password.get_untracked();
        if !form.submit([(Password, reclaim_core::validation::require(&typed))]) {
            return;
        }
        sending.set(true);
        let client = client.clone();
        leptos::task::spawn_local(async move {
            let result = client.reauthenticate(&typed).await;
            sending.set(false);
            password.set(String::new());
            match result {
                Ok(r) => {
                    checkup.reauthenticated(r.valid_for);
                    on_done.run(());
                }
                Err(err) if err.is_session_lost() => checkup.session_lost(),
                Err(err)
                    if matches!(
                        err.code(),
                        Some(ProblemCode::PasswordIncorrect | ProblemCode::InvalidCredentials)
                    ) =>
                {
                    form.refuse(Password, Password.message(ErrorCode::PasswordIncorrect));
                }
                Err(err) => form.show_api_error(cooldown, Password, &err),
            }
        });
    };
    view! {
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <StepHeading text=heading/>
            <p class="body">{why}</p>
            <form novalidate on:submit=on_submit>
                <TextInput
                    id="reauth-password"
                    label="Password"
                    value=password
                    on_input=Callback::new(move |v| password.set(v))
                    error=form.error(Password)
                    input_type="password"
                    autocomplete="current-password"
                    width="input--width-20"
                />
    <PasswordToggle input_id="reauth-password"/>
                <SubmitButton label="Continue" busy="Checking…" sending=sending cooldown=cooldown/>
            </form>
        }
}
