//! `/checkup`: the security checkup of a signed-in maintainer. A graded
//! overview (graded in `reclaim_core::checkup`), and a page for each fix:
//! an authenticator from a QR code (`/checkup/authenticator`, and `/remove`),
//! recovery codes proven stored (`/checkup/recovery-codes`). Each is a
//! bundle of its own (`reclaim_core::bundle`), so that the overview loads
//! without the QR code and the codes' pages, and each of them without the
//! other.

mod authenticator;
mod email;
mod reauth;
mod recovery_codes;
mod security_keys;
mod words;

use crate::router::{use_navigate, NavigateOptions};
use leptos::prelude::*;
use reclaim_core::api::AccountSecurity;
use reclaim_core::checkup::{self, Action, Assessment, Grade};
use reclaim_core::route::Route;

use crate::api::ApiClient;
use crate::browser;
use crate::components::{Page, StatusMessage};
use crate::config::use_config;
use crate::failure_words;
use crate::page_store::{self, Announcement};
use crate::pages::not_found::NotFound;
use crate::pages::sign_in::navigate_to_sign_in;
use crate::session::Session;

/// Which part of the checkup is open: one address each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Overview,
    SetUpAuthenticator,
    RemoveAuthenticator,
    RecoveryCodes,
    VerifyEmail,
    SecurityKeys,
}

impl Panel {
    /// The panel's route (`reclaim_core::route`).
    pub const fn route(self) -> Route {
        match self {
            Panel::Overview => Route::Checkup,
            Panel::SetUpAuthenticator => Route::CheckupAuthenticator,
            Panel::RemoveAuthenticator => Route::CheckupRemoveAuthenticator,
            Panel::RecoveryCodes => Route::CheckupRecoveryCodes,
            Panel::VerifyEmail => Route::CheckupEmail,
            Panel::SecurityKeys => Route::CheckupSecurityKeys,
        }
    }

    /// The panel of a route, if it is one of the checkup's.
    pub fn of(route: Route) -> Option<Panel> {
        Some(match route {
            Route::Checkup => Panel::Overview,
            Route::CheckupAuthenticator => Panel::SetUpAuthenticator,
            Route::CheckupRemoveAuthenticator => Panel::RemoveAuthenticator,
            Route::CheckupRecoveryCodes => Panel::RecoveryCodes,
            Route::CheckupEmail => Panel::VerifyEmail,
            Route::CheckupSecurityKeys => Panel::SecurityKeys,
            _ => return None,
        })
    }
}

/// The pages of a bundle's panels: each bundle links only its own.
pub type PanelPages = fn(Panel, AccountSecurity) -> AnyView;

/// The overview's bundle (with the email check and the authenticator's
/// removal: they are small).
pub fn overview_pages(panel: Panel, security: AccountSecurity) -> AnyView {
    match panel {
        Panel::Overview => view! { <Overview security=security/> }.into_any(),
        Panel::VerifyEmail => view! { <email::VerifyEmail security=security/> }.into_any(),
        Panel::RemoveAuthenticator => {
            view! { <authenticator::Remove security=security/> }.into_any()
        }
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The authenticator's bundle: setting one up.
pub fn authenticator_pages(panel: Panel, security: AccountSecurity) -> AnyView {
    match panel {
        Panel::SetUpAuthenticator => view! { <authenticator::SetUp security=security/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The recovery codes' bundle.
pub fn recovery_code_pages(panel: Panel, security: AccountSecurity) -> AnyView {
    match panel {
        Panel::RecoveryCodes => {
            view! { <recovery_codes::RecoveryCodes security=security/> }.into_any()
        }
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// The security keys' bundle.
pub fn security_key_pages(panel: Panel, security: AccountSecurity) -> AnyView {
    match panel {
        Panel::SecurityKeys => {
            view! { <security_keys::SecurityKeys security=security/> }.into_any()
        }
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// What the checkup's parts share.
#[derive(Debug, Clone, Copy)]
pub struct Checkup {
    pub security: RwSignal<Option<AccountSecurity>>,
    /// Announced on the overview after a change ("Your codes are saved").
    pub announcement: RwSignal<String>,
    /// Until when (ms) the last password re-entry allows changes.
    reauth_until: RwSignal<f64>,
    /// The heading of the step shown, which is also the page's title.
    step: RwSignal<String>,
    session_lost: Callback<()>,
    navigate: Callback<Route>,
}

/// The checkup's name: the overview's heading, and the caption above each
/// step's own heading.
const CHECKUP_TITLE: &str = "Check the security of your account";

/// The heading of a checkup step (a panel, or a stage of one), which is
/// also the page's title: each step says what it is (WCAG 2.4.2). Focus is
/// moved here when a step replaces another.
#[component]
pub fn StepHeading(
    #[prop(into)] text: String,
    /// Left off the printed codes sheet.
    #[prop(optional)]
    no_print: bool,
) -> impl IntoView {
    let checkup = expect_context::<Checkup>();
    checkup.step.set(text.clone());
    let class = if no_print {
        "heading-l no-print"
    } else {
        "heading-l"
    };
    view! {
        <p class="caption-l no-print">{CHECKUP_TITLE}</p>
        <h1 class=class id="panel-heading" tabindex="-1">{text}</h1>
    }
}

impl Checkup {
    /// A change went through: back to the overview, which says so (and
    /// loads the account's new state).
    pub fn changed(self, words: &str) {
        // Words only: the overview is a page load away.
        page_store::put(&Announcement(words.to_string()));
        self.open(Panel::Overview);
    }

    /// Go to a panel (in the other bundle: a page load).
    pub fn open(self, panel: Panel) {
        self.navigate.run(panel.route());
    }

    pub fn reauthenticated(self, valid_for_secs: u32) {
        // A few seconds' margin, so a change is not refused at the edge.
        let margin = 10.0_f64.min(valid_for_secs as f64);
        self.reauth_until
            .set(browser::now_ms() + (valid_for_secs as f64 - margin) * 1000.0);
    }

    /// Whether the password must be asked again before a change.
    pub fn needs_reauth(self) -> bool {
        browser::now_ms() >= self.reauth_until.get_untracked()
    }

    /// The server asked for the password again after all.
    pub fn reauth_expired(self) {
        self.reauth_until.set(0.0);
    }

    pub fn session_lost(self) {
        self.session_lost.run(());
    }
}

/// `/checkup` and its panels, each drawn by `pages` once the account's
/// state is loaded.
#[component]
pub fn CheckupPage(panel: Panel, pages: PanelPages) -> impl IntoView {
    let client = expect_context::<ApiClient>();
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    if session.surely_signed_out(&client) {
        // Not signed in: straight to sign-in (once this page is mounted),
        // without drawing the checkup first.
        leptos::task::spawn_local(
            async move { navigate_to_sign_in(&navigate, &panel.route().path()) },
        );
        return ().into_any();
    }
    let go_sign_in = {
        let (client, navigate) = (client.clone(), navigate.clone());
        Callback::new(move |_: ()| {
            session.lost(&client);
            navigate_to_sign_in(&navigate, &panel.route().path());
        })
    };
    let announcement = page_store::take::<Announcement>().map(|a| a.0);
    let checkup = Checkup {
        security: RwSignal::new(None),
        announcement: RwSignal::new(announcement.unwrap_or_default()),
        reauth_until: RwSignal::new(0.0),
        step: RwSignal::new(CHECKUP_TITLE.to_string()),
        session_lost: go_sign_in,
        navigate: {
            let navigate = navigate.clone();
            Callback::new(move |route: Route| navigate(&route.path(), NavigateOptions::default()))
        },
    };
    provide_context(checkup);
    let load_error = RwSignal::new(None::<String>);

    // A page load forgets the CSRF token (it is held in memory only): the
    // session comes back from the cookie, or the user signs in first. The
    // account's state is asked for at the same time (a GET needs only the
    // cookie): one round trip before the page shows, not two in a chain.
    {
        let (client, navigate) = (client.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            let to_sign_in = || navigate_to_sign_in(&navigate, &panel.route().path());
            if session.surely_signed_out(&client) {
                to_sign_in();
                return;
            }
            let (resumed, security) =
                futures::future::join(session.resume(&client), client.account_security()).await;
            if !resumed {
                // Not signed in (or not any more): no "you were signed out".
                to_sign_in();
                return;
            }
            match security {
                Ok(sec) => {
                    // A password entered on another page of the checkup still counts.
                    if sec.reauth_valid_for > 0 {
                        checkup.reauthenticated(sec.reauth_valid_for);
                    }
                    checkup.security.set(Some(sec));
                }
                Err(err) if err.is_session_lost() => go_sign_in.run(()),
                Err(err) => load_error.set(Some(failure_words::api_error(&err))),
            }
        });
    }

    view! {
        <Page title=checkup.step back=(if panel == Panel::Overview { Route::Start } else { Route::Checkup }).path()>
            {move || load_error.get().map(|e| view! { <div class="error-summary" role="alert"><p class="body">{e}</p></div> })}
            {move || match checkup.security.get() {
                None => view! { <p class="body" role="status">"Loading your account\u{2026}"</p> }.into_any(),
                Some(sec) => pages(panel, sec),
            }}
        </Page>
    }
    .into_any()
}

fn item_view(a: &Assessment, site: &str) -> impl IntoView {
    let (grade_words, icon) = words::grade(a.grade);
    let tone = match a.grade {
        Grade::Healthy => "checkup-item--healthy",
        Grade::Tip => "checkup-item--tip",
        Grade::Important => "checkup-item--important",
        Grade::Urgent => "checkup-item--urgent",
    };
    view! {
        <li class=format!("checkup-item {tone}")>
            <span class="checkup-item__icon" aria-hidden="true">{icon}</span>
            <div class="checkup-item__body">
                <h3 class="heading-s checkup-item__title">
                    {words::item(a.item)}
                    <span class="checkup-item__grade">{format!(": {grade_words}")}</span>
                </h3>
                <p class="body checkup-item__text">{words::finding(&a.finding, site)}</p>
            </div>
        </li>
    }
}

#[component]
fn Overview(security: AccountSecurity) -> impl IntoView {
    let checkup = expect_context::<Checkup>();
    let sign_out = {
        let client = expect_context::<ApiClient>();
        let session = expect_context::<Session>();
        let navigate = use_navigate();
        move |_| {
            let (client, navigate) = (client.clone(), navigate.clone());
            leptos::task::spawn_local(async move {
                // Signed out here whatever the server says; the cookie is its to drop.
                let _ = client.logout().await;
                session.signed_out(&client);
                navigate(&Route::Start.path(), NavigateOptions::default());
            });
        }
    };
    let config = use_config();
    let site = config.site_name.clone();
    let settings = config.support.account_settings_url.clone();
    let assessments = checkup::assess(&security);
    let actions = checkup::actions(&assessments);
    let healthy = checkup::all_healthy(&assessments);
    // Tips are suggestions, not problems: only what needs action counts.
    let needing = assessments
        .iter()
        .filter(|a| matches!(a.grade, Grade::Important | Grade::Urgent))
        .count();
    let summary = words::summary(healthy, needing, assessments.len());
    let has_keys = !security.security_keys.is_empty();
    let action_view = move |action: Action| {
        let label = words::action(action);
        let why = words::action_why(action);
        let control = match action {
            Action::SetUpAuthenticator => view! {
                <button type="button" class="button" on:click=move |_| checkup.open(Panel::SetUpAuthenticator)>{label}</button>
            }
            .into_any(),
            Action::GenerateCodes => view! {
                <button type="button" class="button" on:click=move |_| checkup.open(Panel::RecoveryCodes)>{label}</button>
            }
            .into_any(),
            Action::VerifyEmail => view! {
                <button type="button" class="button" on:click=move |_| checkup.open(Panel::VerifyEmail)>{label}</button>
            }
            .into_any(),
            Action::AddSecurityKey | Action::ReviewSecurityKeys => view! {
                <button type="button" class="button" on:click=move |_| checkup.open(Panel::SecurityKeys)>{label}</button>
            }
            .into_any(),
            Action::AddRepository => view! {
                <a class="button button--secondary" href=settings.clone() rel="external">{label}</a>
            }
            .into_any(),
        };
        view! { <li class="checkup-action"><p class="body">{why}</p>{control}</li> }
    };
    view! {
        <h1 class="heading-l no-print">{CHECKUP_TITLE}</h1>
        // Signing out is here only, above the content: never a second
        // button right under a step's main action.
        <p class="body no-print">
            <button type="button" class="link-button" on:click=sign_out>"Sign out"</button>
        </p>
        <StatusMessage text=checkup.announcement/>
        <h2 class="heading-m" id="panel-heading" tabindex="-1">{format!("Signed in as {}", security.username)}</h2>
        <p class="body checkup-summary">{summary}</p>
        <ul class="checkup-list">
            {assessments.iter().map(|a| item_view(a, &site)).collect_view()}
        </ul>
        {(!actions.is_empty()).then(|| view! {
            <h2 class="heading-m">"What to do, most important first"</h2>
            <ol class="checkup-actions">{actions.into_iter().map(action_view).collect_view()}</ol>
        })}
        {(security.totp_enabled || has_keys).then(|| view! {
            <h2 class="heading-m">"Other changes"</h2>
            <ul class="list">
                <li><button type="button" class="link-button" on:click=move |_| checkup.open(Panel::RecoveryCodes)>"Generate a new set of recovery codes"</button></li>
                {security.totp_enabled.then(|| view! {
                    <li><button type="button" class="link-button" on:click=move |_| checkup.open(Panel::RemoveAuthenticator)>"Replace or remove your authenticator app"</button></li>
                })}
                {has_keys.then(|| view! {
                    <li><button type="button" class="link-button" on:click=move |_| checkup.open(Panel::SecurityKeys)>"Add, rename or remove security keys"</button></li>
                })}
            </ul>
        })}
    }
}
