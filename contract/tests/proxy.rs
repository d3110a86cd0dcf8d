//! The client address behind a proxy: `Forwarded` / `X-Forwarded-For` are
//! believed only from a configured trusted proxy, and then only the
//! right-most hop that is not itself a trusted proxy, of the **one** header
//! the proxy writes (`--proxy-header`, `X-Forwarded-For` by default; the
//! other header is the client's own writing and is ignored). Otherwise a
//! client could name a new address in each request and never meet a
//! per-client limit.
//!
//! Seen through the per-client sign-in limit (10 failures per 5 minutes per
//! client; each attempt here uses a new username, so only the client bucket
//! fills) and, for the one-header rule, through a concurrent burst of
//! recovery requests (20 an hour per client). The reference server's
//! `--trusted-proxy` is tested on servers of the tests' own; against your
//! API only the untrusted case runs, with `RECLAIM_CONTRACT_DESTRUCTIVE=1`.

use reclaim_contract::{
    api, assert_problem, concurrently, fresh_api, note, own_server, request_body, unique,
    unique_username, Api, Resp,
};
use serde_json::json;

fn failed_sign_in(api: &Api, headers: &[(&str, String)]) -> Resp {
    let client = api.client();
    let mut req = client.post("/login");
    for (k, v) in headers {
        req = req.header(k, v);
    }
    req.json(&json!({"username": unique_username(), "password": "wrong-password-p"}))
        .send()
}

#[test]
fn proxy_headers_from_an_untrusted_peer_are_ignored() {
    let Some(api) = fresh_api("proxy_headers_from_an_untrusted_peer_are_ignored", false) else {
        return;
    };
    for i in 0..10 {
        let r = failed_sign_in(
            &api,
            &[
                ("X-Forwarded-For", format!("198.51.100.{i}")),
                ("Forwarded", format!("for=198.51.100.{i}")),
            ],
        );
        r.expect(401);
    }
    // A new address in the headers changes nothing: the peer is the client.
    failed_sign_in(&api, &[("X-Forwarded-For", "203.0.113.99".into())])
        .problem(429, Some("rate_limited"));
    failed_sign_in(&api, &[("Forwarded", "for=203.0.113.98".into())])
        .problem(429, Some("rate_limited"));
}

#[test]
fn a_trusted_proxy_names_the_client() {
    let Some(api) = own_server(
        "a_trusted_proxy_names_the_client",
        &["--trusted-proxy", "127.0.0.1,10.0.0.0/8"],
    ) else {
        return;
    };
    // Twelve clients behind the proxy: none is limited by the others.
    for i in 0..12 {
        failed_sign_in(&api, &[("X-Forwarded-For", format!("198.51.100.{i}"))]).expect(401);
    }
    // One client, with a fake left-most hop each time and another trusted
    // proxy in between: the right-most untrusted hop is the client, so the
    // fakes do not help.
    for i in 0..10 {
        failed_sign_in(
            &api,
            &[(
                "X-Forwarded-For",
                format!("192.0.2.{i}, 203.0.113.7, 10.1.2.3"),
            )],
        )
        .expect(401);
    }
    failed_sign_in(
        &api,
        &[("X-Forwarded-For", "192.0.2.77, 203.0.113.7".into())],
    )
    .problem(429, Some("rate_limited"));
}

#[test]
fn with_proxy_header_forwarded_rfc_7239_names_the_client() {
    let Some(api) = own_server(
        "with_proxy_header_forwarded_rfc_7239_names_the_client",
        &[
            "--trusted-proxy",
            "127.0.0.1,10.0.0.0/8",
            "--proxy-header",
            "forwarded",
        ],
    ) else {
        return;
    };
    // The right-most untrusted `for=` is the client; fake left-most
    // elements and an X-Forwarded-For of the client's own do not help.
    for i in 0..10 {
        failed_sign_in(
            &api,
            &[
                (
                    "Forwarded",
                    format!("for=192.0.2.{i}, for=\"203.0.113.7:4711\";proto=https, for=10.1.2.3"),
                ),
                ("X-Forwarded-For", format!("198.51.100.{i}")),
            ],
        )
        .expect(401);
    }
    failed_sign_in(&api, &[("Forwarded", "for=203.0.113.7".into())])
        .problem(429, Some("rate_limited"));
    failed_sign_in(&api, &[("Forwarded", "for=\"[2001:db8::17]\"".into())]).expect(401);
}

/// Requests in one burst from one client behind the proxy, each with its
/// own value of the header the proxy does not write.
const BURST: usize = 30;
/// The reference server's recovery requests per client an hour.
const REQUESTS_PER_CLIENT: usize = 20;

/// A concurrent burst of recovery requests, request `i` carrying
/// `headers(i)`; (filed, refused with 429).
fn request_burst(
    api: &Api,
    headers: impl Fn(usize) -> Vec<(&'static str, String)> + Sync,
) -> (usize, usize) {
    let answers = concurrently(BURST, |i| {
        let client = api.client();
        let mut req = client
            .post("/recovery-requests")
            .header(api::IDEMPOTENCY_KEY_HEADER, &unique("proxy"));
        for (k, v) in headers(i) {
            req = req.header(k, &v);
        }
        req.json(&request_body(&unique_username())).send()
    });
    let (mut filed, mut limited) = (0, 0);
    for r in &answers {
        match r.status {
            201 => filed += 1,
            429 => {
                assert_problem(r);
                limited += 1;
            }
            s => panic!("POST /recovery-requests: unexpected {s} {}", r.text()),
        }
    }
    note(&format!(
        "recovery requests behind the proxy: {BURST} concurrent, {filed} filed, {limited} refused (429)"
    ));
    (filed, limited)
}

fn file_one(api: &Api, header: (&str, &str)) -> Resp {
    api.client()
        .post("/recovery-requests")
        .header(api::IDEMPOTENCY_KEY_HEADER, &unique("proxy"))
        .header(header.0, header.1)
        .json(&request_body(&unique_username()))
        .send()
}

#[test]
fn a_client_written_forwarded_header_does_not_split_the_limit() {
    let Some(api) = own_server(
        "a_client_written_forwarded_header_does_not_split_the_limit",
        &["--trusted-proxy", "127.0.0.1"],
    ) else {
        return;
    };
    // The proxy appends the client to X-Forwarded-For (the default header);
    // the client wrote a new `Forwarded` each time. Believing that one would
    // make each request a client of its own, and all 30 would be filed.
    let (filed, limited) = request_burst(&api, |i| {
        vec![
            ("X-Forwarded-For", "203.0.113.7".to_string()),
            ("Forwarded", format!("for=198.51.100.{i}")),
        ]
    });
    assert!(
        (1..=REQUESTS_PER_CLIENT).contains(&filed),
        "{filed} of {BURST} filed for one client; the limit is {REQUESTS_PER_CLIENT}"
    );
    assert_eq!(filed + limited, BURST);
    file_one(&api, ("X-Forwarded-For", "203.0.113.7")).problem(429, Some("rate_limited"));
    // The header the proxy writes still names clients apart.
    file_one(&api, ("X-Forwarded-For", "203.0.113.8")).expect(201);
}

#[test]
fn with_proxy_header_forwarded_a_client_written_x_forwarded_for_is_ignored() {
    let Some(api) = own_server(
        "with_proxy_header_forwarded_a_client_written_x_forwarded_for_is_ignored",
        &[
            "--trusted-proxy",
            "127.0.0.1",
            "--proxy-header",
            "forwarded",
        ],
    ) else {
        return;
    };
    let (filed, limited) = request_burst(&api, |i| {
        vec![
            ("Forwarded", "for=203.0.113.7".to_string()),
            ("X-Forwarded-For", format!("198.51.100.{i}")),
        ]
    });
    assert!(
        (1..=REQUESTS_PER_CLIENT).contains(&filed),
        "{filed} of {BURST} filed for one client; the limit is {REQUESTS_PER_CLIENT}"
    );
    assert_eq!(filed + limited, BURST);
    file_one(&api, ("Forwarded", "for=203.0.113.7")).problem(429, Some("rate_limited"));
    file_one(&api, ("Forwarded", "for=203.0.113.8")).expect(201);
}
