//! Which page bundle serves an app path.
//!
//! The app is built as more than one bundle (one Trunk page each, over the
//! same library crate), so that a route downloads only the code it runs: a
//! locked-out maintainer on a phone never waits for the signed-in checkup.
//! The reference server answers each path with its bundle's HTML, and each
//! bundle's router leaves the paths it does not own to the browser (a full
//! page load). This is the one place that says which is which.

/// One page bundle of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Start page, the recovery wizard, the recovery request and its
    /// status. Also answers unknown paths, with its "Page not found".
    Public,
    /// The signed-in area: sign-in and the security checkup.
    Account,
}

impl Bundle {
    pub const ALL: [Bundle; 2] = [Bundle::Public, Bundle::Account];

    /// The bundle's HTML file at the root of the built app (`dist/`).
    pub const fn html_file(self) -> &'static str {
        match self {
            Bundle::Public => "index.html",
            Bundle::Account => "account.html",
        }
    }

    /// The bundle that serves `path` (an absolute path, without query).
    pub fn for_path(path: &str) -> Bundle {
        let first = path.trim_start_matches('/').split('/').next();
        match first {
            Some("checkup" | "sign-in") => Bundle::Account,
            _ => Bundle::Public,
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
    fn signed_in_routes_are_the_account_bundle_and_all_else_public() {
        for path in ["/checkup", "/checkup/", "/sign-in", "/sign-in/x"] {
            assert_eq!(Bundle::for_path(path), Bundle::Account, "{path}");
        }
        for path in [
            "/",
            "",
            "/recover",
            "/recover/lost-2fa/password",
            "/request/check",
            "/status",
            "/checkups",
            "/no-such-page",
        ] {
            assert_eq!(Bundle::for_path(path), Bundle::Public, "{path}");
        }
        assert!(Bundle::Account.owns("/checkup") && !Bundle::Public.owns("/checkup"));
    }

    #[test]
    fn every_bundle_has_its_own_html_file() {
        let files: std::collections::HashSet<_> =
            Bundle::ALL.iter().map(|b| b.html_file()).collect();
        assert_eq!(files.len(), Bundle::ALL.len());
        assert_eq!(Bundle::Public.html_file(), "index.html");
    }
}
