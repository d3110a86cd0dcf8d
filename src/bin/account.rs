//! The binary of `account.html` (see `reclaim::app::ACCOUNT`).

fn main() {
    reclaim::run(&reclaim::app::ACCOUNT);
}
