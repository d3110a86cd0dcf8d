//! What a signed-in user can do (the checkup). Every state-changing call
//! carries the CSRF token from sign-in (see [`ApiClient::request`]).

use reclaim_core::api::{
    Accepted, AccountSecurity, CodeBody, ReauthBody, Reauthenticated, RecoveryCodesGenerated,
    RecoveryCodesInfo, SessionFields, TotpSetup, ACCOUNT_SECURITY_PATH, SESSION_PATH,
};

use super::{ApiClient, ApiError};

impl ApiClient {
    /// `GET /session`: the session of the cookie, for a page loaded after
    /// sign-in (this tab's memory lost the CSRF token). Holds the token on;
    /// `false` when there is no session (a 204).
    pub async fn resume_session(&self) -> Result<bool, ApiError> {
        let session: Option<SessionFields> = self.call("GET", SESSION_PATH).answer_if_any().await?;
        if let Some(session) = session {
            self.set_csrf_token(Some(session.csrf_token));
        }
        Ok(self.has_session())
    }

    /// `GET /account/security`.
    pub async fn account_security(&self) -> Result<AccountSecurity, ApiError> {
        self.call("GET", ACCOUNT_SECURITY_PATH).answer().await
    }

    /// `POST /account/reauth`: the password again, before a sensitive change.
    pub async fn reauthenticate(&self, password: &str) -> Result<Reauthenticated, ApiError> {
        let body = ReauthBody {
            password: password.to_string(),
        };
        self.call("POST", "/account/reauth")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /account/recovery-codes`: a new set (the old one stops working).
    pub async fn generate_recovery_codes(&self) -> Result<RecoveryCodesGenerated, ApiError> {
        self.call("POST", "/account/recovery-codes").answer().await
    }

    /// `POST /account/recovery-codes/confirm`: one code of the new set, burned.
    pub async fn confirm_recovery_codes(&self, code: &str) -> Result<RecoveryCodesInfo, ApiError> {
        let body = CodeBody {
            code: code.to_string(),
        };
        self.call("POST", "/account/recovery-codes/confirm")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /account/totp`: start setting up an authenticator app.
    pub async fn start_totp_setup(&self) -> Result<TotpSetup, ApiError> {
        self.call("POST", "/account/totp").answer().await
    }

    /// `POST /account/totp/confirm`: the first code from the app.
    pub async fn confirm_totp_setup(&self, code: &str) -> Result<AccountSecurity, ApiError> {
        let body = CodeBody {
            code: code.to_string(),
        };
        self.call("POST", "/account/totp/confirm")
            .json(&body)?
            .answer()
            .await
    }

    /// `DELETE /account/totp`: remove the authenticator app (and, with it,
    /// the recovery codes).
    pub async fn remove_totp(&self) -> Result<AccountSecurity, ApiError> {
        self.call("DELETE", "/account/totp").answer().await
    }

    /// `POST /account/email-verification`: mail a one-time code to the
    /// account's own address (the only way an address becomes verified;
    /// an anonymous code only proves a mailbox for a recovery request).
    pub async fn send_account_email_code(&self) -> Result<Accepted, ApiError> {
        self.call("POST", "/account/email-verification")
            .answer()
            .await
    }

    /// `POST /account/email-verification/confirm`: the code from that mail;
    /// the address is then verified (the updated checkup).
    pub async fn confirm_account_email(&self, code: &str) -> Result<AccountSecurity, ApiError> {
        let body = CodeBody {
            code: code.to_string(),
        };
        self.call("POST", "/account/email-verification/confirm")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /logout`, then forget the CSRF token whatever the answer.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let result = self.call("POST", "/logout").no_content().await;
        self.set_csrf_token(None);
        result
    }
}
