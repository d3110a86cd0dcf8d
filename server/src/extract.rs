//! The JSON body extractor of the API.
//!
//! axum's own `Json` answers errors in plain text; this one answers every way a
//! body can be wrong with a problem document and a stable code:
//! 415 `unsupported_media_type`, 413 `payload_too_large`, 400 `malformed_json`,
//! 422 `invalid_body` (unknown fields, wrong types; with a JSON pointer), and
//! 422 `validation_failed` for control characters in any string.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use reclaim_core::api::FieldError;
use reclaim_core::ErrorCode;
use reclaim_core::ProblemCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::problem::{field_error, ApiError};

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Fields where a line break is legitimate free text.
const MULTILINE_FIELDS: &[&str] = &["/details"];

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(
                ApiError::new(ProblemCode::UnsupportedMediaType, "Send JSON")
                    .detail("The body must be sent with Content-Type: application/json."),
            );
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                malformed("The body could not be read.")
            }
        })?;
        parse_body(&bytes).map(ApiJson)
    }
}

pub fn too_large() -> ApiError {
    ApiError::new(ProblemCode::PayloadTooLarge, "The body is too large")
        .detail(format!("Bodies are limited to {BODY_LIMIT} bytes."))
}

fn malformed(detail: &str) -> ApiError {
    ApiError::new(ProblemCode::MalformedJson, "The body is not valid JSON")
        .detail(detail.to_string())
}

fn is_json(value: Option<&header::HeaderValue>) -> bool {
    let Some(Ok(value)) = value.map(|v| v.to_str()) else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
}

/// Parse in two steps so syntax errors (400) and shape errors (422) differ,
/// and control characters are refused before any handler sees a string.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.len() > BODY_LIMIT {
        return Err(too_large());
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        malformed(&format!(
            "JSON syntax error at line {}, column {}.",
            e.line(),
            e.column()
        ))
    })?;
    let mut issues = Vec::new();
    find_control_chars(&value, &mut String::new(), &mut issues);
    if !issues.is_empty() {
        return Err(ApiError::validation(issues));
    }
    parse_member(value, "")
}

/// A member of a body that is free-form in the contract (a WebAuthn
/// credential) read into the type it must have: a shape error is the same
/// 422 `invalid_body` as in the body itself, its pointer under `at`.
pub fn parse_member<T: DeserializeOwned>(value: Value, at: &str) -> Result<T, ApiError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|err| {
        let pointer = format!("{at}{}", to_pointer(err.path()));
        let detail = err.inner().to_string();
        ApiError::new(
            ProblemCode::InvalidBody,
            "The body does not match the expected shape",
        )
        .detail(detail.clone())
        .with_errors(vec![FieldError {
            pointer,
            code: ProblemCode::InvalidBody.as_str().into(),
            message: detail,
        }])
    })
}

fn to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// C0/C1 controls (and DEL), and the bidi overrides that make text lie about
/// itself. Line breaks and tabs are allowed only in free-text fields.
pub fn bad_char(c: char, multiline: bool) -> bool {
    if multiline && matches!(c, '\n' | '\r' | '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn find_control_chars(value: &Value, pointer: &mut String, out: &mut Vec<FieldError>) {
    match value {
        Value::String(s) => {
            let multiline = MULTILINE_FIELDS.contains(&pointer.as_str());
            if s.chars().any(|c| bad_char(c, multiline)) {
                out.push(field_error(pointer, ErrorCode::ControlCharacters));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                find_control_chars(item, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                find_control_chars(v, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reclaim_core::api::{LoginBody, RecoveryRequestBody};

    #[test]
    fn syntax_errors_are_400_and_shape_errors_422_with_pointer() {
        let e = parse_body::<LoginBody>(b"{\"username\":").unwrap_err();
        assert_eq!(
            (e.status().as_u16(), e.code),
            (400, ProblemCode::MalformedJson)
        );
        let e = parse_body::<LoginBody>(br#"{"username":1,"password":"x"}"#).unwrap_err();
        assert_eq!(
            (e.status().as_u16(), e.code),
            (422, ProblemCode::InvalidBody)
        );
        assert_eq!(e.errors[0].pointer, "/username");
        let e = parse_body::<LoginBody>(br#"{"username":"a","password":"x","admin":true}"#)
            .unwrap_err();
        assert_eq!(e.code, ProblemCode::InvalidBody);
        assert!(e.detail.unwrap().contains("admin"));
        let e = parse_body::<RecoveryRequestBody>(br#"{"packages":[1]}"#).unwrap_err();
        assert_eq!(e.errors[0].pointer, "/packages/0");
        let e = parse_member::<LoginBody>(serde_json::json!({"username": []}), "/credential")
            .unwrap_err();
        assert_eq!(
            (e.code, e.errors[0].pointer.as_str()),
            (ProblemCode::InvalidBody, "/credential/username")
        );
    }

    #[test]
    fn control_characters_are_found_with_their_pointer() {
        let mut out = Vec::new();
        let v: Value = serde_json::from_str(
            r#"{"a":"ok","b":["x","y\u0000"],"details":"line\nbreak","c":"rtl\u202e"}"#,
        )
        .unwrap();
        find_control_chars(&v, &mut String::new(), &mut out);
        let pointers: Vec<_> = out.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/b/1", "/c"]);
        assert!(bad_char('\r', false));
        assert!(!bad_char('\n', true));
    }

    #[test]
    fn content_type_must_be_json() {
        use header::HeaderValue;
        assert!(is_json(Some(&HeaderValue::from_static(
            "application/json; charset=utf-8"
        ))));
        assert!(is_json(Some(&HeaderValue::from_static("Application/JSON"))));
        assert!(!is_json(Some(&HeaderValue::from_static("text/plain"))));
        assert!(!is_json(None));
    }
}
