//! Anti-enumeration: the time a failed sign-in takes does not tell an
//! existing account (wrong password) from an unknown username, and the other
//! uniform endpoints answer existing and unknown accounts alike.
//!
//! Demo mode: the timing test (it needs existing accounts: alice, bob, carol).
//! It spreads its samples over source addresses 127.0.0.x when the API is on
//! loopback, so per-client limits do not cut it short, and stays under the
//! per-user limit (10 per 5 minutes). Run it on an API whose limits are fresh.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use reclaim_contract::{
    api, demo_api, fresh_api, median_ms, raw_post_json, request_body, submit_request, unique,
    unique_username, Api,
};
use serde_json::json;

/// Samples per kind; existing accounts share them round-robin.
const SAMPLES: usize = 21;
const EXISTING: [&str; 3] = ["alice", "bob", "carol"];
/// The largest difference of medians that passes, in ms — lowered to half the
/// cost of the password check when that is cheaper (so a server that skips the
/// check for unknown users always fails), raised to 10% of the slower median
/// when hashing is slow (an unoptimised build on a loaded machine).
const MAX_DELTA_MS: f64 = 15.0;
/// Never demand a difference below this, in ms (scheduler noise).
const MIN_DELTA_MS: f64 = 3.0;

struct Timing {
    existing: Vec<Duration>,
    unknown: Vec<Duration>,
    /// A sign-in refused before any password check (a body of the wrong
    /// shape): what the request costs without the hashing.
    baseline: Vec<Duration>,
}

fn measure(api: &Api) -> Timing {
    let server = api.socket_addr();
    let host = api
        .base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let path = format!("{}/login", api.base_path());
    let rotate = server.ip().is_loopback() && server.is_ipv4() && cfg!(target_os = "linux");
    let salt = std::process::id() as usize % 200;
    let mut n = 0usize;
    let mut next_source = || -> Option<IpAddr> {
        n += 1;
        rotate.then(|| {
            IpAddr::V4(Ipv4Addr::new(
                127,
                0,
                1 + ((salt + n) / 250) as u8 % 250,
                2 + ((salt + n) % 250) as u8,
            ))
        })
    };
    let once = |body: serde_json::Value, source: Option<IpAddr>, failed_sign_in: bool| {
        let (status, text, elapsed) = raw_post_json(server, source, &host, &path, &body)
            .or_else(|_| raw_post_json(server, None, &host, &path, &body))
            .expect("POST /login");
        if failed_sign_in {
            assert_eq!(
                status,
                401,
                "a failed sign-in: {}",
                String::from_utf8_lossy(&text)
            );
        } else {
            assert!(
                (400..500).contains(&status) && status != 401,
                "a refused body: {status} {}",
                String::from_utf8_lossy(&text)
            );
        }
        elapsed
    };
    let sign_in = |username: &str, source| {
        once(
            json!({ "username": username, "password": "wrong-password-for-timing" }),
            source,
            true,
        )
    };
    // warm up (connection setup, lazy statics), not counted
    sign_in(&unique_username(), next_source());
    let mut t = Timing {
        existing: Vec::new(),
        unknown: Vec::new(),
        baseline: Vec::new(),
    };
    for i in 0..SAMPLES {
        let existing = EXISTING[i % EXISTING.len()];
        let unknown = unique_username();
        // alternate the order so drift in load hits both kinds alike
        if i % 2 == 0 {
            t.existing.push(sign_in(existing, next_source()));
            t.unknown.push(sign_in(&unknown, next_source()));
        } else {
            t.unknown.push(sign_in(&unknown, next_source()));
            t.existing.push(sign_in(existing, next_source()));
        }
        let wrong_shape = json!({ "username": 1, "password": "wrong-password-for-timing" });
        t.baseline.push(once(wrong_shape, next_source(), false));
    }
    t
}

fn verdict(t: &Timing) -> (bool, String) {
    let (e, u, b) = (
        median_ms(&t.existing),
        median_ms(&t.unknown),
        median_ms(&t.baseline),
    );
    let delta = (e - u).abs();
    let check_cost = e - b;
    let allowed = MAX_DELTA_MS
        .min(0.5 * check_cost)
        .max(0.1 * e.max(u))
        .max(MIN_DELTA_MS);
    (
        delta < allowed,
        format!(
            "median existing {e:.1} ms, unknown {u:.1} ms, |Δ| {delta:.1} ms \
             (allowed {allowed:.1} ms; a request without the password check: {b:.1} ms)"
        ),
    )
}

#[test]
fn failed_sign_in_takes_as_long_for_unknown_users() {
    let Some(api) = demo_api("failed_sign_in_takes_as_long_for_unknown_users") else {
        return;
    };
    let first = measure(api);
    let (ok, msg) = verdict(&first);
    reclaim_contract::note(&format!("login timing: {msg}"));
    if ok {
        return;
    }
    // One more try on a server of its own (a loaded machine can be noisy);
    // a server that skips the hashing for unknown users fails both.
    let Some(again) = fresh_api(
        "failed_sign_in_takes_as_long_for_unknown_users (retry)",
        true,
    ) else {
        panic!("sign-in timing tells accounts apart: {msg}");
    };
    let (ok2, msg2) = verdict(&measure(&again));
    reclaim_contract::note(&format!("login timing, retry: {msg2}"));
    assert!(
        ok2,
        "sign-in timing tells accounts apart: {msg}; retry: {msg2}"
    );
}

#[test]
fn recovery_requests_answer_alike_for_existing_and_unknown_usernames() {
    let api = api();
    let client = api.client();
    let unknown = submit_request(&client, &unique("key"), &request_body(&unique_username()));
    unknown.expect(201);
    if !api.demo {
        reclaim_contract::skip(
            "recovery_requests_answer_alike_for_existing_and_unknown_usernames (existing half): needs demo accounts (RECLAIM_CONTRACT_DEMO=1)",
        );
        return;
    }
    let existing = submit_request(&client, &unique("key"), &request_body("bob"));
    existing.expect(201);
    let (a, b) = (existing.json(), unknown.json());
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&a), keys(&b));
    assert_eq!(a["status"], b["status"]);
    assert_eq!(
        existing.text().len(),
        unknown.text().len(),
        "{} vs {}",
        existing.text(),
        unknown.text()
    );
    let mut ha = existing.stable_headers();
    let mut hb = unknown.stable_headers();
    ha.remove("content-length");
    hb.remove("content-length");
    assert_eq!(ha, hb);
}

#[test]
fn login_problems_for_existing_and_unknown_users_are_identical() {
    let Some(api) = demo_api("login_problems_for_existing_and_unknown_users_are_identical") else {
        return;
    };
    // carol has an unverified email; that changes nothing here either
    let client = api.client();
    let unknown = client.login(&unique_username(), "nope-nope-nope");
    let carol = client.login("carol", "nope-nope-nope");
    assert_eq!(unknown.status, 401);
    assert_eq!(carol.status, unknown.status);
    assert_eq!(carol.text(), unknown.text());
    assert_eq!(carol.stable_headers(), unknown.stable_headers());
}

#[test]
fn timing_verdict_catches_a_skipped_hash() {
    let ms = |v: &[u64]| {
        v.iter()
            .map(|&m| Duration::from_millis(m))
            .collect::<Vec<_>>()
    };
    let quick = ms(&[1, 1, 2, 1, 1, 3, 1]);
    // a server that hashes only for existing accounts (optimised argon2 ≈ 15 ms)
    let leaky = Timing {
        existing: ms(&[16, 15, 17, 15, 16, 30, 15]),
        unknown: ms(&[1, 2, 1, 1, 9, 1, 2]),
        baseline: quick.clone(),
    };
    assert!(!verdict(&leaky).0, "{}", verdict(&leaky).1);
    // a cheaper hash (8 ms) skipped: still caught, below the 15 ms cap
    let cheap_leaky = Timing {
        existing: ms(&[9, 9, 10, 9, 9, 12, 9]),
        unknown: ms(&[1, 2, 1, 1, 3, 1, 2]),
        baseline: quick.clone(),
    };
    assert!(!verdict(&cheap_leaky).0, "{}", verdict(&cheap_leaky).1);
    // an unoptimised build: 275 ms per hash, one side skipping it
    let slow_leaky = Timing {
        existing: ms(&[275, 280, 290, 270, 300]),
        unknown: ms(&[3, 4, 3, 3, 5]),
        baseline: ms(&[3, 3, 3, 4, 3]),
    };
    assert!(!verdict(&slow_leaky).0, "{}", verdict(&slow_leaky).1);
    // the same work either way, with noise and an outlier
    let fair = Timing {
        existing: ms(&[16, 15, 17, 15, 16, 90, 15]),
        unknown: ms(&[15, 17, 15, 16, 16, 15, 14]),
        baseline: quick.clone(),
    };
    assert!(verdict(&fair).0, "{}", verdict(&fair).1);
    // slow and noisy, but fair
    let slow_fair = Timing {
        existing: ms(&[360, 380, 340, 420, 365]),
        unknown: ms(&[350, 390, 345, 400, 385]),
        baseline: ms(&[5, 6, 5, 5, 7]),
    };
    assert!(verdict(&slow_fair).0, "{}", verdict(&slow_fair).1);
}
