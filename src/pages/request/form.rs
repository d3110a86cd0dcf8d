//! The request form: one page, grouped in sections, GOV.UK style.

use crate::router::{use_navigate, use_router, NavigateOptions};
use leptos::prelude::*;
use reclaim_core::api::{Reason, RecoveryCodesStatus};
use reclaim_core::route::Route;

use super::{codes_status_label, reason_label, RequestField, RequestFlow};
use crate::browser;
use crate::components::{
    Checkbox, DateInput, ErrorSummary, ListInput, Page, RadioOption, Radios, StatusMessage,
    TextInput, Textarea, WarningText,
};
use crate::config::use_config;
use crate::draft::{Draft, MAX_DETAILS_CHARS, MAX_PACKAGES, MAX_PREVIOUS_EMAILS};

/// `/request`
#[component]
pub fn RequestForm() -> impl IntoView {
    let flow = expect_context::<RequestFlow>();
    let config = use_config();
    let navigate = use_navigate();
    let router = use_router();

    // Arriving from the wizard with ?reason=…: preselect it once, then drop
    // it from the address so a reload does not undo a later change.
    if let Some(reason) = router.query_param("reason") {
        if let Some(reason) = Reason::parse(&reason) {
            flow.draft.update(|d| d.reason = Some(reason));
        }
        navigate(
            &Route::Request.path(),
            NavigateOptions {
                replace: true,
                scroll: false,
            },
        );
    }

    // A Change link from "Check your answers" (`/request#details`) lands on
    // its field.
    if let Some(id) = browser::location_hash() {
        // After the page is in the document and the router has scrolled.
        request_animation_frame(move || {
            browser::focus_id(&id);
        });
    }

    let draft = flow.draft;
    let err = move |field: RequestField| flow.form.error(field);
    let text =
        move |get: fn(&Draft) -> &String| Signal::derive(move || draft.with(|d| get(d).clone()));
    let set = move |put: fn(&mut Draft, String)| {
        Callback::new(move |v: String| draft.update(|d| put(d, v)))
    };
    let blur = move |field: RequestField| Callback::new(move |_: ()| flow.on_blur(field));

    let summary = flow.form.summary();
    let has_errors = flow.form.has_errors();

    let on_submit = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if flow.validate_all() {
                // "Check your answers" is another bundle: a page load.
                flow.save_now();
                navigate(&Route::RequestCheck.path(), NavigateOptions::default());
            }
        }
    };

    let cleared = RwSignal::new(String::new());
    let start_again = move |_| {
        flow.start_again();
        cleared.set("Your answers have been cleared. You can start again.".to_string());
        browser::focus_id("main-content");
        browser::scroll_to_top();
    };

    let reason_options = Reason::ALL
        .into_iter()
        .map(|r| RadioOption::new(r.as_str(), reason_label(r)))
        .collect::<Vec<_>>();
    let codes_options = RecoveryCodesStatus::ALL
        .into_iter()
        .map(|s| RadioOption::new(s.as_str(), codes_status_label(s)))
        .collect::<Vec<_>>();
    let codes_options = StoredValue::new(codes_options);

    let coc_url = config.support.code_of_conduct_url.clone();
    let expected = config.expected_response_time.clone();
    let site = config.site_name.clone();
    let username_hint = format!(
        "The name you sign in to {site} with, like jbber (not your email address: if you do not know the name, tick the box below)."
    );

    view! {
        <Page title="Ask support to recover your account" has_errors=has_errors back=Route::Recover.path()>
            <ErrorSummary items=summary focus_key=flow.form.focus_key()/>
            <h1 class="heading-l">"Ask support to recover your account"</h1>
            <StatusMessage text=cleared/>
            <p class="body">
                "Answer these questions so that support can check that the account is yours. You will be able to check your answers before you send them."
            </p>
            <WarningText>
                "Never enter your password, your recovery codes or a code from your authenticator app in this form. Support will never ask for them."
            </WarningText>
            <p class="body">"Your answers are saved in this browser tab until you send them or close the tab."</p>

            <form novalidate on:submit=on_submit>
                <h2 class="heading-m">"Your account"</h2>
                <Show
                    when=move || !draft.with(|d| d.unknown_username)
                    fallback=move || view! {
                        <TextInput
                            id="account-email"
                            label="Email address your account used"
                            hint="We will use it to find your account. It will not be shown to anyone else."
                            value=text(|d| &d.account_email)
                            on_input=set(|d, v| d.account_email = v)
                            on_blur=blur(RequestField::AccountEmail)
                            error=err(RequestField::AccountEmail)
                            input_type="email"
                            autocomplete="email"
                            no_spellcheck=true
                            width="input--width-30"
                        />
                    }
                >
                    <TextInput
                        id="username"
                        label="Username"
                        hint=username_hint.clone()
                        value=text(|d| &d.username)
                        on_input=set(|d, v| d.username = v)
                        on_blur=blur(RequestField::Username)
                        error=err(RequestField::Username)
                        autocomplete="username"
                        no_spellcheck=true
                        width="input--width-20"
                    />
                </Show>
                <Checkbox
                    id="unknown-username"
                    label="I do not know my username"
                    checked=Signal::derive(move || draft.with(|d| d.unknown_username))
                    on_change=Callback::new(move |v: bool| {
                        draft.update(|d| d.unknown_username = v);
                        // Errors of the hidden question no longer apply.
                        flow.form.clear_field(RequestField::Username);
                        flow.form.clear_field(RequestField::AccountEmail);
                    })
                />

                <Radios
                    id="reason"
                    legend="Why are you asking for help?"
                    options=reason_options
                    selected=Signal::derive(move || draft.with(|d| d.reason.map(|r| r.as_str().to_string())))
                    on_change=Callback::new(move |v: String| {
                        draft.update(|d| d.reason = Reason::parse(&v));
                        flow.validate_field(RequestField::Reason);
                    })
                    error=err(RequestField::Reason)
                />

                <h2 class="heading-m">"What happened"</h2>
                <Textarea
                    id="details"
                    label="Tell us what happened"
                    hint="For example, when you last signed in, what changed, and what you tried. Do not include any codes."
                    value=text(|d| &d.details)
                    on_input=set(|d, v| d.details = v)
                    on_blur=blur(RequestField::Details)
                    error=err(RequestField::Details)
                    max_chars=MAX_DETAILS_CHARS
                />
                <DateInput
                    id="lost-access-on"
                    legend="When did you lose access? (optional)"
                    hint="For example, 14 5 2026. Leave it empty if you do not know."
                    day=text(|d| &d.lost_day)
                    month=text(|d| &d.lost_month)
                    year=text(|d| &d.lost_year)
                    on_input=Callback::new(move |(part, v): (&'static str, String)| {
                        draft.update(|d| match part {
                            "day" => d.lost_day = v,
                            "month" => d.lost_month = v,
                            _ => d.lost_year = v,
                        })
                    })
                    on_blur=blur(RequestField::LostAccessOn)
                    error=err(RequestField::LostAccessOn)
                />

                <h2 class="heading-m">"What support can check"</h2>
                <ListInput
                    id="previous-emails"
                    legend="Email addresses your account used before (optional)"
                    hint="Support can compare them with their records. Add the one you lost access to, if that is why you are here."
                    item_label="Email address"
                    add_label="Add another email address"
                    rows=Signal::derive(move || draft.with(|d| d.previous_emails.clone()))
                    on_change=Callback::new(move |rows: Vec<String>| draft.update(|d| d.previous_emails = rows))
                    on_blur=blur(RequestField::PreviousEmails)
                    row_error=Callback::new(move |i: usize| flow.form.error(RequestField::PreviousEmail(i)).get())
                    error=err(RequestField::PreviousEmails)
                    max=MAX_PREVIOUS_EMAILS
                    input_type="email"
                    autocomplete="off"
                />
                <ListInput
                    id="packages"
                    legend="Packages you maintain (optional)"
                    hint=format!("The project names on {}, for example example-package. Support checks ownership through them.", site.clone())
                    item_label="Package name"
                    add_label="Add another package"
                    rows=Signal::derive(move || draft.with(|d| d.packages.clone()))
                    on_change=Callback::new(move |rows: Vec<String>| draft.update(|d| d.packages = rows))
                    on_blur=blur(RequestField::Packages)
                    row_error=Callback::new(move |i: usize| flow.form.error(RequestField::Package(i)).get())
                    error=err(RequestField::Packages)
                    max=MAX_PACKAGES
                    autocomplete="off"
                />

                <h2 class="heading-m">"How to reach you"</h2>
                <TextInput
                    id="contact-email"
                    label="Contact email address"
                    hint="An address you can read now. Support will write to you there, and you must answer by email. It must not be an address you lost access to."
                    value=text(|d| &d.contact_email)
                    on_input=set(|d, v| d.contact_email = v)
                    on_blur=blur(RequestField::ContactEmail)
                    error=err(RequestField::ContactEmail)
                    input_type="email"
                    autocomplete="email"
                    no_spellcheck=true
                    width="input--width-30"
                />

                // Asked only where codes are the problem, so nobody has to
                // tick a false answer (see `Reason::concerns_recovery_codes`).
                <Show when=move || draft.with(|d| d.reason.is_some_and(|r| r.concerns_recovery_codes()))>
                    <Radios
                        id="recovery-codes-status"
                        legend="What about your recovery codes?"
                        hint="Do not enter the codes themselves, here or anywhere else in this form."
                        options=codes_options.get_value()
                        selected=Signal::derive(move || {
                            draft.with(|d| d.recovery_codes_status.map(|s| s.as_str().to_string()))
                        })
                        on_change=Callback::new(move |v: String| {
                            draft.update(|d| d.recovery_codes_status = RecoveryCodesStatus::parse(&v));
                            flow.validate_field(RequestField::RecoveryCodesStatus);
                        })
                        error=err(RequestField::RecoveryCodesStatus)
                    />
                </Show>

                <Show when=move || draft.with(|d| d.email_proof.is_some())>
                    <div class="inset-text">
                        {move || format!(
                            "Your request will include the proof that you can read {}, which you verified with a one-time code.",
                            draft.with(|d| d.email_proof_address.clone().unwrap_or_else(|| "your email address".into()))
                        )}
                    </div>
                </Show>

                <h2 class="heading-m">"Before you continue"</h2>
                <Checkbox
                    id="accepted-code-of-conduct"
                    label="I agree to follow the Code of Conduct"
                    hint=view! {
                        <a class="link" href=coc_url.clone() rel="external">
                            {format!("Read the {} Code of Conduct", site.clone())}
                        </a>
                    }
                    .into_any()
                    checked=Signal::derive(move || draft.with(|d| d.accepted_code_of_conduct))
                    on_change=Callback::new(move |v: bool| {
                        draft.update(|d| d.accepted_code_of_conduct = v);
                        flow.validate_field(RequestField::AcceptedCodeOfConduct);
                    })
                    error=err(RequestField::AcceptedCodeOfConduct)
                />
                <Checkbox
                    id="acknowledged-delay"
                    label="I understand that it may take a significant amount of time to process my request"
                    hint=view! {
                        {format!(
                            "Support checks every request by hand. It usually takes {expected}. Sending more than one request does not make it faster."
                        )}
                    }
                    .into_any()
                    checked=Signal::derive(move || draft.with(|d| d.acknowledged_delay))
                    on_change=Callback::new(move |v: bool| {
                        draft.update(|d| d.acknowledged_delay = v);
                        flow.validate_field(RequestField::AcknowledgedDelay);
                    })
                    error=err(RequestField::AcknowledgedDelay)
                />

                <button type="submit" class="button">"Continue"</button>
            </form>
            <p class="body">
                <button type="button" class="link-button" on:click=start_again>"Start again"</button>
            </p>
        </Page>
    }
}
