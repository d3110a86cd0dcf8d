//! What a signed-out user can do: sign in (password, then a second factor),
//! reset a password, get a username reminder, prove an email address.

use reclaim_core::api::{
    Accepted, EmailProof, EmailVerificationBody, EmailVerificationConfirmBody, LoginBody,
    LoginOutcome, PasswordResetBody, PasswordResetCheckBody, PasswordResetConfirmBody,
    ResetLinkValid, SecondFactorBody, UsernameReminderBody,
};

use super::{ApiClient, ApiError};

impl ApiClient {
    /// `POST /login`: a session, or a second-factor challenge.
    pub async fn login(&self, username: &str, password: &str) -> Result<LoginOutcome, ApiError> {
        let body = LoginBody {
            username: username.trim().to_string(),
            password: password.to_string(),
        };
        let outcome = self.call("POST", "/login").json(&body)?.answer().await?;
        self.remember(&outcome);
        Ok(outcome)
    }

    /// `POST /login/totp`.
    pub async fn login_totp(&self, token: &str, code: &str) -> Result<LoginOutcome, ApiError> {
        self.second_factor("/login/totp", token, code).await
    }

    /// `POST /login/recovery-code` (the code is burned on success).
    pub async fn login_recovery_code(
        &self,
        token: &str,
        code: &str,
    ) -> Result<LoginOutcome, ApiError> {
        self.second_factor("/login/recovery-code", token, code)
            .await
    }

    async fn second_factor(
        &self,
        path: &str,
        token: &str,
        code: &str,
    ) -> Result<LoginOutcome, ApiError> {
        let body = SecondFactorBody {
            token: token.to_string(),
            code: code.to_string(),
        };
        let outcome = self.call("POST", path).json(&body)?.answer().await?;
        self.remember(&outcome);
        Ok(outcome)
    }

    pub(super) fn remember(&self, outcome: &LoginOutcome) {
        if let LoginOutcome::Session { csrf_token, .. } = outcome {
            self.set_csrf_token(Some(csrf_token.clone()));
        }
    }

    /// `POST /password-reset`: the same answer whether or not the account exists.
    pub async fn request_password_reset(&self, identifier: &str) -> Result<Accepted, ApiError> {
        let body = PasswordResetBody {
            identifier: identifier.trim().to_string(),
        };
        self.call("POST", "/password-reset")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /password-reset/check`: whether the mailed link still works,
    /// without using it up.
    pub async fn check_password_reset(&self, token: &str) -> Result<ResetLinkValid, ApiError> {
        let body = PasswordResetCheckBody {
            token: token.to_string(),
        };
        self.call("POST", "/password-reset/check")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /password-reset/confirm` with the token of the mailed link.
    pub async fn confirm_password_reset(
        &self,
        token: &str,
        new_password: &str,
    ) -> Result<(), ApiError> {
        let body = PasswordResetConfirmBody {
            token: token.to_string(),
            new_password: new_password.to_string(),
        };
        self.call("POST", "/password-reset/confirm")
            .json(&body)?
            .no_content()
            .await
    }

    /// `POST /username-reminder`: the same answer whether or not an account uses the address.
    pub async fn request_username_reminder(&self, email: &str) -> Result<Accepted, ApiError> {
        let body = UsernameReminderBody {
            email: email.trim().to_string(),
        };
        self.call("POST", "/username-reminder")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /email-verification`: mail a one-time code to the address.
    pub async fn send_email_code(&self, email: &str) -> Result<Accepted, ApiError> {
        let body = EmailVerificationBody {
            email: email.trim().to_string(),
        };
        self.call("POST", "/email-verification")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /email-verification/confirm`: the code for a proof.
    pub async fn confirm_email_code(
        &self,
        email: &str,
        code: &str,
    ) -> Result<EmailProof, ApiError> {
        let body = EmailVerificationConfirmBody {
            email: email.trim().to_string(),
            code: code.to_string(),
        };
        self.call("POST", "/email-verification/confirm")
            .json(&body)?
            .answer()
            .await
    }
}
