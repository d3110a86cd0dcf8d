//! Lost the phone or the authenticator app: "Do you have recovery codes?"
//! decides between signing in with a code, finding out why codes are
//! refused, and proving the email; what it learns about the codes the
//! request does not ask again.

use leptos::prelude::*;
use reclaim_core::wizard::{Answer, Branch, CodesOnHand, Step, Target};
use reclaim_core::ErrorCode;

use super::{back_href, href, use_answer};
use crate::components::{ErrorSummary, FormField, FormState, Page, RadioOption, Radios};
use crate::page_store::{self, KnownCodesStatus};
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

#[component]
pub fn HaveCodesPage() -> impl IntoView {
    let answer = use_answer(Branch::LostAuthenticator, Step::HaveCodes);
    let bundle = use_router().bundle();
    let form = FormState::<HaveCodes>::new();
    let selected = RwSignal::new(None::<CodesOnHand>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let choice = selected.get_untracked();
        if form.submit([(HaveCodes, choice.map(|_| ()).ok_or(ErrorCode::Required))]) {
            if let Some(codes) = choice {
                // The request may be a bundle or two away: what is known
                // about the codes goes with the tab, not with this page.
                match codes.status() {
                    Some(status) => {
                        page_store::put(&KnownCodesStatus(status));
                    }
                    None => page_store::remove::<KnownCodesStatus>(),
                }
                answer(Answer::HaveCodes(codes));
            }
        }
    };
    let options = CodesOnHand::ALL
        .into_iter()
        .map(|codes| {
            let (label, hint) = words(codes);
            let option = RadioOption::new(codes.as_str(), label);
            match hint {
                Some(hint) => option.with_hint(hint),
                None => option,
            }
        })
        .collect::<Vec<_>>();
    let legend = "Do you have recovery codes?";
    view! {
        <Page title=legend back=back_href(Branch::LostAuthenticator, Step::HaveCodes) has_errors=form.has_errors()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <form novalidate on:submit=on_submit>
                <Radios
                    id="have-codes"
                    legend=legend
                    hint="Recovery codes have 16 characters, like 0123 4567 89ab cdef. You saved them, as a file, a printout or in a password manager, when you set up your authenticator app."
                    options=options
                    selected=Signal::derive(move || selected.get().map(|c| c.as_str().to_string()))
                    on_change=Callback::new(move |v: String| {
                        let Some(codes) = CodesOnHand::parse(&v) else { return };
                        let next = codes.branch();
                        // Its page may be another bundle: fetch its code now.
                        prefetch_page(&href(Target::Step(next, next.first_step())), bundle);
                        selected.set(Some(codes));
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

/// Each answer's label and hint.
fn words(codes: CodesOnHand) -> (&'static str, Option<&'static str>) {
    match codes {
        CodesOnHand::Have => ("Yes, I have recovery codes", None),
        CodesOnHand::NeverSaved => ("No, I never saved any", None),
        CodesOnHand::Lost => (
            "No, I lost them",
            Some("With the phone, say, or the file is gone."),
        ),
        CodesOnHand::AllRefused => (
            "I have codes, but every one is refused",
            Some("We will find out why: often they are from an older set."),
        ),
    }
}
