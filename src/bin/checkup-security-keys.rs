//! The binary of `checkup-security-keys.html` (see `reclaim::app::CHECKUP_SECURITY_KEYS`).

fn main() {
    reclaim::run(&reclaim::app::CHECKUP_SECURITY_KEYS);
}
