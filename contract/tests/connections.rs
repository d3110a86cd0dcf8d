//! Resource limits: idle or half-open connections cannot starve real
//! clients (a connection cap and a header-read timeout), a request whose
//! body never arrives is cut off (408), and password hashing beyond what
//! the machine can queue is refused at once (503 + Retry-After) instead of
//! piling up threads.
//!
//! These start reference servers with small limits of their own; against
//! your API they are skipped.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use reclaim_contract::{assert_problem, concurrently, note, own_server, unique_username};
use serde_json::json;

#[test]
fn idle_and_slow_connections_cannot_starve_real_clients() {
    let Some(api) = own_server(
        "idle_and_slow_connections_cannot_starve_real_clients",
        &["--max-connections", "4", "--header-timeout", "2"],
    ) else {
        return;
    };
    let path = format!("{}/login", api.base_path());
    // Twice the cap: connections that send nothing, and ones that send half
    // their headers and then nothing (slowloris).
    let mut slow: Vec<TcpStream> = (0..8)
        .map(|i| {
            let mut s = TcpStream::connect(api.socket_addr()).unwrap();
            if i % 2 == 1 {
                s.write_all(format!("POST {path} HTTP/1.1\r\nHost: x\r\nX-Slow: ").as_bytes())
                    .unwrap();
            }
            s
        })
        .collect();
    let started = Instant::now();
    let r = api.client().post_json(
        "/login",
        &json!({"username": unique_username(), "password": "x-y-z-w"}),
    );
    let waited = started.elapsed();
    note(&format!(
        "a real request behind 8 half-open connections (cap 4, header timeout 2 s): {} after {:.1} s",
        r.status,
        waited.as_secs_f64()
    ));
    r.expect(401);
    assert!(waited < Duration::from_secs(15), "served in {waited:?}");
    // The slow ones were closed by the server, not left open.
    let s = &mut slow[0];
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = [0u8; 512];
    // End of stream, an answer, or a reset all mean closed; a read timeout
    // means it is still held open.
    let closed = match s.read(&mut buf) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    assert!(
        closed,
        "a connection that never finishes its headers is closed"
    );
}

#[test]
fn a_body_that_never_arrives_is_cut_off_with_408() {
    let Some(api) = own_server(
        "a_body_that_never_arrives_is_cut_off_with_408",
        &["--request-timeout", "2"],
    ) else {
        return;
    };
    let mut s = TcpStream::connect(api.socket_addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let path = format!("{}/login", api.base_path());
    s.write_all(
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\nConnection: close\r\n\r\n{{\"username\""
        )
        .as_bytes(),
    )
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn password_work_beyond_the_queue_is_503_with_retry_after() {
    let Some(api) = own_server(
        "password_work_beyond_the_queue_is_503_with_retry_after",
        &[
            "--trusted-proxy",
            "127.0.0.1",
            "--password-workers",
            "1",
            "--password-queue",
            "1",
        ],
    ) else {
        return;
    };
    // 30 clients (distinct addresses via the trusted proxy, distinct
    // usernames): no limit applies, only the hashing capacity.
    let answers = concurrently(30, |i| {
        let client = api.client();
        client
            .post("/login")
            .header("X-Forwarded-For", &format!("198.51.100.{i}"))
            .json(&json!({"username": unique_username(), "password": "wrong-password-q"}))
            .send()
    });
    let busy: Vec<_> = answers.iter().filter(|r| r.status == 503).collect();
    let checked = answers.iter().filter(|r| r.status == 401).count();
    note(&format!(
        "30 concurrent sign-ins, 1 password worker and a queue of 1: {checked} checked, {} refused with 503",
        busy.len()
    ));
    assert_eq!(checked + busy.len(), 30, "only 401 or 503");
    assert!(!busy.is_empty(), "beyond the queue: 503");
    for r in busy {
        let p = assert_problem(r);
        assert_eq!(p.code, "unavailable");
    }
    assert!(checked >= 1);
}
