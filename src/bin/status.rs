//! The status page's bundle (`status.html`): the status of a sent request.

use leptos::prelude::*;
use reclaim::app::StatusApp;

fn main() {
    reclaim::run(|config| view! { <StatusApp config=config/> });
}
