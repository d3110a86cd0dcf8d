//! The binary of `recover-sign-in.html` (see `reclaim::app::RECOVER_SIGN_IN`).

fn main() {
    reclaim::run(&reclaim::app::RECOVER_SIGN_IN);
}
