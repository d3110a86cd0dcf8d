//! The bundle of the checkup's recovery codes page
//! (`checkup-recovery-codes.html`).

use leptos::prelude::*;
use reclaim::app::CheckupRecoveryCodesApp;

fn main() {
    reclaim::run(|config| view! { <CheckupRecoveryCodesApp config=config/> });
}
