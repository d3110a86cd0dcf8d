//! Demo only: the mail outbox, so a person trying the demo (and the tests) can
//! read reset links and one-time codes. Routed only with `--demo`, which
//! itself refuses a non-loopback address; each call is also checked to come
//! from a loopback peer, and to name a loopback host in `Host`
//! (`localhost`, `127.0.0.1`, `[::1]`, any port): a web page using DNS
//! rebinding (its own name pointed at 127.0.0.1) reaches the server from the
//! visitor's own browser, a loopback peer, but with its own name in `Host`.
//! Anything else is the same 404 as a server without `--demo`.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, Uri};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::client_ip;
use crate::clock::rfc3339;
use crate::problem::{ApiError, ApiResult};
use crate::state::AppState;
use reclaim_core::ProblemCode;

#[derive(Debug, Deserialize, IntoParams)]
pub struct OutboxQuery {
    /// Only mails to this address (case-insensitive).
    pub to: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OutboxMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// RFC 3339.
    pub created_at: String,
    /// `pending` (not delivered yet, or no SMTP relay configured), `sent`,
    /// or `failed` (refused by the relay; never retried).
    pub state: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Outbox {
    /// Newest first, at most 200.
    pub mails: Vec<OutboxMail>,
}

/// Whether the request names this machine by a loopback name in `Host` (or,
/// in absolute form, in the target URI): `localhost`, a loopback IP address
/// (`127.0.0.1`, `[::1]`), with or without a port. Anything else, and a
/// request without a host, is not.
pub fn loopback_host(headers: &HeaderMap, uri: &Uri) -> bool {
    let host = match headers.get(header::HOST) {
        Some(v) => match v.to_str() {
            Ok(h) => h.trim(),
            Err(_) => return false,
        },
        None => match uri.authority() {
            Some(a) => a.as_str(),
            None => return false,
        },
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, port)) if port.is_empty() || is_port(port) => inside,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn is_port(s: &str) -> bool {
    s.strip_prefix(':').unwrap_or(s).parse::<u16>().is_ok()
}

crate::problems!(
    /// What `GET /demo/outbox` answers besides 200.
    OutboxProblems: &[ProblemCode::NotFound]
);

#[utoipa::path(get, path = "/demo/outbox", tag = "demo", params(OutboxQuery),
    description = "Demo mode only (`--demo`, loopback): mails the server sent, newest first. Answered only to a loopback peer whose `Host` is `localhost`, `127.0.0.1` or `[::1]` (any port), so a page using DNS rebinding cannot read it; anything else is 404.",
    responses(
        (status = 200, body = Outbox),
        OutboxProblems,
    ))]
pub async fn list(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<OutboxQuery>,
) -> ApiResult<Json<Outbox>> {
    // In-process tests have no peer address; a real socket must be loopback.
    // Every request must name a loopback host (DNS rebinding).
    if client_ip(&ext).is_some_and(|ip| !ip.is_loopback())
        || !loopback_host(&headers, &uri)
        || !state.settings.demo
    {
        return Err(ApiError::not_found());
    }
    let to = q.to.map(|t| t.trim().to_lowercase());
    let mails = state
        .db
        .call(move |c| {
            let rows = crate::store::outbox::list(c, to.as_deref())?;
            Ok(rows
                .into_iter()
                .map(|m| OutboxMail {
                    id: m.id,
                    to: m.to,
                    subject: m.subject,
                    body: m.body,
                    created_at: rfc3339(m.created_at),
                    state: m.state,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(Outbox { mails }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn host(h: &str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(h).unwrap());
        loopback_host(&headers, &Uri::from_static("/api/v1/demo/outbox"))
    }

    #[test]
    fn only_loopback_host_names_read_the_outbox() {
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1",
            "127.0.0.1:43117",
            "[::1]",
            "[::1]:8080",
        ] {
            assert!(host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "localhost:80:80",
            "localhost:http",
            "[::1]x",
            "[::2]:80",
            "10.0.0.1",
            "",
        ] {
            assert!(!host(bad), "{bad}");
        }
        // No Host at all: only an absolute target naming loopback will do.
        let none = HeaderMap::new();
        assert!(!loopback_host(
            &none,
            &Uri::from_static("/api/v1/demo/outbox")
        ));
        assert!(loopback_host(
            &none,
            &Uri::from_static("http://127.0.0.1:8080/api/v1/demo/outbox")
        ));
    }
}
