//! Typed HTTP client for the Reclaim v1 API (gloo-net).
//!
//! No Leptos types here: pages call these functions and decide what to show.
//! Bodies and answers are the contract types of `reclaim_core::api`.

pub mod error;
pub mod requests;

pub use error::{ApiError, FieldProblem};
pub use requests::ApiClient;
