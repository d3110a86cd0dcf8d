//! The bundles' route tables and what every bundle provides.
//!
//! Which bundle serves a route is decided in `reclaim_core::route`; each
//! table here gives the pages of its own bundle's routes (a test checks it
//! covers exactly those). A path another bundle owns never reaches a table:
//! the router leaves it to the browser.

use leptos::prelude::*;
use reclaim_core::bundle::Bundle;
use reclaim_core::config::AppConfig;
use reclaim_core::route::Route;
use reclaim_core::wizard::Branch;

use crate::api::ApiClient;
use crate::components::Layout;
use crate::pages::checkup::{
    authenticator_pages, overview_pages, recovery_code_pages, security_key_pages, CheckupPage,
    Panel, PanelPages,
};
use crate::pages::not_found::NotFound;
use crate::pages::recover::{
    question_pages, repository_pages, sign_in_step_pages, step_pages, RecoverIndex, RecoverStep,
    ResetPasswordPage, StepPages, Wizard,
};
use crate::pages::request::{CheckAnswers, Confirmation, RequestFlow, RequestQuestionPage};
use crate::pages::sign_in::{SignInFirst, SignInPage};
use crate::pages::start::StartPage;
use crate::pages::status::{CancelPage, NewTokenPage, StatusKeys, StatusPage};
use crate::router::Router;
use crate::session::Session;

/// One page bundle: which it is, what context its pages share, and its
/// route table. Each binary mounts one of the consts below, so only that
/// bundle's pages are linked into it.
pub struct BundleApp {
    pub bundle: Bundle,
    provide: fn(),
    pages: fn(Route) -> Option<PageOf>,
}

/// Draws the page of a route.
type PageOf = fn(Route) -> AnyView;

/// The start page and the wizard's first question.
pub const START: BundleApp = BundleApp {
    bundle: Bundle::Start,
    provide: provide_wizard,
    pages: start_pages,
};
/// The wizard's branches that do not sign in, and the password reset.
pub const RECOVER_STEPS: BundleApp = BundleApp {
    bundle: Bundle::RecoverSteps,
    provide: provide_wizard,
    pages: recover_steps_pages,
};
/// The wizard's branches that sign in.
pub const RECOVER_SIGN_IN: BundleApp = BundleApp {
    bundle: Bundle::RecoverSignIn,
    provide: provide_wizard,
    pages: recover_sign_in_pages,
};
/// The repository proof after the email proof.
pub const RECOVER_REPOSITORY: BundleApp = BundleApp {
    bundle: Bundle::RecoverRepository,
    provide: provide_wizard,
    pages: recover_repository_pages,
};
/// The recovery request's form.
pub const REQUEST: BundleApp = BundleApp {
    bundle: Bundle::Request,
    provide: provide_request_flow,
    pages: request_pages,
};
/// Check the answers, send, the confirmation.
pub const REQUEST_REVIEW: BundleApp = BundleApp {
    bundle: Bundle::RequestReview,
    provide: provide_request_flow,
    pages: request_review_pages,
};
/// The status of a sent request.
pub const STATUS: BundleApp = BundleApp {
    bundle: Bundle::Status,
    provide: provide_status_keys,
    pages: status_pages,
};
/// Sign-in, also for a signed-out browser on a checkup page.
pub const SIGN_IN: BundleApp = BundleApp {
    bundle: Bundle::SignIn,
    provide: provide_nothing,
    pages: sign_in_pages,
};
/// The checkup's overview.
pub const CHECKUP: BundleApp = BundleApp {
    bundle: Bundle::Checkup,
    provide: provide_nothing,
    pages: checkup_pages,
};
/// The checkup's authenticator pages.
pub const CHECKUP_AUTHENTICATOR: BundleApp = BundleApp {
    bundle: Bundle::CheckupAuthenticator,
    provide: provide_nothing,
    pages: checkup_authenticator_pages,
};
/// The checkup's recovery codes page.
pub const CHECKUP_RECOVERY_CODES: BundleApp = BundleApp {
    bundle: Bundle::CheckupRecoveryCodes,
    provide: provide_nothing,
    pages: checkup_recovery_code_pages,
};

/// The checkup's security keys page (the WebAuthn glue is linked here).
pub const CHECKUP_SECURITY_KEYS: BundleApp = BundleApp {
    bundle: Bundle::CheckupSecurityKeys,
    provide: provide_nothing,
    pages: checkup_security_key_pages,
};

/// The app of one bundle, once the configuration is read.
#[component]
pub fn App(config: AppConfig, app: &'static BundleApp) -> impl IntoView {
    let router = provide_shell(config, app.bundle);
    (app.provide)();
    let pages = app.pages;
    let page = move || {
        let route = Route::parse(&router.path());
        match route.and_then(|route| Some((route, pages(route)?))) {
            Some((route, page)) => page(route),
            None => view! { <NotFound/> }.into_any(),
        }
    };
    view! { <Layout>{page}</Layout> }
}

fn provide_wizard() {
    provide_context(Wizard::new());
}

fn provide_request_flow() {
    provide_context(RequestFlow::restore());
}

fn provide_status_keys() {
    provide_context(StatusKeys::new());
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

fn start_pages(route: Route) -> Option<PageOf> {
    Some(match route {
        Route::Start => |_| view! { <StartPage/> }.into_any(),
        Route::Recover => |_| view! { <RecoverIndex/> }.into_any(),
        Route::RecoverStep {
            branch: Branch::LostAuthenticator,
            ..
        } => |route| recover_step(route, question_pages),
        _ => return None,
    })
}

fn recover_steps_pages(route: Route) -> Option<PageOf> {
    Some(match route {
        // The page the mailed reset link opens.
        Route::ResetPassword => |_| view! { <ResetPasswordPage/> }.into_any(),
        route @ Route::RecoverStep { .. } if route.bundle() == Bundle::RecoverSteps => {
            |route| recover_step(route, step_pages)
        }
        _ => return None,
    })
}

fn recover_repository_pages(route: Route) -> Option<PageOf> {
    (route.bundle() == Bundle::RecoverRepository)
        .then_some(|route| recover_step(route, repository_pages))
}

fn recover_sign_in_pages(route: Route) -> Option<PageOf> {
    Some(match route {
        Route::RecoverStep { branch, .. } if branch.signs_in() => {
            |route| recover_step(route, sign_in_step_pages)
        }
        _ => return None,
    })
}

fn recover_step(route: Route, pages: StepPages) -> AnyView {
    match route {
        Route::RecoverStep { branch, step } => {
            view! { <RecoverStep branch=branch step=step pages=pages/> }.into_any()
        }
        _ => view! { <NotFound/> }.into_any(),
    }
}

fn request_pages(route: Route) -> Option<PageOf> {
    Some(match route {
        Route::Request(_) => |route| match route {
            Route::Request(question) => {
                view! { <RequestQuestionPage question=question/> }.into_any()
            }
            _ => view! { <NotFound/> }.into_any(),
        },
        _ => return None,
    })
}

fn request_review_pages(route: Route) -> Option<PageOf> {
    Some(match route {
        Route::RequestCheck => |_| view! { <CheckAnswers/> }.into_any(),
        Route::RequestConfirmation => |_| view! { <Confirmation/> }.into_any(),
        _ => return None,
    })
}

fn status_pages(route: Route) -> Option<PageOf> {
    Some(match route {
        Route::Status => |_| view! { <StatusPage/> }.into_any(),
        Route::StatusNewToken => |_| view! { <NewTokenPage/> }.into_any(),
        Route::StatusCancel => |_| view! { <CancelPage/> }.into_any(),
        _ => return None,
    })
}

fn sign_in_pages(route: Route) -> Option<PageOf> {
    Some(match route {
        Route::SignIn => |_| view! { <SignInPage/> }.into_any(),
        // The server's stand-in for a signed-in page without a session
        // (`Bundle::signed_out_stand_in`): sign in, then back to it.
        route if route.bundle().signed_out_stand_in() == Some(Bundle::SignIn) => {
            |route| view! { <SignInFirst next=route.path()/> }.into_any()
        }
        _ => return None,
    })
}

fn checkup_pages(route: Route) -> Option<PageOf> {
    (route.bundle() == Bundle::Checkup).then_some(|route| checkup_panel(route, overview_pages))
}

fn checkup_authenticator_pages(route: Route) -> Option<PageOf> {
    (route.bundle() == Bundle::CheckupAuthenticator)
        .then_some(|route| checkup_panel(route, authenticator_pages))
}

fn checkup_recovery_code_pages(route: Route) -> Option<PageOf> {
    (route.bundle() == Bundle::CheckupRecoveryCodes)
        .then_some(|route| checkup_panel(route, recovery_code_pages))
}

fn checkup_security_key_pages(route: Route) -> Option<PageOf> {
    (route.bundle() == Bundle::CheckupSecurityKeys)
        .then_some(|route| checkup_panel(route, security_key_pages))
}

fn checkup_panel(route: Route, pages: PanelPages) -> AnyView {
    match Panel::of(route) {
        Some(panel) => view! { <CheckupPage panel=panel pages=pages/> }.into_any(),
        None => view! { <NotFound/> }.into_any(),
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

    const ALL_APPS: [&BundleApp; 12] = [
        &START,
        &RECOVER_STEPS,
        &RECOVER_SIGN_IN,
        &RECOVER_REPOSITORY,
        &REQUEST,
        &REQUEST_REVIEW,
        &STATUS,
        &SIGN_IN,
        &CHECKUP,
        &CHECKUP_AUTHENTICATOR,
        &CHECKUP_RECOVERY_CODES,
        &CHECKUP_SECURITY_KEYS,
    ];

    #[test]
    fn every_bundle_has_its_app() {
        assert_eq!(ALL_APPS.map(|a| a.bundle), Bundle::ALL);
    }

    /// Each bundle's table gives a page for exactly its own routes (and
    /// sign-in's for those it stands in for).
    #[test]
    fn each_bundles_table_covers_exactly_its_own_routes() {
        for app in ALL_APPS {
            for route in Route::all() {
                let own = route.bundle() == app.bundle
                    || route.bundle().signed_out_stand_in() == Some(app.bundle);
                assert_eq!(
                    (app.pages)(route).is_some(),
                    own,
                    "{:?} {route:?}",
                    app.bundle
                );
            }
        }
    }
}
