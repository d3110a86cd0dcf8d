//! Small things every test file uses: notes past the harness's capture,
//! bursts of concurrent calls, and looking into JSON and timings.

use std::io::Write;
use std::time::Duration;

use serde_json::Value;

use crate::mail::collect_strings;

/// Say why a test does nothing. Written straight to stderr, past the test
/// harness's capture, so the reason shows without `--nocapture`.
pub fn skip(reason: &str) {
    note(&format!("SKIPPED {reason}"));
}

/// A line for the person running the tests, shown even when output is captured.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Run `f(i)` for `i` in `0..n` on `n` threads released together, so the
/// calls really overlap at the server; the answers in order of `i`.
pub fn concurrently<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = std::sync::Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (f, barrier) = (&f, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    f(i)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a burst thread panicked"))
            .collect()
    })
}

/// Find the first value under `key` anywhere in `v` (depth-first).
pub fn find_key<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(o) => o
            .get(key)
            .or_else(|| o.values().find_map(|x| find_key(x, key))),
        Value::Array(a) => a.iter().find_map(|x| find_key(x, key)),
        _ => None,
    }
}

/// Every string anywhere in `v`.
pub fn all_strings(v: &Value) -> Vec<String> {
    let mut s = String::new();
    collect_strings(v, &mut s);
    s.lines().map(str::to_string).collect()
}

/// Median of durations in milliseconds.
pub fn median_ms(samples: &[Duration]) -> f64 {
    let mut v: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if v.is_empty() {
        return 0.0;
    }
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}
