//! The OpenAPI 3.1 document, generated from the handlers' annotations and
//! the contract types of `reclaim-core`. Served at `/api/v1/openapi.json` and
//! committed as `server/openapi.json` (a test keeps the two equal).
//!
//! Problem answers are generated from [`ProblemCode`]: each handler names
//! the codes it can answer with [`problems!`](crate::problems) (const slices,
//! next to its `#[utoipa::path]`), and [`problem_responses`] lists them by
//! their status, the one [`ProblemCode::status`] states, each status with
//! the exact `code` values it may carry. Every code is also a reusable
//! response of its own (`#/components/responses/{code}`). So the server
//! (whose problems take their status from the code), this document and
//! the app agree; schemathesis checks answers against it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use reclaim_core::ProblemCode;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{Modify, OpenApi};

use crate::problem::PROBLEM_JSON;

/// Codes any operation may answer: the request took too long (408), the
/// server failed (500) or is busy (503, with `Retry-After`).
/// [`problem_responses`] adds them to every operation.
pub const ALWAYS: &[ProblemCode] = &[
    ProblemCode::RequestTimeout,
    ProblemCode::InternalError,
    ProblemCode::Unavailable,
];

/// What the JSON body extractor (`crate::extract::ApiJson`) answers: every
/// operation with a request body lists these.
pub const JSON_BODY: &[ProblemCode] = &[
    ProblemCode::MalformedJson,
    ProblemCode::UnsupportedMediaType,
    ProblemCode::PayloadTooLarge,
    ProblemCode::InvalidBody,
    ProblemCode::ValidationFailed,
];

/// What the signed-in extractor (`routes::SignedIn`) answers on GET.
pub const SIGNED_IN: &[ProblemCode] = &[ProblemCode::Unauthenticated];

/// What it answers on a state-changing call (the CSRF header too).
pub const SIGNED_IN_CHANGE: &[ProblemCode] =
    &[ProblemCode::Unauthenticated, ProblemCode::CsrfFailed];

/// The problem codes an operation answers, as a type its `#[utoipa::path]`
/// names among its responses:
///
/// ```ignore
/// problems!(
///     /// What `/login` answers besides 200.
///     LoginProblems: JSON_BODY, &[ProblemCode::InvalidCredentials, ProblemCode::RateLimited]
/// );
/// #[utoipa::path(post, path = "/login", responses((status = 200, ...), LoginProblems))]
/// ```
///
/// The groups are const slices of [`ProblemCode`] (`CODES`), turned into
/// responses by [`problem_responses`], which adds [`ALWAYS`].
#[macro_export]
macro_rules! problems {
    ($(#[$doc:meta])* $name:ident: $($group:expr),+ $(,)?) => {
        $(#[$doc])*
        pub struct $name;

        impl $name {
            /// The codes, in groups.
            #[allow(dead_code)]
            pub const CODES: &'static [&'static [reclaim_core::ProblemCode]] = &[$($group),+];
        }

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<
                String,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            > {
                $crate::openapi::problem_responses(Self::CODES)
            }
        }
    };
}

/// The responses for these codes and [`ALWAYS`]: one per status (a code
/// has one, [`ProblemCode::status`]); a status with one code refers to that
/// code's response in the components, one with several lists them all.
pub fn problem_responses(
    groups: &[&[ProblemCode]],
) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    let mut by_status: BTreeMap<u16, Vec<ProblemCode>> = BTreeMap::new();
    for &code in groups.iter().copied().flatten().chain(ALWAYS) {
        let codes = by_status.entry(code.status()).or_default();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    by_status
        .into_iter()
        .map(|(status, codes)| {
            let response = match codes.as_slice() {
                [one] => Ref::from_response_name(one.as_str()).into(),
                several => problem_response(status, several).into(),
            };
            (status.to_string(), response)
        })
        .collect()
}

/// One problem response: `application/problem+json`, a [`Problem`] whose
/// `code` is one of `codes` and whose `status` is theirs; with
/// `Retry-After` on 429 and 503.
///
/// [`Problem`]: reclaim_core::api::Problem
fn problem_response(status: u16, codes: &[ProblemCode]) -> utoipa::openapi::Response {
    let names: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
    let schema = AllOfBuilder::new()
        .item(Ref::from_schema_name("Problem"))
        .item(
            ObjectBuilder::new()
                .property(
                    "code",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(codes.iter().map(|c| c.as_str()))),
                )
                .property(
                    "status",
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .enum_values(Some([status])),
                ),
        );
    let mut response = ResponseBuilder::new()
        .description(names.join(", "))
        .content(
            PROBLEM_JSON,
            ContentBuilder::new().schema(Some(schema)).build(),
        );
    if matches!(status, 429 | 503) {
        response = response.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1)),
                )
                .description(Some("Seconds to wait before trying again."))
                .build(),
        );
    }
    response.build()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Reclaim API",
        version = "1.0.0",
        description = "Account recovery and account security for package-index maintainers. \
            Errors are RFC 9457 `application/problem+json` with a stable `code` and, for field errors, \
            `errors: [{pointer, code, message}]`. 429 and 503 carry `Retry-After`. Signed-in calls use the \
            `reclaim_session` cookie (named `__Host-reclaim_session` when served over https; HttpOnly, SameSite=Strict); every state-changing signed-in call carries \
            `X-CSRF-Token` with the `csrf_token` from sign-in. Bodies: `application/json` only (415 otherwise), \
            at most 64 KiB (413), unknown fields refused (422 `invalid_body`), malformed JSON 400 `malformed_json`.",
        license(name = "MIT OR Apache-2.0")
    ),
    servers((url = "/api/v1")),
    // No `paths(...)`: they come from the route table (routes/table.rs).
    components(schemas(reclaim_core::api::Problem, reclaim_core::api::FieldError, reclaim_core::api::AccountProject, reclaim_core::api::Reason,
        reclaim_core::api::RecoveryCodesStatus, reclaim_core::api::RequestStatus)),
    modifiers(&Security),
    tags(
        (name = "self-service", description = "Password reset, username reminder, one-time email codes"),
        (name = "sign-in", description = "Password, then a second factor"),
        (name = "recovery requests", description = "Requests to support, followed with a status token"),
        (name = "repository proofs", description = "A branch pushed to a project's public repository, checked by the server"),
        (name = "account", description = "The signed-in security checkup"),
        (name = "demo", description = "Demo mode only"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "status_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "reclaim_session",
                "The session cookie; over https it is named `__Host-reclaim_session` (Secure, Path=/, no Domain).",
            ))),
        );
    }
}

/// The document: its frame here, its paths (and the schemas they name)
/// from the route table (demo routes included), and a response for every
/// problem code.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let routed = crate::routes::table::api(true).into_openapi();
    doc.paths = routed.paths;
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in routed.components.into_iter().flat_map(|c| c.schemas) {
        components.schemas.entry(name).or_insert(schema);
    }
    for &code in ProblemCode::ALL {
        components.responses.insert(
            code.as_str().to_string(),
            problem_response(code.status(), &[code]).into(),
        );
    }
    doc
}

/// The document as pretty JSON with a trailing newline (the committed form).
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut s = document().to_pretty_json().expect("openapi serialises");
        s.push('\n');
        s
    })
}

pub async fn serve() -> Response {
    let mut res = json().to_string().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn committed_document_matches_the_code() {
        let committed = include_str!("../openapi.json");
        assert!(
            committed == super::json(),
            "server/openapi.json is stale: run `cargo run -p reclaim-server -- openapi > server/openapi.json`"
        );
    }

    /// Limits the server enforces itself (core cannot name these consts, so
    /// `reclaim_core::api` writes them as literals): keep the two equal.
    #[test]
    fn password_limits_are_the_servers() {
        use reclaim_core::limits::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
        let v: serde_json::Value = serde_json::from_str(super::json()).unwrap();
        let schemas = &v["components"]["schemas"];
        let new_password = &schemas["PasswordResetConfirmBody"]["properties"]["new_password"];
        assert_eq!(new_password["minLength"], MIN_PASSWORD_CHARS);
        assert_eq!(new_password["maxLength"], MAX_PASSWORD_CHARS);
        for body in ["LoginBody", "ReauthBody"] {
            let password = &schemas[body]["properties"]["password"];
            assert_eq!(password["maxLength"], MAX_PASSWORD_CHARS, "{body}");
            assert!(password["minLength"].is_null(), "{body}");
        }
    }

    #[test]
    fn document_is_openapi_3_1_with_every_path() {
        let v: serde_json::Value = serde_json::from_str(super::json()).unwrap();
        assert!(v["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = v["paths"].as_object().unwrap();
        for p in [
            "/password-reset",
            "/password-reset/check",
            "/password-reset/confirm",
            "/username-reminder",
            "/login",
            "/login/recovery-code",
            "/login/totp",
            "/login/security-key/options",
            "/login/security-key",
            "/email-verification",
            "/email-verification/confirm",
            "/recovery-requests",
            "/recovery-requests/{id}",
            "/recovery-requests/{id}/status-code",
            "/recovery-requests/{id}/status-token",
            "/recovery-requests/{id}/cancel",
            "/repository-proofs/candidates",
            "/repository-proofs",
            "/repository-proofs/{id}/check",
            "/account/security",
            "/account/reauth",
            "/account/recovery-codes",
            "/account/recovery-codes/confirm",
            "/account/totp",
            "/account/totp/confirm",
            "/account/security-keys/options",
            "/account/security-keys",
            "/account/security-keys/{id}",
            "/logout",
        ] {
            assert!(paths.contains_key(p), "missing {p}");
        }
    }
}
