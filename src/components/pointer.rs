//! Blur validation that does not make a click miss.
//!
//! When a field loses focus because the user pressed on something else (a
//! button, a radio), showing or clearing its error at once moves the page
//! under the pointer and the press lands elsewhere. So work asked for while
//! a pointer is down waits until it is released and the click is done.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;

thread_local! {
    static POINTER_DOWN: Cell<bool> = const { Cell::new(false) };
    static PENDING: RefCell<Vec<Box<dyn FnOnce()>>> = RefCell::new(Vec::new());
}

/// Track the pointer for the whole app; call once, when the app mounts.
pub fn track_pointer() {
    // The listeners live as long as the page: the app never unmounts.
    let _ = window_event_listener(leptos::ev::pointerdown, |_| POINTER_DOWN.set(true));
    let _ = window_event_listener(leptos::ev::pointerup, |_| released());
    let _ = window_event_listener(leptos::ev::pointercancel, |_| released());
}

fn released() {
    POINTER_DOWN.set(false);
    // After the click that follows this pointerup.
    set_timeout(
        || {
            for work in PENDING.take() {
                work();
            }
        },
        std::time::Duration::ZERO,
    );
}

/// Run `work` now, or once the pointer that is down has been released.
pub fn after_press(work: impl FnOnce() + 'static) {
    if POINTER_DOWN.get() {
        PENDING.with_borrow_mut(|p| p.push(Box::new(work)));
    } else {
        work();
    }
}
