//! Black-box contract tests of the Reclaim v1 API, over plain HTTP.
//!
//! The tests in `contract/tests/` talk to an API base URL and know nothing of
//! the reference server's insides, so a backend team can point them at its own
//! implementation:
//!
//! ```text
//! RECLAIM_BASE_URL=http://127.0.0.1:8080/api/v1 cargo test -p reclaim-contract
//! ```
//!
//! Environment:
//!
//! * `RECLAIM_BASE_URL` — the API base (`…/api/v1`). Unset: every test binary
//!   starts the reference server itself (`target/debug/reclaim-server`, or
//!   `RECLAIM_SERVER_BIN`) on a free loopback port with a fresh database and
//!   `--demo`.
//! * `RECLAIM_APP_URL` — where the app's `index.html` is served (default: the
//!   origin of the base URL), for the header checks on `/`.
//! * `RECLAIM_CONTRACT_DEMO=1` — the external API runs with the demo data of the
//!   reference server (accounts alice/bob/carol, their fixed codes and TOTP
//!   secret) and the demo outbox at `{base}/demo/outbox`. Without it, tests that
//!   need those are skipped with a printed reason.
//! * `RECLAIM_CONTRACT_DESTRUCTIVE=1` — against an external API, also run the
//!   tests that exhaust rate limits or change demo accounts (locally every such
//!   test gets a server of its own). Reset the external database before each run.
//! * `RECLAIM_DIST` — the `--dist` folder for servers the tests start (default: a
//!   temporary folder with a minimal `index.html`).
//!
//! The crate, by concern: [`server`] (the API under test, starting the
//! reference server), [`http`] (client, answers, the problem check), [`mail`]
//! (the demo outbox), [`demo`] (the demo data, `demo/accounts.json`),
//! [`fixtures`] (unique values, bodies, signing in), [`totp`] (codes, by
//! `reclaim_core::totp`, the implementation the server checks with) and
//! [`util`]. Everything is re-exported at the root, where the tests use it.

pub use reclaim_core::api;

pub mod demo;
pub mod fixtures;
pub mod http;
pub mod mail;
pub mod server;
pub mod totp;
pub mod util;

pub use fixtures::*;
pub use http::*;
pub use mail::*;
pub use server::*;
pub use util::*;

/// The CSRF header of signed-in state-changing calls.
pub const CSRF_HEADER: &str = reclaim_core::api::CSRF_HEADER;
