//! The binary of `status.html` (see `reclaim::app::STATUS`).

fn main() {
    reclaim::run(&reclaim::app::STATUS);
}
