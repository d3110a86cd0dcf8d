//! RFC 9457 problem documents: the only error shape the API ever answers with.
//!
//! Handlers return `Result<_, ApiError>`; an `ApiError` knows its stable
//! `code` and words, and renders as `application/problem+json`. Its HTTP
//! status is the code's, stated once in core ([`ProblemCode::status`]), so
//! the answer, the OpenAPI document (`crate::openapi`) and the app agree.
//! Internal errors are logged by kind only (never with request data, which
//! may hold secrets).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use reclaim_core::api::{FieldError, Problem};
use reclaim_core::{ErrorCode, ProblemCode};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ProblemCode,
    pub title: &'static str,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A problem with `code` (and so its status) and a title.
    pub fn new(code: ProblemCode, title: &'static str) -> Self {
        ApiError {
            code,
            title,
            detail: None,
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// The HTTP status: the code's.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).expect("core's statuses are valid")
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// Add one field error with the shared words for `code`, keeping this
    /// problem's own code (e.g. `password_incorrect` on `/password`).
    pub fn on_field(self, pointer: &str, code: ErrorCode) -> Self {
        self.with_errors(vec![field_error(pointer, code)])
    }

    /// A 422 for one field, with the shared words for `code`.
    pub fn field(pointer: &str, code: ErrorCode) -> Self {
        Self::validation(vec![field_error(pointer, code)])
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        ApiError::new(
            ProblemCode::ValidationFailed,
            "The request has invalid fields",
        )
        .detail("Correct the fields listed in errors and try again.")
        .with_errors(errors)
    }

    pub fn not_found() -> Self {
        ApiError::new(ProblemCode::NotFound, "Not found")
            .detail("There is nothing at this address.")
    }

    pub fn too_many(retry_after: u64) -> Self {
        let mut e = ApiError::new(ProblemCode::RateLimited, "Too many attempts")
            .detail(format!("Try again in {retry_after} seconds."));
        e.retry_after = Some(retry_after.max(1));
        e
    }

    pub fn unauthenticated() -> Self {
        ApiError::new(ProblemCode::Unauthenticated, "Sign in first")
            .detail("This needs a signed-in session.")
    }

    pub fn internal() -> Self {
        ApiError::new(
            ProblemCode::InternalError,
            "Something went wrong on our side",
        )
        .detail("Nothing was changed by this failure that you need to undo. Try again shortly.")
    }

    pub fn unavailable(retry_after: u64) -> Self {
        let mut e = ApiError::new(ProblemCode::Unavailable, "The service is busy")
            .detail("Try again shortly.");
        e.retry_after = Some(retry_after);
        e
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            type_uri: format!("urn:reclaim:problem:{}", self.code.as_str()),
            title: self.title.to_string(),
            status: self.code.status(),
            detail: self.detail.clone(),
            code: self.code.as_str().to_string(),
            errors: self.errors.clone(),
        }
    }
}

/// One field error with the words shared with the browser.
pub fn field_error(pointer: &str, code: ErrorCode) -> FieldError {
    reclaim_core::validation::FieldIssue::new(pointer, code).to_field_error()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            eprintln!("error: {} {}", status.as_u16(), self.code.as_str());
        }
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        let mut res = (status, body).into_response();
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(e, _) = &err {
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) {
                eprintln!("database busy");
                return ApiError::unavailable(1);
            }
        }
        eprintln!("database error: {err}");
        ApiError::internal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_has_rfc9457_members_and_retry_after() {
        let res = ApiError::too_many(42).into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        assert_eq!(res.headers()[header::RETRY_AFTER], "42");
        let p = ApiError::too_many(42).to_problem();
        assert_eq!(p.status, 429);
        assert_eq!(p.code, "rate_limited");
        assert_eq!(p.type_uri, "urn:reclaim:problem:rate_limited");
    }

    #[test]
    fn busy_database_maps_to_503_not_500() {
        let err = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        let api: ApiError = err.into();
        assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(api.retry_after, Some(1));
        let other: ApiError = rusqlite::Error::QueryReturnedNoRows.into();
        assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(other.to_problem().code, "internal_error");
    }

    #[test]
    fn field_errors_carry_the_shared_words() {
        let e = field_error("/code", ErrorCode::RecoveryCodeFormat);
        assert_eq!(e.code, "recovery_code_format");
        assert_eq!(e.pointer, "/code");
        assert_eq!(
            e.message,
            reclaim_core::messages::message(ErrorCode::RecoveryCodeFormat)
        );
    }
}
