//! The router and the app-wide context.

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;
use reclaim_core::config::AppConfig;

use crate::api::ApiClient;
use crate::components::Layout;
use crate::pages::checkup::CheckupPage;
use crate::pages::not_found::NotFound;
use crate::pages::recover::{RecoverIndex, RecoverStep, ResetPasswordPage, Wizard};
use crate::pages::request::{CheckAnswers, Confirmation, RequestFlow, RequestForm};
use crate::pages::sign_in::SignInPage;
use crate::pages::start::StartPage;
use crate::pages::status::StatusPage;
use crate::session::Session;

/// The app, once `config.json` is loaded.
#[component]
pub fn App(config: AppConfig) -> impl IntoView {
    provide_context(ApiClient::new(&config.api_base));
    provide_context(config);
    provide_context(RequestFlow::restore());
    provide_context(Wizard::new());
    provide_context(Session::new());
    crate::components::pointer::track_pointer();

    // `FlatRoutes`, not `Routes`: every route is top-level (no nesting), and
    // the flat router links ~5% less wasm (brotli) than the nested one. Same
    // matching; a change of `:branch` alone updates the params in place.
    view! {
        <Router>
            <Layout>
                <FlatRoutes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=StartPage/>
                    <Route path=path!("/recover") view=RecoverIndex/>
                    // Before `:branch`: the page the mailed reset link opens.
                    <Route path=path!("/recover/reset-password") view=ResetPasswordPage/>
                    <Route path=path!("/recover/:branch") view=RecoverStep/>
                    <Route path=path!("/recover/:branch/:step") view=RecoverStep/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/request") view=RequestForm/>
                    <Route path=path!("/request/check") view=CheckAnswers/>
                    <Route path=path!("/request/confirmation") view=Confirmation/>
                    <Route path=path!("/status") view=StatusPage/>
                    <Route path=path!("/checkup") view=CheckupPage/>
                </FlatRoutes>
            </Layout>
        </Router>
    }
}
