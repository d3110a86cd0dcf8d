//! Words for situations that are not a field rule: transport failures,
//! waiting, lookups. Field errors come from `reclaim_core::messages`, the
//! single place for rule messages shared with the server.

/// The server could not be reached.
pub const NETWORK_ERROR: &str = "We could not reach the server. Check your internet connection.";
/// The server failed (5xx).
pub const SERVER_ERROR: &str = "Sorry, there is a problem with the service.";
/// Automatic retries are exhausted.
pub const SEND_FAILED: &str =
    "Your request has not been sent yet. Your answers are saved in this browser tab. Check your connection, then select \u{201c}Accept and send\u{201d} again.";
/// A request with other answers was already sent with this draft's key.
pub const KEY_REUSED: &str =
    "A request from this form may already have been sent with different answers. Check your email, including your spam folder, for a message from support before you send another.";
/// Unknown id and wrong token are answered alike, on purpose.
pub const STATUS_NOT_FOUND: &str =
    "We could not find a request with that request ID and status token. Check both and try again.";
/// Something unexpected came back.
pub const UNEXPECTED: &str =
    "Something unexpected happened. Try again, or email support if it keeps happening.";
/// The server refused a field without saying why in words we know.
pub const FIELD_REFUSED: &str = "Check this answer: the service did not accept it";
/// The status page's request id field is empty.
pub const ENTER_REQUEST_ID: &str = "Enter your request ID";
/// The status page's token field is empty.
pub const ENTER_STATUS_TOKEN: &str = "Enter your status token";

/// Too many attempts; the live countdown follows.
pub const RATE_LIMITED: &str =
    "There have been too many attempts. For your safety, wait before you try again.";

/// Words for a failed call that a page does not handle itself: transport
/// failures, rate limits, and the server's answers by problem code.
pub fn api_error(err: &crate::api::ApiError) -> String {
    use crate::api::ApiError;
    match err {
        ApiError::Network => NETWORK_ERROR.to_string(),
        // 503 with a wait: busy, not broken (the server bounds its work).
        ApiError::Server {
            status: 503,
            retry_after: Some(wait),
        } => format!(
            "The service is busy right now, so nothing was changed. {}.",
            try_again_in(*wait)
        ),
        ApiError::Server { .. } => format!("{SERVER_ERROR} Try again in a few minutes."),
        ApiError::RateLimited { retry_after } => format!(
            "{RATE_LIMITED} {}.",
            try_again_in(retry_after.unwrap_or(60))
        ),
        other => other
            .code()
            .and_then(reclaim_core::messages::problem_message)
            .map(str::to_string)
            .unwrap_or_else(|| UNEXPECTED.to_string()),
    }
}

/// "Try again in 42 s" / "Try again in 2 min 5 s".
pub fn try_again_in(seconds: u32) -> String {
    format!("Try again in {}", duration(seconds))
}

/// A short duration for people.
pub fn duration(seconds: u32) -> String {
    match seconds {
        0..=59 => format!("{seconds} s"),
        60..=3599 => {
            let (m, s) = (seconds / 60, seconds % 60);
            if s == 0 {
                format!("{m} min")
            } else {
                format!("{m} min {s} s")
            }
        }
        _ => {
            let (h, m) = (seconds / 3600, (seconds % 3600) / 60);
            if m == 0 {
                format!("{h} h")
            } else {
                format!("{h} h {m} min")
            }
        }
    }
}
