//! The sign-in branches: lost authenticator with recovery codes, recovery
//! codes that do not work (stale sets), and authenticator codes refused.

use crate::prefetch::prefetch_page;
use crate::router::{use_navigate, use_router, NavigateOptions};
use leptos::prelude::*;
use reclaim_core::api::{LoginOutcome, RecoveryCodesInfo, SecondFactor};
use reclaim_core::messages::problem_message;
use reclaim_core::route::Route;
use reclaim_core::wizard::{Answer, Branch, Step, Target, INVALID_CODES_BEFORE_REQUEST};
use reclaim_core::ProblemCode;

use super::{back_href, href, use_answer, Wizard};
use crate::browser;
use crate::components::sign_in_steps::{PasswordStep, SecondFactorStep};
use crate::components::{InsetText, Page, Panel, WarningText};
use crate::config::use_config;
use crate::session::Session;

fn heading(branch: Branch) -> &'static str {
    match branch {
        Branch::StaleCodes => "Find out why your recovery codes do not work",
        Branch::TotpRefused => "Sign in with your authenticator app",
        Branch::LostSecurityKey => "Sign in without your security key",
        _ => "Sign in with a recovery code",
    }
}

/// Step 1 of the sign-in branches: username and password.
#[component]
pub fn PasswordPage(branch: Branch) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let session = expect_context::<Session>();
    let answer = use_answer(branch, Step::Password);
    let notice = wizard.notice.try_update(Option::take).flatten();
    let on_outcome = Callback::new(move |outcome: LoginOutcome| match outcome {
        LoginOutcome::SecondFactor(challenge) => {
            wizard.challenge.set(Some(challenge));
            answer(Answer::PasswordAccepted {
                second_factor: true,
            });
        }
        LoginOutcome::Session { username, .. } => {
            wizard.signed_in_with.set(None);
            session.signed_in();
            wizard.username.set(username);
            answer(Answer::PasswordAccepted {
                second_factor: false,
            });
        }
    });
    let intro = match branch {
        Branch::StaleCodes => "Sign in with your password first. Then we can tell you when your current set of recovery codes was made and how many are left, so you know which saved codes can still work.",
        Branch::TotpRefused => "Enter your username and password, then a code from your authenticator app.",
        Branch::LostSecurityKey => "Enter your username and password. Then, instead of the key, use a code from your authenticator app or one of your recovery codes. After that you can remove the lost key.",
        _ => "Enter your username and password first. Then, instead of a code from your authenticator app, you can enter one of your recovery codes.",
    };
    view! {
        <Page title=heading(branch) back=back_href(branch, Step::Password)>
            <PasswordStep heading=heading(branch) on_outcome=on_outcome notice=notice.unwrap_or_default()>
                <p class="body">{intro}</p>
            </PasswordStep>
            <p class="body">
                "Forgot your password? "
                <a class="link" href=href(Target::Step(Branch::ForgotPassword, Step::Ask))>"Reset your password"</a>
                " first, then come back."
            </p>
        </Page>
    }
}

/// "Your current set was generated on DATE and N codes are unused": the
/// answer support gives to one in six requests, given here first.
fn codes_facts(info: &RecoveryCodesInfo, count: u32) -> String {
    match &info.generated_at {
        None => "Your account has no recovery codes: none were ever generated.".to_string(),
        Some(at) => {
            let when = browser::format_timestamp(at);
            match info.unused {
                0 => format!("Your current set of recovery codes was generated on {when}, and all {count} codes of it have been used."),
                1 => format!("Your current set of recovery codes was generated on {when}. 1 code of it is unused."),
                n => format!("Your current set of recovery codes was generated on {when}. {n} of its {count} codes are unused."),
            }
        }
    }
}

/// Step 2: the code. On the stale-codes branch, with the diagnosis.
#[component]
pub fn CodePage(branch: Branch) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let config = use_config();
    let answer = use_answer(branch, Step::SecondFactor);
    let Some(challenge) = wizard.challenge.get_untracked() else {
        // `resolve` never shows this step without a challenge.
        return ().into_any();
    };
    let info = challenge.recovery_codes.clone();
    let facts = codes_facts(&info, config.recovery_codes.count);
    let has_codes = info.generated_at.is_some() && info.unused > 0;
    let first = if matches!(branch, Branch::TotpRefused | Branch::LostSecurityKey) {
        SecondFactor::Totp
    } else {
        SecondFactor::RecoveryCode
    };
    // With only the lost key, there is no other way in: prove the email.
    let other_way = branch != Branch::LostSecurityKey
        || challenge.methods.contains(&SecondFactor::Totp)
        || has_codes;
    let last_refusal = RwSignal::new(None::<ProblemCode>);

    let on_signed_in = {
        let answer = answer.clone();
        Callback::new(move |(username, with): (String, SecondFactor)| {
            wizard.signed_in_with.set(Some(with));
            session.signed_in();
            wizard.username.set(username);
            wizard.challenge.set(None);
            answer(Answer::SignedIn);
        })
    };
    let on_expired = {
        let answer = answer.clone();
        Callback::new(move |_| {
            wizard.challenge.set(None);
            wizard
                .notice
                .set(problem_message(ProblemCode::ChallengeExpired).map(str::to_string));
            answer(Answer::ChallengeExpired);
        })
    };
    let on_refused = Callback::new(move |code: ProblemCode| {
        if code == ProblemCode::RecoveryCodeInvalid {
            wizard.invalid_codes.update(|n| *n += 1);
        }
        last_refusal.set(Some(code));
    });
    let nothing_worked = {
        let answer = answer.clone();
        move |_| answer(Answer::NothingWorked)
    };
    let no_codes = move |_| {
        navigate(
            &href(Target::Step(Branch::NoCodes, Step::Email)),
            NavigateOptions::default(),
        )
    };
    let stale = branch == Branch::StaleCodes;
    let offer_request =
        Signal::derive(move || wizard.invalid_codes.get() >= INVALID_CODES_BEFORE_REQUEST);
    let site = config.site_name.clone();
    let test_instance = config.test_instance.clone();
    let heading = match branch {
        Branch::TotpRefused => "Enter a code from your authenticator app",
        Branch::StaleCodes => "Your recovery codes",
        Branch::LostSecurityKey if !other_way => "You have no other way to sign in",
        Branch::LostSecurityKey => "Use another way to sign in",
        _ => "Enter a recovery code",
    };
    let example_file = format!("{site}-Recovery-Codes-yourname-2026-03-02T09:15:00Z.txt");
    if !other_way {
        return view! {
            <Page title=heading back=back_href(branch, Step::SecondFactor)>
                <h1 class="heading-l">{heading}</h1>
                <p class="body">"Your account has no authenticator app and no unused recovery codes, so the lost key was its only second factor."</p>
                <p class="body">"Prove that you can read the email address of your account. Support can then remove the key once they have checked that the account is yours."</p>
                <button type="button" class="button" on:click=nothing_worked>"Prove your email address"</button>
            </Page>
        }
        .into_any();
    }

    view! {
        <Page title=heading back=back_href(branch, Step::SecondFactor)>
            <SecondFactorStep
                challenge=challenge
                first=first
                heading=heading
                on_signed_in=on_signed_in
                on_expired=on_expired
                on_refused=on_refused
            >
                {(branch != Branch::TotpRefused).then(|| view! { <InsetText><p class="body">{facts.clone()}</p></InsetText> })}
            </SecondFactorStep>
            // The field comes first (a stressed reader on a phone wants to
            // try a code); why one can fail and where to look, below it.
            {stale.then(|| view! {
                <details class="details">
                    <summary class="details__summary">"Why a saved code can be refused"</summary>
                    <ul class="list list--bullet details__text">
                        <li>"Only the newest set works. Each time new codes are generated, every code of the older sets stops working, and an old code gets \u{201c}Invalid recovery code\u{201d}, exactly like a typo."</li>
                        <li>{format!("A saved codes file has the time its set was generated in its name, like {example_file}. Look for the file with the same date as your current set above.")}</li>
                        <li>"Each code works once. A code you used before gets \u{201c}Recovery code has been previously used\u{201d}: try another from the same set."</li>
                        {test_instance.clone().map(|t| view! {
                            <li>{format!("Codes for {} ({}) belong to a different account and never work here.", t.name, t.url)}</li>
                        })}
                    </ul>
                </details>
                <details class="details">
                    <summary class="details__summary">"Where people keep their codes"</summary>
                    <ul class="list list--bullet details__text">
                        <li>"a password manager, in the entry for this site or in a secure note"</li>
                        <li>"the downloads folder of the computer used to set up two-factor authentication"</li>
                        <li>"backups or cloud storage of that computer"</li>
                        <li>"a printed sheet"</li>
                    </ul>
                </details>
            })}
            {move || {
                let stale_after_refusal = !stale && last_refusal.get() == Some(ProblemCode::RecoveryCodeInvalid);
                let nothing_worked = nothing_worked.clone();
                view! {
                    {stale_after_refusal.then(|| view! {
                        <p class="body">
                            <button type="button" class="link-button" on:click=nothing_worked.clone()>
                                "Find out why your recovery codes do not work"
                            </button>
                        </p>
                    })}
                    {(stale && offer_request.get()).then(|| view! {
                        <h2 class="heading-m">"If no saved code works"</h2>
                        <p class="body">"Support can turn off two-factor authentication once they have checked that the account is yours."</p>
                        <p class="body">
                            <button type="button" class="button button--secondary" on:click=nothing_worked.clone()>
                                "Ask support to recover your account"
                            </button>
                        </p>
                    })}
                }
            }}
            {(!has_codes || branch != Branch::TotpRefused).then(|| view! {
                <p class="body">
                    <button type="button" class="link-button" on:click=no_codes>
                        "I have no recovery codes that work"
                    </button>
                </p>
            })}
        </Page>
    }
    .into_any()
}

/// Before blaming the app: the clock, the right entry, one code at a time.
#[component]
pub fn AuthenticatorChecksPage() -> impl IntoView {
    let config = use_config();
    let answer = use_answer(Branch::TotpRefused, Step::Checks);
    let site = config.site_name.clone();
    let issuer = config.totp_issuer.clone();
    let on_continue = move |_| answer(Answer::Continue);
    view! {
        <Page title="If your authenticator app\u{2019}s codes are refused" back=back_href(Branch::TotpRefused, Step::Checks)>
            <h1 class="heading-l">"If your authenticator app\u{2019}s codes are refused"</h1>
            <p class="body">"Most refused codes have one of these causes. Check each, then try a new code."</p>
            <ol class="list list--number">
                <li>
                    <strong>"The clock on your phone. "</strong>
                    "Codes are made from the time. If your phone\u{2019}s clock is a minute or more out, every code is refused. Open your phone\u{2019}s date and time settings and set them to update automatically."
                </li>
                <li>
                    <strong>"The right entry in the app. "</strong>
                    {format!("Use the entry named {issuer} with your {site} username. Codes from another entry, or from another site, never work here.")}
                    {config.test_instance.clone().map(|t| format!(" {} ({}) is a separate site with separate accounts: its entry does not work for {site}.", t.name, t.url))}
                </li>
                <li>
                    <strong>"One code, once. "</strong>
                    "Each code works once and only for about 30 seconds. If the code is about to change, wait for the next one."
                </li>
            </ol>
            <WarningText>"Recovery codes are not authenticator codes. A recovery code has 16 characters; an authenticator code has 6 digits."</WarningText>
            <button type="button" class="button" on:click=on_continue>"Continue to sign in"</button>
        </Page>
    }
}

/// Signed in: what to do now, with the checkup.
#[component]
pub fn SignedInPage(branch: Branch) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let username = wizard.username.get_untracked();
    let with = wizard.signed_in_with.get_untracked();
    let what = match with {
        Some(SecondFactor::Totp) => "Your authenticator app works. If its codes were refused because of the phone\u{2019}s clock, keep the clock set to update automatically.",
        Some(SecondFactor::RecoveryCode) => "You used a recovery code, so it will not work again.",
        Some(SecondFactor::SecurityKey) => "Your security key works.",
        None => "Your account does not use two-factor authentication yet: anyone with your password can sign in as you.",
    };
    // The one way on from here, in another bundle: its page and code are
    // fetched while this page is read.
    let next = if branch == Branch::LostSecurityKey {
        Route::CheckupSecurityKeys
    } else {
        Route::Checkup
    };
    prefetch_page(&next.path(), use_router().bundle());
    view! {
        <Page title="You are signed in" back=back_href(branch, Step::SignedIn)>
            <Panel title="You are signed in">
                {format!("Signed in as {username}")}
            </Panel>
            <p class="body">{what}</p>
            <h2 class="heading-m">"What to do now"</h2>
            <ol class="list list--number">
                {(with != Some(SecondFactor::Totp)).then(|| view! {
                    <li>"Set up your authenticator app, on the device you have now."</li>
                })}
                <li>"Generate a new set of recovery codes and save them somewhere safe, away from your phone. The new set replaces the old one."</li>
                <li>"Check your email address is one you can still read."</li>
            </ol>
            {if branch == Branch::LostSecurityKey {
                view! {
                    <p class="body">"Remove the lost key first: whoever finds it still needs your password, but it should not be able to sign in as you."</p>
                    <a class="button" href=next.path()>"Remove the lost security key"</a>
                }
                .into_any()
            } else {
                view! { <a class="button" href=next.path()>"Check the security of your account"</a> }.into_any()
            }}
        </Page>
    }
}
