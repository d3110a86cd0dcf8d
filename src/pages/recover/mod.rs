//! `/recover` and `/recover/{branch}[/{step}]`: the recovery wizard.
//!
//! The branches, their steps and every transition are decided in
//! `reclaim_core::wizard`; these pages only render a step and report the
//! user's answer. [`Wizard`] holds the facts of this tab in memory (a sign-in
//! step's token never leaves it).

mod compromised;
mod email_proof;
mod have_codes;
mod lost_email;
mod mailing;
mod repository_proof;
mod reset_password;
mod sign_in_branches;
mod start;

pub use reset_password::ResetPasswordPage;
pub use start::RecoverIndex;

use crate::router::{use_navigate, NavigateOptions};
use leptos::prelude::*;
use reclaim_core::api::SecondFactorChallenge;
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::route::Route;
use reclaim_core::wizard::{self, Answer, Branch, Progress, Step, Target};

use super::not_found::NotFound;
use crate::handoff::{EmailProof, Handoff, RepositoryProof};
use crate::page_store::{self, KnownCodesStatus};

/// What the wizard knows in this tab. Memory only: nothing here is written
/// to web storage, and a reload starts the sign-in again.
#[derive(Debug, Clone, Copy)]
pub struct Wizard {
    pub progress: RwSignal<Progress>,
    /// The open second-factor step (its token is a secret for 300 s).
    pub challenge: RwSignal<Option<SecondFactorChallenge>>,
    /// Who signed in (for the signed-in page and the codes file name).
    pub username: RwSignal<String>,
    /// A one-off explanation for the next page (an expired step, say).
    pub notice: RwSignal<Option<String>>,
    /// How the sign-in was completed (`None`: the password alone).
    pub signed_in_with: RwSignal<Option<reclaim_core::api::SecondFactor>>,
    /// "Invalid recovery code." answers so far.
    pub invalid_codes: RwSignal<u32>,
    /// The identifier or address a mail was asked for, for "Check your email".
    pub mailed_to: RwSignal<String>,
    /// The address being proven with a one-time code.
    pub email_to_prove: RwSignal<String>,
    /// The proof of that address, once the code was right (for the request).
    pub email_proof: RwSignal<Option<EmailProof>>,
    /// A project's repository proven with that email proof.
    pub repository_proof: RwSignal<Option<RepositoryProof>>,
}

impl Wizard {
    pub fn new() -> Wizard {
        // What "Do you have recovery codes?" said, in an earlier bundle.
        // And the address proven in an earlier bundle, for the repository
        // proof that follows it.
        let email_proof = page_store::get::<EmailProof>();
        let progress = Progress {
            codes_status: page_store::get::<KnownCodesStatus>().map(|known| known.0),
            email_proven: email_proof.is_some(),
            ..Progress::default()
        };
        Wizard {
            progress: RwSignal::new(progress),
            challenge: RwSignal::new(None),
            username: RwSignal::new(String::new()),
            notice: RwSignal::new(None),
            signed_in_with: RwSignal::new(None),
            invalid_codes: RwSignal::new(0),
            mailed_to: RwSignal::new(String::new()),
            email_to_prove: RwSignal::new(String::new()),
            email_proof: RwSignal::new(email_proof),
            repository_proof: RwSignal::new(None),
        }
    }
}

impl Default for Wizard {
    fn default() -> Self {
        Self::new()
    }
}

/// The address of a wizard target.
pub fn href(target: Target) -> String {
    let route = match target {
        Target::Choose => Route::Recover,
        Target::Step(branch, step) if step == branch.first_step() => {
            Route::RecoverStep { branch, step: None }
        }
        Target::Step(branch, step) => Route::RecoverStep {
            branch,
            step: Some(step),
        },
        // Every handoff lands on the first question, its heading in view.
        Target::Request(_) => Route::Request(RequestQuestion::Account),
    };
    route.path()
}

/// Where Back goes from a step.
pub fn back_href(branch: Branch, step: Step) -> String {
    href(wizard::back(branch, step))
}

/// Report an answer on a step and go where the state machine says. A
/// request target leaves the request's prefill first (another bundle: the
/// request starts from it after the page load).
pub fn use_answer(branch: Branch, step: Step) -> impl Fn(Answer) + Clone + 'static {
    let wizard = expect_context::<Wizard>();
    let navigate = use_navigate();
    move |answer: Answer| {
        let mut target = Target::Choose;
        wizard
            .progress
            .update(|p| target = wizard::advance(branch, step, answer, p));
        let path = match target {
            Target::Request(prefill) => {
                let email_proof = wizard
                    .email_proof
                    .get_untracked()
                    .filter(|_| prefill.attach_email_proof);
                let repository_proof = wizard
                    .repository_proof
                    .get_untracked()
                    .filter(|_| email_proof.is_some());
                Handoff {
                    prefill,
                    email_proof,
                    repository_proof,
                }
                .store();
                href(target)
            }
            other => href(other),
        };
        navigate(&path, NavigateOptions::default());
    }
}

/// The pages of a bundle's steps (`reclaim_core::bundle`): each bundle
/// links only its own.
pub type StepPages = fn(Branch, Step) -> AnyView;

/// `/recover/{branch}` (its first step) and `/recover/{branch}/{step}`
/// (the router mounts this page anew for every path), drawn by `pages`.
#[component]
pub fn RecoverStep(branch: Branch, step: Option<Step>, pages: StepPages) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let navigate = use_navigate();
    let step = step.unwrap_or(branch.first_step());
    // The step to show given what is known: a deep link (or the browser's
    // Back) to a step whose earlier answers are missing shows the first
    // step that needs one, and the address is corrected in place.
    // Resolved on arrival only: an answer updates the progress just before
    // it navigates, and must not send the page it leaves elsewhere first.
    let resolved = wizard
        .progress
        .with_untracked(|p| wizard::resolve(branch, step, p));
    Effect::new(move |_| {
        if resolved != step {
            navigate(
                &href(Target::Step(branch, resolved)),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    if step == resolved {
        pages(branch, step)
    } else {
        // The effect above corrects the address; the page comes with it.
        ().into_any()
    }
}

/// The questions that follow "What happened?" in its bundle.
pub fn question_pages(_: Branch, step: Step) -> AnyView {
    match step {
        Step::HaveCodes => view! { <have_codes::HaveCodesPage/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The steps of the branches that do not sign in.
pub fn step_pages(branch: Branch, step: Step) -> AnyView {
    use compromised::UrgentStepsPage;
    use email_proof::{EnterCodePage, EnterEmailPage};
    use lost_email::{CanYouSignInPage, ChangeEmailPage};
    use mailing::{CheckYourEmailPage, ForgotPasswordPage, ForgotUsernamePage};
    match step {
        Step::Ask if branch == Branch::ForgotUsername => view! { <ForgotUsernamePage/> }.into_any(),
        Step::Ask => view! { <ForgotPasswordPage/> }.into_any(),
        Step::Sent => view! { <CheckYourEmailPage branch=branch/> }.into_any(),
        Step::CanSignIn => view! { <CanYouSignInPage/> }.into_any(),
        Step::ChangeEmail => view! { <ChangeEmailPage/> }.into_any(),
        Step::Email => view! { <EnterEmailPage/> }.into_any(),
        Step::EmailCode => view! { <EnterCodePage/> }.into_any(),
        Step::Checklist => view! { <UrgentStepsPage/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The repository proof's step (a bundle of its own).
pub fn repository_pages(_: Branch, step: Step) -> AnyView {
    match step {
        Step::Repository => view! { <repository_proof::RepositoryProofPage/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The steps of the branches that sign in ([`Branch::signs_in`]).
pub fn sign_in_step_pages(branch: Branch, step: Step) -> AnyView {
    use sign_in_branches::{AuthenticatorChecksPage, CodePage, PasswordPage, SignedInPage};
    match step {
        Step::Checks => view! { <AuthenticatorChecksPage/> }.into_any(),
        Step::Password => view! { <PasswordPage branch=branch/> }.into_any(),
        Step::SecondFactor => view! { <CodePage branch=branch/> }.into_any(),
        Step::SignedIn => view! { <SignedInPage branch=branch/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}
