//! The binary of `index.html` (see `reclaim::app::RECOVER`).

fn main() {
    reclaim::run(&reclaim::app::RECOVER);
}
