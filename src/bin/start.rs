//! The binary of `index.html`, the start page (see `reclaim::app::START`).

fn main() {
    reclaim::run(&reclaim::app::START);
}
