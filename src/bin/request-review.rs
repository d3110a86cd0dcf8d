//! The bundle of the request's review (`request-review.html`): check the
//! answers, send, the confirmation.

use leptos::prelude::*;
use reclaim::app::RequestReviewApp;

fn main() {
    reclaim::run(|config| view! { <RequestReviewApp config=config/> });
}
