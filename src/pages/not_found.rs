use leptos::prelude::*;
use reclaim_core::route::Route;

use crate::components::Page;
use crate::config::use_config;

/// Any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    let config = use_config();
    view! {
        <Page title="Page not found">
            <h1 class="heading-l">"Page not found"</h1>
            <p class="body">"If you typed the web address, check it is correct."</p>
            <p class="body">"If you pasted the web address, check you copied the entire address."</p>
            <p class="body">
                "You can "
                <a class="link" href=Route::Start.path()>"start again from the beginning"</a>
                ", or "
                <a class="link" href=Route::Status.path()>"check the status of a recovery request"</a>
                "."
            </p>
            <p class="body">
                "If you need help, email "
                <a class="link" href=format!("mailto:{}", config.support.email)>{config.support.email.clone()}</a>
                "."
            </p>
        </Page>
    }
}
