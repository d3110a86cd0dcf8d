//! Reclaim's domain rules and the API contract types.
//!
//! Everything here compiles natively and to wasm32, and knows neither the
//! browser app nor the server: both stand on it, so a rule checked in the
//! browser is, by construction, the same rule the server checks again.

pub mod api;
pub mod bundle;
pub mod checkup;
pub mod codes;
pub mod config;
#[cfg(feature = "demo")]
pub mod demo;
pub mod error;
pub mod limits;
pub mod messages;
pub mod problem;
pub mod request_questions;
pub mod route;
#[cfg(feature = "totp")]
pub mod totp;
pub mod totp_uri;
pub mod validation;
pub mod wizard;

pub use codes::CodeKind;
pub use error::ErrorCode;
pub use problem::ProblemCode;
pub use validation::FieldIssue;
