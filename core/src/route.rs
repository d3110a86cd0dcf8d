//! The app's routes: every path a page answers, parsed and written back.
//!
//! A path that does not parse is not a page of the app. That is what makes
//! a redirect target safe: after sign-in, `next` is followed only when it
//! names one of these routes on the page's own origin.

use crate::bundle::Bundle;
use crate::request_questions::RequestQuestion;
use crate::wizard::{Branch, Step};

/// One page of the app (the path only, without query or fragment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/`
    Start,
    /// `/recover`: "What happened?"
    Recover,
    /// `/recover/{branch}` (its first step) or `/recover/{branch}/{step}`.
    RecoverStep { branch: Branch, step: Option<Step> },
    /// `/recover/reset-password`: the page the mailed reset link opens.
    ResetPassword,
    /// `/request` (the first question) or `/request/{question}`.
    Request(RequestQuestion),
    /// `/request/check`
    RequestCheck,
    /// `/request/confirmation`
    RequestConfirmation,
    /// `/status`
    Status,
    /// `/status/new-token`: a lost status token replaced through the
    /// request's contact address.
    StatusNewToken,
    /// `/status/cancel?id=…#token`: "This wasn't me", the link of a held
    /// request's notice (the token in the fragment, never sent to a server).
    StatusCancel,
    /// `/sign-in`
    SignIn,
    /// `/checkup`
    Checkup,
    /// `/checkup/authenticator`
    CheckupAuthenticator,
    /// `/checkup/authenticator/remove`
    CheckupRemoveAuthenticator,
    /// `/checkup/recovery-codes`
    CheckupRecoveryCodes,
    /// `/checkup/email`: verify the account's address.
    CheckupEmail,
    /// `/checkup/security-keys`: add, rename and remove security keys.
    CheckupSecurityKeys,
}

impl Route {
    /// The route of an absolute path (no query, no fragment), if it is one.
    /// A trailing slash changes nothing; empty segments (`//`) and anything
    /// percent-encoded are not routes.
    pub fn parse(path: &str) -> Option<Route> {
        let rest = path.strip_prefix('/')?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.is_empty() {
            return Some(Route::Start);
        }
        let segments: Vec<&str> = rest.split('/').collect();
        Some(match segments.as_slice() {
            ["recover"] => Route::Recover,
            ["recover", "reset-password"] => Route::ResetPassword,
            ["recover", branch] => Route::RecoverStep {
                branch: Branch::parse(branch)?,
                step: None,
            },
            ["recover", branch, step] => Route::RecoverStep {
                branch: Branch::parse(branch)?,
                step: Some(Step::parse(step)?),
            },
            ["request"] => Route::Request(RequestQuestion::Account),
            ["request", "check"] => Route::RequestCheck,
            ["request", "confirmation"] => Route::RequestConfirmation,
            ["request", question] => Route::Request(RequestQuestion::parse(question)?),
            ["status"] => Route::Status,
            ["status", "new-token"] => Route::StatusNewToken,
            ["status", "cancel"] => Route::StatusCancel,
            ["sign-in"] => Route::SignIn,
            ["checkup"] => Route::Checkup,
            ["checkup", "authenticator"] => Route::CheckupAuthenticator,
            ["checkup", "authenticator", "remove"] => Route::CheckupRemoveAuthenticator,
            ["checkup", "recovery-codes"] => Route::CheckupRecoveryCodes,
            ["checkup", "email"] => Route::CheckupEmail,
            ["checkup", "security-keys"] => Route::CheckupSecurityKeys,
            _ => return None,
        })
    }

    /// The route's path.
    pub fn path(self) -> String {
        match self {
            Route::Start => "/".into(),
            Route::Recover => "/recover".into(),
            Route::RecoverStep { branch, step: None } => format!("/recover/{}", branch.slug()),
            Route::RecoverStep {
                branch,
                step: Some(step),
            } => format!("/recover/{}/{}", branch.slug(), step.slug()),
            Route::ResetPassword => "/recover/reset-password".into(),
            Route::Request(question) => match question.slug() {
                None => "/request".into(),
                Some(slug) => format!("/request/{slug}"),
            },
            Route::RequestCheck => "/request/check".into(),
            Route::RequestConfirmation => "/request/confirmation".into(),
            Route::Status => "/status".into(),
            Route::StatusNewToken => "/status/new-token".into(),
            Route::StatusCancel => "/status/cancel".into(),
            Route::SignIn => "/sign-in".into(),
            Route::Checkup => "/checkup".into(),
            Route::CheckupAuthenticator => "/checkup/authenticator".into(),
            Route::CheckupRemoveAuthenticator => "/checkup/authenticator/remove".into(),
            Route::CheckupRecoveryCodes => "/checkup/recovery-codes".into(),
            Route::CheckupEmail => "/checkup/email".into(),
            Route::CheckupSecurityKeys => "/checkup/security-keys".into(),
        }
    }

    /// Every route: the fixed pages, then each branch of the wizard with
    /// each of its steps. Lists of routes elsewhere (the server's, the
    /// browser tests', the benchmark's) are derived from this one.
    pub fn all() -> Vec<Route> {
        let mut all = vec![
            Route::Start,
            Route::Recover,
            Route::ResetPassword,
            Route::RequestCheck,
            Route::RequestConfirmation,
            Route::Status,
            Route::StatusNewToken,
            Route::StatusCancel,
            Route::SignIn,
            Route::Checkup,
            Route::CheckupAuthenticator,
            Route::CheckupRemoveAuthenticator,
            Route::CheckupRecoveryCodes,
            Route::CheckupEmail,
            Route::CheckupSecurityKeys,
        ];
        all.extend(RequestQuestion::ALL.map(Route::Request));
        for branch in Branch::ALL {
            all.push(Route::RecoverStep { branch, step: None });
            all.extend(branch.steps().iter().map(|&step| Route::RecoverStep {
                branch,
                step: Some(step),
            }));
        }
        all
    }

    /// The bundle that serves this route.
    pub fn bundle(self) -> Bundle {
        match self {
            // "Do you have recovery codes?" follows "What happened?" in
            // its bundle: a question needs no page load of its own.
            Route::Start
            | Route::Recover
            | Route::RecoverStep {
                branch: Branch::LostAuthenticator,
                ..
            } => Bundle::Start,
            Route::RecoverStep { branch, .. } if branch.signs_in() => Bundle::RecoverSignIn,
            Route::RecoverStep {
                step: Some(Step::Repository),
                ..
            } => Bundle::RecoverRepository,
            Route::RecoverStep { .. } | Route::ResetPassword => Bundle::RecoverSteps,
            // The questions follow one another without a page load.
            Route::Request(_) => Bundle::Request,
            Route::RequestCheck | Route::RequestConfirmation => Bundle::RequestReview,
            Route::Status | Route::StatusNewToken | Route::StatusCancel => Bundle::Status,
            Route::SignIn => Bundle::SignIn,
            // Removing the authenticator is a warning and a button: with the
            // overview, so that the QR code's bundle holds the setup only.
            Route::Checkup | Route::CheckupEmail | Route::CheckupRemoveAuthenticator => {
                Bundle::Checkup
            }
            Route::CheckupAuthenticator => Bundle::CheckupAuthenticator,
            Route::CheckupRecoveryCodes => Bundle::CheckupRecoveryCodes,
            // The WebAuthn code is this page's alone.
            Route::CheckupSecurityKeys => Bundle::CheckupSecurityKeys,
        }
    }

    /// Whether the page needs a signed-in session.
    pub fn needs_session(self) -> bool {
        matches!(
            self,
            Route::Checkup
                | Route::CheckupAuthenticator
                | Route::CheckupRemoveAuthenticator
                | Route::CheckupRecoveryCodes
                | Route::CheckupEmail
                | Route::CheckupSecurityKeys
        )
    }

    /// The route's address with a query: `values` percent-encoded, so any
    /// text (a path with its own query, an address) arrives as it was.
    pub fn with_query(self, pairs: &[(&str, &str)]) -> String {
        let mut href = self.path();
        for (i, (name, value)) in pairs.iter().enumerate() {
            href.push(if i == 0 { '?' } else { '&' });
            href.push_str(&percent_encode(name));
            href.push('=');
            href.push_str(&percent_encode(value));
        }
        href
    }

    /// Sign-in, then on to `next` (a path of this app, checked again when
    /// followed).
    pub fn sign_in_then(next: &str) -> String {
        Route::SignIn.with_query(&[("next", next)])
    }

    /// Where sign-in may lead: any page but sign-in itself (a loop).
    pub fn may_follow_sign_in(self) -> bool {
        self != Route::SignIn
    }
}

/// Every byte but the unreserved ones (RFC 3986) as `%XX`, as
/// `encodeURIComponent` does.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_parses_back_from_its_path() {
        for route in Route::all() {
            assert_eq!(Route::parse(&route.path()), Some(route), "{route:?}");
            let slashed = format!("{}/", route.path());
            assert_eq!(Route::parse(&slashed), Some(route), "{slashed}");
        }
    }

    #[test]
    fn what_is_not_a_page_of_the_app_is_not_a_route() {
        for path in [
            "",
            "checkup",
            "//evil.example",
            "//evil.example/checkup",
            "/\t/evil.example",
            "/%09/evil.example",
            "/\\evil.example",
            "/%5Cevil.example",
            "/%2F%2Fevil.example",
            "/checkup//recovery-codes",
            "/checkup/%2e%2e/status",
            "/recover/no-such-branch",
            "/recover/lost-2fa/no-such-step",
            "/recover/lost-2fa/code/extra",
            "javascript:alert(1)",
            "https://evil.example/checkup",
            "/checkup?next=x",
        ] {
            assert_eq!(Route::parse(path), None, "{path:?}");
        }
    }

    #[test]
    fn the_signed_in_routes_are_the_checkups() {
        for route in Route::all() {
            let signed_in = matches!(
                route.bundle(),
                Bundle::Checkup
                    | Bundle::CheckupAuthenticator
                    | Bundle::CheckupRecoveryCodes
                    | Bundle::CheckupSecurityKeys
            );
            assert_eq!(route.needs_session(), signed_in, "{route:?}");
        }
        assert!(!Route::SignIn.may_follow_sign_in());
        assert!(Route::CheckupRecoveryCodes.may_follow_sign_in());
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(Route::sign_in_then("/checkup"), "/sign-in?next=%2Fcheckup");
        assert_eq!(
            Route::sign_in_then("/status?id=RR 1&x=ü#top"),
            "/sign-in?next=%2Fstatus%3Fid%3DRR%201%26x%3D%C3%BC%23top"
        );
        assert_eq!(
            Route::Request(RequestQuestion::Account)
                .with_query(&[("reason", "lost_email"), ("a b", "c")]),
            "/request?reason=lost_email&a%20b=c"
        );
        assert_eq!(Route::Status.with_query(&[]), "/status");
    }
}
