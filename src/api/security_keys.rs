//! Security keys and passkeys: registration, the list's changes, and the
//! sign-in step with a key. The WebAuthn options and credentials pass as
//! JSON text between the server and `crate::webauthn`, never parsed here:
//! the contract types hold them as `serde_json::Value`, whose parser and
//! printer cost the sign-in bundle 5 KB of brotli wasm for nothing.

use reclaim_core::api::{
    AccountSecurity, ChallengeBody, LoginOutcome, SecurityKey, SecurityKeyRenameBody,
};

use super::{ApiClient, ApiError};

/// `/account/security-keys/{id}`, the id encoded.
fn key_path(id: &str) -> String {
    format!(
        "/account/security-keys/{}",
        crate::browser::encode_component(id)
    )
}

/// A body of `SecurityKeyRegistrationBody`'s or `SecurityKeyAssertionBody`'s
/// shape: one text member (`name`, `token`) and the browser's credential,
/// JSON text from `crate::webauthn`, as it is.
fn with_credential(member: &str, value: &str, credential_json: &str) -> Result<String, ApiError> {
    let value = serde_json::to_string(value).map_err(|_| ApiError::Decode)?;
    Ok(format!(
        "{{\"{member}\":{value},\"credential\":{credential_json}}}"
    ))
}

impl ApiClient {
    /// `POST /account/security-keys/options`: the creation options, as
    /// JSON text for `navigator.credentials.create`.
    pub async fn start_key_registration(&self) -> Result<String, ApiError> {
        self.call("POST", "/account/security-keys/options")
            .text()
            .await
    }

    /// `POST /account/security-keys`: the new key, named.
    pub async fn finish_key_registration(
        &self,
        name: &str,
        credential_json: &str,
    ) -> Result<AccountSecurity, ApiError> {
        let body = with_credential("name", name.trim(), credential_json)?;
        self.call("POST", "/account/security-keys")
            .json_text(body)
            .answer()
            .await
    }

    /// `PATCH /account/security-keys/{id}`.
    pub async fn rename_security_key(&self, id: &str, name: &str) -> Result<SecurityKey, ApiError> {
        let body = SecurityKeyRenameBody {
            name: name.trim().to_string(),
        };
        self.call("PATCH", &key_path(id))
            .json(&body)?
            .answer()
            .await
    }

    /// `DELETE /account/security-keys/{id}` (after a fresh re-authentication).
    pub async fn remove_security_key(&self, id: &str) -> Result<AccountSecurity, ApiError> {
        self.call("DELETE", &key_path(id)).answer().await
    }

    /// `POST /login/security-key/options`: the request options of this
    /// sign-in step, as JSON text for `navigator.credentials.get`.
    pub async fn security_key_sign_in_options(&self, token: &str) -> Result<String, ApiError> {
        let body = ChallengeBody {
            token: token.to_string(),
        };
        self.call("POST", "/login/security-key/options")
            .json(&body)?
            .text()
            .await
    }

    /// `POST /login/security-key`: the key's answer.
    pub async fn sign_in_with_security_key(
        &self,
        token: &str,
        assertion_json: &str,
    ) -> Result<LoginOutcome, ApiError> {
        let body = with_credential("token", token, assertion_json)?;
        let outcome = self
            .call("POST", "/login/security-key")
            .json_text(body)
            .answer()
            .await?;
        self.remember(&outcome);
        Ok(outcome)
    }
}
