//! The bundle of the checkup's authenticator pages
//! (`checkup-authenticator.html`): set up, remove.

use leptos::prelude::*;
use reclaim::app::CheckupAuthenticatorApp;

fn main() {
    reclaim::run(|config| view! { <CheckupAuthenticatorApp config=config/> });
}
