use leptos::prelude::*;
use reclaim_core::route::Route;

use crate::components::{Page, WarningText};
use crate::config::use_config;

/// `/`: the start page.
#[component]
pub fn StartPage() -> impl IntoView {
    let config = use_config();
    let site = config.site_name.clone();
    view! {
        <Page title="Get back into your account">
            <h1 class="heading-xl">{format!("Get back into your {site} account")}</h1>
            <p class="body">
                {format!("Use this service if you cannot sign in to your {site} account, or if you think someone else has used it.")}
            </p>
            <p class="body">"Depending on what happened, you can:"</p>
            <ul class="list list--bullet">
                <li>"reset a forgotten password"</li>
                <li>"sign in with a recovery code if you lost your phone or your authenticator app"</li>
                <li>"find out why your recovery codes do not work"</li>
                <li>"get a reminder of your username"</li>
                <li>"ask support to recover your account when nothing else works"</li>
            </ul>
            <p class="body">"It takes a few minutes. If you need to ask support, it can take much longer for them to answer."</p>
            <a href=Route::Recover.path() class="button button--start" draggable="false">
                "Start now"
                <svg class="button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false">
                    <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z"></path>
                </svg>
            </a>

            <h2 class="heading-m">"Before you start"</h2>
            <WarningText>
                {format!("Never share your password, your recovery codes or the codes from your authenticator app with anyone, including {site} support. Nobody from {site} will ask for them.")}
            </WarningText>

            <h2 class="heading-m">"Other things you can do"</h2>
            <ul class="list">
                <li><a class="link" href=Route::Status.path()>"Check the status of a recovery request you sent"</a></li>
                <li><a class="link" href=Route::Checkup.path()>"Check the security of your account"</a></li>
            </ul>
        </Page>
    }
}
