//! Recovery codes: the password again, then a new set shown once, with
//! Download, Copy and Print; then one of them typed back to prove it was
//! stored (that code is burned). The codes live only in this panel's memory.

use leptos::prelude::*;
use reclaim_core::api::{AccountSecurity, RecoveryCodesGenerated};
use reclaim_core::codes::{format_recovery_code_for_display, parse_recovery_code_with};
use reclaim_core::{ErrorCode, ProblemCode};

use super::authenticator::panel_failure;
use super::reauth::ReauthForm;
use super::{Checkup, Panel, StepHeading};
use crate::api::ApiClient;
use crate::browser;
use crate::components::{
    ErrorSummary, FormField, FormState, StatusMessage, TextInput, WarningText,
};
use crate::config::use_config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct SavedCode;

impl FormField for SavedCode {
    fn id(self) -> String {
        String::from("saved-code")
    }
    fn pointer(self) -> String {
        String::from("/code")
    }
    fn message(self, code: ErrorCode) -> String {
        match code {
            ErrorCode::Required => "Enter one of the codes you saved".into(),
            other => reclaim_core::messages::message(other).into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Password,
    /// A set exists: say that a new one ends it.
    Warn,
    Generating,
    /// No set came back (an error, or no answer in time): say why, offer
    /// to try again.
    Failed(String),
    Show(RecoveryCodesGenerated),
    Prove(RecoveryCodesGenerated),
}

/// The text of the downloaded file: what it is, for whom, when, the codes.
fn file_text(site: &str, username: &str, set: &RecoveryCodesGenerated) -> String {
    let mut text = format!(
        "{site} recovery codes for {username}\nGenerated {}\n\nEach code works once. A newer set replaces this one.\nKeep this file private, like a password.\n\n",
        set.generated_at
    );
    for code in &set.codes {
        text.push_str(code);
        text.push('\n');
    }
    text
}

#[component]
pub fn RecoveryCodes(security: AccountSecurity) -> impl IntoView {
    let checkup = expect_context::<Checkup>();
    if !security.totp_enabled {
        // Codes exist only alongside a second factor (the server refuses
        // them without one): this address opened by a link leads there.
        return view! {
            <StepHeading text="Set up an authenticator app first"/>
            <p class="body">"Recovery codes work only alongside an authenticator app: they replace its code when your phone is lost. Set up the app, then generate your codes."</p>
            <div class="button-group">
                <button type="button" class="button" on:click=move |_| checkup.open(Panel::SetUpAuthenticator)>"Set up an authenticator app"</button>
                <button type="button" class="button button--secondary" on:click=move |_| checkup.open(Panel::Overview)>"Cancel"</button>
            </div>
        }
        .into_any();
    }
    let client = expect_context::<ApiClient>();
    let config = use_config();
    let site = config.site_name.clone();
    let prefix = config.api_token_prefix.clone();
    let has_set = security.recovery_codes.generated_at.is_some();
    let after_password = move || {
        if has_set {
            Stage::Warn
        } else {
            Stage::Generating
        }
    };
    let stage = RwSignal::new(if checkup.needs_reauth() {
        Stage::Password
    } else {
        after_password()
    });
    let problem = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());

    let generate = {
        let client = client.clone();
        move || {
            stage.set(Stage::Generating);
            let client = client.clone();
            leptos::task::spawn_local(async move {
                match client.generate_recovery_codes().await {
                    Ok(set) => {
                        stage.set(Stage::Show(set));
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
    if stage.get_untracked() == Stage::Generating {
        generate();
    }

    let form = FormState::<SavedCode>::new();
    let code = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let prove = {
        let client = client.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if sending.get_untracked() {
                return;
            }
            let parsed = parse_recovery_code_with(&code.get_untracked(), &prefix);
            if !form.submit([(SavedCode, parsed.as_ref().map(|_| ()).map_err(|e| *e))]) {
                return;
            }
            let Ok(normalised) = parsed else { return };
            sending.set(true);
            let client = client.clone();
            leptos::task::spawn_local(async move {
                let result = client.confirm_recovery_codes(&normalised).await;
                match result {
                    Ok(_) => {
                        stage.set(Stage::Warn); // forget the codes at once
                        checkup.changed("Your recovery codes are saved and proven: the code you entered is used up, the others work once each.");
                    }
                    Err(err) => match err.code() {
                        Some(
                            c @ (ProblemCode::RecoveryCodeInvalid | ProblemCode::RecoveryCodeUsed),
                        ) => {
                            let words = if c == ProblemCode::RecoveryCodeInvalid {
                                "This code is not in the new set. Enter one of the new codes, from where you saved them".to_string()
                            } else {
                                reclaim_core::messages::problem_message(c)
                                    .unwrap_or_default()
                                    .to_string()
                            };
                            form.refuse(SavedCode, words);
                        }
                        _ => {
                            if let Some(words) = panel_failure(checkup, &err) {
                                form.fail(words);
                            }
                        }
                    },
                }
                sending.set(false);
            });
        }
    };

    let cancel = move |_| checkup.open(Panel::Overview);
    let username = security.username.clone();
    // After the password: a first set is made at once; a set that exists
    // is replaced only after the warning.
    let on_reauth = {
        let generate = generate.clone();
        Callback::new(move |_| {
            if has_set {
                stage.set(Stage::Warn);
            } else {
                generate();
            }
        })
    };
    let generate_now = generate.clone();
    (move || {
        match stage.get() {
        Stage::Password => view! {
            {move || problem.get().map(|p| view! { <p class="body" role="alert">{p}</p> })}
            <ReauthForm
                heading="Generate recovery codes"
                why="Enter your password again before new codes are made."
                on_done=on_reauth
            />
            <p class="body"><button type="button" class="link-button" on:click=cancel>"Cancel"</button></p>
        }
        .into_any(),
        Stage::Warn => {
            let generate_now = generate_now.clone();
            view! {
                <StepHeading text="Generate a new set of recovery codes"/>
                <WarningText>"Your current codes stop working the moment the new set is made, including any you saved or printed."</WarningText>
                <div class="button-group">
                    <button type="button" class="button" on:click=move |_| generate_now()>"Generate new codes"</button>
                    <button type="button" class="button button--secondary" on:click=cancel>"Cancel"</button>
                </div>
            }
            .into_any()
        }
        Stage::Generating => view! { <p class="body" role="status">"Generating your codes\u{2026}"</p> }.into_any(),
        Stage::Failed(words) => {
            let generate_now = generate_now.clone();
            view! {
                <StepHeading text="Your recovery codes were not made"/>
                <p class="body" role="alert">{words}</p>
                <div class="button-group">
                    <button type="button" class="button" on:click=move |_| generate_now()>"Try again"</button>
                    <button type="button" class="button button--secondary" on:click=cancel>"Cancel"</button>
                </div>
            }
            .into_any()
        }
        Stage::Show(set) => {
            let text = file_text(&site, &username, &set);
            let (download_text, copy_text) = (text.clone(), text);
            let filename = set.filename.clone();
            let download = move |_| {
                let ok = browser::download_text(&filename, &download_text);
                status.set(if ok { format!("Downloaded {filename}") } else { "The download did not start: copy or print the codes instead".into() });
            };
            let copy_all = move |_| {
                let text = copy_text.clone();
                leptos::task::spawn_local(async move {
                    let ok = browser::copy_to_clipboard(&text).await;
                    status.set(if ok { "Codes copied".into() } else { "Copying did not work: download or print the codes instead".into() });
                });
            };
            let when = browser::format_timestamp(&set.generated_at);
            let next = set.clone();
            view! {
                <StepHeading text="Save your recovery codes" no_print=true/>
                <p class="body no-print">"These codes are shown only now. Keep them where you can still reach them when your phone is lost: copy them into a password manager, download the file to a computer, or print them."</p>
                <div class="codes-sheet">
                    <p class="body codes-sheet__title">{format!("{site} recovery codes for {username}, generated {when}")}</p>
                    <ol class="codes-list" id="recovery-codes">
                        {set.codes.iter().map(|c| view! { <li><code>{format_recovery_code_for_display(c)}</code></li> }).collect_view()}
                    </ol>
                    <p class="body codes-sheet__note">"Each code works once. A newer set replaces these."</p>
                </div>
                <div class="button-group no-print">
                    <button type="button" class="button button--secondary" on:click=download>"Download"</button>
                    <button type="button" class="button button--secondary" on:click=copy_all>"Copy"</button>
                    <button type="button" class="button button--secondary" on:click=move |_| browser::print()>"Print"</button>
                </div>
                <StatusMessage text=status/>
                <button type="button" class="button no-print" on:click=move |_| {
                    stage.set(Stage::Prove(next.clone()));
                    request_animation_frame(|| { browser::focus_id("panel-heading"); });
                }>"I have saved my codes"</button>
            }
            .into_any()
        }
        Stage::Prove(set) => {
            let prove = prove.clone();
            view! {
                <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
                <StepHeading text="Check that you saved them"/>
                <p class="body">"Enter one of the codes from where you saved them, not from the last page. That code is then used up, and the others remain."</p>
                <form novalidate on:submit=prove>
                    <TextInput
                        id="saved-code"
                        label="One of your new recovery codes"
                        hint="16 characters. Spaces, dashes and capitals do not matter."
                        value=code
                        on_input=Callback::new(move |v| code.set(v))
                        error=form.error(SavedCode)
                        autocomplete="off"
                        no_spellcheck=true
                        width="input--width-20"
                    />
                    <button type="submit" class="button" disabled=move || sending.get()>
                        {move || if sending.get() { "Checking…" } else { "Continue" }}
                    </button>
                </form>
                <p class="body">
                    <button type="button" class="link-button" on:click=move |_| stage.set(Stage::Show(set.clone()))>"Show the codes again"</button>
                </p>
            }
            .into_any()
        }
    }
    })
    .into_any()
}
