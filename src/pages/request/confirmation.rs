//! `/request/confirmation`: the request id, the status token (shown once),
//! what happens next, and the opt-in "remember this request here".

use leptos::prelude::*;
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::route::Route;

use super::RequestFlow;
use crate::browser;
use crate::components::{Checkbox, Page, Panel, StatusMessage};
use crate::config::use_config;
use crate::draft::RememberedRequest;

/// What the hold means for a request carrying proofs: until when nobody
/// acts on it, who can cancel it, and what the proofs spare.
fn hold_words(until: &str, with_repository: bool) -> (String, &'static str) {
    (
        format!("Your request waits until {until} before anyone acts on it. We have written to every address of the account: if the request was not sent by the account\u{2019}s owner, they can cancel it from that email until then."),
        if with_repository {
            "Your email and repository proofs are attached, so support does not need to ask you for them."
        } else {
            "Your email proof is attached. Without a repository proof the wait is longer; support may still ask you for more."
        },
    )
}

/// `/request/confirmation`
#[component]
pub fn Confirmation() -> impl IntoView {
    let flow = expect_context::<RequestFlow>();
    let config = use_config();
    let expected = config.expected_response_time.clone();
    let site = config.site_name.clone();
    let support_email = config.support.email.clone();

    match flow.created.get_untracked() {
        Some(created) => {
            // Shown once: leaving the page forgets the token (unless the
            // user chose to remember the request on this device).
            on_cleanup(move || flow.created.set(None));
            let remembered = RwSignal::new(
                RememberedRequest::load().is_some_and(|r| r.id == created.id),
            );
            let announce = RwSignal::new(String::new());
            let token = StoredValue::new(created.status_token.clone());
            let id = StoredValue::new(created.id.clone());

            let on_remember = Callback::new(move |checked: bool| {
                if checked {
                    let saved = RememberedRequest {
                        id: id.get_value(),
                        status_token: token.get_value(),
                    }
                    .save();
                    remembered.set(saved);
                    announce.set(if saved {
                        "This request is remembered on this device.".to_string()
                    } else {
                        "This browser does not allow us to remember the request. Copy the request ID and status token instead.".to_string()
                    });
                } else {
                    RememberedRequest::forget();
                    remembered.set(false);
                    announce.set("This request is no longer remembered on this device.".to_string());
                }
            });
            let copy_token = move |_| {
                leptos::task::spawn_local(async move {
                    let ok = browser::copy_to_clipboard(&token.get_value()).await;
                    announce.set(if ok {
                        "Status token copied.".to_string()
                    } else {
                        "Could not copy. Select the token and copy it yourself.".to_string()
                    });
                });
            };
            let sent_to = flow.sent_to.get_untracked().filter(|e| !e.is_empty());
            let with_repository = flow.sent_with_repository_proof.get_untracked();
            let hold = created.hold_ends_at.as_deref().map(|until| {
                hold_words(&browser::format_timestamp(until), with_repository)
            });

            view! {
                <Page title="Recovery request sent">
                    <Panel title="Recovery request sent">
                        "Your request ID is"
                        <br/>
                        <strong class="panel__id">{created.id.clone()}</strong>
                    </Panel>

                    <h2 class="heading-m">"Your status token"</h2>
                    <p class="body">
                        "With your request ID, this token lets you check the status of your request. Treat it like a password: anyone who has both can see the status. "
                        <strong>"We will show it only once."</strong>
                        " Copy it now and keep it somewhere safe, such as a password manager."
                    </p>
                    <p class="token-box">
                        <code id="status-token" class="token">{created.status_token.clone()}</code>
                    </p>
                    <div class="button-group">
                        <button type="button" class="button button--secondary" on:click=copy_token>
                            "Copy status token"
                        </button>
                    </div>
                    <StatusMessage text=announce/>

                    <Checkbox
                        id="remember-request"
                        label="Remember this request on this device"
                        hint=view! {
                            "Only on a device that only you use. The request ID and status token are then kept in this browser, so you can check the status without typing them. You can forget them later on the status page."
                        }
                        .into_any()
                        checked=remembered
                        on_change=on_remember
                    />

                    <h2 class="heading-m">"What happens next"</h2>
                    <ol class="list list--number">
                        <li>
                            {match sent_to {
                                Some(email) => format!("Support will write to you at {email}. "),
                                None => "Support will write to the contact email address you gave. ".to_string(),
                            }}
                            "Check your email, including your spam or junk folder."
                        </li>
                        <li>
                            "Replies come by email, and you must answer them by email. Keep the request ID in the subject."
                        </li>
                        {match hold {
                            Some((held, proof)) => view! { <li>{held}</li><li>{proof}</li> }.into_any(),
                            None => view! {
                                <li>
                                    "Support will ask you to prove that the packages are yours. Usually you push a branch, named with a token they send you, to the public repository of one of your projects. When a project has no public repository, there is a waiting period of 7 days instead."
                                </li>
                            }
                            .into_any(),
                        }}
                        <li>{format!("It usually takes {expected}. Sending another request does not make it faster.")}</li>
                    </ol>
                    <p class="body">
                        <a class="link" href=Route::Status.path()>"Check the status of your request"</a>
                    </p>
                    <p class="body">
                        {format!("Support will never ask for your password, your recovery codes or the codes from your authenticator app. If someone does, do not answer and tell {site} at ")}
                        <a class="link" href=format!("mailto:{support_email}")>{support_email.clone()}</a>
                        "."
                    </p>
                </Page>
            }
            .into_any()
        }
        None => view! {
            <Page title="There is no request to show">
                <h1 class="heading-l">"There is no request to show"</h1>
                <p class="body">
                    "This page shows a request only once, just after you send it, because it contains your status token."
                </p>
                <p class="body">
                    "If you sent a request, support will write to the contact email address you gave. You can "
                    <a class="link" href=Route::Status.path()>"check its status"</a>
                    " with the request ID and status token."
                </p>
                <p class="body">
                    "If you have not sent a request yet, "
                    <a class="link" href=Route::Request(RequestQuestion::Account).path()>"ask support to recover your account"</a>
                    "."
                </p>
            </Page>
        }
        .into_any(),
    }
}
