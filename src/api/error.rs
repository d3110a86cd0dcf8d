//! Everything that can go wrong with an API call, typed.
//!
//! Problem documents (RFC 9457, `application/problem+json`) are decoded into
//! [`ApiError`] so pages can react by kind (retry, wait, show field errors)
//! without parsing HTTP themselves.

use reclaim_core::api::Problem;
use reclaim_core::{ErrorCode, ProblemCode};

/// One server-side field error, by JSON pointer into the body that was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub pointer: String,
    /// The stable code, when the server used one the app knows.
    pub code: Option<ErrorCode>,
    /// The server's words (may be empty).
    pub message: String,
}

impl FieldProblem {
    /// Words for people: the shared copy for codes the app knows (one place
    /// for copy, the same words the browser's own checks use), else the
    /// server's words, else a general sentence.
    pub fn text(&self) -> String {
        match self.code {
            Some(code) => reclaim_core::messages::field_message(&self.pointer, code).to_string(),
            None if !self.message.trim().is_empty() => self.message.trim().to_string(),
            None => crate::failure_words::FIELD_REFUSED.to_string(),
        }
    }
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request never got a whole answer (offline, DNS, connection
    /// reset, CORS, or none within `browser::FETCH_TIMEOUT_MS`).
    Network,
    /// 429: too many attempts; wait this many seconds (if the server said).
    RateLimited { retry_after: Option<u32> },
    /// 409: the same submission is still being processed; retry after a wait.
    Conflict {
        retry_after: Option<u32>,
        code: Option<ProblemCode>,
    },
    /// 422 with field errors: the body was refused, field by field. `code`
    /// is the problem's own (`validation_failed`, or a specific one such as
    /// `recovery_code_invalid` placed on its field).
    Validation {
        code: Option<ProblemCode>,
        fields: Vec<FieldProblem>,
    },
    /// 5xx: the server failed; safe to retry the same idempotent call.
    Server {
        status: u16,
        retry_after: Option<u32>,
    },
    /// Any other answer with a problem document: a wrong password
    /// (`invalid_credentials`), an expired sign-in step, a burned code, an
    /// unknown request (`not_found`)… `code` is `None` for codes this app
    /// does not know (or no problem document at all).
    Problem {
        status: u16,
        code: Option<ProblemCode>,
        title: String,
        detail: Option<String>,
    },
    /// A 2xx answer whose body was not what the contract promises.
    Decode,
}

impl ApiError {
    /// Whether an identical retry may succeed (network, 5xx, 409).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::Network | ApiError::Server { .. } | ApiError::Conflict { .. }
        )
    }

    /// Seconds the server asked us to wait, if any.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::RateLimited { retry_after }
            | ApiError::Conflict { retry_after, .. }
            | ApiError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The problem code, for answers that carried one the app knows.
    pub fn code(&self) -> Option<ProblemCode> {
        match self {
            ApiError::Problem { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Validation { code, .. } => *code,
            ApiError::RateLimited { .. } => Some(ProblemCode::RateLimited),
            _ => None,
        }
    }

    /// 401, 403 or 404 without a more specific code: not found, or not
    /// yours (the status endpoint answers both alike, on purpose).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            ApiError::Problem {
                status: 401 | 403 | 404,
                ..
            }
        ) && matches!(self.code(), None | Some(ProblemCode::NotFound))
    }

    /// The signed-in session is gone (expired, signed out elsewhere).
    pub fn is_session_lost(&self) -> bool {
        matches!(
            self.code(),
            Some(ProblemCode::Unauthenticated | ProblemCode::CsrfFailed)
        )
    }

    /// Build the error for a non-2xx answer from its status, `Retry-After`
    /// header and body text.
    pub fn from_response(
        status: u16,
        retry_after_header: Option<&str>,
        body: &str,
        now_ms: f64,
    ) -> ApiError {
        let retry_after = retry_after_header.and_then(|v| parse_retry_after(v, now_ms));
        let problem: Option<Problem> = serde_json::from_str(body).ok();
        let code = problem.as_ref().and_then(|p| ProblemCode::parse(&p.code));
        match status {
            429 => ApiError::RateLimited { retry_after },
            409 => ApiError::Conflict { retry_after, code },
            500..=599 => ApiError::Server {
                status,
                retry_after,
            },
            _ => match problem {
                Some(p) if !p.errors.is_empty() => ApiError::Validation {
                    code,
                    fields: p
                        .errors
                        .into_iter()
                        .map(|e| FieldProblem {
                            code: parse_code(&e.code),
                            pointer: e.pointer,
                            message: e.message,
                        })
                        .collect(),
                },
                Some(p) => ApiError::Problem {
                    status,
                    code,
                    title: p.title,
                    detail: p.detail,
                },
                None => ApiError::Problem {
                    status,
                    code: None,
                    title: format!("HTTP {status}"),
                    detail: None,
                },
            },
        }
    }
}

/// A stable error code string (`username_format`) as the shared enum.
pub fn parse_code(code: &str) -> Option<ErrorCode> {
    ErrorCode::parse(code)
}

/// `Retry-After`: delay-seconds or an HTTP-date, as whole seconds from now
/// (never negative; capped at one day so a bad header cannot lock the form).
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<u32> {
    const MAX: u32 = 24 * 3600;
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = value.parse().unwrap_or(u64::MAX);
        return Some(secs.min(MAX as u64) as u32);
    }
    let at = js_sys::Date::parse(value);
    if at.is_nan() {
        return None;
    }
    let secs = ((at - now_ms) / 1000.0).ceil();
    Some(secs.clamp(0.0, MAX as f64) as u32)
}
