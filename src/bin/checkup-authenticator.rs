//! The binary of `checkup-authenticator.html` (see `reclaim::app::CHECKUP_AUTHENTICATOR`).

fn main() {
    reclaim::run(&reclaim::app::CHECKUP_AUTHENTICATOR);
}
