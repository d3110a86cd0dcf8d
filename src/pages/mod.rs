//! One module per route.

pub mod checkup;
pub mod config_error;
pub mod not_found;
pub mod recover;
pub mod request;
pub mod sign_in;
pub mod start;
pub mod status;
