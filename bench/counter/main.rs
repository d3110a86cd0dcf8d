//! The benchmark's baseline: a Leptos counter, built with this project's
//! release profile and served by the same server (see `bench/perf`). It is
//! not part of the app; it measures what Leptos alone costs to load.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| {
        let count = RwSignal::new(0);
        view! {
            <main>
                <h1>"Counter"</h1>
                <button type="button" on:click=move |_| count.update(|n| *n += 1)>
                    {move || format!("Clicked {} times", count.get())}
                </button>
            </main>
        }
    });
}
