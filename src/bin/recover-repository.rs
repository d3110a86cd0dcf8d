//! The binary of `recover-repository.html` (see `reclaim::app::RECOVER_REPOSITORY`).

fn main() {
    reclaim::run(&reclaim::app::RECOVER_REPOSITORY);
}
