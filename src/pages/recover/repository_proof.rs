//! After the email proof: prove control of a project's public repository
//! by pushing a branch named with a token the server gives, which the
//! server then finds in the repository's refs. With the proof the
//! request's hold is shorter; without a usable repository the branch goes
//! on with the email proof alone.

use leptos::prelude::*;
use reclaim_core::api::{RepositoryCandidate, RepositoryProofIssued};
use reclaim_core::wizard::{Answer, Branch, Step, Target};
use reclaim_core::{ErrorCode, ProblemCode};

use super::{back_href, href, use_answer, Wizard};
use crate::api::{ApiClient, ApiError};
use crate::browser;
use crate::components::{
    ErrorSummary, FormField, FormState, Page, RadioOption, Radios, StatusMessage, SubmitButton,
};
use crate::failure_words;
use crate::handoff::RepositoryProof;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ProofField {
    Repository,
    Check,
}

impl FormField for ProofField {
    fn id(self) -> String {
        String::from(match self {
            ProofField::Repository => "repository",
            ProofField::Check => "check-repository",
        })
    }
    fn pointer(self) -> String {
        String::from(match self {
            ProofField::Repository => "/repository_url",
            ProofField::Check => "",
        })
    }
    fn message(self, _: ErrorCode) -> String {
        "Select the repository you can push to".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Loading,
    /// The candidates could not be read (the words say why).
    Failed(String),
    Choose(Vec<RepositoryCandidate>),
    Push(RepositoryProofIssued),
}

const HEADING_CHOOSE: &str = "Prove you control a project\u{2019}s repository";
const HEADING_NONE: &str = "None of your projects has a repository we can use";
const HEADING_PUSH: &str = "Push a branch to your repository";

#[component]
pub fn RepositoryProofPage() -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let wizard = expect_context::<Wizard>();
    let answer = use_answer(Branch::NoCodes, Step::Repository);
    let email_proof = wizard
        .email_proof
        .get_untracked()
        .map(|p| p.proof)
        .unwrap_or_default();
    let stage = RwSignal::new(Stage::Loading);
    let form = FormState::<ProofField>::new();
    load_candidates(client.clone(), stage, email_proof.clone());
    let without = {
        let answer = answer.clone();
        move |_| answer(Answer::NothingWorked)
    };
    let title = move || match stage.get() {
        Stage::Choose(c) if c.is_empty() => HEADING_NONE,
        Stage::Push(_) => HEADING_PUSH,
        _ => HEADING_CHOOSE,
    };
    let body = move || {
        match stage.get() {
        Stage::Loading => {
            view! { <p class="body" role="status">"Looking for your projects\u{2019} repositories\u{2026}"</p> }
                .into_any()
        }
        Stage::Failed(words) => view! {
            <div class="error-summary" role="alert"><p class="body">{words}</p></div>
            <p class="body"><a class="link" href=href(Target::Step(Branch::NoCodes, Step::Email))>"Prove your email address again"</a></p>
        }
        .into_any(),
        Stage::Choose(candidates) if candidates.is_empty() => view! {
            <p class="body">"A repository counts only when it is public, on a code forge we can read, and was listed on one of your account\u{2019}s projects before you lost access."</p>
            <p class="body">"You can still send a request with your email proof. Support then waits longer before acting on it, so that the account\u{2019}s owner has time to cancel it if it was not you."</p>
        }
        .into_any(),
        Stage::Choose(candidates) => view! {
            <Choose candidates=candidates email_proof=email_proof.clone() form=form stage=stage/>
        }
        .into_any(),
        Stage::Push(issued) => {
            let proven = {
                let answer = answer.clone();
                Callback::new(move |proof: RepositoryProof| {
                    wizard.repository_proof.set(Some(proof));
                    answer(Answer::RepositoryProven);
                })
            };
            view! {
                <Push issued=issued email_proof=email_proof.clone() form=form proven=proven/>
                <p class="body">
                    <button type="button" class="link-button" on:click={
                        let (client, email_proof) = (client.clone(), email_proof.clone());
                        move |_| {
                            form.clear();
                            load_candidates(client.clone(), stage, email_proof.clone());
                        }
                    }>
                        "Choose another repository"
                    </button>
                </p>
            }
            .into_any()
        }
    }
    };
    view! {
        <Page title=Signal::derive(move || title().to_string()) back=back_href(Branch::NoCodes, Step::Repository) has_errors=form.has_errors()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            {move || (!matches!(stage.get(), Stage::Choose(ref c) if !c.is_empty())).then(|| view! {
                <h1 class="heading-l">{title}</h1>
            })}
            {body}
            <p class="body">
                <button type="button" class="link-button" on:click=without>
                    "Continue without a repository"
                </button>
            </p>
        </Page>
    }
}

/// Read the account's usable repositories (again, after "Choose another
/// repository").
fn load_candidates(client: ApiClient, stage: RwSignal<Stage>, email_proof: String) {
    stage.set(Stage::Loading);
    leptos::task::spawn_local(async move {
        stage.set(match client.repository_candidates(&email_proof).await {
            Ok(found) => Stage::Choose(found.candidates),
            Err(err) => Stage::Failed(failure_words::api_error(&err)),
        });
    });
}

/// Pick a repository; the server then gives the token to push.
#[component]
fn Choose(
    candidates: Vec<RepositoryCandidate>,
    email_proof: String,
    form: FormState<ProofField>,
    stage: RwSignal<Stage>,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let selected = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let cooldown = crate::components::Cooldown::new();
    let options = candidates
        .iter()
        .map(|c| {
            RadioOption::new(&c.repository_url, &c.project).with_hint(format!(
                "{}, listed since {}",
                c.repository_url,
                browser::format_date(&c.listed_since)
            ))
        })
        .collect::<Vec<_>>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let choice = selected.get_untracked();
        if !form.submit([(
            ProofField::Repository,
            choice.as_ref().map(|_| ()).ok_or(ErrorCode::Required),
        )]) {
            return;
        }
        let Some(url) = choice else { return };
        sending.set(true);
        let (client, email_proof) = (client.clone(), email_proof.clone());
        leptos::task::spawn_local(async move {
            let result = client.issue_repository_proof(&email_proof, &url).await;
            sending.set(false);
            match result {
                Ok(issued) => {
                    stage.set(Stage::Push(issued));
                    browser::scroll_to_top();
                }
                Err(err) => form.show_api_error(cooldown, ProofField::Repository, &err),
            }
        });
    };
    view! {
        <form novalidate on:submit=on_submit>
            <Radios
                id="repository"
                legend=HEADING_CHOOSE
                hint="Choose a project whose public repository you can still push to. We give you a branch name to push; when we find it there, your request waits a shorter time before support acts on it."
                options=options
                selected=Signal::derive(move || selected.get())
                on_change=Callback::new(move |v: String| {
                    selected.set(Some(v));
                    form.clear();
                })
                error=form.error(ProofField::Repository)
                is_page_heading=true
            />
            <SubmitButton label="Continue" busy="Preparing…" sending=sending cooldown=cooldown/>
        </form>
    }
}

/// The commands to run, and the server's check.
#[component]
fn Push(
    issued: RepositoryProofIssued,
    email_proof: String,
    form: FormState<ProofField>,
    proven: Callback<RepositoryProof>,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let commands = issued.commands.join("\n");
    let copied = RwSignal::new(String::new());
    let checking = RwSignal::new(false);
    let cooldown = crate::components::Cooldown::new();
    let copy = {
        let commands = commands.clone();
        move |_| {
            let commands = commands.clone();
            leptos::task::spawn_local(async move {
                copied.set(if browser::copy_to_clipboard(&commands).await {
                    "Commands copied.".to_string()
                } else {
                    "Could not copy. Select the commands and copy them yourself.".to_string()
                });
            });
        }
    };
    let proof_id = StoredValue::new(issued.proof_id.clone());
    let url = issued.repository_url.clone();
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if checking.get_untracked() || cooldown.active().get_untracked() {
            return;
        }
        checking.set(true);
        form.clear();
        let (client, email_proof) = (client.clone(), email_proof.clone());
        leptos::task::spawn_local(async move {
            let result = client
                .check_repository_proof(&proof_id.get_value(), &email_proof)
                .await;
            checking.set(false);
            match result {
                Ok(found) => proven.run(RepositoryProof {
                    id: found.proof_id,
                    repository_url: found.repository_url,
                }),
                Err(err) => refuse(form, cooldown, &err),
            }
        });
    };
    view! {
        <p class="body">{format!("Run these commands on a computer that can push to {url}. They make an empty commit on a new branch named {} and push it. Nothing in your project changes, and you can delete the branch once we have found it.", issued.ref_name)}</p>
        <pre class="commands" tabindex="0" aria-label="Commands to run"><code>{commands}</code></pre>
        <div class="button-group">
            <button type="button" class="button button--secondary" on:click=copy>"Copy the commands"</button>
        </div>
        <StatusMessage text=copied/>
        <p class="body">{format!("This branch name works until {}.", browser::format_timestamp(&issued.expires_at))}</p>
        <form novalidate on:submit=check>
            <SubmitButton label="Check now" busy="Checking the repository…" sending=checking cooldown=cooldown/>
        </form>
    }
}

/// A check that found nothing, in words; the wait when it was limited.
fn refuse(form: FormState<ProofField>, cooldown: crate::components::Cooldown, err: &ApiError) {
    match err.code() {
        Some(ProblemCode::RepositoryRefNotFound | ProblemCode::RepositoryUnreachable) => {
            form.refuse(ProofField::Check, failure_words::api_error(err))
        }
        _ => form.show_api_error(cooldown, ProofField::Check, err),
    }
}
