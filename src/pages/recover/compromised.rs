//! Someone else has used the account: the urgent steps first, then support.

use leptos::prelude::*;
use reclaim_core::wizard::{Answer, Branch, Step, Target};

use super::{back_href, href, use_answer};
use crate::components::{Page, WarningText};
use crate::config::use_config;

#[component]
pub fn UrgentStepsPage() -> impl IntoView {
    let config = use_config();
    let answer = use_answer(Branch::Compromised, Step::Checklist);
    let site = config.site_name.clone();
    let settings = config.support.account_settings_url.clone();
    let security = config.support.security_url.clone();
    let on_continue = move |_| answer(Answer::Continue);
    view! {
        <Page title="If someone else has used your account" back=back_href(Branch::Compromised, Step::Checklist)>
            <h1 class="heading-l">"If someone else has used your account"</h1>
            <WarningText>"Act now, in this order. Every minute counts if someone can publish releases of your packages."</WarningText>
            <ol class="list list--number">
                <li>
                    <strong>"Change your password. "</strong>
                    "If you cannot sign in, "
                    <a class="link" href=href(Target::Step(Branch::ForgotPassword, Step::Ask))>"reset your password"</a>
                    ". A reset signs out every session."
                </li>
                <li>
                    <strong>"Revoke every API token "</strong>
                    "in your "
                    <a class="link" href=settings rel="external">{format!("{site} account settings")}</a>
                    ", and create new ones only where you need them. Tokens keep working after a password change."
                </li>
                <li>
                    <strong>"Check your packages: "</strong>
                    "recent releases you did not publish, and maintainers or owners you did not add."
                </li>
                <li>
                    <strong>"Tell the security team: "</strong>
                    <a class="link" href=security rel="external">{format!("{site} security")}</a>
                    ". They can stop a malicious release from spreading."
                </li>
            </ol>
            <h2 class="heading-m">"If you cannot get back in"</h2>
            <p class="body">"Ask support to secure and recover your account. Your request is marked as a compromised account."</p>
            <button type="button" class="button button--warning" on:click=on_continue>
                "Ask support to secure your account"
            </button>
        </Page>
    }
}
