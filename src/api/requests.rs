//! Recovery requests: submit (idempotent), read the status, and get a lost
//! status token back through the contact address.

use reclaim_core::api::{
    Accepted, CancelRequestBody, CodeBody, NewStatusToken, RecoveryRequestBody,
    RecoveryRequestCreated, RecoveryRequestStatusView, RequestCancelled, StatusTokenCodeBody,
    IDEMPOTENCY_KEY_HEADER,
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
        self.call("GET", &request_path(id, ""))
            .header("Authorization", &format!("Bearer {}", status_token.trim()))
            .answer()
            .await
    }

    /// `POST /recovery-requests/{id}/status-code`: a code for a new status
    /// token, mailed to the request's contact address if it is this one.
    /// The same answer either way.
    pub async fn mail_status_code(
        &self,
        id: &str,
        contact_email: &str,
    ) -> Result<Accepted, ApiError> {
        let body = StatusTokenCodeBody {
            contact_email: contact_email.trim().to_string(),
        };
        self.call("POST", &request_path(id, "/status-code"))
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /recovery-requests/{id}/status-token`: the mailed code for a
    /// new status token (the old one stops working).
    pub async fn new_status_token(&self, id: &str, code: &str) -> Result<NewStatusToken, ApiError> {
        let body = CodeBody {
            code: code.trim().to_string(),
        };
        self.call("POST", &request_path(id, "/status-token"))
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /recovery-requests/{id}/cancel`: "This wasn't me", with the
    /// token of the mailed link (single use; no sign-in).
    pub async fn cancel_recovery_request(
        &self,
        id: &str,
        token: &str,
    ) -> Result<RequestCancelled, ApiError> {
        let body = CancelRequestBody {
            token: token.trim().to_string(),
        };
        self.call("POST", &request_path(id, "/cancel"))
            .json(&body)?
            .answer()
            .await
    }
}

/// `/recovery-requests/{id}{rest}`, the id as typed, encoded.
fn request_path(id: &str, rest: &str) -> String {
    format!(
        "/recovery-requests/{}{rest}",
        crate::browser::encode_component(id.trim())
    )
}
