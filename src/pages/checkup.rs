use leptos::prelude::*;

use crate::components::Page;
use crate::config::use_config;

/// `/checkup`: placeholder until the sign-in checkup exists.
#[component]
pub fn CheckupPage() -> impl IntoView {
    let config = use_config();
    let site = config.site_name.clone();
    view! {
        <Page title="Check the security of your account" back="/".to_string()>
            <h1 class="heading-l">"Check the security of your account"</h1>
            <p class="body">
                "The security checkup is not available here yet. It will let you sign in and see at a glance whether your two-factor authentication, recovery codes and email address are in order, and fix each one on the spot."
            </p>
            <p class="body">
                "Until then, you can review these in your "
                <a class="link" href=config.support.account_settings_url.clone() rel="external">
                    {format!("{site} account settings")}
                </a>
                "."
            </p>
            <h2 class="heading-m">"What to check now"</h2>
            <ul class="list list--bullet">
                <li>"Two-factor authentication is turned on."</li>
                <li>"You have saved your current recovery codes somewhere safe, such as a password manager. Generating new codes makes all older codes stop working."</li>
                <li>"The email address of your account is one you can still read, and it is verified."</li>
            </ul>
            <p class="body"><a class="link" href="/">"Go to the start page"</a></p>
        </Page>
    }
}
