use leptos::html::Div;
use leptos::prelude::*;

use crate::browser;

/// One entry of the error summary: the words (the same as the inline
/// message) and the id of the field it links to, if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub target: Option<String>,
    pub message: String,
}

impl SummaryItem {
    pub fn field(target: impl Into<String>, message: impl Into<String>) -> SummaryItem {
        SummaryItem {
            target: Some(target.into()),
            message: message.into(),
        }
    }

    pub fn text(message: impl Into<String>) -> SummaryItem {
        SummaryItem {
            target: None,
            message: message.into(),
        }
    }
}

/// GOV.UK error summary: "There is a problem", a list of links to the
/// fields, `role="alert"`. Focus moves to it when it appears and whenever
/// `focus_key` changes (each time the user presses Continue), but not when
/// an entry disappears because the user fixed a field.
#[component]
pub fn ErrorSummary(
    #[prop(into)] items: Signal<Vec<SummaryItem>>,
    #[prop(optional, into)] focus_key: Signal<u32>,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let visible = Memo::new(move |_| items.with(|i| !i.is_empty()));

    // Focus when it becomes visible or when asked again.
    Effect::new(move |_| {
        focus_key.track();
        if visible.get() {
            if let Some(el) = node.get() {
                // After this render has reached the page (it may still be
                // hidden in this very tick).
                request_animation_frame(move || browser::focus_element(&el));
            }
        }
    });

    view! {
        <div
            node_ref=node
            class="error-summary"
            class:hidden=move || !visible.get()
            aria-labelledby="error-summary-title"
            role="alert"
            tabindex="-1"
        >
            <Show when=move || visible.get()>
                <h2 class="error-summary__title" id="error-summary-title">
                    "There is a problem"
                </h2>
                <ul class="error-summary__list">
                    {move || {
                        items
                            .get()
                            .into_iter()
                            .map(summary_entry)
                            .collect_view()
                    }}
                </ul>
            </Show>
        </div>
    }
}

fn summary_entry(item: SummaryItem) -> impl IntoView {
    match item.target {
        Some(target) => {
            let href = format!("#{target}");
            let on_click = move |ev: leptos::ev::MouseEvent| {
                // Focus the field itself (and show its label), without a
                // router navigation to the fragment.
                if browser::focus_id(&target) {
                    ev.prevent_default();
                }
            };
            view! {
                <li>
                    <a href=href on:click=on_click>{item.message}</a>
                </li>
            }
            .into_any()
        }
        None => view! { <li>{item.message}</li> }.into_any(),
    }
}
