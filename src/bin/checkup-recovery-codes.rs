//! The binary of `checkup-recovery-codes.html` (see `reclaim::app::CHECKUP_RECOVERY_CODES`).

fn main() {
    reclaim::run(&reclaim::app::CHECKUP_RECOVERY_CODES);
}
