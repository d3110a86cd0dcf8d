//! The request's bundle (`request.html`): the recovery request and its status.

use leptos::prelude::*;
use reclaim::app::RequestApp;

fn main() {
    reclaim::run(|config| view! { <RequestApp config=config/> });
}
