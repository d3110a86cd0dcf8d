//! Whether the signed-in session of this tab was lost, for the pages (the
//! API client holds the session's CSRF token, in memory only).

use crate::api::ApiClient;
use crate::browser;

/// Set in `sessionStorage` when a call found the session gone, for the
/// sign-in page to say so: the page that found out may be in another bundle
/// (`reclaim_core::bundle`), a page load away. A flag, not a secret.
const SIGNED_OUT_KEY: &str = "reclaim.signed-out";

/// Set in `localStorage` (all tabs) while this browser may hold a session
/// cookie, which the app cannot see (HttpOnly). Without it, a page skips
/// asking `GET /session` and shows sign-in at once: one round trip less for
/// everyone who is not signed in. A flag, not a secret; when it is stale,
/// `GET /session` answers 204 and it is dropped.
const MAY_BE_SIGNED_IN_KEY: &str = "reclaim.may-be-signed-in";

#[derive(Debug, Clone, Copy, Default)]
pub struct Session;

impl Session {
    pub fn new() -> Session {
        Session
    }

    /// A sign-in succeeded (the client already holds its CSRF token).
    pub fn signed_in(self) {
        browser::storage_remove(browser::session_storage(), SIGNED_OUT_KEY);
        browser::storage_set(browser::local_storage(), MAY_BE_SIGNED_IN_KEY, "1");
    }

    /// The server said the session is gone: forget it and say why at sign-in.
    pub fn lost(self, client: &ApiClient) {
        client.set_csrf_token(None);
        browser::storage_set(browser::session_storage(), SIGNED_OUT_KEY, "1");
        browser::storage_remove(browser::local_storage(), MAY_BE_SIGNED_IN_KEY);
    }

    pub fn signed_out(self, client: &ApiClient) {
        client.set_csrf_token(None);
        browser::storage_remove(browser::session_storage(), SIGNED_OUT_KEY);
        browser::storage_remove(browser::local_storage(), MAY_BE_SIGNED_IN_KEY);
    }

    /// Whether this browser holds no session for sure (no token in memory,
    /// and no cookie since the last sign-out): a page can go to sign-in at
    /// once, without drawing itself first.
    pub fn surely_signed_out(self, client: &ApiClient) -> bool {
        !client.has_session()
            && browser::storage_get(browser::local_storage(), MAY_BE_SIGNED_IN_KEY).is_none()
    }

    /// The session of the cookie, for a page loaded after sign-in (the CSRF
    /// token is held in memory only). `false`: sign in first.
    pub async fn resume(self, client: &ApiClient) -> bool {
        if client.has_session() {
            return true;
        }
        if self.surely_signed_out(client) {
            return false;
        }
        let resumed = client.resume_session().await.unwrap_or(false);
        if !resumed {
            browser::storage_remove(browser::local_storage(), MAY_BE_SIGNED_IN_KEY);
        }
        resumed
    }

    /// Words for the sign-in page after a lost session.
    pub fn expired_notice(self) -> Option<&'static str> {
        browser::storage_get(browser::session_storage(), SIGNED_OUT_KEY)
            .map(|_| "You were signed out, so nothing was changed. Sign in again to go on.")
    }
}
