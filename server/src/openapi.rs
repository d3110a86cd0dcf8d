//! The OpenAPI 3.1 document, generated from the handlers' annotations and
//! the contract types of `reclaim-core`. Served at `/api/v1/openapi.json` and
//! committed as `server/openapi.json` (a test keeps the two equal).

use std::sync::OnceLock;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
    components(schemas(reclaim_core::api::FieldError, reclaim_core::api::AccountProject, reclaim_core::api::Reason,
        reclaim_core::api::RecoveryCodesStatus, reclaim_core::api::RequestStatus)),
    modifiers(&Security),
    tags(
        (name = "self-service", description = "Password reset, username reminder, one-time email codes"),
        (name = "sign-in", description = "Password, then a second factor"),
        (name = "recovery requests", description = "Requests to support, followed with a status token"),
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
/// from the route table.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let (paths, schemas) = crate::routes::table::documented();
    doc.paths = paths;
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
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
            "/username-reminder",
            "/login",
            "/login/recovery-code",
            "/login/totp",
            "/email-verification",
            "/email-verification/confirm",
            "/recovery-requests",
            "/recovery-requests/{id}",
            "/account/security",
            "/account/reauth",
            "/account/recovery-codes",
            "/account/recovery-codes/confirm",
            "/account/totp",
            "/account/totp/confirm",
            "/logout",
        ] {
            assert!(paths.contains_key(p), "missing {p}");
        }
    }
}
