//! Form fields in the GOV.UK Design System patterns.
//!
//! Every field has a real `<label>` (or a `<fieldset>` with a `<legend>`), an
//! optional hint, and an inline error that the control points at with
//! `aria-describedby`. The error text is the same text the error summary
//! links with. Values are controlled: the caller owns the state.

use leptos::prelude::*;

use super::described_by;

fn hint_id(id: &str) -> String {
    format!("{id}-hint")
}

fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// The `aria-describedby` of a field: its hint, its error while it shows
/// one, and an extra description (a character count) if any.
fn description_ids(
    hint_id: Option<String>,
    err_id: String,
    error: Signal<Option<String>>,
    extra: Option<String>,
) -> impl Fn() -> Option<String> + Clone + 'static {
    move || {
        described_by(&[
            hint_id.clone(),
            error.with(|e| e.is_some()).then(|| err_id.clone()),
            extra.clone(),
        ])
    }
}

/// The inline error: "Error:" for screen readers, then the message.
#[component]
fn ErrorMessage(id: String, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.with(|e| e.is_some())>
            <p id=id.clone() class="error-message">
                <span class="visually-hidden">"Error: "</span>
                {move || error.get().unwrap_or_default()}
            </p>
        </Show>
    }
}

/// Hint text under a label or legend.
#[component]
fn Hint(id: String, text: Option<String>) -> impl IntoView {
    text.map(|t| view! { <div id=id class="hint">{t}</div> })
}

/// A label, or a label wrapped in an `<h1>` when the question is the page.
fn label_view(for_id: String, text: String, is_page_heading: bool) -> AnyView {
    if is_page_heading {
        view! {
            <h1 class="label-wrapper">
                <label class="label label--l" for=for_id>{text}</label>
            </h1>
        }
        .into_any()
    } else {
        view! { <label class="label" for=for_id>{text}</label> }.into_any()
    }
}

/// Single-line text input (`type="text"` or `"email"`, never `"number"`).
#[component]
pub fn TextInput(
    /// The input's id and name; the error summary links here.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    /// `text` (default), `email` or `password`.
    #[prop(optional)]
    input_type: Option<&'static str>,
    /// An HTML autocomplete token (`username`, `email`, `off`…).
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// Turn spellcheck off for names, emails and codes.
    #[prop(optional)]
    no_spellcheck: bool,
    /// Extra class for width, e.g. `input--width-20`.
    #[prop(optional)]
    width: Option<&'static str>,
    #[prop(optional)] is_page_heading: bool,
) -> impl IntoView {
    let hint_id = hint.as_ref().map(|_| hint_id(&id));
    let err_id = error_id(&id);
    let described = description_ids(hint_id.clone(), err_id.clone(), error, None);
    let input_class = move || {
        let mut c = String::from("input");
        if let Some(w) = width {
            c.push(' ');
            c.push_str(w);
        }
        if error.with(|e| e.is_some()) {
            c.push_str(" input--error");
        }
        c
    };
    let group_class = move || {
        if error.with(|e| e.is_some()) {
            "form-group form-group--error"
        } else {
            "form-group"
        }
    };
    view! {
        <div class=group_class>
            {label_view(id.clone(), label, is_page_heading)}
            <Hint id=hint_id.clone().unwrap_or_default() text=hint/>
            <ErrorMessage id=err_id error=error/>
            <input
                class=input_class
                id=id.clone()
                name=id.clone()
                type=input_type.unwrap_or("text")
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck=no_spellcheck.then_some("false")
                aria-describedby=described
                aria-invalid=move || error.with(|e| e.is_some()).then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(cb) = on_blur {
                        // `try_`: a field removed while focused blurs
                        // after its page (and the callback) is gone.
                        cb.try_run(());
                    }
                }
            />
        </div>
    }
}

/// "Show" / "Hide" for the password input `input_id`, placed after its
/// field (the GOV.UK password input): on a phone a mistyped password is the
/// commonest failure, and unseen. It flips the input's type in place, with
/// no signal, and only pages with a password carry it.
#[component]
pub fn PasswordToggle(#[prop(into)] input_id: String) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button button--secondary password-toggle"
            aria-controls=input_id.clone()
            aria-pressed="false"
            on:click=move |ev| reveal_password(&ev, &input_id)
        >
            "Show"
        </button>
    }
}

/// Show or hide the password of the input `input_id`, and say which on the
/// button that was pressed.
fn reveal_password(ev: &leptos::ev::MouseEvent, input_id: &str) {
    use wasm_bindgen::JsCast;
    let (Some(input), Some(button)) = (
        crate::browser::element_by_id(input_id),
        ev.current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
    ) else {
        return;
    };
    let show = input.get_attribute("type").as_deref() == Some("password");
    let _ = input.set_attribute("type", if show { "text" } else { "password" });
    let _ = button.set_attribute("aria-pressed", if show { "true" } else { "false" });
    button.set_text_content(Some(if show { "Hide" } else { "Show" }));
}

/// `5000` → `5,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).unwrap_or_default())
        .collect();
    groups.join(",")
}

/// Multi-line text input with a character count in its hint.
#[component]
pub fn Textarea(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(default = 6)] rows: u32,
    /// Shown as "You have N characters remaining" (not a live region).
    #[prop(optional)]
    max_chars: Option<usize>,
) -> impl IntoView {
    let hint_id = hint.as_ref().map(|_| hint_id(&id));
    let err_id = error_id(&id);
    let count_id = format!("{id}-count");
    let described = description_ids(
        hint_id.clone(),
        err_id.clone(),
        error,
        max_chars.map(|_| count_id.clone()),
    );
    let count_text = move || {
        max_chars.map(|max| {
            let used = value.with(|v| v.chars().count());
            if used <= max {
                let left = max - used;
                format!(
                    "You have {} character{} remaining",
                    thousands(left),
                    if left == 1 { "" } else { "s" }
                )
            } else {
                let over = used - max;
                format!(
                    "You have {} character{} too many",
                    thousands(over),
                    if over == 1 { "" } else { "s" }
                )
            }
        })
    };
    let has_error = move || error.with(|e| e.is_some());
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <label class="label" for=id.clone()>{label}</label>
            <Hint id=hint_id.clone().unwrap_or_default() text=hint/>
            <ErrorMessage id=err_id error=error/>
            <textarea
                class="textarea"
                class:textarea--error=has_error
                id=id.clone()
                name=id.clone()
                rows=rows
                aria-describedby=described
                aria-invalid=move || has_error().then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(cb) = on_blur {
                        // `try_`: a field removed while focused blurs
                        // after its page (and the callback) is gone.
                        cb.try_run(());
                    }
                }
            ></textarea>
            {max_chars.map(|_| view! { <div id=count_id class="hint character-count">{count_text}</div> })}
        </div>
    }
}

/// One choice of a radio group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadioOption {
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
}

impl RadioOption {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> RadioOption {
        RadioOption {
            value: value.into(),
            label: label.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> RadioOption {
        self.hint = Some(hint.into());
        self
    }
}

/// Radios in a fieldset with a legend. The first radio gets `id` itself so
/// the error summary can link to the group.
#[component]
pub fn Radios(
    #[prop(into)] id: String,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    options: Vec<RadioOption>,
    #[prop(into)] selected: Signal<Option<String>>,
    on_change: Callback<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] is_page_heading: bool,
) -> impl IntoView {
    let hint_id = hint.as_ref().map(|_| hint_id(&id));
    let err_id = error_id(&id);
    let described = description_ids(hint_id.clone(), err_id.clone(), error, None);
    let has_error = move || error.with(|e| e.is_some());
    let legend_view = if is_page_heading {
        view! {
            <legend class="fieldset__legend fieldset__legend--l">
                <h1 class="fieldset__heading">{legend}</h1>
            </legend>
        }
        .into_any()
    } else {
        view! { <legend class="fieldset__legend fieldset__legend--m">{legend}</legend> }.into_any()
    };
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, opt)| {
            let input_id = if i == 0 {
                id.clone()
            } else {
                format!("{id}-{}", i + 1)
            };
            let item_hint_id = opt.hint.as_ref().map(|_| format!("{input_id}-item-hint"));
            let value = opt.value.clone();
            let checked_value = opt.value.clone();
            view! {
                <div class="radios__item">
                    <input
                        class="radios__input"
                        id=input_id.clone()
                        name=id.clone()
                        type="radio"
                        value=value.clone()
                        aria-describedby=item_hint_id.clone()
                        prop:checked=move || selected.with(|s| s.as_deref() == Some(checked_value.as_str()))
                        on:change=move |_| on_change.run(value.clone())
                    />
                    <label class="label radios__label" for=input_id>{opt.label}</label>
                    {opt.hint.map(|h| view! { <div id=item_hint_id.unwrap_or_default() class="hint radios__hint">{h}</div> })}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <fieldset class="fieldset" aria-describedby=described>
                {legend_view}
                <Hint id=hint_id.clone().unwrap_or_default() text=hint/>
                <ErrorMessage id=err_id error=error/>
                <div class="radios">{items}</div>
            </fieldset>
        </div>
    }
}

/// One checkbox with its own label, hint and error (a declaration).
#[component]
pub fn Checkbox(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(optional)] hint: Option<AnyView>,
    #[prop(into)] checked: Signal<bool>,
    on_change: Callback<bool>,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let has_hint = hint.is_some();
    let hint_id = has_hint.then(|| hint_id(&id));
    let err_id = error_id(&id);
    let described = description_ids(hint_id.clone(), err_id.clone(), error, None);
    let has_error = move || error.with(|e| e.is_some());
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <ErrorMessage id=err_id error=error/>
            <div class="checkboxes__item">
                <input
                    class="checkboxes__input"
                    id=id.clone()
                    name=id.clone()
                    type="checkbox"
                    value="yes"
                    aria-describedby=described
                    aria-invalid=move || has_error().then_some("true")
                    prop:checked=move || checked.get()
                    on:change=move |ev| on_change.run(event_target_checked(&ev))
                />
                <label class="label checkboxes__label" for=id.clone()>{label}</label>
                {hint.map(|h| view! { <div id=hint_id.clone().unwrap_or_default() class="hint checkboxes__hint">{h}</div> })}
            </div>
        </div>
    }
}

/// GOV.UK date input: day, month and year boxes in a fieldset, numeric
/// keyboard on phones (`inputmode="numeric"`, never `type="number"`).
/// The error summary links to the day box (`{id}-day`).
#[component]
pub fn DateInput(
    #[prop(into)] id: String,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(into)] day: Signal<String>,
    #[prop(into)] month: Signal<String>,
    #[prop(into)] year: Signal<String>,
    /// Called with (part, value), part being `day`, `month` or `year`.
    on_input: Callback<(&'static str, String)>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let hint_id = hint.as_ref().map(|_| hint_id(&id));
    let err_id = error_id(&id);
    let described = description_ids(hint_id.clone(), err_id.clone(), error, None);
    let has_error = move || error.with(|e| e.is_some());
    let part =
        |part: &'static str, label: &'static str, value: Signal<String>, width: &'static str| {
            let input_id = format!("{id}-{part}");
            view! {
                <div class="date-input__item">
                    <div class="form-group">
                        <label class="label date-input__label" for=input_id.clone()>{label}</label>
                        <input
                            class=move || {
                                format!(
                                    "input date-input__input {width}{}",
                                    if has_error() { " input--error" } else { "" },
                                )
                            }
                            id=input_id.clone()
                            name=input_id
                            type="text"
                            inputmode="numeric"
                            autocomplete="off"
                            prop:value=move || value.get()
                            on:input=move |ev| on_input.run((part, event_target_value(&ev)))
                            on:blur=move |_| {
                                if let Some(cb) = on_blur {
                                    // `try_`: a field removed while focused blurs
                        // after its page (and the callback) is gone.
                        cb.try_run(());
                                }
                            }
                        />
                    </div>
                </div>
            }
        };
    view! {
        <div class="form-group" class:form-group--error=has_error>
            <fieldset class="fieldset" role="group" aria-describedby=described>
                <legend class="fieldset__legend fieldset__legend--s">{legend}</legend>
                <Hint id=hint_id.clone().unwrap_or_default() text=hint/>
                <ErrorMessage id=err_id error=error/>
                <div class="date-input">
                    {part("day", "Day", day, "input--width-2")}
                    {part("month", "Month", month, "input--width-2")}
                    {part("year", "Year", year, "input--width-4")}
                </div>
            </fieldset>
        </div>
    }
}

/// "Add another" list of short text inputs in a fieldset (0 to `max` rows).
/// Row `i` has id `{id}-{i}` and the label "{item_label} {i+1}"; removing a
/// row moves focus to a neighbour.
#[component]
pub fn ListInput(
    #[prop(into)] id: String,
    #[prop(into)] legend: String,
    #[prop(optional, into)] hint: Option<String>,
    /// Label of one row, numbered: "Email address" → "Email address 1".
    item_label: &'static str,
    /// Text of the add button, e.g. "Add another email address".
    add_label: &'static str,
    #[prop(into)] rows: Signal<Vec<String>>,
    /// Replace all rows (after input, add or remove).
    on_change: Callback<Vec<String>>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    /// Error of row `i`, if any.
    row_error: Callback<usize, Option<String>>,
    /// An error about the whole list (e.g. too many items).
    #[prop(optional, into)]
    error: Signal<Option<String>>,
    max: usize,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    let hint_id = hint.as_ref().map(|_| hint_id(&id));
    let err_id = error_id(&id);
    let described = description_ids(hint_id.clone(), err_id.clone(), error, None);
    let count = Memo::new(move |_| rows.with(Vec::len));
    let any_error =
        move || error.with(|e| e.is_some()) || (0..count.get()).any(|i| row_error.run(i).is_some());
    let base = StoredValue::new(id.clone());

    let remove = move |i: usize| {
        let mut next = rows.get_untracked();
        if i < next.len() {
            next.remove(i);
        }
        if next.is_empty() {
            next.push(String::new());
        }
        let focus_row = i.min(next.len() - 1);
        on_change.run(next);
        let target = format!("{}-{focus_row}", base.get_value());
        // After the rows re-render.
        request_animation_frame(move || {
            crate::browser::focus_id(&target);
        });
    };
    let add = move |_| {
        let mut next = rows.get_untracked();
        if next.len() < max {
            next.push(String::new());
            let target = format!("{}-{}", base.get_value(), next.len() - 1);
            on_change.run(next);
            request_animation_frame(move || {
                crate::browser::focus_id(&target);
            });
        }
    };

    let row_views = move || {
        (0..count.get())
            .map(|i| {
                let input_id = format!("{}-{i}", base.get_value());
                let row_err_id = format!("{input_id}-error");
                let row_error_text = Signal::derive(move || row_error.run(i));
                let described = {
                    let row_err_id = row_err_id.clone();
                    move || row_error_text.with(|e| e.is_some()).then(|| row_err_id.clone())
                };
                let label = format!("{item_label} {}", i + 1);
                // Our own labels are ASCII: no Unicode case tables in the wasm.
                let remove_label = format!("{} {}", item_label.to_ascii_lowercase(), i + 1);
                let show_remove = move || count.get() > 1 || rows.with(|r| r.get(i).is_some_and(|v| !v.is_empty()));
                view! {
                    <div
                        class="list-input__row"
                        class:form-group--error=move || row_error_text.with(|e| e.is_some())
                    >
                        <label class="label" for=input_id.clone()>{label}</label>
                        <ErrorMessage id=row_err_id error=row_error_text/>
                        <div class="list-input__controls">
                            <input
                                class="input input--width-20"
                                class:input--error=move || row_error_text.with(|e| e.is_some())
                                id=input_id.clone()
                                name=input_id
                                type=input_type.unwrap_or("text")
                                autocomplete=autocomplete
                                spellcheck="false"
                                aria-describedby=described
                                prop:value=move || rows.with(|r| r.get(i).cloned().unwrap_or_default())
                                on:input=move |ev| {
                                    let mut next = rows.get_untracked();
                                    if let Some(slot) = next.get_mut(i) {
                                        *slot = event_target_value(&ev);
                                    }
                                    on_change.run(next);
                                }
                                on:blur=move |_| {
                                    if let Some(cb) = on_blur {
                                        // `try_`: a field removed while focused blurs
                        // after its page (and the callback) is gone.
                        cb.try_run(());
                                    }
                                }
                            />
                            <Show when=show_remove>
                                <button type="button" class="button button--secondary button--small" on:click=move |_| remove(i)>
                                    "Remove"
                                    <span class="visually-hidden">{format!(" {remove_label}")}</span>
                                </button>
                            </Show>
                        </div>
                    </div>
                }
            })
            .collect_view()
    };

    view! {
        <div class="form-group" class:form-group--error=any_error>
            <fieldset class="fieldset" aria-describedby=described>
                <legend class="fieldset__legend fieldset__legend--m">{legend}</legend>
                <Hint id=hint_id.clone().unwrap_or_default() text=hint/>
                <ErrorMessage id=err_id error=error/>
                <div class="list-input">{row_views}</div>
                <Show when=move || { count.get() < max }>
                    <button
                        type="button"
                        id=format!("{}-add", base.get_value())
                        class="button button--secondary"
                        on:click=add
                    >
                        {add_label}
                    </button>
                </Show>
                <p class="hint">{move || format!("You can add up to {max}.")}</p>
            </fieldset>
        </div>
    }
}
