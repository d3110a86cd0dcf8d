//! The bundle of the wizard's branches that sign in (`recover-sign-in.html`).

use leptos::prelude::*;
use reclaim::app::RecoverSignInApp;

fn main() {
    reclaim::run(|config| view! { <RecoverSignInApp config=config/> });
}
