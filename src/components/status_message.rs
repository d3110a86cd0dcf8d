use leptos::prelude::*;

/// A polite live region (`role="status"`) for "Sending…", "Copied",
/// "Try again in 42 s". It is always in the page, so screen readers notice
/// when its text changes; it takes no space while empty.
#[component]
pub fn StatusMessage(
    #[prop(into)] text: Signal<String>,
    #[prop(optional)] id: Option<&'static str>,
    /// Hide visually (for announcements that are also shown elsewhere).
    #[prop(optional)]
    visually_hidden: bool,
) -> impl IntoView {
    let class = move || {
        let mut c = String::from("status-message");
        if visually_hidden {
            c.push_str(" visually-hidden");
        } else if text.with(|t| t.is_empty()) {
            c.push_str(" status-message--empty");
        }
        c
    };
    view! {
        <div role="status" id=id class=class>
            {move || text.get()}
        </div>
    }
}
