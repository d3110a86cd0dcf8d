//! Recovery requests: submit (idempotent) and read the status.

use reclaim_core::api::{
    RecoveryRequestBody, RecoveryRequestCreated, RecoveryRequestStatusView, IDEMPOTENCY_KEY_HEADER,
};

use super::{ApiClient, ApiError};

impl ApiClient {
    /// `POST /recovery-requests` with an `Idempotency-Key`.
    ///
    /// Send the same key with the same body on every retry: the server then
    /// answers with the request it already created instead of a second one.
    pub async fn submit_recovery_request(
        &self,
        body: &RecoveryRequestBody,
        idempotency_key: &str,
    ) -> Result<RecoveryRequestCreated, ApiError> {
        self.call("POST", "/recovery-requests")
            .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
            .json(body)?
            .answer()
            .await
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
        self.call("GET", &path)
            .header("Authorization", &format!("Bearer {}", status_token.trim()))
            .answer()
            .await
    }
}
