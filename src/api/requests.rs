//! The calls the browser app makes.

use gloo_net::http::{Request, RequestBuilder, Response};
use reclaim_core::api::{
    RecoveryRequestBody, RecoveryRequestCreated, RecoveryRequestStatusView, IDEMPOTENCY_KEY_HEADER,
};
use serde::de::DeserializeOwned;

use super::ApiError;

const ACCEPT: &str = "application/json, application/problem+json";

/// A client for one API base (from `config.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    base: String,
}

impl ApiClient {
    /// `base` is absolute (`https://api.example.org/v1`) or origin-relative (`/api/v1`).
    pub fn new(base: &str) -> ApiClient {
        ApiClient {
            base: base.trim_end_matches('/').to_string(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// `POST /recovery-requests` with an `Idempotency-Key`.
    ///
    /// Send the same key with the same body on every retry: the server then
    /// answers with the request it already created instead of a second one.
    pub async fn submit_recovery_request(
        &self,
        body: &RecoveryRequestBody,
        idempotency_key: &str,
    ) -> Result<RecoveryRequestCreated, ApiError> {
        let request = Request::post(&self.url("/recovery-requests"))
            .header("Accept", ACCEPT)
            .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
            .cache(web_sys::RequestCache::NoStore)
            .json(body)
            .map_err(|_| ApiError::Decode)?;
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        read_json(response).await
    }

    /// `GET /recovery-requests/{id}` with the status token as a bearer token.
    ///
    /// The token travels only in the `Authorization` header, never in the URL.
    pub async fn recovery_request_status(
        &self,
        id: &str,
        status_token: &str,
    ) -> Result<RecoveryRequestStatusView, ApiError> {
        let path = format!(
            "/recovery-requests/{}",
            crate::browser::encode_component(id.trim())
        );
        let builder: RequestBuilder = Request::get(&self.url(&path))
            .header("Accept", ACCEPT)
            .header("Authorization", &format!("Bearer {}", status_token.trim()))
            .cache(web_sys::RequestCache::NoStore);
        let response = builder.send().await.map_err(|_| ApiError::Network)?;
        read_json(response).await
    }
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response.json::<T>().await.map_err(|_| ApiError::Decode);
    }
    let retry_after = response.headers().get("Retry-After");
    // A body that cannot be read is treated like an empty one: the status
    // alone still says what to do.
    let body = response.text().await.unwrap_or_default();
    Err(ApiError::from_response(
        status,
        retry_after.as_deref(),
        &body,
        crate::browser::now_ms(),
    ))
}
