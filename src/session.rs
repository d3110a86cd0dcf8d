//! Whether the signed-in session of this tab was lost, for the pages (the
//! API client holds the session's CSRF token, in memory only).

use crate::api::ApiClient;
use crate::browser;

/// Set in `sessionStorage` when a call found the session gone, for the
/// sign-in page to say so: the page that found out may be in another bundle
/// (`reclaim_core::bundle`), a page load away. A flag, not a secret.
const SIGNED_OUT_KEY: &str = "reclaim.signed-out";

#[derive(Debug, Clone, Copy, Default)]
pub struct Session;

impl Session {
    pub fn new() -> Session {
        Session
    }

    /// A sign-in succeeded (the client already holds its CSRF token).
    pub fn signed_in(self) {
        browser::storage_remove(browser::session_storage(), SIGNED_OUT_KEY);
    }

    /// The server said the session is gone: forget it and say why at sign-in.
    pub fn lost(self, client: &ApiClient) {
        client.set_csrf_token(None);
        browser::storage_set(browser::session_storage(), SIGNED_OUT_KEY, "1");
    }

    pub fn signed_out(self, client: &ApiClient) {
        client.set_csrf_token(None);
        browser::storage_remove(browser::session_storage(), SIGNED_OUT_KEY);
    }

    /// Words for the sign-in page after a lost session.
    pub fn expired_notice(self) -> Option<&'static str> {
        browser::storage_get(browser::session_storage(), SIGNED_OUT_KEY)
            .map(|_| "You were signed out, so nothing was changed. Sign in again to go on.")
    }
}
