//! The binary of `request-review.html` (see `reclaim::app::REQUEST_REVIEW`).

fn main() {
    reclaim::run(&reclaim::app::REQUEST_REVIEW);
}
