//! The HTTP machinery every call shares: the base URL, the signed-in
//! session's CSRF token (in memory only), `Accept`, no caching, and one way
//! to read answers into contract types or [`ApiError`].

use std::sync::{Arc, Mutex};

use reclaim_core::api::CSRF_HEADER;
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::{Headers, RequestCache, RequestCredentials, RequestInit};

use super::ApiError;
use crate::browser;

const ACCEPT: &str = "application/json, application/problem+json";

/// A client for one API base (from `config.json`).
///
/// Clones share the session: signing in through one makes every clone send
/// the CSRF token. The token lives only here, in memory: a reload forgets it
/// (the cookie may live on, but state-changing calls then need a new sign-in).
#[derive(Debug, Clone, Default)]
pub struct ApiClient {
    base: String,
    csrf_token: Arc<Mutex<Option<String>>>,
}

impl ApiClient {
    /// `base` is absolute (`https://api.example.org/v1`) or origin-relative (`/api/v1`).
    pub fn new(base: &str) -> ApiClient {
        ApiClient {
            base: base.trim_end_matches('/').to_string(),
            csrf_token: Arc::default(),
        }
    }

    /// Remember the session's CSRF token (after a sign-in), or forget it.
    pub fn set_csrf_token(&self, token: Option<String>) {
        if let Ok(mut slot) = self.csrf_token.lock() {
            *slot = token;
        }
    }

    pub fn has_session(&self) -> bool {
        self.csrf_token.lock().is_ok_and(|t| t.is_some())
    }

    /// A call to `path` with what every call carries. Credentials are
    /// included so a cross-origin API (see the README) gets its cookie too;
    /// the CSRF token goes on everything but `GET`.
    pub(super) fn call(&self, method: &'static str, path: &str) -> Call {
        let mut call = Call {
            method,
            url: format!("{}{}", self.base, path),
            headers: vec![("Accept", ACCEPT.to_string())],
            body: None,
        };
        if method != "GET" {
            if let Some(token) = self.csrf_token.lock().ok().and_then(|t| t.clone()) {
                call.headers.push((CSRF_HEADER, token));
            }
        }
        call
    }
}

/// One API call being made. Only the JSON (de)serialising is generic:
/// the exchange itself is one function for every call, so each contract
/// type adds its serde code and nothing more to the wasm.
#[derive(Debug)]
pub(super) struct Call {
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<String>,
}

impl Call {
    pub fn header(mut self, name: &'static str, value: &str) -> Call {
        self.headers.push((name, value.to_string()));
        self
    }

    /// A JSON body.
    pub fn json<B: Serialize>(mut self, body: &B) -> Result<Call, ApiError> {
        self.body = Some(serde_json::to_string(body).map_err(|_| ApiError::Decode)?);
        self.headers
            .push(("Content-Type", "application/json".to_string()));
        Ok(self)
    }

    /// A body that is JSON text already (a WebAuthn credential, built in
    /// the browser: parsing it into a value only to write it out again
    /// would cost every bundle that signs in with a key).
    pub fn json_text(mut self, body: String) -> Call {
        self.body = Some(body);
        self.headers
            .push(("Content-Type", "application/json".to_string()));
        self
    }

    /// Send, and read the answer's JSON text as it came.
    pub async fn text(self) -> Result<String, ApiError> {
        self.exchange().await
    }

    /// Send, and read a JSON answer.
    pub async fn answer<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let text = self.exchange().await?;
        serde_json::from_str(&text).map_err(|_| ApiError::Decode)
    }

    /// Send, and read a JSON answer if there is one (`None` for a 204).
    pub async fn answer_if_any<T: DeserializeOwned>(self) -> Result<Option<T>, ApiError> {
        let text = self.exchange().await?;
        if text.is_empty() {
            return Ok(None);
        }
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| ApiError::Decode)
    }

    /// Send, for answers without a body (204).
    pub async fn no_content(self) -> Result<(), ApiError> {
        self.exchange().await.map(|_| ())
    }

    /// Send; the body of a 2xx answer, or the error any other answer means.
    async fn exchange(self) -> Result<String, ApiError> {
        let headers = Headers::new().map_err(|_| ApiError::Network)?;
        for (name, value) in &self.headers {
            headers.set(name, value).map_err(|_| ApiError::Network)?;
        }
        let init = RequestInit::new();
        init.set_method(self.method);
        init.set_headers(&headers);
        init.set_cache(RequestCache::NoStore);
        init.set_credentials(RequestCredentials::Include);
        if let Some(body) = &self.body {
            init.set_body(&wasm_bindgen::JsValue::from_str(body));
        }
        let answer = browser::fetch(&self.url, &init)
            .await
            .map_err(|_| ApiError::Network)?;
        if (200..300).contains(&answer.status) {
            return Ok(answer.text);
        }
        // A body that is not a problem document is read as an empty one:
        // the status alone still says what to do.
        Err(ApiError::from_response(
            answer.status,
            answer.header("Retry-After").as_deref(),
            &answer.text,
            browser::now_ms(),
        ))
    }
}
