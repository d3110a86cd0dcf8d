//! Whether the signed-in session of this tab was lost, for the pages (the
//! API client holds the session's CSRF token, in memory only).

use crate::api::ApiClient;
use crate::page_store::{self, MayBeSignedIn, SignedOut};

#[derive(Debug, Clone, Copy, Default)]
pub struct Session;

impl Session {
    pub fn new() -> Session {
        Session
    }

    /// A sign-in succeeded (the client already holds its CSRF token).
    pub fn signed_in(self) {
        page_store::remove::<SignedOut>();
        page_store::put(&MayBeSignedIn);
    }

    /// The server said the session is gone: forget it and say why at sign-in.
    pub fn lost(self, client: &ApiClient) {
        client.set_csrf_token(None);
        page_store::put(&SignedOut);
        page_store::remove::<MayBeSignedIn>();
    }

    pub fn signed_out(self, client: &ApiClient) {
        client.set_csrf_token(None);
        page_store::remove::<SignedOut>();
        page_store::remove::<MayBeSignedIn>();
    }

    /// Whether this browser holds no session for sure (no token in memory,
    /// and no cookie since the last sign-out): a page can go to sign-in at
    /// once, without drawing itself first.
    pub fn surely_signed_out(self, client: &ApiClient) -> bool {
        !client.has_session() && page_store::get::<MayBeSignedIn>().is_none()
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
            page_store::remove::<MayBeSignedIn>();
        }
        resumed
    }

    /// Words for the sign-in page after a lost session.
    pub fn expired_notice(self) -> Option<&'static str> {
        page_store::get::<SignedOut>()
            .map(|_| "You were signed out, so nothing was changed. Sign in again to go on.")
    }
}
