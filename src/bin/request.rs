//! The binary of `request.html` (see `reclaim::app::REQUEST`).

fn main() {
    reclaim::run(&reclaim::app::REQUEST);
}
