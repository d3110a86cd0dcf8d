//! GOV.UK Design System pieces used on more than one page: warning text,
//! panel, tag, summary list, inset text.

use leptos::prelude::*;

/// "!" and bold words: something people must not miss.
#[component]
pub fn WarningText(children: Children) -> impl IntoView {
    view! {
        <div class="warning-text">
            <span class="warning-text__icon" aria-hidden="true">"!"</span>
            <strong class="warning-text__text">
                <span class="visually-hidden">"Warning: "</span>
                {children()}
            </strong>
        </div>
    }
}

/// The green box at the end of a journey, with the page's `<h1>`.
#[component]
pub fn Panel(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <div class="panel">
            <h1 class="panel__title">{title}</h1>
            <div class="panel__body">{children()}</div>
        </div>
    }
}

/// How a tag looks; never the only carrier of meaning (it always has words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagTone {
    Info,
    Good,
    Warning,
    Bad,
    Done,
}

/// A short status label ("Verified", "Not set up").
#[component]
pub fn Tag(#[prop(into)] text: String, tone: TagTone) -> impl IntoView {
    let class = match tone {
        TagTone::Info => "tag tag--blue",
        TagTone::Done => "tag tag--grey",
        TagTone::Good => "tag tag--green",
        TagTone::Warning => "tag tag--yellow",
        TagTone::Bad => "tag tag--red",
    };
    view! { <strong class=class>{text}</strong> }
}

/// One row of a summary list.
pub struct SummaryRow {
    pub key: String,
    pub value: AnyView,
    /// A Change link: (href, hidden words naming the answer).
    pub change: Option<(String, String)>,
}

/// Keys and values, each with an optional Change link.
#[component]
pub fn SummaryList(rows: Vec<SummaryRow>) -> impl IntoView {
    view! {
        <dl class="summary-list">
            {rows
                .into_iter()
                .map(|row| {
                    let action = row.change.map(|(href, hidden)| {
                        view! {
                            <a class="link" href=href>
                                "Change"
                                <span class="visually-hidden">{format!(" {hidden}")}</span>
                            </a>
                        }
                    });
                    view! {
                        <div class="summary-list__row">
                            <dt class="summary-list__key">{row.key}</dt>
                            <dd class="summary-list__value">{row.value}</dd>
                            <dd class="summary-list__actions">{action}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

/// Indented text that stands out from the page around it.
#[component]
pub fn InsetText(children: Children) -> impl IntoView {
    view! { <div class="inset-text">{children()}</div> }
}
