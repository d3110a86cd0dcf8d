//! The second sign-in step with a security key or passkey: the browser's
//! own dialog, then the server's check. Only the sign-in page uses it, so
//! the WebAuthn glue stays out of the wizard's bundles.

use leptos::prelude::*;
use reclaim_core::api::LoginOutcome;
use reclaim_core::ProblemCode;

use super::{ErrorSummary, FormField, FormState};
use crate::api::{ApiClient, ApiError};
use crate::failure_words;
use crate::webauthn::{self, KeyError};

/// What the browser's refusal means at sign-in, in words.
fn key_error_words(error: &KeyError) -> String {
    match error {
        KeyError::CancelledOrTimedOut => "Nothing was checked: the request was cancelled or took too long. Select \u{201c}Use your security key\u{201d} and touch the key when it asks.".into(),
        // Only at registration; read as "not one of this account's keys".
        KeyError::AlreadyRegistered => "This key is not one of your account\u{2019}s. Use the key you added, or another way to sign in.".into(),
        KeyError::Unsupported => "This browser or device cannot use security keys here. Use another way to sign in, or another browser.".into(),
        KeyError::Other(name) => format!("The browser could not use the key ({name}). Try again, or use another way to sign in."),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct KeyButton;

impl FormField for KeyButton {
    fn id(self) -> String {
        String::from("use-security-key")
    }
    fn pointer(self) -> String {
        String::new()
    }
}

enum Failure {
    Browser(KeyError),
    Api(ApiError),
}

#[component]
pub fn KeySignIn(
    /// The second-factor step's token.
    token: String,
    #[prop(into)] heading: String,
    /// Signed in: the username.
    on_signed_in: Callback<String>,
    /// The 300 s step ended: sign in again with the password.
    on_expired: Callback<()>,
    children: Children,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let form = FormState::<KeyButton>::new();
    let busy = RwSignal::new(false);
    let token = StoredValue::new(token);
    let use_key = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        form.clear();
        let client = client.clone();
        leptos::task::spawn_local(async move {
            let result = sign_in(&client, &token.get_value()).await;
            busy.set(false);
            match result {
                Ok(LoginOutcome::Session { username, .. }) => on_signed_in.run(username),
                Ok(LoginOutcome::SecondFactor(_)) => form.fail(failure_words::UNEXPECTED),
                Err(Failure::Browser(error)) => form.fail(key_error_words(&error)),
                Err(Failure::Api(err)) if err.code() == Some(ProblemCode::ChallengeExpired) => {
                    on_expired.run(())
                }
                Err(Failure::Api(err)) => form.fail(
                    err.code()
                        .and_then(reclaim_core::messages::problem_message)
                        .map_or_else(|| failure_words::api_error(&err), str::to_string),
                ),
            }
        });
    };
    view! {
        <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
        <h1 class="heading-l">{heading}</h1>
        {children()}
        <p class="body">"Have your key at hand. The browser asks you to touch it, or to confirm with your fingerprint, face or screen lock."</p>
        <button
            type="button"
            id="use-security-key"
            class="button"
            on:click=use_key
            aria-disabled=move || busy.get().then_some("true")
        >
            {move || if busy.get() { "Waiting for the key…" } else { "Use your security key" }}
        </button>
    }
}

/// The server's options, the browser's dialog, the server's check.
async fn sign_in(client: &ApiClient, token: &str) -> Result<LoginOutcome, Failure> {
    let options = client
        .security_key_sign_in_options(token)
        .await
        .map_err(Failure::Api)?;
    let assertion = webauthn::get(&options).await.map_err(Failure::Browser)?;
    client
        .sign_in_with_security_key(token, &assertion)
        .await
        .map_err(Failure::Api)
}
