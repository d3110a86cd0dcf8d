//! The binary of `sign-in.html` (see `reclaim::app::SIGN_IN`).

fn main() {
    reclaim::run(&reclaim::app::SIGN_IN);
}
