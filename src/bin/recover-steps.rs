//! The binary of `recover-steps.html` (see `reclaim::app::RECOVER_STEPS`).

fn main() {
    reclaim::run(&reclaim::app::RECOVER_STEPS);
}
