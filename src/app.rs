//! The bundles' route tables and what every bundle provides.
//!
//! Which bundle serves a path is decided in `reclaim_core::bundle`; each
//! table here matches only its own bundle's paths. A path another bundle
//! owns never reaches a table: the router leaves it to the browser.

use leptos::prelude::*;
use reclaim_core::bundle::Bundle;
use reclaim_core::config::AppConfig;

use crate::api::ApiClient;
use crate::components::Layout;
use crate::pages::checkup::{
    authenticator_pages, overview_pages, recovery_code_pages, CheckupPage, Panel, PanelPages,
};
use crate::pages::not_found::NotFound;
use crate::pages::recover::{
    sign_in_step_pages, step_pages, RecoverIndex, RecoverStep, ResetPasswordPage, StepPages, Wizard,
};
use crate::pages::request::{CheckAnswers, Confirmation, RequestFlow, RequestForm};
use crate::pages::sign_in::{SignInFirst, SignInPage};
use crate::pages::start::StartPage;
use crate::pages::status::StatusPage;
use crate::router::Router;
use crate::session::Session;

/// One page bundle: which it is, what context its pages share, and its
/// route table. Each binary mounts one of the consts below, so only that
/// bundle's pages are linked into it.
pub struct BundleApp {
    pub bundle: Bundle,
    provide: fn(),
    page: fn(&str) -> AnyView,
}

/// The start page and the wizard's first question.
pub const START: BundleApp = BundleApp {
    bundle: Bundle::Start,
    provide: provide_wizard,
    page: recover_page,
};
/// The wizard's branches that do not sign in, and the password reset.
pub const RECOVER_STEPS: BundleApp = BundleApp {
    bundle: Bundle::RecoverSteps,
    provide: provide_wizard,
    page: recover_steps_page,
};
/// The wizard's branches that sign in.
pub const RECOVER_SIGN_IN: BundleApp = BundleApp {
    bundle: Bundle::RecoverSignIn,
    provide: provide_wizard,
    page: recover_sign_in_page,
};
/// The recovery request's form.
pub const REQUEST: BundleApp = BundleApp {
    bundle: Bundle::Request,
    provide: provide_request_flow,
    page: request_page,
};
/// Check the answers, send, the confirmation.
pub const REQUEST_REVIEW: BundleApp = BundleApp {
    bundle: Bundle::RequestReview,
    provide: provide_request_flow,
    page: request_review_page,
};
/// The status of a sent request.
pub const STATUS: BundleApp = BundleApp {
    bundle: Bundle::Status,
    provide: provide_nothing,
    page: status_page,
};
/// Sign-in, also for a signed-out browser on a checkup page.
pub const SIGN_IN: BundleApp = BundleApp {
    bundle: Bundle::SignIn,
    provide: provide_nothing,
    page: sign_in_page,
};
/// The checkup's overview.
pub const CHECKUP: BundleApp = BundleApp {
    bundle: Bundle::Checkup,
    provide: provide_nothing,
    page: checkup_page,
};
/// The checkup's authenticator pages.
pub const CHECKUP_AUTHENTICATOR: BundleApp = BundleApp {
    bundle: Bundle::CheckupAuthenticator,
    provide: provide_nothing,
    page: |path| checkup_panel_page(path, authenticator_pages),
};
/// The checkup's recovery codes page.
pub const CHECKUP_RECOVERY_CODES: BundleApp = BundleApp {
    bundle: Bundle::CheckupRecoveryCodes,
    provide: provide_nothing,
    page: |path| checkup_panel_page(path, recovery_code_pages),
};

/// The app of one bundle, once the configuration is read.
#[component]
pub fn App(config: AppConfig, app: &'static BundleApp) -> impl IntoView {
    let router = provide_shell(config, app.bundle);
    (app.provide)();
    let page = app.page;
    view! { <Layout>{move || page(&router.path())}</Layout> }
}

fn provide_wizard() {
    provide_context(Wizard::new());
}

fn provide_request_flow() {
    provide_context(RequestFlow::restore());
}

fn provide_nothing() {}

/// The context every bundle gives its pages; returns the router.
fn provide_shell(config: AppConfig, bundle: Bundle) -> Router {
    provide_context(ApiClient::new(&config.api_base));
    provide_context(config);
    provide_context(Session::new());
    crate::components::pointer::track_pointer();
    Router::start(bundle)
}

/// The non-empty segments of a path: `/recover/lost-2fa` is
/// `["recover", "lost-2fa"]`, and a trailing slash changes nothing.
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn recover_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        [] => view! { <StartPage/> }.into_any(),
        ["recover"] => view! { <RecoverIndex/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn recover_steps_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        // Before `{branch}`: the page the mailed reset link opens.
        ["recover", "reset-password"] => view! { <ResetPasswordPage/> }.into_any(),
        ["recover", rest @ ..] => step_page(rest, step_pages),
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn recover_sign_in_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["recover", rest @ ..] => step_page(rest, sign_in_step_pages),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// `{branch}` or `{branch}/{step}` of a wizard address.
fn step_page(slugs: &[&str], pages: StepPages) -> AnyView {
    match slugs {
        [branch] => {
            view! { <RecoverStep branch=branch.to_string() step=None pages=pages/> }.into_any()
        }
        [branch, step] => {
            let (branch, step) = (branch.to_string(), Some(step.to_string()));
            view! { <RecoverStep branch=branch step=step pages=pages/> }.into_any()
        }
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn request_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["request"] => view! { <RequestForm/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn request_review_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["request", "check"] => view! { <CheckAnswers/> }.into_any(),
        ["request", "confirmation"] => view! { <Confirmation/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn status_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["status"] => view! { <StatusPage/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn sign_in_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["sign-in"] => view! { <SignInPage/> }.into_any(),
        // The server's stand-in for a checkup page (`Bundle::signed_out_stand_in`).
        ["checkup", ..] => view! { <SignInFirst next=path.to_string()/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn checkup_page(path: &str) -> AnyView {
    checkup_panel_page(path, overview_pages)
}

fn checkup_panel_page(path: &str, pages: PanelPages) -> AnyView {
    match segments(path).as_slice() {
        ["checkup", rest @ ..] => match Panel::from_segments(rest) {
            Some(panel) => view! { <CheckupPage panel=panel pages=pages/> }.into_any(),
            None => view! { <NotFound/> }.into_any(),
        },
        _ => view! { <NotFound/> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scripts/lib.sh builds each bundle's page from src/bin/NAME.rs:
    /// every bundle needs a binary of its name, and every binary there is a
    /// bundle (the benchmark's counter lives in bench/counter).
    #[test]
    fn every_bundle_has_a_binary_of_its_name_and_no_binary_is_left_over() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut bins: Vec<String> = std::fs::read_dir(root.join("src/bin"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().replace(".rs", ""))
            .collect();
        bins.sort();
        let mut names: Vec<String> = Bundle::ALL.iter().map(|b| b.name().to_string()).collect();
        names.sort();
        assert_eq!(bins, names);
    }

    #[test]
    fn every_bundle_has_its_app() {
        let apps = [
            &START,
            &RECOVER_STEPS,
            &RECOVER_SIGN_IN,
            &REQUEST,
            &REQUEST_REVIEW,
            &STATUS,
            &SIGN_IN,
            &CHECKUP,
            &CHECKUP_AUTHENTICATOR,
            &CHECKUP_RECOVERY_CODES,
        ];
        assert_eq!(apps.map(|a| a.bundle), Bundle::ALL);
    }

    #[test]
    fn a_trailing_slash_changes_nothing() {
        assert_eq!(segments("/recover/lost-2fa/"), ["recover", "lost-2fa"]);
        assert!(segments("/").is_empty());
    }
}
