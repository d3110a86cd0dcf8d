//! Which page bundle serves an app path.
//!
//! The app is built as more than one bundle (one Trunk page each, over the
//! same library crate), so that a route downloads only the code it runs: a
//! locked-out maintainer on a phone never waits for the signed-in checkup.
//! The reference server answers each path with its bundle's HTML, and each
//! bundle's router leaves the paths it does not own to the browser (a full
//! page load). This is the one place that says which is which.

use crate::route::Route;

/// One page bundle of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The start page and the wizard's first question, "What happened?":
    /// the pages a locked-out maintainer opens first, kept the smallest.
    /// Also answers unknown paths, with its "Page not found".
    Start,
    /// The steps of the wizard's branches that do not sign in (mailed
    /// links, lost email, proving an email address, compromised), and the
    /// page the mailed password-reset link opens.
    RecoverSteps,
    /// The wizard's branches that sign in with a password and a second
    /// factor (lost 2FA, stale recovery codes, refused authenticator codes).
    RecoverSignIn,
    /// The repository proof after the email proof (no codes): a choice of
    /// repositories, commands to copy and the server's check. Apart from
    /// the other steps, which it would have grown by 13 KB.
    RecoverRepository,
    /// The recovery request's form. The wizard hands over to it through
    /// `sessionStorage`.
    Request,
    /// "Check your answers", sending, and the confirmation.
    RequestReview,
    /// The status page of a sent request.
    Status,
    /// Sign-in, for the checkup and after a password reset.
    SignIn,
    /// The security checkup's overview (signed in).
    Checkup,
    /// The checkup's pages for the authenticator app: set up, remove.
    CheckupAuthenticator,
    /// The checkup's page for a new set of recovery codes.
    CheckupRecoveryCodes,
    /// The checkup's page for security keys and passkeys (WebAuthn).
    CheckupSecurityKeys,
}

impl Bundle {
    pub const ALL: [Bundle; 12] = [
        Bundle::Start,
        Bundle::RecoverSteps,
        Bundle::RecoverSignIn,
        Bundle::RecoverRepository,
        Bundle::Request,
        Bundle::RequestReview,
        Bundle::Status,
        Bundle::SignIn,
        Bundle::Checkup,
        Bundle::CheckupAuthenticator,
        Bundle::CheckupRecoveryCodes,
        Bundle::CheckupSecurityKeys,
    ];

    /// The bundle's one name: its binary (`src/bin/NAME.rs`), its JS and
    /// wasm files, and its HTML file but for the start page's.
    pub const fn name(self) -> &'static str {
        match self {
            Bundle::Start => "start",
            Bundle::RecoverSteps => "recover-steps",
            Bundle::RecoverSignIn => "recover-sign-in",
            Bundle::RecoverRepository => "recover-repository",
            Bundle::Request => "request",
            Bundle::RequestReview => "request-review",
            Bundle::Status => "status",
            Bundle::SignIn => "sign-in",
            Bundle::Checkup => "checkup",
            Bundle::CheckupAuthenticator => "checkup-authenticator",
            Bundle::CheckupRecoveryCodes => "checkup-recovery-codes",
            Bundle::CheckupSecurityKeys => "checkup-security-keys",
        }
    }

    /// The bundle's HTML file at the root of the built app (`dist/`):
    /// `NAME.html`, and `index.html` for the start page (what a static
    /// host serves for `/`).
    pub fn html_file(self) -> String {
        match self {
            Bundle::Start => "index.html".to_string(),
            other => format!("{}.html", other.name()),
        }
    }

    /// The bundle that serves `path` (an absolute path, without query):
    /// its route's, and the start page's (with its "Page not found") for a
    /// path that is no route.
    pub fn for_path(path: &str) -> Bundle {
        Route::parse(path).map_or(Bundle::Start, Route::bundle)
    }

    /// The bundle to serve instead to a browser that holds no session, when
    /// the server can tell (the reference server looks for its session
    /// cookie): the signed-in pages start with sign-in then, so its smaller
    /// bundle loads instead of theirs. Elsewhere (a static host) the
    /// signed-in page sends the browser to sign-in itself.
    pub const fn signed_out_stand_in(self) -> Option<Bundle> {
        match self {
            Bundle::Checkup
            | Bundle::CheckupAuthenticator
            | Bundle::CheckupRecoveryCodes
            | Bundle::CheckupSecurityKeys => Some(Bundle::SignIn),
            _ => None,
        }
    }

    /// Whether this bundle serves `path`.
    pub fn owns(self, path: &str) -> bool {
        Bundle::for_path(path) == self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_its_bundle_and_unknown_ones_the_wizards() {
        for path in [
            "/recover/lost-2fa",
            "/recover/lost-2fa/code",
            "/recover/stale-codes/sign-in",
            "/recover/authenticator-codes-refused",
            "/recover/lost-2fa/signed-in",
        ] {
            assert_eq!(Bundle::for_path(path), Bundle::RecoverSignIn, "{path}");
        }
        for path in [
            "/checkup",
            "/checkup/",
            "/checkup/email",
            "/checkup/authenticator/remove",
        ] {
            assert_eq!(Bundle::for_path(path), Bundle::Checkup, "{path}");
        }
        for path in ["/sign-in", "/sign-in/"] {
            assert_eq!(Bundle::for_path(path), Bundle::SignIn, "{path}");
        }
        assert_eq!(
            Bundle::for_path("/checkup/authenticator"),
            Bundle::CheckupAuthenticator
        );
        assert_eq!(
            Bundle::for_path("/checkup/recovery-codes"),
            Bundle::CheckupRecoveryCodes
        );
        assert_eq!(Bundle::for_path("/request"), Bundle::Request);
        for path in ["/request/check", "/request/confirmation"] {
            assert_eq!(Bundle::for_path(path), Bundle::RequestReview, "{path}");
        }
        assert_eq!(Bundle::for_path("/status"), Bundle::Status);
        for path in [
            "/recover/reset-password",
            "/recover/forgot-password",
            "/recover/forgot-password/check-your-email",
            "/recover/forgot-username",
            "/recover/no-codes/email-code",
            "/recover/lost-email",
            "/recover/compromised",
        ] {
            assert_eq!(Bundle::for_path(path), Bundle::RecoverSteps, "{path}");
        }
        for path in [
            "/",
            "",
            "/recover",
            "/recover/",
            "/recover/no-such-branch",
            "/checkups",
            "/requests",
            "/no-such-page",
            "/sign-in/x",
            "/checkup/no-such-panel",
            "/recover/forgot-password/sent",
        ] {
            assert_eq!(Bundle::for_path(path), Bundle::Start, "{path}");
        }
        assert!(Bundle::Checkup.owns("/checkup") && !Bundle::Start.owns("/checkup"));
    }

    #[test]
    fn only_signed_in_pages_stand_in_sign_in_for_the_signed_out() {
        for path in [
            "/checkup",
            "/checkup/authenticator",
            "/checkup/recovery-codes",
        ] {
            assert_eq!(
                Bundle::for_path(path).signed_out_stand_in(),
                Some(Bundle::SignIn),
                "{path}"
            );
        }
        for bundle in Bundle::ALL {
            if let Some(stand_in) = bundle.signed_out_stand_in() {
                assert_eq!(stand_in.signed_out_stand_in(), None, "no chain");
            }
        }
        for path in ["/", "/recover/lost-2fa", "/request", "/status", "/sign-in"] {
            assert_eq!(Bundle::for_path(path).signed_out_stand_in(), None, "{path}");
        }
    }

    #[test]
    fn every_bundle_has_its_own_html_file() {
        let files: std::collections::HashSet<_> =
            Bundle::ALL.iter().map(|b| b.html_file()).collect();
        assert_eq!(files.len(), Bundle::ALL.len());
        assert_eq!(Bundle::Start.html_file(), "index.html");
    }
}
