//! The wizard's bundle (`index.html`): the start page and the recovery wizard.

use leptos::prelude::*;
use reclaim::app::RecoverApp;

fn main() {
    reclaim::run(|config| view! { <RecoverApp config=config/> });
}
