//! The signed-in bundle (`account.html`): sign-in and the security checkup.

use leptos::prelude::*;
use reclaim::app::AccountApp;

fn main() {
    reclaim::run(|config| view! { <AccountApp config=config/> });
}
