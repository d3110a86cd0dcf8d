//! `/checkup/security-keys`: security keys and passkeys (WebAuthn). They
//! answer only this site's own address, so a look-alike page cannot use
//! them: the phishing-resistant second factor PyPI recommends. Add one
//! (named, so keys can be told apart), rename, remove.
//!
//! This page is a bundle of its own: the Web Authentication glue
//! (`crate::webauthn`) is linked only here and into sign-in.

use leptos::prelude::*;
use reclaim_core::api::{AccountSecurity, SecurityKey};
use reclaim_core::validation::validate_security_key_name;
use reclaim_core::{ErrorCode, ProblemCode};

use super::authenticator::panel_failure;
use super::reauth::ReauthForm;
use super::{Checkup, Panel, StepHeading};
use crate::api::ApiClient;
use crate::browser;
use crate::components::{
    ErrorSummary, FormField, FormState, StatusMessage, SubmitButton, TextInput, WarningText,
};
use crate::webauthn::{self, KeyError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct KeyName;

impl FormField for KeyName {
    fn id(self) -> String {
        String::from("key-name")
    }
    fn pointer(self) -> String {
        String::from("/name")
    }
    fn message(self, code: ErrorCode) -> String {
        match code {
            ErrorCode::Required => "Enter a name for the key, like Blue key or Work laptop".into(),
            ErrorCode::TooLong => "Enter a name of 64 characters or fewer".into(),
            other => reclaim_core::messages::message(other).into(),
        }
    }
}

/// What the browser's refusal means, in words.
fn key_error_words(error: &KeyError) -> String {
    match error {
        KeyError::CancelledOrTimedOut => "The key was not added: the request was cancelled or took too long. Select \u{201c}Add the key\u{201d} and touch the key when it asks.".into(),
        KeyError::AlreadyRegistered => "This key is already added to your account. Use another key, or keep this one as it is.".into(),
        KeyError::Unsupported => "This browser or device cannot use security keys here. Try another browser, or use an authenticator app.".into(),
        KeyError::Other(name) => format!("The browser could not add the key ({name}). Try again, or try another browser."),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    List,
    /// Naming a new key, then the browser's own dialog.
    Add,
    Rename(SecurityKey),
    Remove(SecurityKey),
}

#[component]
pub fn SecurityKeys(security: AccountSecurity) -> impl IntoView {
    let checkup = expect_context::<Checkup>();
    let stage = RwSignal::new(Stage::List);
    let done = RwSignal::new(String::new());
    let keys = RwSignal::new(security.security_keys.clone());
    // Back to the list with the account as it is now, and what changed.
    let changed = Callback::new(move |words: String| {
        let client = expect_context::<ApiClient>();
        leptos::task::spawn_local(async move {
            match client.account_security().await {
                Ok(sec) => {
                    keys.set(sec.security_keys.clone());
                    checkup.security.set(Some(sec));
                }
                Err(err) => {
                    panel_failure(checkup, &err);
                }
            }
            done.set(words);
            stage.set(Stage::List);
        });
    });
    let needs_reauth = RwSignal::new(checkup.needs_reauth());
    let other_factor = security.totp_enabled;
    move || match stage.get() {
        Stage::List => list(keys, stage, done).into_any(),
        Stage::Add if needs_reauth.get() => view! {
            <ReauthForm
                heading="Add a security key"
                why="Enter your password again to change how you sign in."
                on_done=Callback::new(move |_| needs_reauth.set(false))
            />
        }
        .into_any(),
        Stage::Add => {
            view! { <AddKey changed=changed cancel=move || stage.set(Stage::List)/> }.into_any()
        }
        Stage::Rename(key) => {
            view! { <RenameKey key=key changed=changed cancel=move || stage.set(Stage::List)/> }
                .into_any()
        }
        Stage::Remove(_) if needs_reauth.get() => view! {
            <ReauthForm
                heading="Remove a security key"
                why="Enter your password again to change how you sign in."
                on_done=Callback::new(move |_| needs_reauth.set(false))
            />
        }
        .into_any(),
        Stage::Remove(key) => {
            let last = !other_factor && keys.with_untracked(|k| k.len() == 1);
            view! { <RemoveKey key=key last=last changed=changed cancel=move || stage.set(Stage::List)/> }.into_any()
        }
    }
}

fn list(
    keys: RwSignal<Vec<SecurityKey>>,
    stage: RwSignal<Stage>,
    done: RwSignal<String>,
) -> impl IntoView {
    let checkup = expect_context::<Checkup>();
    let rows = move || {
        keys.get()
            .into_iter()
            .map(|key| {
                let used = key.last_used_at.as_deref().map_or_else(
                    || "Not used to sign in yet".to_string(),
                    |at| format!("Last used {}", browser::format_timestamp(at)),
                );
                let (rename, remove) = (key.clone(), key.clone());
                view! {
                    <div class="summary-list__row">
                        <dt class="summary-list__key">{key.name.clone()}</dt>
                        <dd class="summary-list__value">
                            {format!("Added {}", browser::format_timestamp(&key.added_at))}
                            <br/>
                            {used}
                        </dd>
                        <dd class="summary-list__actions">
                            <button type="button" class="link-button" on:click=move |_| stage.set(Stage::Rename(rename.clone()))>
                                "Rename"<span class="visually-hidden">{format!(" {}", key.name)}</span>
                            </button>
                            " "
                            <button type="button" class="link-button" on:click=move |_| stage.set(Stage::Remove(remove.clone()))>
                                "Remove"<span class="visually-hidden">{format!(" {}", key.name)}</span>
                            </button>
                        </dd>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <StepHeading text="Security keys and passkeys"/>
        <StatusMessage text=done/>
        <p class="body">"A security key or a passkey signs you in with a touch or your fingerprint. It answers only this site, so a fake sign-in page cannot use it: the strongest second factor there is."</p>
        {move || if keys.with(Vec::is_empty) {
            view! { <p class="body">"You have not added a security key yet."</p> }.into_any()
        } else {
            view! { <dl class="summary-list">{rows}</dl> }.into_any()
        }}
        <p class="body">"Add two if you can, and keep one somewhere safe: with a spare, losing one does not lock you out."</p>
        <div class="button-group">
            <button type="button" class="button" on:click=move |_| { done.set(String::new()); stage.set(Stage::Add) }>"Add a security key"</button>
        </div>
        <p class="body"><button type="button" class="link-button" on:click=move |_| checkup.open(Panel::Overview)>"Back to the checkup"</button></p>
    }
}

#[component]
fn AddKey(changed: Callback<String>, cancel: impl Fn() + Copy + 'static) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let checkup = expect_context::<Checkup>();
    let form = FormState::<KeyName>::new();
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let cooldown = crate::components::Cooldown::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let typed = name.get_untracked();
        if !form.submit([(KeyName, validate_security_key_name(&typed))]) {
            return;
        }
        if !webauthn::supported() {
            form.refuse(KeyName, key_error_words(&KeyError::Unsupported));
            return;
        }
        busy.set(true);
        let client = client.clone();
        leptos::task::spawn_local(async move {
            let outcome = add(&client, typed.trim()).await;
            busy.set(false);
            match outcome {
                Ok(()) => changed.run(format!("Your security key \u{201c}{}\u{201d} is added. It can sign you in from now on.", typed.trim())),
                Err(Failure::Browser(error)) => form.refuse(KeyName, key_error_words(&error)),
                Err(Failure::Api(err)) => {
                    if let Some(words) = panel_failure(checkup, &err) {
                        if err.code() == Some(ProblemCode::ReauthRequired) {
                            form.fail(words);
                        } else {
                            form.show_api_error(cooldown, KeyName, &err);
                        }
                    }
                }
            }
        });
    };
    view! {
        <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
        <StepHeading text="Add a security key"/>
        <p class="body">"Have the key at hand, or use this device\u{2019}s passkey. After you continue, the browser asks you to touch the key or to confirm with your fingerprint, face or screen lock."</p>
        <form novalidate on:submit=on_submit>
            <TextInput
                id="key-name"
                label="Name this key"
                hint="So that you can tell your keys apart, like Blue key or Work laptop."
                value=name
                on_input=Callback::new(move |v| name.set(v))
                error=form.error(KeyName)
                autocomplete="off"
                width="input--width-20"
            />
            <SubmitButton label="Add the key" busy="Waiting for the key…" sending=busy cooldown=cooldown/>
        </form>
        <p class="body"><button type="button" class="link-button" on:click=move |_| cancel()>"Cancel"</button></p>
    }
}

enum Failure {
    Browser(KeyError),
    Api(crate::api::ApiError),
}

/// The server's options, the browser's dialog, the server's check.
async fn add(client: &ApiClient, name: &str) -> Result<(), Failure> {
    let options = client
        .start_key_registration()
        .await
        .map_err(Failure::Api)?;
    let credential = webauthn::create(&options).await.map_err(Failure::Browser)?;
    client
        .finish_key_registration(name, &credential)
        .await
        .map_err(Failure::Api)?;
    Ok(())
}

#[component]
fn RenameKey(
    key: SecurityKey,
    changed: Callback<String>,
    cancel: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let checkup = expect_context::<Checkup>();
    let form = FormState::<KeyName>::new();
    let name = RwSignal::new(key.name.clone());
    let busy = RwSignal::new(false);
    let cooldown = crate::components::Cooldown::new();
    let id = key.id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = name.get_untracked();
        if busy.get_untracked() || !form.submit([(KeyName, validate_security_key_name(&typed))]) {
            return;
        }
        busy.set(true);
        let (client, id) = (client.clone(), id.clone());
        leptos::task::spawn_local(async move {
            let result = client.rename_security_key(&id, typed.trim()).await;
            busy.set(false);
            match result {
                Ok(_) => changed.run(format!(
                    "The key is now called \u{201c}{}\u{201d}.",
                    typed.trim()
                )),
                Err(err) => {
                    if panel_failure(checkup, &err).is_some() {
                        form.show_api_error(cooldown, KeyName, &err);
                    }
                }
            }
        });
    };
    view! {
        <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
        <StepHeading text="Rename a security key"/>
        <form novalidate on:submit=on_submit>
            <TextInput
                id="key-name"
                label="New name"
                value=name
                on_input=Callback::new(move |v| name.set(v))
                error=form.error(KeyName)
                autocomplete="off"
                width="input--width-20"
            />
            <SubmitButton label="Save the name" busy="Saving…" sending=busy cooldown=cooldown/>
        </form>
        <p class="body"><button type="button" class="link-button" on:click=move |_| cancel()>"Cancel"</button></p>
    }
}

#[component]
fn RemoveKey(
    key: SecurityKey,
    /// The account's only second factor: the codes go with it.
    last: bool,
    changed: Callback<String>,
    cancel: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let checkup = expect_context::<Checkup>();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let id = key.id.clone();
    let name = key.name.clone();
    let remove = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (client, id, name) = (client.clone(), id.clone(), name.clone());
        leptos::task::spawn_local(async move {
            let result = client.remove_security_key(&id).await;
            busy.set(false);
            match result {
                Ok(_) => changed.run(format!(
                    "The key \u{201c}{name}\u{201d} is removed: it can no longer sign in."
                )),
                Err(err) => problem.set(panel_failure(checkup, &err)),
            }
        });
    };
    view! {
        <StepHeading text=format!("Remove \u{201c}{}\u{201d}", key.name)/>
        {move || problem.get().map(|p| view! { <p class="body" role="alert">{p}</p> })}
        <p class="body">"Remove a key that is lost, broken or no longer yours. It can no longer sign in."</p>
        {last.then(|| view! {
            <WarningText>"This is your only second factor. Your recovery codes are removed with it, and signing in asks for your password only until you add another key or an authenticator app."</WarningText>
        })}
        <div class="button-group">
            <button type="button" class="button button--warning" on:click=remove disabled=move || busy.get()>"Remove this key"</button>
            <button type="button" class="button button--secondary" on:click=move |_| cancel()>"Cancel"</button>
        </div>
    }
}
