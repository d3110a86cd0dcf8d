//! A wait the server asked for (429 `Retry-After`, a resend cool-down),
//! counted down live, for "Try again in 42 s" and disabled buttons.

use leptos::prelude::*;
use std::time::Duration;

use super::StatusMessage;
use crate::failure_words;

/// Seconds left of a wait; zero when none.
#[derive(Debug, Clone, Copy)]
pub struct Cooldown {
    left: RwSignal<u32>,
    /// Bumped by every `start`, so an older countdown stops ticking.
    generation: StoredValue<u32>,
}

impl Default for Cooldown {
    fn default() -> Self {
        Self::new()
    }
}

impl Cooldown {
    pub fn new() -> Cooldown {
        Cooldown {
            left: RwSignal::new(0),
            generation: StoredValue::new(0),
        }
    }

    /// Wait `seconds` from now (replacing any wait in progress).
    pub fn start(self, seconds: u32) {
        self.generation.update_value(|g| *g += 1);
        let generation = self.generation.get_value();
        self.left.set(seconds);
        self.tick(generation);
    }

    fn tick(self, generation: u32) {
        set_timeout(
            move || {
                // The page is gone, or a newer wait took over.
                if self.generation.try_get_value() != Some(generation) {
                    return;
                }
                let left = self.left.get_untracked().saturating_sub(1);
                self.left.set(left);
                if left > 0 {
                    self.tick(generation);
                }
            },
            Duration::from_secs(1),
        );
    }

    pub fn seconds_left(self) -> Signal<u32> {
        self.left.into()
    }

    pub fn active(self) -> Signal<bool> {
        Signal::derive(move || self.left.get() > 0)
    }
}

/// The live "Try again in 42 s" under a form that must wait.
#[component]
pub fn CooldownStatus(cooldown: Cooldown) -> impl IntoView {
    let text = Signal::derive(move || {
        let left = cooldown.seconds_left().get();
        if left > 0 {
            format!("{}.", failure_words::try_again_in(left))
        } else {
            String::new()
        }
    });
    view! { <StatusMessage text=text/> }
}

/// A form's submit button: disabled while its call is under way or the
/// server asked to wait, with the countdown above it.
#[component]
pub fn SubmitButton(
    #[prop(into)] label: String,
    /// What it says while the call is under way ("Sending…").
    #[prop(into)]
    busy: String,
    #[prop(into)] sending: Signal<bool>,
    cooldown: Cooldown,
) -> impl IntoView {
    view! {
        <CooldownStatus cooldown=cooldown/>
        <button type="submit" class="button" disabled=move || sending.get() || cooldown.active().get()>
            {move || if sending.get() { busy.clone() } else { label.clone() }}
        </button>
    }
}
