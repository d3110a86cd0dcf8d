//! Self-service by mail: a reset link, a username reminder. Both answer the
//! same whether or not an account exists, and so do these pages.

use leptos::prelude::*;
use reclaim_core::limits::RESET_LINK_HOURS;
use reclaim_core::route::Route;
use reclaim_core::validation::{require, validate_typed_email};
use reclaim_core::wizard::{Answer, Branch, Step};
use reclaim_core::ErrorCode;

use super::{back_href, use_answer, Wizard};
use crate::api::ApiClient;
use crate::components::{
    Cooldown, ErrorSummary, FormField, FormState, InsetText, Page, SubmitButton, TextInput,
};
use crate::config::use_config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MailField {
    Identifier,
    Email,
}

impl FormField for MailField {
    fn id(self) -> String {
        String::from(match self {
            MailField::Identifier => "identifier",
            MailField::Email => "email",
        })
    }
    fn pointer(self) -> String {
        String::from(match self {
            MailField::Identifier => "/identifier",
            MailField::Email => "/email",
        })
    }
    fn message(self, code: ErrorCode) -> String {
        match (self, code) {
            (MailField::Identifier, ErrorCode::Required) => {
                "Enter your username or the email address of your account".into()
            }
            (MailField::Email, ErrorCode::Required) => {
                "Enter the email address of your account".into()
            }
            _ => reclaim_core::messages::message(code).into(),
        }
    }
}

/// One field, one button, one call that mails something.
#[component]
fn MailForm(
    branch: Branch,
    field: MailField,
    #[prop(into)] title: String,
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    #[prop(into)] button: String,
    children: Children,
) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let wizard = expect_context::<Wizard>();
    let answer = use_answer(branch, Step::Ask);
    let form = FormState::<MailField>::new();
    let value = RwSignal::new(wizard.mailed_to.get_untracked());
    let sending = RwSignal::new(false);
    let cooldown = Cooldown::new();
    let rule = move |v: &str| match field {
        MailField::Identifier => require(v),
        MailField::Email => validate_typed_email(v),
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() || cooldown.active().get_untracked() {
            return;
        }
        let typed = value.get_untracked().trim().to_string();
        if !form.submit([(field, rule(&typed))]) {
            return;
        }
        sending.set(true);
        let client = client.clone();
        let answer = answer.clone();
        leptos::task::spawn_local(async move {
            let result = match field {
                MailField::Identifier => client.request_password_reset(&typed).await,
                MailField::Email => client.request_username_reminder(&typed).await,
            };
            sending.set(false);
            match result {
                Ok(_) => {
                    wizard.mailed_to.set(typed);
                    answer(Answer::MailRequested);
                }
                Err(err) => form.show_api_error(cooldown, field, &err),
            }
        });
    };

    view! {
        <Page title=title.clone() back=back_href(branch, Step::Ask) has_errors=form.has_errors()>
            <ErrorSummary items=form.summary() focus_key=form.focus_key()/>
            <h1 class="heading-l">{title}</h1>
            {children()}
            <form novalidate on:submit=on_submit>
                <TextInput
                    id=field.id()
                    label=label
                    hint=hint
                    value=value
                    on_input=Callback::new(move |v| value.set(v))
                    on_blur=Callback::new(move |_| form.blur(field, rule(&value.get_untracked())))
                    error=form.error(field)
                    input_type=if field == MailField::Email { "email" } else { "text" }
                    autocomplete=if field == MailField::Email { "email" } else { "username" }
                    no_spellcheck=true
                    width="input--width-30"
                />
                <SubmitButton label=button busy="Sending…" sending=sending cooldown=cooldown/>
            </form>
        </Page>
    }
}

/// Forgot password: ask for a reset link.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! {
        <MailForm
            branch=Branch::ForgotPassword
            field=MailField::Identifier
            title="Reset your password"
            label="Username or email address"
            hint="The username or the email address of your account."
            button="Send a reset link"
        >
            <p class="body">{format!("We will email a link to choose a new password. The link works for {RESET_LINK_HOURS} hours.")}</p>
        </MailForm>
    }
}

/// Forgot username: ask for a reminder.
#[component]
pub fn ForgotUsernamePage() -> impl IntoView {
    view! {
        <MailForm
            branch=Branch::ForgotUsername
            field=MailField::Email
            title="Find your username"
            label="Email address"
            hint="The email address of your account."
            button="Email me my username"
        >
            <p class="body">"We will email the username of every account that uses this address."</p>
        </MailForm>
    }
}

/// "Check your email": the same answer whether or not an account exists.
#[component]
pub fn CheckYourEmailPage(branch: Branch) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let answer = use_answer(branch, Step::Sent);
    let config = use_config();
    let site = config.site_name.clone();
    let mailed_to = wizard.mailed_to.get_untracked();
    let is_reset = branch == Branch::ForgotPassword;
    let what = if is_reset {
        format!("If {mailed_to} belongs to a {site} account with a verified email address, we have sent a link to choose a new password to that address. The link works for {RESET_LINK_HOURS} hours and only once.")
    } else {
        format!("If any {site} account uses {mailed_to} as a verified email address, we have sent its username to that address.")
    };
    let give_up = move |_| answer(Answer::NothingWorked);
    view! {
        <Page title="Check your email" back=back_href(branch, Step::Sent)>
            <h1 class="heading-l">"Check your email"</h1>
            <p class="body">{what}</p>
            // The way out near the top: on a phone the bottom of this page
            // is three screens down.
            <p class="body">
                <button type="button" class="link-button" on:click=give_up>
                    "No email came: ask support to recover your account"
                </button>
            </p>
            <h2 class="heading-m">"If no email arrives"</h2>
            <ul class="list list--bullet">
                <li>"Wait a few minutes, then look in your spam or junk folder."</li>
                <li>
                    {if is_reset { "Check that you typed the username or address of this account. " } else { "Check that you typed the address of this account. " }}
                    <a class="link" href=back_href(branch, Step::Sent)>"Try again"</a>
                    "."
                </li>
                <li>
                    "An email address that was never verified gets no email. An address becomes verified only from inside the account: if you can still sign in, "
                    <a class="link" href=Route::Checkup.path()>"verify it in the security checkup"</a>
                    ", then ask again. If you cannot sign in, ask support (the link above): you can prove on the way that you read the address."
                </li>
            </ul>
            <InsetText>
                "You see this message whether or not an account exists, so that nobody can use this page to find out who has an account."
            </InsetText>
            {is_reset.then(|| view! {
                <p class="body">"You can ask for 5 links a day."</p>
            })}
            <h2 class="heading-m">"What happens next"</h2>
            <p class="body">
                {if is_reset {
                    "Open the link in the email and choose a new password. Then you can sign in."
                } else {
                    "Use the username from the email to sign in, or to reset your password."
                }}
            </p>
        </Page>
    }
}
