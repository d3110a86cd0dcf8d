//! Lost the phone or the authenticator app: "Do you have recovery codes?"
//! decides between signing in with a code and proving the email.

use leptos::prelude::*;
use reclaim_core::wizard::{Answer, Branch, Step, Target};
use reclaim_core::ErrorCode;

use super::{back_href, href, use_answer};
use crate::components::{ErrorSummary, FormField, FormState, Page, RadioOption, Radios};
use crate::prefetch::prefetch_page;
use crate::router::use_router;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct HaveCodes;

impl FormField for HaveCodes {
    fn id(self) -> String {
        String::from("have-codes")
    }
    fn pointer(self) -> String {
        String::from("")
    }
    fn message(self, _: ErrorCode) -> String {
        "Select yes if you have recovery codes".to_string()
    }
}

/// Where each answer leads.
fn branch_for(has: bool) -> Branch {
    if has {
        Branch::Lost2fa
    } else {
        Branch::NoCodes
    }
}

#[component]
pub fn HaveCodesPage() -> impl IntoView {
    let answer = use_answer(Branch::LostAuthenticator, Step::HaveCodes);
    let bundle = use_router().bundle();
    let form = FormState::<HaveCodes>::new();
    let selected = RwSignal::new(None::<bool>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let choice = selected.get_untracked();
        if form.submit([(HaveCodes, choice.map(|_| ()).ok_or(ErrorCode::Required))]) {
            if let Some(has) = choice {
                answer(Answer::HaveCodes(has));
            }
        }
    };
    let legend = "Do you have recovery codes?";
    view! {
        <Page title=legend back=back_href(Branch::LostAuthenticator, Step::HaveCodes) has_errors=form.has_errors()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <form novalidate on:submit=on_submit>
                <Radios
                    id="have-codes"
                    legend=legend
                    hint="Recovery codes have 16 characters, like 0123 4567 89ab cdef. You saved them, as a file, a printout or in a password manager, when you set up your authenticator app."
                    options=vec![
                        RadioOption::new("yes", "Yes, I have recovery codes"),
                        RadioOption::new("no", "No, or none of them work")
                            .with_hint("You never saved them, lost them with the phone, or every code is refused."),
                    ]
                    selected=Signal::derive(move || selected.get().map(|c| if c { "yes" } else { "no" }.to_string()))
                    on_change=Callback::new(move |v: String| {
                        let has = v == "yes";
                        let next = branch_for(has);
                        // Its page may be another bundle: fetch its code now.
                        prefetch_page(&href(Target::Step(next, next.first_step())), bundle);
                        selected.set(Some(has));
                        form.clear();
                    })
                    error=form.error(HaveCodes)
                    is_page_heading=true
                />
                <button type="submit" class="button">"Continue"</button>
            </form>
        </Page>
    }
}
