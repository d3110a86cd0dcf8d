//! The words of every mail the server sends, in one place.
//!
//! A mail that carries a live secret (a reset link, a one-time code) names
//! it in [`Mail::secret`], so the stored copy can lose it once the mail is
//! sent, or once the secret has expired.

use reclaim_core::api::RecoveryRequestBody;
use reclaim_core::limits::{EMAIL_CODE_MINUTES, RESET_LINK_HOURS};

/// One mail, before it is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub body: String,
    pub secret: Option<Secret>,
}

/// A live secret inside a mail body, and when it stops working (unix s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub value: String,
    pub expires_at: i64,
}

/// What replaces a secret in the stored copy of a sent mail.
pub const REDACTED: &str = "[removed from our copy once sent]";

impl Mail {
    fn new(subject: impl Into<String>, body: impl Into<String>) -> Mail {
        Mail {
            subject: subject.into(),
            body: body.into(),
            secret: None,
        }
    }

    fn with_secret(mut self, value: &str, expires_at: i64) -> Mail {
        self.secret = Some(Secret {
            value: value.to_string(),
            expires_at,
        });
        self
    }

    /// The body as it may be kept: without the secret.
    pub fn redacted_body(&self) -> Option<String> {
        self.secret
            .as_ref()
            .map(|s| self.body.replace(&s.value, REDACTED))
    }
}

const NOT_YOU: &str = "If this was not you, reset your password now and contact support.";

pub fn password_reset(username: &str, link: &str, token: &str, expires_at: i64) -> Mail {
    Mail::new(
        "Reset your password",
        format!(
            "Hello {username},\n\nSomeone asked to reset the password of your account. To choose a new password, open this link within {RESET_LINK_HOURS} hours:\n\n\
             {link}\n\nIf you did not ask for this, you can ignore this email; your password has not changed.\n"
        ),
    )
    .with_secret(token, expires_at)
}

pub fn username_reminder(names: &[String]) -> Mail {
    let list: Vec<String> = names.iter().map(|n| format!("  {n}")).collect();
    Mail::new(
        "Your username",
        format!(
            "Hello,\n\nSomeone asked for the usernames of the accounts that use this email address:\n\n{}\n\nIf you did not ask, you can ignore this email.\n",
            list.join("\n")
        ),
    )
}

pub fn email_code(code: &str, expires_at: i64) -> Mail {
    Mail::new(
        "Your one-time code",
        format!(
            "Hello,\n\nYour one-time code is:\n\n  {code}\n\nIt works for {EMAIL_CODE_MINUTES} minutes. Enter it where you asked for it. Never give it to anyone who contacts you.\n"
        ),
    )
    .with_secret(code, expires_at)
}

pub fn account_email_code(username: &str, code: &str, expires_at: i64) -> Mail {
    Mail::new(
        "Verify your email address",
        format!(
            "Hello {username},\n\nTo verify this email address for your account, enter this code in the security checkup:\n\n  {code}\n\nIt works for {EMAIL_CODE_MINUTES} minutes. Never give it to anyone who contacts you.\n\n{NOT_YOU}\n"
        ),
    )
    .with_secret(code, expires_at)
}

pub fn password_changed(username: &str, at: &str) -> Mail {
    Mail::new(
        "Your password was changed",
        format!(
            "Hello {username},\n\nThe password of your account was changed at {at} with a reset link, and every session was signed out.\n\n{NOT_YOU}\n"
        ),
    )
}

pub fn recovery_code_used(username: &str, unused: u32) -> Mail {
    Mail::new(
        "A recovery code was used to sign in",
        format!(
            "Hello {username},\n\nA recovery code was just used to sign in to your account. {unused} unused codes remain in your current set.\n\n\
             If this was you, set up your authenticator app again and generate new recovery codes in the security checkup.\n\
             If this was not you, reset your password now and contact support.\n"
        ),
    )
}

pub fn recovery_codes_generated(username: &str, at: &str) -> Mail {
    Mail::new(
        "New recovery codes were generated",
        format!(
            "Hello {username},\n\nA new set of recovery codes was generated for your account at {at}. The codes of any older set no longer work.\n\n{NOT_YOU}\n"
        ),
    )
}

pub fn authenticator_added(username: &str) -> Mail {
    Mail::new(
        "An authenticator app was added to your account",
        format!(
            "Hello {username},\n\nAn authenticator app was added to your account. From now on, signing in asks for its code.\n\n{NOT_YOU}\n"
        ),
    )
}

pub fn authenticator_removed(username: &str, codes_deleted: bool) -> Mail {
    let codes = if codes_deleted {
        " Your recovery codes were deleted with it: they only work alongside an authenticator app."
    } else {
        ""
    };
    Mail::new(
        "The authenticator app was removed from your account",
        format!(
            "Hello {username},\n\nThe authenticator app was removed from your account; signing in now asks for your password only.{codes}\n\n\
             Set up an authenticator app again in the security checkup, then generate new recovery codes.\n{NOT_YOU}\n"
        ),
    )
}

/// The last security notice to an address before its hourly cap: says that
/// further notices are held back, so that the silence after it is news too.
pub fn with_notices_held_back(mut mail: Mail) -> Mail {
    mail.body.push_str(
        "\nThis address has been sent many security notices in a short time, so further ones are held back for up to a day. \
         Open the security checkup to see the state of your account. If these changes were not yours, reset your password now and contact support.\n",
    );
    mail
}

pub fn request_received(id: &str, body: &RecoveryRequestBody) -> Mail {
    let who = if body.username.trim().is_empty() {
        "your account".to_string()
    } else {
        format!("the account {}", body.username.trim())
    };
    Mail::new(
        format!("We received your account recovery request {id}"),
        format!(
            "Hello,\n\nWe received your request to recover {who}. Its reference is {id}.\n\n\
             What happens next: support checks every request by hand. This usually takes 1 to 4 weeks. \
             We may ask you to prove that you own your packages, for example by pushing a branch with a \
             token we give you to the project's public repository.\n\n\
             Follow your request on the status page with the status token shown when you sent it. \
             We will never ask for your password or your recovery codes.\n"
        ),
    )
}

pub fn request_updated(id: &str, status_words: &str, note: Option<&str>) -> Mail {
    let mut body = format!(
        "Hello,\n\nThe status of your account recovery request {id} is now: {status_words}.\n"
    );
    if let Some(n) = note {
        body.push_str(&format!("\nA note from support:\n\n{n}\n"));
    }
    body.push_str("\nYou can follow your request on the status page with the status token you were given when you sent it.\n");
    Mail::new(
        format!("Your account recovery request {id} was updated"),
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_named_and_redactable() {
        let m = password_reset(
            "bob",
            "http://x/recover/reset-password?token=rst_abc",
            "rst_abc",
            9,
        );
        assert!(m.body.contains("rst_abc"));
        let kept = m.redacted_body().unwrap();
        assert!(
            !kept.contains("rst_abc") && kept.contains(REDACTED),
            "{kept}"
        );
        let c = email_code("12345678", 9);
        assert!(!c.redacted_body().unwrap().contains("12345678"));
        assert_eq!(authenticator_added("bob").redacted_body(), None);
        assert!(authenticator_removed("bob", true)
            .body
            .contains("recovery codes were deleted"));
    }
}
