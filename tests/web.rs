//! Browser tests of components and client-side rules, in headless Chromium:
//! `cargo test -p reclaim --target wasm32-unknown-unknown --test web`
//! (runner `wasm-bindgen-test-runner`, `CHROMEDRIVER=/usr/bin/chromedriver`).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use reclaim::api::ApiError;
use reclaim::components::{
    DateInput, ErrorSummary, ListInput, RadioOption, Radios, SummaryItem, TextInput,
};
use reclaim::draft::{Draft, RememberedRequest};
use reclaim::page_store::{self, key_of, Stored};
use reclaim_core::{ErrorCode, ProblemCode};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the page, so tests do not see each other's DOM.
fn container() -> web_sys::HtmlElement {
    let div = document()
        .create_element("div")
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

/// Let effects and animation-frame callbacks run.
async fn settle() {
    leptos::task::tick().await;
    reclaim::browser::sleep_ms(50).await;
}

fn query(root: &web_sys::HtmlElement, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
}

fn active_id() -> String {
    document()
        .active_element()
        .map(|e| e.id())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn error_summary_lists_links_to_fields_and_takes_focus() {
    let root = container();
    let items = vec![
        SummaryItem::field("username", "Enter your username"),
        SummaryItem::field(
            "previous-emails-1",
            "Enter an email address in the correct format",
        ),
        SummaryItem::text("Something without a field"),
    ];
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <ErrorSummary items=Signal::stored(items)/> }
    });
    settle().await;

    let summary = query(&root, ".error-summary");
    assert_eq!(summary.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(
        query(&root, ".error-summary__title")
            .text_content()
            .unwrap(),
        "There is a problem"
    );
    let links = root.query_selector_all(".error-summary__list a").unwrap();
    assert_eq!(links.length(), 2, "entries with a field are links");
    let hrefs: Vec<String> = (0..links.length())
        .map(|i| {
            links
                .item(i)
                .unwrap()
                .dyn_into::<web_sys::Element>()
                .unwrap()
                .get_attribute("href")
                .unwrap()
        })
        .collect();
    assert_eq!(hrefs, ["#username", "#previous-emails-1"]);
    assert!(root
        .text_content()
        .unwrap()
        .contains("Something without a field"));
    assert_eq!(
        document().active_element().unwrap(),
        summary,
        "focus moves to the summary"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn error_summary_is_absent_without_errors() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), || {
        view! { <ErrorSummary items=Signal::stored(Vec::<SummaryItem>::new())/> }
    });
    settle().await;
    assert!(!root.text_content().unwrap().contains("There is a problem"));
    assert!(query(&root, ".error-summary")
        .class_list()
        .contains("hidden"));
    root.remove();
}

#[wasm_bindgen_test]
async fn summary_link_moves_focus_to_its_field_with_the_same_words() {
    let root = container();
    let message = "Enter your username, like jbber";
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        let value = RwSignal::new(String::new());
        view! {
            <ErrorSummary items=Signal::stored(vec![SummaryItem::field("username", message)])/>
            <TextInput
                id="username"
                label="Username"
                value=value
                on_input=Callback::new(move |v: String| value.set(v))
                error=Signal::stored(Some(message.to_string()))
                autocomplete="username"
            />
        }
    });
    settle().await;

    query(&root, ".error-summary__list a")
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert_eq!(active_id(), "username");
    let inline = query(&root, "#username-error").text_content().unwrap();
    assert_eq!(
        inline,
        format!("Error: {message}"),
        "same words as the summary"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn text_input_has_label_hint_error_and_autocomplete() {
    let root = container();
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <TextInput
                id="contact-email"
                label="Contact email address"
                hint="An address you can read now."
                value=value
                on_input=Callback::new(move |v: String| value.set(v))
                error=error
                input_type="email"
                autocomplete="email"
            />
        }
    });
    settle().await;

    let input = query(&root, "input");
    assert_eq!(
        query(&root, "label").get_attribute("for").as_deref(),
        Some("contact-email")
    );
    assert_eq!(input.get_attribute("type").as_deref(), Some("email"));
    assert_eq!(
        input.get_attribute("autocomplete").as_deref(),
        Some("email")
    );
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("contact-email-hint")
    );
    assert!(root.query_selector(".error-message").unwrap().is_none());

    error.set(Some("Enter an email address".into()));
    settle().await;
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("contact-email-hint contact-email-error")
    );
    assert!(input.class_list().contains("input--error"));
    assert_eq!(
        query(&root, "#contact-email-error").text_content().unwrap(),
        "Error: Enter an email address"
    );

    // Typing reaches the caller's state.
    let el = input.dyn_into::<web_sys::HtmlInputElement>().unwrap();
    el.set_value("new@example.org");
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(value.get_untracked(), "new@example.org");
    root.remove();
}

#[wasm_bindgen_test]
async fn radios_are_a_fieldset_with_legend_and_report_the_choice() {
    let root = container();
    let selected = RwSignal::new(None::<String>);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Radios
                id="reason"
                legend="Why are you asking for help?"
                options=vec![
                    RadioOption::new("lost_2fa", "I lost my device"),
                    RadioOption::new("other", "Something else"),
                ]
                selected=selected
                on_change=Callback::new(move |v: String| selected.set(Some(v)))
            />
        }
    });
    settle().await;

    assert_eq!(
        query(&root, "fieldset legend").text_content().unwrap(),
        "Why are you asking for help?"
    );
    // The first radio carries the group's id: the error summary links to it.
    assert_eq!(query(&root, "input[type=radio]").id(), "reason");
    let second = query(&root, "#reason-2")
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap();
    second.click();
    settle().await;
    assert_eq!(selected.get_untracked().as_deref(), Some("other"));
    assert!(second.checked());
    root.remove();
}

#[wasm_bindgen_test]
async fn list_input_adds_and_removes_rows_and_keeps_focus_nearby() {
    let root = container();
    let rows = RwSignal::new(vec!["old@example.com".to_string()]);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ListInput
                id="previous-emails"
                legend="Email addresses your account used before (optional)"
                item_label="Email address"
                add_label="Add another email address"
                rows=rows
                on_change=Callback::new(move |r: Vec<String>| rows.set(r))
                row_error=Callback::new(|_: usize| None)
                max=2
                input_type="email"
            />
        }
    });
    settle().await;
    assert_eq!(
        query(&root, "label[for=previous-emails-0]")
            .text_content()
            .unwrap(),
        "Email address 1"
    );

    query(&root, "#previous-emails-add")
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    settle().await;
    assert_eq!(rows.get_untracked().len(), 2);
    assert_eq!(
        active_id(),
        "previous-emails-1",
        "focus moves to the new row"
    );
    assert_eq!(
        query(&root, "label[for=previous-emails-1]")
            .text_content()
            .unwrap(),
        "Email address 2"
    );
    assert!(
        root.query_selector("#previous-emails-add")
            .unwrap()
            .is_none(),
        "no Add button at the maximum"
    );

    // Each Remove button names its row for screen readers.
    let buttons = root.query_selector_all(".list-input__row button").unwrap();
    assert_eq!(buttons.length(), 2);
    let second = buttons
        .item(1)
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap();
    assert!(second.text_content().unwrap().contains("email address 2"));
    second.click();
    settle().await;
    assert_eq!(rows.get_untracked(), ["old@example.com"]);
    assert_eq!(
        active_id(),
        "previous-emails-0",
        "focus moves to the row before"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn date_input_is_three_numeric_text_boxes_in_a_group() {
    let root = container();
    let (day, month, year) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let error = RwSignal::new(None::<String>);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <DateInput
                id="lost-access-on"
                legend="When did you lose access? (optional)"
                hint="For example, 14 5 2026."
                day=day
                month=month
                year=year
                on_input=Callback::new(move |(part, v): (&'static str, String)| match part {
                    "day" => day.set(v),
                    "month" => month.set(v),
                    _ => year.set(v),
                })
                error=error
            />
        }
    });
    settle().await;
    let fieldset = query(&root, "fieldset");
    assert_eq!(fieldset.get_attribute("role").as_deref(), Some("group"));
    for (part, label) in [("day", "Day"), ("month", "Month"), ("year", "Year")] {
        let input = query(&root, &format!("#lost-access-on-{part}"));
        assert_eq!(
            input.get_attribute("type").as_deref(),
            Some("text"),
            "never type=number"
        );
        assert_eq!(input.get_attribute("inputmode").as_deref(), Some("numeric"));
        assert_eq!(
            query(&root, &format!("label[for=lost-access-on-{part}]"))
                .text_content()
                .unwrap(),
            label
        );
    }
    let year_input = query(&root, "#lost-access-on-year")
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap();
    year_input.set_value("2026");
    year_input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(year.get_untracked(), "2026");

    error.set(Some("Date you lost access must be a real date".into()));
    settle().await;
    assert_eq!(
        fieldset.get_attribute("aria-describedby").as_deref(),
        Some("lost-access-on-hint lost-access-on-error")
    );
    root.remove();
}

#[wasm_bindgen_test]
fn draft_body_drops_empty_rows_and_builds_the_date() {
    let draft = Draft {
        username: "  jbber ".into(),
        previous_emails: vec!["".into(), "old@example.com".into(), " ".into()],
        packages: vec!["example-package".into()],
        lost_day: "4".into(),
        lost_month: "5".into(),
        lost_year: "2026".into(),
        ..Draft::fresh()
    };
    let body = draft.to_body();
    assert_eq!(body.username, "jbber");
    assert_eq!(body.account_email, None);
    assert_eq!(body.previous_emails, ["old@example.com"]);
    assert_eq!(body.lost_access_on.as_deref(), Some("2026-05-04"));
    assert_eq!(Draft::nonempty_rows(&draft.previous_emails), [1]);

    let unknown = Draft {
        unknown_username: true,
        username: "ignored".into(),
        account_email: "me@example.com".into(),
        ..Draft::fresh()
    };
    let body = unknown.to_body();
    assert_eq!(body.username, "");
    assert_eq!(body.account_email.as_deref(), Some("me@example.com"));
    assert_eq!(Draft::fresh().lost_access_on(), None);
}

#[wasm_bindgen_test]
fn draft_survives_a_reload_but_never_stores_a_code() {
    Draft::clear();
    let draft = Draft {
        username: "jbber".into(),
        details: "I lost my phone in May.".into(),
        ..Draft::fresh()
    };
    draft.save();
    let restored = Draft::load().expect("draft restored");
    assert_eq!(restored, draft, "same answers and same idempotency key");
    assert_eq!(restored.idempotency_key.len(), 32);

    // A recovery code typed into the free text is not written: the last
    // safe text is kept instead.
    let leaky = Draft {
        details: "my codes: 0123 4567 89ab cdef".into(),
        ..draft.clone()
    };
    leaky.save();
    let stored = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .get_item(&key_of::<Draft>(Draft::VERSION))
        .unwrap()
        .unwrap();
    assert!(!stored.contains("89ab"), "{stored}");
    assert_eq!(Draft::load().unwrap().details, "I lost my phone in May.");
    Draft::clear();
    assert!(Draft::load().is_none());
}

#[wasm_bindgen_test]
fn the_wizards_handoff_reaches_the_request_once_and_only_what_it_attaches() {
    use reclaim::handoff::{EmailProof, Handoff, RepositoryProof};
    use reclaim_core::api::{Reason, RecoveryCodesStatus};
    use reclaim_core::wizard::RequestPrefill;
    let proof = EmailProof {
        proof: "proof-&=?+ value".into(),
        address: "a+b@example.org".into(),
    };
    let handoff = Handoff {
        prefill: RequestPrefill {
            reason: Reason::Lost2fa,
            recovery_codes_status: Some(RecoveryCodesStatus::NotWorking),
            attach_email_proof: true,
        },
        email_proof: Some(proof.clone()),
        repository_proof: Some(RepositoryProof {
            id: "rp_0123".into(),
            repository_url: "http://127.0.0.1:8080/demo-git/x.git?a=&b".into(),
        }),
    };
    assert!(handoff.store());
    // Characters that mean something in a query survive the encoding.
    assert_eq!(Handoff::take(), Some(handoff.clone()));
    assert_eq!(Handoff::take(), None, "taken once");

    // Not attached: the proof does not travel, whatever was held.
    let unattached = Handoff {
        prefill: RequestPrefill {
            reason: Reason::Compromised,
            recovery_codes_status: None,
            attach_email_proof: false,
        },
        email_proof: Some(proof),
        repository_proof: handoff.repository_proof.clone(),
    };
    assert!(unattached.store());
    let taken = Handoff::take().expect("stored");
    assert_eq!(taken.prefill, unattached.prefill);
    assert_eq!(taken.email_proof, None);
    assert_eq!(
        taken.repository_proof, None,
        "never without its email proof"
    );
}

#[wasm_bindgen_test]
fn every_answer_of_the_draft_survives_its_encoding() {
    use reclaim_core::api::{Reason, RecoveryCodesStatus};
    let draft = Draft {
        username: "jürgen&co".into(),
        unknown_username: true,
        account_email: "a+b@example.org".into(),
        reason: Some(Reason::Lost2fa),
        details: "Line one\nline two: 100% = a & b?".into(),
        lost_day: "3".into(),
        lost_month: "11".into(),
        lost_year: "2026".into(),
        previous_emails: vec![
            "old@example.org".into(),
            String::new(),
            "x=y@example.org".into(),
        ],
        packages: vec![String::new()],
        contact_email: "me@example.org".into(),
        recovery_codes_status: Some(RecoveryCodesStatus::NotWorking),
        codes_known: true,
        email_proof: Some("proof.+/=".into()),
        email_proof_address: Some("me@example.org".into()),
        repository_proof: Some("rp_a&b".into()),
        repository_proof_url: Some("https://codeberg.org/me/x?y=1".into()),
        ..Draft::fresh()
    };
    assert!(page_store::put(&draft));
    assert_eq!(page_store::get::<Draft>(), Some(draft.clone()));
    // Rows keep their places, empty ones included (row indices are field ids).
    let fresh = Draft::fresh();
    assert!(page_store::put(&fresh));
    assert_eq!(page_store::get::<Draft>(), Some(fresh));
    Draft::clear();
}

#[wasm_bindgen_test]
fn remembered_request_only_in_local_storage_until_forgotten() {
    RememberedRequest::forget();
    assert!(RememberedRequest::load().is_none());
    let r = RememberedRequest {
        id: "RR-2026-000001".into(),
        status_token: "token".into(),
    };
    assert!(r.save());
    assert_eq!(RememberedRequest::load(), Some(r));
    let session = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    let key = key_of::<RememberedRequest>(RememberedRequest::VERSION);
    assert!(session.get_item(&key).unwrap().is_none());
    RememberedRequest::forget();
    assert!(RememberedRequest::load().is_none());
}

#[wasm_bindgen_test]
fn problem_documents_become_typed_errors() {
    let body = r#"{"type":"about:blank","title":"Invalid request","status":422,
        "code":"validation_failed",
        "errors":[{"pointer":"/previous_emails/1","code":"email_format","message":""},
                  {"pointer":"/username","code":"some_future_code","message":"Server words"},
                  {"pointer":"/packages/0","code":"package_name_format","message":"Enter a package name that exists"}]}"#;
    match ApiError::from_response(422, None, body, 0.0) {
        ApiError::Validation { fields, .. } => {
            assert_eq!(fields.len(), 3);
            assert_eq!(fields[0].pointer, "/previous_emails/1");
            assert_eq!(fields[0].code, Some(ErrorCode::EmailFormat));
            // A known code: the shared copy.
            assert_eq!(
                fields[0].text(),
                reclaim_core::messages::field_message("/previous_emails/1", ErrorCode::EmailFormat)
            );
            assert_eq!(fields[1].code, None);
            assert_eq!(fields[1].text(), "Server words");
            // Known codes are worded by the app, whatever the server said.
            assert_eq!(fields[2].code, Some(ErrorCode::PackageNameFormat));
            assert_eq!(
                fields[2].text(),
                reclaim_core::messages::field_message("/packages/0", ErrorCode::PackageNameFormat)
            );
        }
        other => panic!("{other:?}"),
    }

    assert_eq!(
        ApiError::from_response(429, Some("42"), "", 0.0),
        ApiError::RateLimited {
            retry_after: Some(42)
        }
    );
    let now = js_sys::Date::parse("Wed, 21 Oct 2026 07:28:00 GMT");
    assert_eq!(
        ApiError::from_response(429, Some("Wed, 21 Oct 2026 07:29:30 GMT"), "", now),
        ApiError::RateLimited {
            retry_after: Some(90)
        }
    );
    assert_eq!(
        ApiError::from_response(429, Some("Wed, 21 Oct 2026 07:00:00 GMT"), "", now),
        ApiError::RateLimited {
            retry_after: Some(0)
        },
        "a date in the past means now"
    );
    assert!(matches!(
        ApiError::from_response(503, Some("5"), "<html>", 0.0),
        ApiError::Server {
            status: 503,
            retry_after: Some(5)
        }
    ));
    assert!(ApiError::from_response(502, None, "", 0.0).is_retryable());
    assert!(ApiError::from_response(404, None, "{}", 0.0).is_not_found());
    assert!(
        ApiError::from_response(401, None, "{}", 0.0).is_not_found(),
        "a wrong token reads like an unknown id"
    );
    let reused =
        r#"{"type":"about:blank","title":"Reused","status":422,"code":"idempotency_key_reused"}"#;
    assert_eq!(
        ApiError::from_response(422, None, reused, 0.0).code(),
        Some(ProblemCode::IdempotencyKeyReused)
    );
    // A wrong password and an expired sign-in step are both 401, and told apart.
    let problem = |code: &str| {
        format!(r#"{{"type":"about:blank","title":"t","status":401,"code":"{code}"}}"#)
    };
    let wrong = ApiError::from_response(401, None, &problem("invalid_credentials"), 0.0);
    assert_eq!(wrong.code(), Some(ProblemCode::InvalidCredentials));
    assert!(!wrong.is_not_found());
    let expired = ApiError::from_response(401, None, &problem("challenge_expired"), 0.0);
    assert_eq!(expired.code(), Some(ProblemCode::ChallengeExpired));
    // A problem placed on a field keeps its own code.
    let on_field = r#"{"type":"t","title":"t","status":422,"code":"recovery_code_invalid","errors":[{"pointer":"/code","code":"recovery_code_invalid","message":"Invalid recovery code."}]}"#;
    let refused = ApiError::from_response(422, None, on_field, 0.0);
    assert_eq!(refused.code(), Some(ProblemCode::RecoveryCodeInvalid));
    assert!(
        matches!(refused, ApiError::Validation { ref fields, .. } if fields[0].pointer == "/code")
    );
    let session = ApiError::from_response(401, None, &problem("unauthenticated"), 0.0);
    assert!(session.is_session_lost());
    assert_eq!(
        ApiError::from_response(401, None, &problem("some_future_code"), 0.0).code(),
        None
    );
    assert!(matches!(
        ApiError::from_response(409, Some("1"), "{}", 0.0),
        ApiError::Conflict {
            retry_after: Some(1),
            ..
        }
    ));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TwoFields {
    First,
    Second,
}

impl reclaim::components::FormField for TwoFields {
    fn id(self) -> String {
        String::from(match self {
            TwoFields::First => "first",
            TwoFields::Second => "second",
        })
    }
    fn pointer(self) -> String {
        String::from(match self {
            TwoFields::First => "/first",
            TwoFields::Second => "/second",
        })
    }
}

#[wasm_bindgen_test]
async fn form_state_orders_the_summary_by_field_and_waits_for_continue() {
    use reclaim::components::FormState;
    let owner = leptos::reactive::owner::Owner::new();
    owner.set();
    let form = FormState::<TwoFields>::new();
    // A blank field on blur stays quiet; a wrong one speaks.
    form.blur(TwoFields::First, Err(ErrorCode::Required));
    assert_eq!(form.error(TwoFields::First).get_untracked(), None);
    form.blur(TwoFields::Second, Err(ErrorCode::EmailFormat));
    assert_eq!(
        form.error(TwoFields::Second).get_untracked().as_deref(),
        Some(ErrorCode::EmailFormat.message())
    );
    assert!(
        form.summary().get_untracked().is_empty(),
        "no summary before Continue"
    );
    // Continue: every error, in the order of the fields, not of the calls.
    assert!(!form.submit([
        (TwoFields::Second, Err(ErrorCode::EmailFormat)),
        (TwoFields::First, Err(ErrorCode::Required)),
    ]));
    let targets: Vec<_> = form
        .summary()
        .get_untracked()
        .into_iter()
        .map(|i| i.target.unwrap())
        .collect();
    assert_eq!(targets, ["first", "second"]);
    assert!(form.has_errors().get_untracked());
    // The server's field errors land on the fields they point at.
    form.refuse_fields(
        &[TwoFields::First, TwoFields::Second],
        &[reclaim::api::FieldProblem {
            pointer: "/second".into(),
            code: Some(ErrorCode::TooLong),
            message: String::new(),
        }],
        TwoFields::First,
    );
    assert_eq!(form.error(TwoFields::First).get_untracked(), None);
    assert!(form.error(TwoFields::Second).get_untracked().is_some());
    assert!(form.submit([(TwoFields::First, Ok(())), (TwoFields::Second, Ok(()))]));
    assert!(!form.has_errors().get_untracked());
}

#[wasm_bindgen_test]
fn qr_code_is_a_plain_svg_with_a_quiet_zone() {
    let svg = reclaim::components::qr::qr_svg(
        "otpauth://totp/PyPI:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=PyPI&algorithm=SHA1&digits=6&period=30",
    )
    .unwrap();
    assert!(svg.starts_with("<svg"), "no XML declaration inside HTML");
    assert!(!svg.contains("style="), "the CSP allows no inline styles");
    // One unit per module: 21 + 4k modules, plus a quiet zone of 4 on each side.
    let view_box = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
    let size: u32 = view_box.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(
        (size - 8 - 17) % 4,
        0,
        "{size} is a QR size with its quiet zone"
    );
    assert!(size >= 8 + 21);
}

#[wasm_bindgen_test]
async fn the_router_follows_its_own_paths_and_reads_the_query() {
    use reclaim::router::{NavigateOptions, Router};
    use reclaim_core::bundle::Bundle;
    let owner = leptos::reactive::owner::Owner::new();
    owner.set();
    let location = web_sys::window().unwrap().location();
    let history = web_sys::window().unwrap().history().unwrap();
    let before = location.href().unwrap();
    let length = history.length().unwrap();

    let router = Router::start(Bundle::RecoverSteps);
    router.navigate(
        "/recover/forgot-password?reason=lost_email#details",
        NavigateOptions::default(),
    );
    assert_eq!(location.pathname().unwrap(), "/recover/forgot-password");
    assert_eq!(location.hash().unwrap(), "#details");
    assert_eq!(router.path(), "/recover/forgot-password");
    assert_eq!(router.query_param("reason").as_deref(), Some("lost_email"));
    assert_eq!(router.query_param("missing"), None);
    assert_eq!(history.length().unwrap(), length + 1, "one entry pushed");

    // `replace` changes the address without a new history entry.
    router.navigate(
        "/recover/lost-email",
        NavigateOptions {
            replace: true,
            scroll: false,
        },
    );
    assert_eq!(router.path(), "/recover/lost-email");
    assert_eq!(router.query_param("reason"), None);
    assert_eq!(history.length().unwrap(), length + 1);

    // A click on a link of the bundle is followed without a page load.
    let link = document().create_element("a").unwrap();
    link.set_attribute("href", "/recover/no-codes").unwrap();
    document().body().unwrap().append_child(&link).unwrap();
    link.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    assert_eq!(router.path(), "/recover/no-codes");
    link.remove();

    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before))
        .unwrap();
}

#[wasm_bindgen_test]
fn sign_in_follows_next_only_to_a_page_of_this_origin() {
    use reclaim::pages::sign_in::next_after_sign_in;
    let base = "https://pypi.example/sign-in?next=x";
    for (next, expected) in [
        (Some("/checkup"), "/checkup"),
        (Some("/checkup/recovery-codes"), "/checkup/recovery-codes"),
        (
            Some("/recover/lost-2fa/code?x=1#top"),
            "/recover/lost-2fa/code?x=1#top",
        ),
        (Some("https://pypi.example/status"), "/status"),
        // Browsers strip tab, CR and LF, and read a backslash as a slash:
        // each of these is //evil.example, another host.
        (Some("/\t/evil.example"), "/checkup"),
        (Some("/\r/evil.example"), "/checkup"),
        (Some("/\n/evil.example"), "/checkup"),
        (Some("/\\evil.example"), "/checkup"),
        (Some("\\\\evil.example"), "/checkup"),
        (Some("//evil.example"), "/checkup"),
        (Some("//evil.example/checkup"), "/checkup"),
        (Some("https://evil.example/checkup"), "/checkup"),
        (Some("http://pypi.example/checkup"), "/checkup"),
        (Some("javascript:alert(1)"), "/checkup"),
        (Some("data:text/html,hi"), "/checkup"),
        // Encoded, they stay in the path: not a page of the app.
        (Some("/%5Cevil.example"), "/checkup"),
        (Some("/%09/evil.example"), "/checkup"),
        (Some("/%2F%2Fevil.example"), "/checkup"),
        (Some("/no/such/page"), "/checkup"),
        // Not back to sign-in itself, and nothing given: the checkup.
        (Some("/sign-in"), "/checkup"),
        (Some(""), "/checkup"),
        (None, "/checkup"),
    ] {
        assert_eq!(next_after_sign_in(next, base), expected, "next = {next:?}");
    }
}

fn storage(local: bool) -> web_sys::Storage {
    let window = web_sys::window().unwrap();
    if local {
        window.local_storage().unwrap().unwrap()
    } else {
        window.session_storage().unwrap().unwrap()
    }
}

#[wasm_bindgen_test]
fn every_value_that_crosses_a_page_load_comes_back_once_taken() {
    use reclaim::page_store::{
        Announcement, ChosenBranch, MayBeSignedIn, ServerFieldErrors, SignedOut,
    };
    use reclaim_core::wizard::Branch;

    let words = Announcement("Your codes are saved & proven: 100%".into());
    assert!(page_store::put(&words));
    assert_eq!(page_store::take::<Announcement>(), Some(words));
    assert_eq!(page_store::take::<Announcement>(), None, "taken once");

    let errors = ServerFieldErrors(vec![
        (
            "/previous_emails/1".into(),
            "Enter an email address & more".into(),
        ),
        ("/username".into(), "Enter your username".into()),
    ]);
    assert!(page_store::put(&errors));
    assert_eq!(page_store::take::<ServerFieldErrors>(), Some(errors));

    for branch in Branch::ALL {
        assert!(page_store::put(&ChosenBranch(branch)));
        assert_eq!(
            page_store::get::<ChosenBranch>(),
            Some(ChosenBranch(branch))
        );
    }
    page_store::remove::<ChosenBranch>();
    assert_eq!(page_store::get::<ChosenBranch>(), None);

    let proven = reclaim::handoff::EmailProof {
        proof: "ep_a&b=c".into(),
        address: "a+b@example.org".into(),
    };
    assert!(page_store::put(&proven));
    assert_eq!(page_store::get(), Some(proven));
    page_store::remove::<reclaim::handoff::EmailProof>();
    assert_eq!(page_store::get::<reclaim::handoff::EmailProof>(), None);

    // Flags: in their scope only.
    assert!(page_store::put(&SignedOut));
    assert!(page_store::put(&MayBeSignedIn));
    assert_eq!(page_store::get::<SignedOut>(), Some(SignedOut));
    assert!(storage(false)
        .get_item(&key_of::<SignedOut>(1))
        .unwrap()
        .is_some());
    assert!(storage(true)
        .get_item(&key_of::<MayBeSignedIn>(1))
        .unwrap()
        .is_some());
    assert!(storage(false)
        .get_item(&key_of::<MayBeSignedIn>(1))
        .unwrap()
        .is_none());
    page_store::remove::<SignedOut>();
    page_store::remove::<MayBeSignedIn>();
    assert_eq!(page_store::get::<MayBeSignedIn>(), None);
}

#[wasm_bindgen_test]
fn a_value_of_an_older_version_is_upgraded_or_dropped_never_misread() {
    // The draft of v1 was JSON: not read as v2's pairs, and removed.
    let v1_draft = key_of::<Draft>(1);
    storage(false)
        .set_item(&v1_draft, r#"{"username":"jbber","details":"x"}"#)
        .unwrap();
    Draft::clear();
    assert_eq!(page_store::get::<Draft>(), None);
    assert!(storage(false).get_item(&v1_draft).unwrap().is_none());

    // A remembered request of v1 (JSON) is worth keeping: upgraded to the
    // current version, and the old key goes.
    RememberedRequest::forget();
    let v1 = key_of::<RememberedRequest>(1);
    storage(true)
        .set_item(&v1, r#"{"id":"RR-2026-123456","status_token":"st_abc"}"#)
        .unwrap();
    let upgraded = RememberedRequest::load().expect("upgraded");
    assert_eq!(upgraded.id, "RR-2026-123456");
    assert_eq!(upgraded.status_token, "st_abc");
    assert!(storage(true).get_item(&v1).unwrap().is_none());
    let current = key_of::<RememberedRequest>(RememberedRequest::VERSION);
    assert!(storage(true).get_item(&current).unwrap().is_some());
    RememberedRequest::forget();
    assert!(storage(true).get_item(&current).unwrap().is_none());
}
