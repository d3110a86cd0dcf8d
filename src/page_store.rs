//! What crosses a page load. The app is ten page bundles
//! (`reclaim_core::bundle`), so moving between them is a page load, and
//! what one page hands to the next goes through web storage. This module
//! is the one place that does it: each value is a type with a versioned
//! key of its own, stored in one encoding, read with `get` or `take`.
//!
//! The encoding is URL-encoded pairs (the browser's `URLSearchParams`),
//! not JSON: a serde derive per stored type cost kilobytes of wasm in each
//! bundle that reads it. A new shape of a value gets a new version: a value
//! of an older version is never misread, it is upgraded where the type
//! says how (`Stored::upgrade`), else dropped.
//!
//! No secret ever goes here (passwords, codes, TOTP secrets, the CSRF
//! token). The one exception the user asks for, a request's status token,
//! is [`crate::draft::RememberedRequest`], only when "Remember this request
//! on this device" is ticked.

use web_sys::{Storage, UrlSearchParams};

use crate::browser;

/// Where a value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// This tab only, until it closes (`sessionStorage`).
    Tab,
    /// Every tab of this browser, until removed (`localStorage`).
    Browser,
}

/// A value kept across page loads.
pub trait Stored: Sized {
    /// The key's name: stored as `reclaim.{NAME}.v{VERSION}`.
    const NAME: &'static str;
    /// Raised whenever the stored shape changes.
    const VERSION: u32;
    const SCOPE: Scope;

    fn encode(&self, pairs: &Pairs);
    fn decode(pairs: &Pairs) -> Option<Self>;

    /// A value stored by an older version (its raw text), if this type can
    /// still read it. By default older values are dropped.
    fn upgrade(_version: u32, _text: &str) -> Option<Self> {
        None
    }
}

/// The one encoding: URL-encoded pairs, with the helpers stored types use.
pub struct Pairs(UrlSearchParams);

impl Pairs {
    fn new() -> Option<Pairs> {
        UrlSearchParams::new().ok().map(Pairs)
    }

    fn parse(text: &str) -> Option<Pairs> {
        UrlSearchParams::new_with_str(text).ok().map(Pairs)
    }

    /// Add `key=value`; empty values are left out.
    pub fn text(&self, key: &str, value: &str) {
        if !value.is_empty() {
            self.0.append(key, value);
        }
    }

    /// Add `key=value`, empty or not (list rows keep their places).
    pub fn row(&self, key: &str, value: &str) {
        self.0.append(key, value);
    }

    /// Add `key=1` when `on`.
    pub fn flag(&self, key: &str, on: bool) {
        if on {
            self.0.append(key, "1");
        }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.0.get(key)
    }

    /// The value of `key`, empty when absent.
    pub fn get_text(&self, key: &str) -> String {
        self.0.get(key).unwrap_or_default()
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.has(key)
    }

    /// Every value of `key`, in order.
    pub fn rows(&self, key: &str) -> Vec<String> {
        self.0
            .get_all(key)
            .iter()
            .filter_map(|v| v.as_string())
            .collect()
    }

    /// Every pair, in order.
    pub fn entries(&self) -> Vec<(String, String)> {
        let Ok(Some(entries)) = js_sys::try_iter(&self.0) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| {
                let pair = js_sys::Array::from(&entry);
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect()
    }

    fn into_text(self) -> String {
        self.0.to_string().into()
    }
}

/// The storage key of version `version` of `T`.
pub fn key_of<T: Stored>(version: u32) -> String {
    format!("reclaim.{}.v{version}", T::NAME)
}

fn storage<T: Stored>() -> Option<Storage> {
    match T::SCOPE {
        Scope::Tab => browser::session_storage(),
        Scope::Browser => browser::local_storage(),
    }
}

/// Keep `value` for the next page; whether the browser allowed it.
pub fn put<T: Stored>(value: &T) -> bool {
    let Some(pairs) = Pairs::new() else {
        return false;
    };
    value.encode(&pairs);
    drop_older::<T>();
    browser::storage_set(storage::<T>(), &key_of::<T>(T::VERSION), &pairs.into_text())
}

/// The value kept, if any (it stays).
pub fn get<T: Stored>() -> Option<T> {
    if let Some(text) = browser::storage_get(storage::<T>(), &key_of::<T>(T::VERSION)) {
        return Pairs::parse(&text).and_then(|pairs| T::decode(&pairs));
    }
    let upgraded = (1..T::VERSION).rev().find_map(|version| {
        let text = browser::storage_get(storage::<T>(), &key_of::<T>(version))?;
        T::upgrade(version, &text)
    });
    drop_older::<T>();
    if let Some(value) = &upgraded {
        put(value);
    }
    upgraded
}

/// The value kept, removed: a handoff is used once.
pub fn take<T: Stored>() -> Option<T> {
    let value = get::<T>();
    remove::<T>();
    value
}

/// Forget the value.
pub fn remove<T: Stored>() {
    browser::storage_remove(storage::<T>(), &key_of::<T>(T::VERSION));
    drop_older::<T>();
}

fn drop_older<T: Stored>() {
    for version in 1..T::VERSION {
        browser::storage_remove(storage::<T>(), &key_of::<T>(version));
    }
}

/// A flag: present or not (a sign of state, never a secret).
macro_rules! flag {
    ($(#[$doc:meta])* $name:ident, $key:literal, $scope:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name;

        impl Stored for $name {
            const NAME: &'static str = $key;
            const VERSION: u32 = 1;
            const SCOPE: Scope = $scope;
            fn encode(&self, pairs: &Pairs) {
                pairs.flag("on", true);
            }
            fn decode(pairs: &Pairs) -> Option<Self> {
                pairs.has("on").then_some($name)
            }
        }
    };
}

flag!(
    /// A call found the session gone, for the sign-in page (maybe in
    /// another bundle) to say so.
    SignedOut,
    "signed-out",
    Scope::Tab
);
flag!(
    /// This browser may hold a session cookie, which the app cannot see
    /// (HttpOnly): without it a page skips `GET /session`.
    MayBeSignedIn,
    "may-be-signed-in",
    Scope::Browser
);

/// Words a checkup page leaves for the overview it returns to ("Your codes
/// are saved").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement(pub String);

impl Stored for Announcement {
    const NAME: &'static str = "checkup-announcement";
    const VERSION: u32 = 1;
    const SCOPE: Scope = Scope::Tab;
    fn encode(&self, pairs: &Pairs) {
        pairs.text("words", &self.0);
    }
    fn decode(pairs: &Pairs) -> Option<Self> {
        pairs.get("words").map(Announcement)
    }
}

/// The server's field errors (JSON pointer, words) on their way from the
/// review page to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFieldErrors(pub Vec<(String, String)>);

impl Stored for ServerFieldErrors {
    const NAME: &'static str = "request-errors";
    const VERSION: u32 = 1;
    const SCOPE: Scope = Scope::Tab;
    fn encode(&self, pairs: &Pairs) {
        for (pointer, words) in &self.0 {
            pairs.row(pointer, words);
        }
    }
    fn decode(pairs: &Pairs) -> Option<Self> {
        Some(ServerFieldErrors(pairs.entries()))
    }
}

/// The answer to "What happened?", kept for coming back from a branch (a
/// page load away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChosenBranch(pub reclaim_core::wizard::Branch);

impl Stored for ChosenBranch {
    const NAME: &'static str = "wizard-branch";
    const VERSION: u32 = 1;
    const SCOPE: Scope = Scope::Tab;
    fn encode(&self, pairs: &Pairs) {
        pairs.text("branch", self.0.slug());
    }
    fn decode(pairs: &Pairs) -> Option<Self> {
        reclaim_core::wizard::Branch::parse(&pairs.get("branch")?).map(ChosenBranch)
    }
}

/// What "Do you have recovery codes?" said about them, for the request the
/// next bundle may hand over to (a page load away), so it does not ask again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownCodesStatus(pub reclaim_core::api::RecoveryCodesStatus);

impl Stored for KnownCodesStatus {
    const NAME: &'static str = "wizard-codes";
    const VERSION: u32 = 1;
    const SCOPE: Scope = Scope::Tab;
    fn encode(&self, pairs: &Pairs) {
        pairs.text("status", self.0.as_str());
    }
    fn decode(pairs: &Pairs) -> Option<Self> {
        reclaim_core::api::RecoveryCodesStatus::parse(&pairs.get("status")?).map(KnownCodesStatus)
    }
}
