//! The HTTP machinery every call shares: the base URL, the signed-in
//! session's CSRF token (in memory only), `Accept`, no caching, and one way
//! to read answers into contract types or [`ApiError`].

use std::sync::{Arc, Mutex};

use gloo_net::http::{Request, RequestBuilder, Response};
use reclaim_core::api::CSRF_HEADER;
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::{RequestCache, RequestCredentials};

use super::ApiError;

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

    /// A request to `path` with what every call carries. Credentials are
    /// included so a cross-origin API (see the README) gets its cookie too.
    pub(super) fn request(&self, method: &str, path: &str) -> RequestBuilder {
        let url = format!("{}{}", self.base, path);
        let builder = match method {
            "GET" => Request::get(&url),
            "DELETE" => Request::delete(&url),
            _ => Request::post(&url),
        }
        .header("Accept", ACCEPT)
        .cache(RequestCache::NoStore)
        .credentials(RequestCredentials::Include);
        match self.csrf_token.lock().ok().and_then(|t| t.clone()) {
            Some(token) if method != "GET" => builder.header(CSRF_HEADER, &token),
            _ => builder,
        }
    }

    /// `POST path` with a JSON body, reading a JSON answer.
    pub(super) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = self
            .request("POST", path)
            .json(body)
            .map_err(|_| ApiError::Decode)?;
        read_json(request.send().await.map_err(|_| ApiError::Network)?).await
    }

    /// `POST path` with a JSON body, for answers without one (204).
    pub(super) async fn post_no_content<B: Serialize>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<(), ApiError> {
        let request = self
            .request("POST", path)
            .json(body)
            .map_err(|_| ApiError::Decode)?;
        read_empty(request.send().await.map_err(|_| ApiError::Network)?).await
    }

    /// A request without a body (GET, DELETE, a bodiless POST).
    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
    ) -> Result<T, ApiError> {
        read_json(builder.send().await.map_err(|_| ApiError::Network)?).await
    }

    /// A request already built (with a body and extra headers).
    pub(super) async fn send_built<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T, ApiError> {
        read_json(request.send().await.map_err(|_| ApiError::Network)?).await
    }

    pub(super) async fn send_no_content(&self, builder: RequestBuilder) -> Result<(), ApiError> {
        read_empty(builder.send().await.map_err(|_| ApiError::Network)?).await
    }
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if (200..300).contains(&response.status()) {
        return response.json::<T>().await.map_err(|_| ApiError::Decode);
    }
    Err(read_error(response).await)
}

async fn read_empty(response: Response) -> Result<(), ApiError> {
    if (200..300).contains(&response.status()) {
        return Ok(());
    }
    Err(read_error(response).await)
}

async fn read_error(response: Response) -> ApiError {
    let retry_after = response.headers().get("Retry-After");
    // A body that cannot be read is treated like an empty one: the status
    // alone still says what to do.
    let body = response.text().await.unwrap_or_default();
    ApiError::from_response(
        response.status(),
        retry_after.as_deref(),
        &body,
        crate::browser::now_ms(),
    )
}
