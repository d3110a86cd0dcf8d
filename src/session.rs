//! Who is signed in, for the pages (the API client holds the CSRF token).

use leptos::prelude::*;

use crate::api::ApiClient;

/// The signed-in user of this tab, in memory only.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    username: RwSignal<Option<String>>,
    /// Set when a call found the session gone, for the sign-in page to say so.
    expired: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Session {
        Session {
            username: RwSignal::new(None),
            expired: RwSignal::new(false),
        }
    }

    pub fn signed_in(self, username: String) {
        self.expired.set(false);
        self.username.set(Some(username));
    }

    /// The server said the session is gone: forget it and say why at sign-in.
    pub fn lost(self, client: &ApiClient) {
        client.set_csrf_token(None);
        self.username.set(None);
        self.expired.set(true);
    }

    pub fn signed_out(self, client: &ApiClient) {
        client.set_csrf_token(None);
        self.username.set(None);
    }

    pub fn username(self) -> Signal<Option<String>> {
        self.username.into()
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
