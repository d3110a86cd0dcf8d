//! The binary of `checkup.html` (see `reclaim::app::CHECKUP`).

fn main() {
    reclaim::run(&reclaim::app::CHECKUP);
}
