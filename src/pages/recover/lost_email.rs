//! Lost access to the account's email address.

use leptos::prelude::*;
use reclaim_core::route::Route;
use reclaim_core::wizard::{Answer, Branch, Step};
use reclaim_core::ErrorCode;

use super::{back_href, use_answer, Wizard};
use crate::components::{ErrorSummary, FormField, FormState, Page, RadioOption, Radios};
use crate::config::use_config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct CanSignIn;

impl FormField for CanSignIn {
    fn id(self) -> String {
        String::from("can-sign-in")
    }
    fn pointer(self) -> String {
        String::from("")
    }
    fn message(self, _: ErrorCode) -> String {
        "Select yes if you can still sign in".to_string()
    }
}

/// "Can you still sign in?"
#[component]
pub fn CanYouSignInPage() -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let answer = use_answer(Branch::LostEmail, Step::CanSignIn);
    let site = use_config().site_name;
    let form = FormState::<CanSignIn>::new();
    let selected = RwSignal::new(wizard.progress.with_untracked(|p| p.can_sign_in));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let choice = selected.get_untracked();
        if form.submit([(CanSignIn, choice.map(|_| ()).ok_or(ErrorCode::Required))]) {
            if let Some(can) = choice {
                answer(Answer::CanSignIn(can));
            }
        }
    };
    let legend = format!("Can you still sign in to your {site} account?");
    view! {
        <Page title=legend.clone() back=back_href(Branch::LostEmail, Step::CanSignIn) has_errors=form.has_errors()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <form novalidate on:submit=on_submit>
                <Radios
                    id="can-sign-in"
                    legend=legend
                    hint="With your password, and your authenticator app or a recovery code if your account uses them."
                    options=vec![
                        RadioOption::new("yes", "Yes, I can still sign in"),
                        RadioOption::new("no", "No, I cannot sign in"),
                    ]
                    selected=Signal::derive(move || selected.get().map(|c| if c { "yes" } else { "no" }.to_string()))
                    on_change=Callback::new(move |v: String| selected.set(Some(v == "yes")))
                    error=form.error(CanSignIn)
                    is_page_heading=true
                />
                <button type="submit" class="button">"Continue"</button>
            </form>
        </Page>
    }
}

/// Signed in somewhere: change the address in the registry's settings.
#[component]
pub fn ChangeEmailPage() -> impl IntoView {
    let config = use_config();
    let site = config.site_name.clone();
    let settings = config.support.account_settings_url.clone();
    view! {
        <Page title="Change the email address of your account" back=back_href(Branch::LostEmail, Step::ChangeEmail)>
            <h1 class="heading-l">"Change the email address of your account"</h1>
            <p class="body">"You do not need support for this. While you can sign in, you can change the address yourself:"</p>
            <ol class="list list--number">
                <li>
                    "Sign in and open your "
                    <a class="link" href=settings rel="external">{format!("{site} account settings")}</a>
                    "."
                </li>
                <li>"Add an address you can read now, and verify it with the link we email to it."</li>
                <li>"Make the new address the primary one."</li>
                <li>"Remove the address you lost."</li>
            </ol>
            <p class="body">"Do it before you lose access in another way: without an email you can read, a forgotten password can only be fixed by support."</p>
            <h2 class="heading-m">"What happens next"</h2>
            <p class="body">"We email the new address to confirm the change. Password reset links and notices go to it from then on."</p>
            <p class="body"><a class="link" href=Route::Checkup.path()>"Check the security of your account"</a></p>
        </Page>
    }
}
