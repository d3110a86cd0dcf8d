//! The public bundle (`index.html`): start page, wizard, request, status.

use leptos::prelude::*;
use reclaim::app::PublicApp;

fn main() {
    reclaim::run(|config| view! { <PublicApp config=config/> });
}
