//! The one list of the API's routes. Each entry is routed in axum *and*
//! documented in the OpenAPI document, both from the handler's
//! `#[utoipa::path]`, where its method and path are written once (as
//! utoipa-axum's `routes!` does; that crate is not in this build). Before,
//! the router, the document's `paths(...)` and a test kept three lists in step.

use axum::handler::Handler;
use axum::routing::MethodRouter;
use axum::Router;
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;

use crate::app::AppState;

macro_rules! table {
    (
        always: [$($module:ident :: $handler:ident),* $(,)?],
        demo: [$($demo_module:ident :: $demo_handler:ident),* $(,)?] $(,)?
    ) => {
        paste::paste! {
            /// The API's routes (those of demo mode only with `demo`).
            pub fn router(demo: bool) -> Router<AppState> {
                let mut router = Router::new();
                $(router = route::<super::$module::[<__path_ $handler>], _, _>(router, super::$module::$handler);)*
                if demo {
                    $(router = route::<super::$demo_module::[<__path_ $demo_handler>], _, _>(router, super::$demo_module::$demo_handler);)*
                }
                router
            }

            /// Every route's path item and the schemas they name (demo
            /// routes included: the document describes them as such).
            pub fn documented() -> (Paths, Vec<(String, RefOr<Schema>)>) {
                let mut paths = Paths::new();
                let mut schemas = Vec::new();
                $(document::<super::$module::[<__path_ $handler>]>(&mut paths, &mut schemas);)*
                $(document::<super::$demo_module::[<__path_ $demo_handler>]>(&mut paths, &mut schemas);)*
                (paths, schemas)
            }
        }
    };
}

table! {
    always: [
        auth::password_reset, auth::password_reset_confirm, auth::username_reminder,
        login::login, login::login_recovery_code, login::login_totp,
        auth::email_verification, auth::email_verification_confirm,
        requests::create, requests::show,
        account::security, account::reauth, account::generate_codes, account::confirm_code,
        account::totp_start, account::totp_confirm, account::totp_remove,
        account_email::email_verification_start, account_email::email_verification_confirm,
        account::session,
        account::logout,
    ],
    demo: [outbox::list],
}

/// Route `handler` at its documented path, for each documented method.
fn route<P, H, T>(router: Router<AppState>, handler: H) -> Router<AppState>
where
    P: utoipa::Path,
    H: Handler<T, AppState>,
    T: 'static,
{
    let mut methods = MethodRouter::new();
    for method in P::methods() {
        methods = match method {
            HttpMethod::Get => methods.get(handler.clone()),
            HttpMethod::Post => methods.post(handler.clone()),
            HttpMethod::Put => methods.put(handler.clone()),
            HttpMethod::Patch => methods.patch(handler.clone()),
            HttpMethod::Delete => methods.delete(handler.clone()),
            HttpMethod::Head => methods.head(handler.clone()),
            HttpMethod::Options => methods.options(handler.clone()),
            HttpMethod::Trace => methods.trace(handler.clone()),
        };
    }
    router.route(&P::path(), methods)
}

/// Document one route: its operation with its `tag`, and its schemas.
fn document<P>(paths: &mut Paths, schemas: &mut Vec<(String, RefOr<Schema>)>)
where
    P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
{
    let mut operation = P::operation();
    let tags = operation.tags.get_or_insert_with(Vec::new);
    tags.extend(P::tags().into_iter().map(str::to_string));
    paths.add_path_operation(P::path(), P::methods(), operation);
    P::schemas(schemas);
}
