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
use crate::pages::sign_in::SignInPage;
use crate::pages::start::StartPage;
use crate::pages::status::StatusPage;
use crate::router::Router;
use crate::session::Session;

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

/// [`Bundle::Recover`]: the start page and the wizard (but for its
/// branches that sign in).
#[component]
pub fn RecoverApp(config: AppConfig) -> impl IntoView {
    let router = provide_shell(config, Bundle::Recover);
    provide_context(Wizard::new());
    view! { <Layout>{move || recover_page(&router.path())}</Layout> }
}

fn recover_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        [] => view! { <StartPage/> }.into_any(),
        ["recover"] => view! { <RecoverIndex/> }.into_any(),
        // Before `{branch}`: the page the mailed reset link opens.
        ["recover", "reset-password"] => view! { <ResetPasswordPage/> }.into_any(),
        ["recover", rest @ ..] => step_page(rest, step_pages),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// [`Bundle::RecoverSignIn`]: the wizard's branches that sign in.
#[component]
pub fn RecoverSignInApp(config: AppConfig) -> impl IntoView {
    let router = provide_shell(config, Bundle::RecoverSignIn);
    provide_context(Wizard::new());
    view! { <Layout>{move || recover_sign_in_page(&router.path())}</Layout> }
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

/// [`Bundle::Request`]: the recovery request's form.
#[component]
pub fn RequestApp(config: AppConfig) -> impl IntoView {
    let router = provide_shell(config, Bundle::Request);
    provide_context(RequestFlow::restore());
    view! { <Layout>{move || request_page(&router.path())}</Layout> }
}

fn request_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["request"] => view! { <RequestForm/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// [`Bundle::RequestReview`]: check the answers, send, the confirmation.
#[component]
pub fn RequestReviewApp(config: AppConfig) -> impl IntoView {
    let router = provide_shell(config, Bundle::RequestReview);
    provide_context(RequestFlow::restore());
    view! { <Layout>{move || request_review_page(&router.path())}</Layout> }
}

fn request_review_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["request", "check"] => view! { <CheckAnswers/> }.into_any(),
        ["request", "confirmation"] => view! { <Confirmation/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// [`Bundle::Status`]: the status of a sent request.
#[component]
pub fn StatusApp(config: AppConfig) -> impl IntoView {
    let router = provide_shell(config, Bundle::Status);
    view! { <Layout>{move || status_page(&router.path())}</Layout> }
}

fn status_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["status"] => view! { <StatusPage/> }.into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// [`Bundle::Account`]: sign-in and the checkup's overview.
#[component]
pub fn AccountApp(config: AppConfig) -> impl IntoView {
    let router = provide_shell(config, Bundle::Account);
    view! { <Layout>{move || account_page(&router.path())}</Layout> }
}

fn account_page(path: &str) -> AnyView {
    match segments(path).as_slice() {
        ["sign-in"] => view! { <SignInPage/> }.into_any(),
        ["checkup"] => {
            view! { <CheckupPage panel=Panel::Overview pages=overview_pages/> }.into_any()
        }
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// [`Bundle::CheckupAuthenticator`]: the authenticator app's pages.
#[component]
pub fn CheckupAuthenticatorApp(config: AppConfig) -> impl IntoView {
    let router = provide_shell(config, Bundle::CheckupAuthenticator);
    view! { <Layout>{move || checkup_panel_page(&router.path(), authenticator_pages)}</Layout> }
}

/// [`Bundle::CheckupRecoveryCodes`]: the recovery codes' page.
#[component]
pub fn CheckupRecoveryCodesApp(config: AppConfig) -> impl IntoView {
    let router = provide_shell(config, Bundle::CheckupRecoveryCodes);
    view! { <Layout>{move || checkup_panel_page(&router.path(), recovery_code_pages)}</Layout> }
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

    /// scripts/lib.sh builds NAME.html from src/bin/NAME.rs (and index.html
    /// from src/main.rs): every bundle needs its binary, and every binary
    /// but the benchmark's counter is a bundle.
    #[test]
    fn every_bundle_has_a_binary_of_its_name_and_no_binary_is_left_over() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut bins: Vec<String> = std::fs::read_dir(root.join("src/bin"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().replace(".rs", ""))
            .filter(|name| name != "counter")
            .collect();
        bins.sort();
        let mut pages: Vec<String> = Bundle::ALL
            .iter()
            .map(|b| b.html_file().replace(".html", ""))
            .filter(|page| page != "index")
            .collect();
        pages.sort();
        assert_eq!(bins, pages);
        assert!(root.join("src/main.rs").exists());
        assert_eq!(Bundle::Recover.html_file(), "index.html");
    }

    #[test]
    fn a_trailing_slash_changes_nothing() {
        assert_eq!(segments("/recover/lost-2fa/"), ["recover", "lost-2fa"]);
        assert!(segments("/").is_empty());
    }
}
