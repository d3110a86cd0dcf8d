//! Whether the signed-in session of this tab was lost, for the pages (the
//! API client holds the session's CSRF token, in memory only).

use leptos::prelude::*;

use crate::api::ApiClient;

#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// Set when a call found the session gone, for the sign-in page to say so.
    expired: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Session {
        Session {
            expired: RwSignal::new(false),
        }
    }

    /// A sign-in succeeded (the client already holds its CSRF token).
    pub fn signed_in(self) {
        self.expired.set(false);
    }

    /// The server said the session is gone: forget it and say why at sign-in.
    pub fn lost(self, client: &ApiClient) {
        client.set_csrf_token(None);
        self.expired.set(true);
    }

    pub fn signed_out(self, client: &ApiClient) {
        client.set_csrf_token(None);
        self.expired.set(false);
    }

    /// Words for the sign-in page after a lost session.
    pub fn expired_notice(self) -> Option<&'static str> {
        self.expired
            .get_untracked()
            .then_some("You were signed out, so nothing was changed. Sign in again to go on.")
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}
