//! `/recover` and `/recover/{branch}`: what happened, and what to do.
//!
//! These pages say honestly what the user can do today and end with what
//! happens next and a way to ask support. The interactive steps (reset
//! link, sign-in with a recovery code, email verification) come later and
//! will replace the "what to do" text of each branch.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use reclaim_core::config::AppConfig;

use super::not_found::NotFound;
use crate::components::Page;
use crate::config::use_config;

/// One branch of the wizard.
struct Branch {
    slug: &'static str,
    /// Link text on `/recover`.
    choice: &'static str,
    /// One line under the link.
    choice_hint: &'static str,
    /// The branch page's `<h1>`.
    heading: &'static str,
    /// Reason preselected in the request form.
    reason: &'static str,
}

const BRANCHES: [Branch; 7] = [
    Branch {
        slug: "forgot-password",
        choice: "I forgot my password",
        choice_hint: "You can still read the email of your account.",
        heading: "Reset your password",
        reason: "forgot_password",
    },
    Branch {
        slug: "lost-2fa",
        choice: "I lost my two-factor device or app, but I have recovery codes",
        choice_hint: "For example, a new phone without your authenticator app.",
        heading: "Sign in with a recovery code",
        reason: "lost_2fa",
    },
    Branch {
        slug: "stale-codes",
        choice: "My recovery codes do not work",
        choice_hint: "You get \u{201c}Invalid recovery code\u{201d} for codes you saved.",
        heading: "Why your recovery codes may not work",
        reason: "stale_recovery_codes",
    },
    Branch {
        slug: "lost-email",
        choice: "I lost access to the email address of my account",
        choice_hint: "For example, an old work or university address.",
        heading: "If you lost access to your email address",
        reason: "lost_email",
    },
    Branch {
        slug: "no-codes",
        choice: "I lost my two-factor device and I have no recovery codes that work",
        choice_hint: "You never saved them, or lost them with the device.",
        heading: "If you lost your two-factor device and have no recovery codes",
        reason: "lost_2fa",
    },
    Branch {
        slug: "compromised",
        choice: "Someone else has taken over or used my account",
        choice_hint: "For example, releases or changes you did not make.",
        heading: "If someone else has used your account",
        reason: "compromised",
    },
    Branch {
        slug: "forgot-username",
        choice: "I forgot my username",
        choice_hint: "You know the email address of your account.",
        heading: "Find your username",
        reason: "other",
    },
];

/// `/recover`: the list of branches.
#[component]
pub fn RecoverIndex() -> impl IntoView {
    view! {
        <Page title="What happened?" back="/".to_string()>
            <h1 class="heading-l">"What happened?"</h1>
            <p class="body">"Choose what best describes your situation."</p>
            <ul class="choice-list">
                {BRANCHES
                    .iter()
                    .map(|b| {
                        view! {
                            <li class="choice-list__item">
                                <a class="link choice-list__link" href=format!("/recover/{}", b.slug)>
                                    {b.choice}
                                </a>
                                <p class="hint choice-list__hint">{b.choice_hint}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="body">
                "None of these? "
                <a class="link" href="/request?reason=other">"Ask support to recover your account"</a>
                "."
            </p>
        </Page>
    }
}

/// `/recover/{branch}`.
#[component]
pub fn RecoverBranch() -> impl IntoView {
    let params = use_params_map();
    let config = use_config();
    move || {
        let slug = params.with(|p| p.get("branch")).unwrap_or_default();
        match BRANCHES.iter().find(|b| b.slug == slug) {
            Some(branch) => branch_page(branch, &config).into_any(),
            None => view! { <NotFound/> }.into_any(),
        }
    }
}

fn branch_page(branch: &'static Branch, config: &AppConfig) -> impl IntoView {
    let site = config.site_name.clone();
    let settings = config.support.account_settings_url.clone();
    let security = config.support.security_url.clone();
    let help = config.support.help_url.clone();
    let expected = config.expected_response_time.clone();
    let request_href = format!("/request?reason={}", branch.reason);

    let body: AnyView = match branch.slug {
        "forgot-password" => view! {
            <p class="body">{format!("On the {site} sign-in page, choose \u{201c}Forgot password?\u{201d} and enter your username or email address.")}</p>
            <p class="body">"If the account exists and its email address is verified, you will get an email with a link to choose a new password. The link works for 6 hours. You can ask for 5 links a day."</p>
            <p class="body">"You will see the same message whether or not the account exists: this keeps other people from finding out who has an account."</p>
            <h2 class="heading-m">"If no email arrives"</h2>
            <p class="body">"Check your spam folder and wait a few minutes. An email address that was never verified cannot be used to reset a password: in that case, ask support."</p>
        }.into_any(),
        "lost-2fa" => view! {
            <ol class="list list--number">
                <li>{format!("Sign in to {site} with your username and password.")}</li>
                <li>"When you are asked for a code from your authenticator app, choose to use a recovery code instead."</li>
                <li>"Enter one of your recovery codes. Each code works once. Spaces and dashes do not matter."</li>
                <li>"Once you are in, set up your authenticator app again and generate new recovery codes. Save them somewhere safe."</li>
            </ol>
            <p class="body">
                "Then "
                <a class="link" href="/checkup">"check the security of your account"</a>
                "."
            </p>
            <h2 class="heading-m">"If the recovery code does not work"</h2>
            <p class="body">
                "Your codes may be from an older set. "
                <a class="link" href="/recover/stale-codes">"Find out why recovery codes stop working"</a>
                "."
            </p>
        }.into_any(),
        "stale-codes" => view! {
            <p class="body">"Recovery codes come in sets. When you generate a new set, every code of the older sets stops working, and an old code gets the same \u{201c}Invalid recovery code\u{201d} message as a typo."</p>
            <p class="body">{format!("Saved code files have the time they were generated in their name, for example {site}-Recovery-Codes-yourname-2025-03-01T10:00:00Z.txt. Look for the newest file, in your password manager, downloads or backups, and try a code from it.")}</p>
            <p class="body">"Each code works only once: a code you already used says \u{201c}Recovery code has been previously used\u{201d}. Try another one from the same set."</p>
            <h2 class="heading-m">"If no saved set works"</h2>
            <p class="body">"Support can help, but only after checking that the account is yours."</p>
        }.into_any(),
        "lost-email" => view! {
            <h2 class="heading-m">"If you can still sign in"</h2>
            <p class="body">
                "Change the email address in your "
                <a class="link" href=settings.clone() rel="external">{format!("{site} account settings")}</a>
                ". Add the new address, verify it, make it the primary address, then remove the old one."
            </p>
            <h2 class="heading-m">"If you cannot sign in"</h2>
            <p class="body">"Support needs to know the addresses the account used before, the packages you maintain, and an address that works now."</p>
        }.into_any(),
        "no-codes" => view! {
            <p class="body">"Without your authenticator app or a working recovery code, you cannot sign in yourself."</p>
            <p class="body">"Support can check that the account is yours and turn off two-factor authentication. Being able to read the email address of your account helps: say so in your request."</p>
        }.into_any(),
        "compromised" => view! {
            <div class="warning-text">
                <span class="warning-text__icon" aria-hidden="true">"!"</span>
                <strong class="warning-text__text">
                    <span class="visually-hidden">"Warning: "</span>
                    "Act now, in this order."
                </strong>
            </div>
            <ol class="list list--number">
                <li>"If you can still sign in, change your password, then revoke all API tokens and sign out other sessions."</li>
                <li>"Check the recent releases of your packages for versions you did not publish."</li>
                <li>
                    "Tell the security team: "
                    <a class="link" href=security.clone() rel="external">{format!("{site} security")}</a>
                    "."
                </li>
            </ol>
            <p class="body">"If you cannot sign in any more, ask support at once and choose that someone else has used your account."</p>
        }.into_any(),
        _ => view! {
            <p class="body">{format!("On the {site} sign-in page, choose \u{201c}Forgot username?\u{201d} and enter the email address of your account. If an account uses that address, we email you its username.")}</p>
            <p class="body">"You will see the same message whether or not an account uses the address."</p>
            <h2 class="heading-m">"If you do not know the email address either"</h2>
            <p class="body">"Ask support. In the request, choose \u{201c}I do not know my username\u{201d}."</p>
        }.into_any(),
    };

    view! {
        <Page title=branch.heading back="/recover".to_string()>
            <h1 class="heading-l">{branch.heading}</h1>
            {body}
            <h2 class="heading-m">"What happens next"</h2>
            <p class="body">
                {format!("If this does not get you back in, ask support to recover your account. Support checks every request by hand and writes to you by email. It usually takes {expected}. They may ask you to prove that your packages are yours.")}
            </p>
            <p class="body">
                <a class="button button--secondary" href=request_href>"Ask support to recover your account"</a>
            </p>
            <p class="body">
                "More help: "
                <a class="link" href=help rel="external">{format!("{site} account recovery help")}</a>
            </p>
        </Page>
    }
}
