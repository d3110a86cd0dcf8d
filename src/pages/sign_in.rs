//! `/sign-in`: the wizard's sign-in steps on their own, for the checkup and
//! after a password reset. `?next=/path` says where to go once signed in.
//! A bundle of its own: a signed-out browser opening the checkup gets it
//! instead of the checkup's (`Bundle::signed_out_stand_in`).

use crate::router::{use_navigate, use_router, NavigateOptions};
use leptos::prelude::*;
use reclaim_core::api::{LoginOutcome, SecondFactor, SecondFactorChallenge};
use reclaim_core::messages::problem_message;
use reclaim_core::route::Route;
use reclaim_core::wizard::Branch;
use reclaim_core::ProblemCode;

use crate::components::key_sign_in::KeySignIn;
use crate::components::sign_in_steps::{PasswordStep, SecondFactorStep};
use crate::components::Page;
use crate::prefetch::prefetch_page;
use crate::session::Session;

/// Where sign-in leads when `next` is missing or refused.
const DEFAULT_NEXT: Route = Route::Checkup;

/// Where to go after sign-in: `next` resolved by the browser's URL parser
/// against `base` (the page's own address), followed only when it stays on
/// that origin and names a page of the app (`Route`). Parsing first is what
/// makes this safe: browsers strip tab, CR and LF and read `\` as `/`, so
/// `/\t/evil.example` and `/\\evil.example` are `//evil.example`, another
/// host. Returns the path, query and fragment to navigate to.
pub fn next_after_sign_in(next: Option<&str>, base: &str) -> String {
    let resolved = next.and_then(|next| {
        let url = web_sys::Url::new_with_base(next, base).ok()?;
        let own = web_sys::Url::new(base).ok()?;
        let route = Route::parse(&url.pathname())?;
        (url.origin() == own.origin() && route.may_follow_sign_in())
            .then(|| format!("{}{}{}", url.pathname(), url.search(), url.hash()))
    });
    resolved.unwrap_or_else(|| DEFAULT_NEXT.path())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let router = use_router();
    let here = window().location().href().unwrap_or_default();
    let next = StoredValue::new(next_after_sign_in(
        router.query_param("next").as_deref(),
        &here,
    ));
    // Once the user starts on the form, fetch the code of the page that
    // follows (another bundle) while they type.
    let prefetch_next = move |_| prefetch_page(&next.get_value(), router.bundle());
    let challenge = RwSignal::new(None::<SecondFactorChallenge>);
    let notice = RwSignal::new(None::<String>);
    // With a key on the account, the key is offered first: it cannot be
    // phished, and a touch is quicker than typing a code.
    let with_key = RwSignal::new(true);

    let done = Callback::new(move |_: ()| {
        session.signed_in();
        navigate(&next.get_value(), NavigateOptions::default());
    });
    let on_outcome = Callback::new(move |outcome: LoginOutcome| match outcome {
        LoginOutcome::Session { .. } => done.run(()),
        LoginOutcome::SecondFactor(c) => challenge.set(Some(c)),
    });
    let on_expired = Callback::new(move |_| {
        notice.set(problem_message(ProblemCode::ChallengeExpired).map(str::to_string));
        challenge.set(None);
    });

    move || {
        match challenge.get() {
        None => view! {
            <Page title="Sign in" back=Route::Start.path()>
                <div on:focusin=prefetch_next>
                    <PasswordStep heading="Sign in" on_outcome=on_outcome notice=notice.get_untracked().unwrap_or_default()>
                        {session.expired_notice().map(|n| view! { <p class="body">{n}</p> })}
                    </PasswordStep>
                </div>
                <p class="body"><a class="link" href=Route::Recover.path()>"I cannot sign in"</a></p>
            </Page>
        }
        .into_any(),
        Some(c) if with_key.get() && c.methods.contains(&SecondFactor::SecurityKey) => {
            let codes_too = c.methods.iter().any(|m| *m != SecondFactor::SecurityKey);
            view! {
            <Page title="Use your security key" back=Route::SignIn.path()>
                <KeySignIn
                    token=c.token.clone()
                    heading="Use your security key"
                    on_signed_in=Callback::new(move |_| done.run(()))
                    on_expired=on_expired
                >
                    <p class="body">"Your account has a security key or passkey: use it to finish signing in."</p>
                </KeySignIn>
                {codes_too.then(|| view! {
                    <p class="body">
                        <button type="button" class="link-button" on:click=move |_| with_key.set(false)>
                            "Use a code instead"
                        </button>
                    </p>
                })}
                <p class="body"><a class="link" href=Route::RecoverStep { branch: Branch::LostSecurityKey, step: None }.path()>"I lost my security key"</a></p>
            </Page>
            }
            .into_any()
        }
        Some(c) => {
            let with_a_key = c.methods.contains(&SecondFactor::SecurityKey);
            view! {
            <Page title="Enter your code" back=Route::SignIn.path()>
                <SecondFactorStep
                    challenge=c
                    first=SecondFactor::Totp
                    heading="Enter your code"
                    on_signed_in=Callback::new(move |_| done.run(()))
                    on_expired=on_expired
                >
                    <p class="body">"Enter the code from your authenticator app, or use one of your recovery codes."</p>
                </SecondFactorStep>
                {with_a_key.then(|| view! {
                    <p class="body">
                        <button type="button" class="link-button" on:click=move |_| with_key.set(true)>
                            "Use your security key instead"
                        </button>
                    </p>
                })}
                <p class="body"><a class="link" href=Route::RecoverStep { branch: Branch::Lost2fa, step: None }.path()>"I lost my authenticator app"</a></p>
            </Page>
            }
            .into_any()
        }
    }
    }
}

/// Sign in first (in place of the current address), then come back to `next`.
pub fn navigate_to_sign_in(navigate: &impl Fn(&str, NavigateOptions), next: &str) {
    navigate(
        &Route::sign_in_then(next),
        NavigateOptions {
            replace: true,
            ..Default::default()
        },
    );
}

/// A checkup page opened without a session, where the server sent this
/// bundle: sign in first, then come back to `next`.
#[component]
pub fn SignInFirst(next: String) -> impl IntoView {
    let navigate = use_navigate();
    leptos::task::spawn_local(async move { navigate_to_sign_in(&navigate, &next) });
}
