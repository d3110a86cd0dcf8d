//! The client address behind a proxy: `Forwarded` / `X-Forwarded-For` are
//! believed only from a configured trusted proxy, and then only the
//! right-most hop that is not itself a trusted proxy. Otherwise a client
//! could name a new address in each request and never meet a per-client
//! limit.
//!
//! Seen through the per-client sign-in limit (10 failures per 5 minutes per
//! client; each attempt here uses a new username, so only the client bucket
//! fills). The reference server's `--trusted-proxy` is tested on servers of
//! the tests' own; against your API only the untrusted case runs, with
//! `RECLAIM_CONTRACT_DESTRUCTIVE=1`.

use reclaim_contract::{fresh_api, own_server, unique_username, Api, Resp};
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
    // RFC 7239 Forwarded is read the same way, and wins over X-Forwarded-For.
    failed_sign_in(
        &api,
        &[
            (
                "Forwarded",
                "for=192.0.2.1, for=\"203.0.113.7:4711\"".into(),
            ),
            ("X-Forwarded-For", "198.51.100.200".into()),
        ],
    )
    .problem(429, Some("rate_limited"));
    failed_sign_in(&api, &[("Forwarded", "for=\"[2001:db8::17]\"".into())]).expect(401);
}
