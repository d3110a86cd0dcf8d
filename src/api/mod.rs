//! Typed HTTP client for the Reclaim v1 API (the browser's `fetch`): one call per
//! endpoint of `openapi.json`.
//!
//! No Leptos types here: pages call these functions and decide what to show.
//! Bodies and answers are the contract types of `reclaim_core::api`.

mod account;
mod client;
pub mod error;
mod repository_proofs;
mod requests;
mod security_keys;
mod self_service;

pub use client::ApiClient;
pub use error::{ApiError, FieldProblem};
