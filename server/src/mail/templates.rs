//! The words of every mail the server sends, in one place.
//!
//! A mail that carries a live secret (a reset link, a one-time code) names
//! it in [`Mail::secret`], so the stored copy can lose it once the mail is
//! sent, or once the secret has expired. A mail carries what it mentions:
//! the support address where it says to contact support, the status page's
//! link where it names a request, and every time in words with its zone
//! ([`human_utc`]).

use reclaim_core::api::RecoveryRequestBody;
use reclaim_core::limits::{EMAIL_CODE_MINUTES, RESET_LINK_HOURS};
use reclaim_core::route::Route;

use crate::clock::human_utc;
use crate::store::accounts::Remaining;

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

/// What mails say about the site that sends them: where its pages are and
/// whom to write to. The server knows them from its flags and the app's
/// `config.json`; the operator commands, from what the server recorded
/// (`store::letterhead`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    /// The origin users reach the app at (no trailing slash).
    pub public_url: String,
    /// Support's address (the app's `support.email`).
    pub support_email: String,
}

impl Letterhead {
    /// The status page of request `id`, opened on it. The id is no secret;
    /// a status token or a code never goes in a URL.
    fn status_page(&self, id: &str) -> String {
        let page = Route::Status.with_query(&[("id", id)]);
        format!("{}{page}", self.public_url)
    }

    /// A "This wasn't me" link: the app's cancel page for request `id`,
    /// with the cancel token in the fragment, which a browser never sends
    /// to a server (so no access log or proxy keeps it); the page posts it.
    pub fn cancel_link(&self, id: &str, token: &str) -> String {
        let page = Route::StatusCancel.with_query(&[("id", id)]);
        format!("{}{page}#{token}", self.public_url)
    }

    /// A password-reset link (the page takes the token out of the address bar).
    pub fn reset_link(&self, token: &str) -> String {
        let page = Route::ResetPassword.with_query(&[("token", token)]);
        format!("{}{page}", self.public_url)
    }

    /// The last words of a security notice.
    fn not_you(&self) -> String {
        format!(
            "If this was not you, reset your password now and contact support at {}.",
            self.support_email
        )
    }
}

/// How a requester who lost the status token gets a new one (the words of
/// the status page's link).
const LOST_TOKEN: &str =
    "If you lose your status token, choose \"I do not have my status token\" on the status page: \
     it mails a code to this address, for a new token.";

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

pub fn account_email_code(
    letterhead: &Letterhead,
    username: &str,
    code: &str,
    expires_at: i64,
) -> Mail {
    Mail::new(
        "Verify your email address",
        format!(
            "Hello {username},\n\nTo verify this email address for your account, enter this code in the security checkup:\n\n  {code}\n\nIt works for {EMAIL_CODE_MINUTES} minutes. Never give it to anyone who contacts you.\n\n{}\n",
            letterhead.not_you()
        ),
    )
    .with_secret(code, expires_at)
}

/// A code to the contact address of request `id`, for a new status token.
pub fn status_token_code(letterhead: &Letterhead, id: &str, code: &str, expires_at: i64) -> Mail {
    Mail::new(
        format!("Your code for a new status token for request {id}"),
        format!(
            "Hello,\n\nSomeone asked for a new status token for the account recovery request with request ID {id}. \
             Your one-time code is:\n\n  {code}\n\nIt works for {EMAIL_CODE_MINUTES} minutes. Enter it on the status page, \
             where you asked for it:\n\n  {}\n\n\
             The new status token replaces the one you were given before, which then stops working. \
             Never give this code to anyone who contacts you.\n\n\
             If you did not ask for this, you can ignore this email: your status token has not changed.\n",
            letterhead.status_page(id)
        ),
    )
    .with_secret(code, expires_at)
}

pub fn password_changed(letterhead: &Letterhead, username: &str, at: i64) -> Mail {
    Mail::new(
        "Your password was changed",
        format!(
            "Hello {username},\n\nThe password of your account was changed on {} with a reset link, and every session was signed out.\n\n{}\n",
            human_utc(at),
            letterhead.not_you()
        ),
    )
}

pub fn recovery_code_used(letterhead: &Letterhead, username: &str, unused: u32) -> Mail {
    Mail::new(
        "A recovery code was used to sign in",
        format!(
            "Hello {username},\n\nA recovery code was just used to sign in to your account. {unused} unused codes remain in your current set.\n\n\
             If this was you, set up your authenticator app again and generate new recovery codes in the security checkup.\n\
             {}\n",
            letterhead.not_you()
        ),
    )
}

pub fn recovery_codes_generated(letterhead: &Letterhead, username: &str, at: i64) -> Mail {
    Mail::new(
        "New recovery codes were generated",
        format!(
            "Hello {username},\n\nA new set of recovery codes was generated for your account on {}. The codes of any older set no longer work.\n\n{}\n",
            human_utc(at),
            letterhead.not_you()
        ),
    )
}

pub fn authenticator_added(letterhead: &Letterhead, username: &str) -> Mail {
    Mail::new(
        "An authenticator app was added to your account",
        format!(
            "Hello {username},\n\nAn authenticator app was added to your account. From now on, signing in asks for its code.\n\n{}\n",
            letterhead.not_you()
        ),
    )
}

/// What a removal notice says the account signs in with now.
fn after_removal(remaining: Remaining) -> &'static str {
    match remaining {
        Remaining::AnotherFactor => {
            "Signing in still asks for your other second factor, and your recovery codes still work.\n"
        }
        Remaining::PasswordOnly { codes_deleted: true } => {
            "It was your last second factor: signing in now asks for your password only, and your recovery codes \
             were deleted with it (they only work alongside an authenticator app or a security key).\n\n\
             Add a security key or an authenticator app again in the security checkup, then generate new recovery codes.\n"
        }
        Remaining::PasswordOnly {
            codes_deleted: false,
        } => {
            "It was your last second factor: signing in now asks for your password only.\n\n\
             Add a security key or an authenticator app again in the security checkup, then generate new recovery codes.\n"
        }
    }
}

pub fn authenticator_removed(
    letterhead: &Letterhead,
    username: &str,
    remaining: Remaining,
) -> Mail {
    Mail::new(
        "The authenticator app was removed from your account",
        format!(
            "Hello {username},\n\nThe authenticator app was removed from your account. {}{}\n",
            after_removal(remaining),
            letterhead.not_you()
        ),
    )
}

pub fn security_key_added(letterhead: &Letterhead, username: &str, name: &str) -> Mail {
    Mail::new(
        "A security key was added to your account",
        format!(
            "Hello {username},\n\nThe security key \"{name}\" was added to your account. From now on, signing in can ask for it.\n\n{}\n",
            letterhead.not_you()
        ),
    )
}

pub fn security_key_removed(
    letterhead: &Letterhead,
    username: &str,
    name: &str,
    remaining: Remaining,
) -> Mail {
    Mail::new(
        "A security key was removed from your account",
        format!(
            "Hello {username},\n\nThe security key \"{name}\" was removed from your account. {}{}\n",
            after_removal(remaining),
            letterhead.not_you()
        ),
    )
}

/// A sign-in with the key `name` was refused at `at`: its signature
/// counter went backwards, as when a copy of the key is used.
pub fn security_key_copied(letterhead: &Letterhead, username: &str, name: &str, at: i64) -> Mail {
    Mail::new(
        "A security key of your account may have been copied",
        format!(
            "Hello {username},\n\nA sign-in to your account with the security key \"{name}\" was refused on {}: the key \
             counted fewer uses than it had before, which is what happens when a copy of the key is used. The sign-in came \
             after your password, so whoever has the copy may have your password too.\n\n\
             Reset your password now. Then sign in another way and remove this key in the security checkup; add your key \
             again afterwards, or another one. If you cannot sign in, contact support at {}.\n",
            human_utc(at),
            letterhead.support_email
        ),
    )
}

/// The last security notice to an address before its hourly cap: says that
/// further notices are held back, so that the silence after it is news too.
pub fn with_notices_held_back(letterhead: &Letterhead, mut mail: Mail) -> Mail {
    mail.body.push_str(&format!(
        "\nThis address has been sent many security notices in a short time, so further ones are held back for up to a day. \
         Open the security checkup to see the state of your account. If these changes were not yours, reset your password now \
         and contact support at {}.\n",
        letterhead.support_email
    ));
    mail
}

pub fn request_received(letterhead: &Letterhead, id: &str, body: &RecoveryRequestBody) -> Mail {
    let who = if body.username.trim().is_empty() {
        "your account".to_string()
    } else {
        format!("the account {}", body.username.trim())
    };
    Mail::new(
        format!("We received your account recovery request {id}"),
        format!(
            "Hello,\n\nWe received your request to recover {who}. Its request ID is {id}.\n\n\
             What happens next: support checks every request by hand. This usually takes 1 to 4 weeks. \
             We may ask you to prove that you own your packages, for example by pushing a branch with a \
             token we give you to the project's public repository.\n\n\
             Follow your request on the status page with its request ID and the status token shown when you sent it:\n\n  {}\n\n\
             {LOST_TOKEN}\n\n\
             We will never ask for your password or your recovery codes.\n",
            letterhead.status_page(id),
        ),
    )
}

/// To every address of an account whose recovery request is held: what
/// happens at `hold_ends_at` unless someone cancels, and the one-use link
/// that cancels it (its token is the mail's secret).
pub fn hold_notice(
    letterhead: &Letterhead,
    username: &str,
    id: &str,
    repository: Option<&str>,
    token: &str,
    hold_ends_at: i64,
) -> Mail {
    let proofs = match repository {
        Some(url) => format!(
            "proof that they read an email address and a branch pushed to the repository {url}"
        ),
        None => "proof that they read an email address".to_string(),
    };
    Mail::new(
        format!("Someone asked to recover your account {username}"),
        format!(
            "Hello {username},\n\nSomeone filed an account recovery request for your account {username} \
             (request ID {id}). It carries {proofs}.\n\n\
             If nobody cancels it before {}, support may remove the two-factor authentication of the \
             account and mail a password reset link.\n\n\
             If this was not you, cancel the request before then with this link (it works once):\n\n  {}\n\n\
             If it was you, there is nothing to do. If it was not, contact support at {} once you have \
             cancelled it: someone may be trying to take over your account.\n",
            human_utc(hold_ends_at),
            letterhead.cancel_link(id, token),
            letterhead.support_email,
        ),
    )
    .with_secret(token, hold_ends_at)
}

pub fn request_updated(
    letterhead: &Letterhead,
    id: &str,
    status_words: &str,
    note: Option<&str>,
) -> Mail {
    let mut body = format!(
        "Hello,\n\nThe status of your account recovery request with request ID {id} is now: {status_words}.\n"
    );
    if let Some(n) = note {
        body.push_str(&format!("\nA note from support:\n\n{n}\n"));
    }
    body.push_str(&format!(
        "\nFollow your request on the status page with its request ID and the status token you were given when you sent it:\n\n  {}\n\n{LOST_TOKEN}\n",
        letterhead.status_page(id),
    ));
    Mail::new(
        format!("Your account recovery request {id} was updated"),
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letterhead() -> Letterhead {
        Letterhead {
            public_url: "https://pypi.example.org".into(),
            support_email: "admin@pypi.example.org".into(),
        }
    }

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
        let s = status_token_code(&letterhead(), "RR-2026-123456", "87654321", 9);
        let kept = s.redacted_body().unwrap();
        assert!(!kept.contains("87654321") && kept.contains("RR-2026-123456"));
        assert_eq!(
            authenticator_added(&letterhead(), "bob").redacted_body(),
            None
        );
        let last = Remaining::PasswordOnly {
            codes_deleted: true,
        };
        assert!(authenticator_removed(&letterhead(), "bob", last)
            .body
            .contains("recovery codes were deleted"));
        assert!(security_key_removed(&letterhead(), "bob", "Blue key", last)
            .body
            .contains("recovery codes were deleted"));
        let kept = security_key_removed(&letterhead(), "bob", "Blue key", Remaining::AnotherFactor);
        assert!(
            kept.body.contains("recovery codes still work"),
            "{}",
            kept.body
        );
    }

    #[test]
    fn every_mail_that_says_contact_support_gives_the_address() {
        let l = letterhead();
        let t = crate::clock::parse_rfc3339("2026-12-04T04:52:55Z").unwrap();
        let notices = [
            account_email_code(&l, "bob", "12345678", t),
            password_changed(&l, "bob", t),
            recovery_code_used(&l, "bob", 7),
            recovery_codes_generated(&l, "bob", t),
            authenticator_added(&l, "bob"),
            authenticator_removed(&l, "bob", Remaining::AnotherFactor),
            security_key_added(&l, "bob", "Blue key"),
            security_key_removed(
                &l,
                "bob",
                "Blue key",
                Remaining::PasswordOnly {
                    codes_deleted: false,
                },
            ),
            security_key_copied(&l, "bob", "Blue key", t),
            with_notices_held_back(&l, authenticator_added(&l, "bob")),
        ];
        for mail in &notices {
            let mentions = mail.body.matches("contact support").count();
            let addressed = mail
                .body
                .matches("contact support at admin@pypi.example.org.")
                .count();
            assert!(mentions > 0, "{}", mail.body);
            assert_eq!(mentions, addressed, "{}", mail.body);
        }
        // The times say when, in words and with the zone.
        for mail in [
            password_changed(&l, "bob", t),
            recovery_codes_generated(&l, "bob", t),
            security_key_copied(&l, "bob", "Blue key", t),
        ] {
            assert!(
                mail.body.contains(" on 4 December 2026 at 04:52 UTC"),
                "{}",
                mail.body
            );
            assert!(!mail.body.contains("2026-12-04T"), "{}", mail.body);
        }
    }

    #[test]
    fn request_mails_name_the_request_id_and_lead_to_its_status_page() {
        let l = letterhead();
        let body: RecoveryRequestBody = serde_json::from_value(serde_json::json!({
            "username": "bob",
            "contact_email": "new@example.org",
            "reason": "forgot_password",
            "details": "I forgot it.",
            "accepted_code_of_conduct": true,
            "acknowledged_delay": true
        }))
        .unwrap();
        let link = "https://pypi.example.org/status?id=RR-2026-123456";
        for mail in [
            request_received(&l, "RR-2026-123456", &body),
            request_updated(&l, "RR-2026-123456", "in review", Some("We are looking.")),
            status_token_code(&l, "RR-2026-123456", "87654321", 9),
        ] {
            assert!(
                mail.body.contains("request ID RR-2026-123456")
                    || mail.body.contains("request ID is RR-2026-123456"),
                "{}",
                mail.body
            );
            assert!(mail.body.contains(link), "{}", mail.body);
            assert!(!mail.body.contains("reference"), "{}", mail.body);
        }
        for mail in [
            request_received(&l, "RR-2026-123456", &body),
            request_updated(&l, "RR-2026-123456", "in review", None),
        ] {
            assert!(
                mail.body.contains("\"I do not have my status token\""),
                "{}",
                mail.body
            );
        }
        // The code mail's link carries the id only, never the code.
        let code = status_token_code(&l, "RR-2026-123456", "87654321", 9);
        assert!(code.body.contains(&format!("  {link}\n")), "{}", code.body);
        assert!(code.body.contains("works for 15 minutes"), "{}", code.body);
    }
}
