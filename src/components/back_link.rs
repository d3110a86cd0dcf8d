use leptos::prelude::*;

/// GOV.UK back link: goes to an explicit earlier page, not `history.back()`,
/// so it works the same after a reload or when arriving from elsewhere.
#[component]
pub fn BackLink(
    #[prop(into)] href: String,
    #[prop(optional, into)] text: Option<String>,
) -> impl IntoView {
    view! {
        <a href=href class="back-link">
            {text.unwrap_or_else(|| "Back".to_string())}
        </a>
    }
}
