//! `/status/cancel?id=…#token`: "This wasn't me", opened from the notice
//! that every address of an account gets when a recovery request with
//! proofs is filed for it. The token is in the fragment (a browser never
//! sends it to a server); it is posted only when the owner presses the
//! button, so a mail scanner that opens links cancels nothing. It works
//! once, without sign-in, until the hold ends.

use leptos::prelude::*;
use reclaim_core::route::Route;

use crate::api::ApiClient;
use crate::browser;
use crate::components::{Page, Panel, SubmitButton};
use crate::config::use_config;
use crate::failure_words;
use crate::router::use_router;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Asking,
    Cancelled,
    /// The words of a refusal.
    Refused(String),
}

/// `/status/cancel`
#[component]
pub fn CancelPage() -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let config = use_config();
    let support = config.support.email.clone();
    let security_url = config.support.security_url.clone();
    let id = use_router().query_param("id").unwrap_or_default();
    let token = browser::location_hash().unwrap_or_default();
    let outcome = RwSignal::new(if id.is_empty() || token.is_empty() {
        Outcome::Refused(INCOMPLETE.to_string())
    } else {
        Outcome::Asking
    });
    let sending = RwSignal::new(false);
    let cooldown = crate::components::Cooldown::new();
    let request_id = id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        let (client, id, token) = (client.clone(), id.clone(), token.clone());
        leptos::task::spawn_local(async move {
            let result = client.cancel_recovery_request(&id, &token).await;
            sending.set(false);
            // A used or expired link reads `cancel_token_invalid`'s words.
            outcome.set(match result {
                Ok(_) => Outcome::Cancelled,
                Err(err) => Outcome::Refused(failure_words::api_error(&err)),
            });
            browser::focus_id("cancel-outcome");
        });
    };
    let title = move || match outcome.get() {
        Outcome::Asking => "Cancel this recovery request?".to_string(),
        Outcome::Cancelled => "The recovery request is cancelled".to_string(),
        Outcome::Refused(_) => "The request could not be cancelled".to_string(),
    };
    view! {
        <Page title=Signal::derive(title)>
            {move || match outcome.get() {
                Outcome::Asking => view! {
                    <h1 class="heading-l" id="cancel-outcome" tabindex="-1">"Cancel this recovery request?"</h1>
                    <p class="body">{format!("Someone asked support to recover your account and remove its two-factor authentication (request {request_id}). If that was you, do nothing: this page is not for you.")}</p>
                    <p class="body">"If it was not you, cancel it now. Support will then not act on it, and will look at your account."</p>
                    <form novalidate on:submit=on_submit.clone()>
                        <SubmitButton label="Cancel the request: it was not me" busy="Cancelling…" sending=sending cooldown=cooldown/>
                    </form>
                }
                .into_any(),
                Outcome::Cancelled => view! {
                    <Panel title="The recovery request is cancelled">"Nobody will act on it."</Panel>
                    <h2 class="heading-m" id="cancel-outcome" tabindex="-1">"What to do now"</h2>
                    <ul class="list list--bullet">
                        <li>"Change your password, if you can still sign in, and check your two-factor authentication in the checkup."</li>
                        <li>{format!("Support has been told. If you think someone is trying to take over your account, write to {support}.")}</li>
                    </ul>
                    <p class="body"><a class="link" href=Route::Checkup.path()>"Check the security of your account"</a></p>
                }
                .into_any(),
                Outcome::Refused(words) => view! {
                    <h1 class="heading-l" id="cancel-outcome" tabindex="-1">"The request could not be cancelled"</h1>
                    <div class="error-summary" role="alert"><p class="body">{words}</p></div>
                    <p class="body">
                        {format!("Write to {support} with the request ID from the email, or report it at ")}
                        <a class="link" href=security_url.clone() rel="external">{security_url.clone()}</a>
                        "."
                    </p>
                }
                .into_any(),
            }}
        </Page>
    }
}

/// The link lost its request ID or token (cut by a mail program, say).
const INCOMPLETE: &str = "This link is incomplete. Open it again from the email, whole.";
