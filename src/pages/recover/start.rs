//! `/recover`: "What happened?", one question with one answer.

use crate::page_store::{self, ChosenBranch};
use crate::prefetch::prefetch_page;
use crate::router::{use_navigate, use_router, NavigateOptions};
use leptos::prelude::*;
use reclaim_core::api::Reason;
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::route::Route;
use reclaim_core::wizard::{Branch, Target};
use reclaim_core::ErrorCode;

use super::{href, Wizard};
use crate::components::{ErrorSummary, FormField, FormState, Page, RadioOption, Radios};

/// The answer on "What happened?", and its hint.
fn choice(branch: Branch) -> (&'static str, &'static str) {
    match branch {
        Branch::ForgotPassword => (
            "I forgot my password",
            "You can still read the email of your account.",
        ),
        Branch::LostAuthenticator | Branch::Lost2fa | Branch::NoCodes => (
            "I lost my phone or my authenticator app",
            "For example, a new phone without the app. Next, we ask about your recovery codes.",
        ),
        Branch::LostSecurityKey => (
            "I lost my security key or passkey",
            "Lost, broken or stolen. You sign in another way, then remove it.",
        ),
        Branch::StaleCodes => (
            "My recovery codes do not work",
            "You get \u{201c}Invalid recovery code\u{201d} for codes you saved.",
        ),
        Branch::TotpRefused => (
            "My authenticator app\u{2019}s codes are refused",
            "You have the app, but the 6-digit codes do not work.",
        ),
        Branch::LostEmail => (
            "I lost access to the email address of my account",
            "For example, an old work or university address.",
        ),
        Branch::Compromised => (
            "Someone else has taken over or used my account",
            "For example, releases or changes you did not make.",
        ),
        Branch::ForgotUsername => (
            "I forgot my username",
            "You know the email address of your account.",
        ),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct WhatHappened;

impl FormField for WhatHappened {
    fn id(self) -> String {
        String::from("what-happened")
    }
    fn pointer(self) -> String {
        String::from("")
    }
    fn message(self, _: ErrorCode) -> String {
        "Select what happened".to_string()
    }
}

#[component]
pub fn RecoverIndex() -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let navigate = use_navigate();
    let bundle = use_router().bundle();
    let form = FormState::<WhatHappened>::new();
    let first_step = |branch: Branch| href(Target::Step(branch, branch.first_step()));
    // The answer given before is kept when coming back.
    let chosen = wizard
        .progress
        .with_untracked(|p| p.branch)
        .or_else(|| {
            // Kept across the page load from a branch's bundle.
            page_store::get::<ChosenBranch>().map(|c| c.0)
        })
        .map(Branch::choice);
    let selected = RwSignal::new(chosen);
    let options = Branch::CHOICES
        .into_iter()
        .map(|b| {
            let (label, hint) = choice(b);
            RadioOption::new(b.slug(), label).with_hint(hint)
        })
        .collect::<Vec<_>>();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let branch = selected.get_untracked();
        if !form.submit([(WhatHappened, branch.map(|_| ()).ok_or(ErrorCode::Required))]) {
            return;
        }
        if let Some(branch) = branch {
            wizard.progress.update(|p| p.branch = Some(branch));
            page_store::put(&ChosenBranch(branch));
            navigate(&first_step(branch), NavigateOptions::default());
        }
    };

    view! {
        <Page title="What happened?" back=Route::Start.path() has_errors=form.has_errors()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <form novalidate on:submit=on_submit>
                <Radios
                    id="what-happened"
                    legend="What happened?"
                    hint="Choose the one that fits best. You can come back and choose another."
                    options=options
                    selected=Signal::derive(move || selected.get().map(|b| b.slug().to_string()))
                    on_change=Callback::new(move |v: String| {
                        let branch = Branch::parse(&v);
                        // Its page is another bundle: fetch its code while
                        // the user finds "Continue".
                        if let Some(branch) = branch {
                            prefetch_page(&first_step(branch), bundle);
                        }
                        selected.set(branch);
                        form.clear();
                    })
                    error=form.error(WhatHappened)
                    is_page_heading=true
                />
                <button type="submit" class="button">"Continue"</button>
            </form>
            <p class="body">
                "None of these? "
                <a class="link" href=Route::Request(RequestQuestion::Account).with_query(&[("reason", Reason::Other.as_str())])>"Ask support to recover your account"</a>
                "."
            </p>
        </Page>
    }
}
