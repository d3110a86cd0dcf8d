//! Black-box contract tests of the Reclaim v1 API, over plain HTTP.
//!
//! The tests in `contract/tests/` talk to an API base URL and know nothing of
//! the reference server's insides, so a backend team can point them at its own
//! implementation:
//!
//! ```text
//! RECLAIM_BASE_URL=http://127.0.0.1:8080/api/v1 cargo test -p reclaim-contract
//! ```
//!
//! Environment:
//!
//! * `RECLAIM_BASE_URL` — the API base (`…/api/v1`). Unset: every test binary
//!   starts the reference server itself (`target/debug/reclaim-server`, or
//!   `RECLAIM_SERVER_BIN`) on a free loopback port with a fresh database and
//!   `--demo`.
//! * `RECLAIM_APP_URL` — where the app's `index.html` is served (default: the
//!   origin of the base URL), for the header checks on `/`.
//! * `RECLAIM_CONTRACT_DEMO=1` — the external API runs with the demo data of the
//!   reference server (accounts alice/bob/carol, their fixed codes and TOTP
//!   secret) and the demo outbox at `{base}/demo/outbox`. Without it, tests that
//!   need those are skipped with a printed reason.
//! * `RECLAIM_CONTRACT_DESTRUCTIVE=1` — against an external API, also run the
//!   tests that exhaust rate limits or change demo accounts (locally every such
//!   test gets a server of its own). Reset the external database before each run.
//! * `RECLAIM_DIST` — the `--dist` folder for servers the tests start (default: a
//!   temporary folder with a minimal `index.html`).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

pub use reclaim_core::api;

pub mod totp;

/// Every demo password (DESIGN.md, "The server is one binary").
pub const DEMO_PASSWORD: &str = "reclaim-demo-pass";
/// The CSRF header of signed-in state-changing calls.
pub const CSRF_HEADER: &str = reclaim_core::api::CSRF_HEADER;

// ---------------------------------------------------------------------------
// Demo fixtures: the fixed values `reclaim-server serve --demo` seeds
// (server/src/demo.rs, printed at start and listed in the README).
// ---------------------------------------------------------------------------

pub mod demo {
    /// alice's authenticator secret (base32, no padding).
    pub const ALICE_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    /// alice's current set of recovery codes; [`ALICE_BURNED_CODE`] is one of them.
    pub const ALICE_CODES: [&str; 8] = [
        "0f3a9c2d7b1e4a86",
        "5c8e1f0b3d7a9e24",
        "a71b2c3d4e5f6089",
        "9e8d7c6b5a4f3e21",
        "37c1e9a0b4d2f865",
        "d4e5f6a7b8c9d0e1",
        "6b2f8a1c9e3d7054",
        "e07f3b9a2c5d1846",
    ];
    /// The code of alice's current set that is already used.
    pub const ALICE_BURNED_CODE: &str = "0f3a9c2d7b1e4a86";
    /// A code of alice's older, regenerated set (answers "invalid").
    pub const ALICE_OLD_CODE: &str = "b83e6d1f0a9c4275";
    /// When alice's current set was generated.
    pub const ALICE_CODES_GENERATED_AT: &str = "2026-03-02T09:15:00Z";
    pub const ALICE_EMAIL: &str = "alice@example.org";
    pub const BOB_EMAIL: &str = "bob@example.org";
    pub const CAROL_EMAIL: &str = "carol@example.org";

    /// alice's unused current codes, in order.
    pub fn alice_unused_codes() -> Vec<&'static str> {
        ALICE_CODES
            .iter()
            .copied()
            .filter(|c| *c != ALICE_BURNED_CODE)
            .collect()
    }
}

// ---------------------------------------------------------------------------
// Unique values
// ---------------------------------------------------------------------------

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A short value unique in this run and across runs: `{prefix}-{hex}`.
pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mix =
        (t as u64) ^ ((std::process::id() as u64) << 40) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("{prefix}-{:012x}{n:x}", mix & 0xffff_ffff_ffff)
}

/// A unique, valid username.
pub fn unique_username() -> String {
    unique("ct")
}

/// A unique email at a reserved domain.
pub fn unique_email() -> String {
    format!("{}@example.org", unique("ct"))
}

// ---------------------------------------------------------------------------
// The API under test
// ---------------------------------------------------------------------------

/// One API under test: a base URL, and the server process when we started it.
pub struct Api {
    /// `http://host:port/api/v1`, no trailing slash.
    pub base: String,
    /// Where the app (`/`) is served.
    pub app: String,
    /// Demo data and the outbox are available.
    pub demo: bool,
    /// We started this server (so it is fresh and ours alone).
    pub local: bool,
    /// The database of a server we started (for the operator commands).
    pub database: Option<PathBuf>,
    server: Option<Server>,
}

impl Api {
    /// A new HTTP client (own cookie jar) for this API.
    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The process id of the server, if we started it.
    pub fn server_pid(&self) -> Option<u32> {
        self.server.as_ref().map(|s| s.pid)
    }

    /// The socket address of the API host, for raw connections.
    pub fn socket_addr(&self) -> SocketAddr {
        let (host, port, _) = split_http_url(&self.base);
        (host.as_str(), port)
            .to_socket_addrs()
            .expect("resolve the API host")
            .next()
            .expect("the API host has an address")
    }

    /// The path part of the base URL (`/api/v1`).
    pub fn base_path(&self) -> String {
        split_http_url(&self.base).2
    }

    /// All mails in the demo outbox.
    pub fn outbox(&self) -> Vec<Mail> {
        let r = self.client().get("/demo/outbox").send();
        assert_eq!(r.status, 200, "GET /demo/outbox: {}", r.text());
        parse_outbox(&r.json())
    }

    /// Mails in the demo outbox sent to `address` (case-insensitive), oldest
    /// first. Asks the outbox to filter (`?to=`) and filters again here.
    pub fn mails_to(&self, address: &str) -> Vec<Mail> {
        let a = address.to_ascii_lowercase();
        let r = self
            .client()
            .get(&format!("/demo/outbox?to={}", query_escape(&a)))
            .send();
        assert_eq!(r.status, 200, "GET /demo/outbox: {}", r.text());
        let mut mails: Vec<Mail> = parse_outbox(&r.json())
            .into_iter()
            .filter(|m| m.to.to_ascii_lowercase().contains(&a))
            .collect();
        mails.sort_by_key(|m| m.raw.get("id").and_then(Value::as_i64).unwrap_or(0));
        mails
    }

    /// Wait until a mail to `address` satisfying `pred` shows up (mail may be sent
    /// after the answer), at most `timeout`.
    pub fn wait_for_mail(
        &self,
        address: &str,
        timeout: Duration,
        pred: impl Fn(&Mail) -> bool,
    ) -> Option<Mail> {
        let until = Instant::now() + timeout;
        loop {
            if let Some(m) = self.mails_to(address).into_iter().rev().find(|m| pred(m)) {
                return Some(m);
            }
            if Instant::now() >= until {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The shared API of this test binary: the external one, or a reference server
/// started on first use and stopped when the test binary exits.
pub fn api() -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| match external_base() {
        Some(base) => {
            let demo = std::env::var("RECLAIM_CONTRACT_DEMO").as_deref() == Ok("1");
            let app = std::env::var("RECLAIM_APP_URL").unwrap_or_else(|_| origin_of(&base));
            Api {
                base,
                app,
                demo,
                local: false,
                database: None,
                server: None,
            }
        }
        None => start_local(),
    })
}

/// The shared API when it has demo data; otherwise prints why `test` is skipped.
pub fn demo_api(test: &str) -> Option<&'static Api> {
    let api = api();
    if api.demo {
        Some(api)
    } else {
        skip(&format!(
            "{test}: needs the demo data and outbox (set RECLAIM_CONTRACT_DEMO=1 if {} runs with them)",
            api.base
        ));
        None
    }
}

/// The API of [`fresh_api`]: a server of the test's own, or the shared external one.
pub enum Fresh {
    Own(Api),
    Shared(&'static Api),
}

impl std::ops::Deref for Fresh {
    type Target = Api;
    fn deref(&self) -> &Api {
        match self {
            Fresh::Own(a) => a,
            Fresh::Shared(a) => a,
        }
    }
}

/// An API whose state no other test touches: locally a new reference server;
/// against an external API the shared one, only with RECLAIM_CONTRACT_DESTRUCTIVE=1.
/// `needs_demo`: also require demo data. Prints why when it answers `None`.
pub fn fresh_api(test: &str, needs_demo: bool) -> Option<Fresh> {
    if external_base().is_none() {
        return Some(Fresh::Own(start_local()));
    }
    let shared = api();
    if std::env::var("RECLAIM_CONTRACT_DESTRUCTIVE").as_deref() != Ok("1") {
        skip(&format!(
            "{test}: exhausts rate limits or changes demo accounts; set RECLAIM_CONTRACT_DESTRUCTIVE=1 to run it against {}",
            shared.base
        ));
        return None;
    }
    if needs_demo && !shared.demo {
        skip(&format!(
            "{test}: needs the demo data and outbox (RECLAIM_CONTRACT_DEMO=1)"
        ));
        return None;
    }
    Some(Fresh::Shared(shared))
}

/// Say why a test does nothing. Written straight to stderr, past the test
/// harness's capture, so the reason shows without `--nocapture`.
pub fn skip(reason: &str) {
    note(&format!("SKIPPED {reason}"));
}

/// A line for the person running the tests, shown even when output is captured.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn external_base() -> Option<String> {
    std::env::var("RECLAIM_BASE_URL")
        .ok()
        .map(|s| s.trim().trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty())
}

/// `http://host:port/path` → (host, port, path).
pub fn split_http_url(url: &str) -> (String, u16, String) {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("only http:// base URLs are supported, got {url}"));
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, String::new()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
            (h.to_string(), p.parse().expect("port"))
        }
        _ => (authority.to_string(), 80),
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    (host, port, path)
}

fn origin_of(url: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("http://{authority}")
}

// ---------------------------------------------------------------------------
// Starting the reference server
// ---------------------------------------------------------------------------

struct Server {
    pid: u32,
    child: Child,
    /// Closing this makes the wrapper shell stop the server and remove its files.
    stdin: Option<ChildStdin>,
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

fn server_bin() -> PathBuf {
    if let Ok(p) = std::env::var("RECLAIM_SERVER_BIN") {
        return PathBuf::from(p);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace.join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        workspace.join(target)
    };
    target.join("debug").join("reclaim-server")
}

fn warn_if_stale(bin: &Path) {
    let Ok(built) = std::fs::metadata(bin).and_then(|m| m.modified()) else {
        return;
    };
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src");
    fn newest(dir: &Path) -> Option<SystemTime> {
        let mut best = None;
        for e in std::fs::read_dir(dir).ok()?.flatten() {
            let p = e.path();
            let t = if p.is_dir() {
                newest(&p)
            } else {
                e.metadata().ok()?.modified().ok()
            };
            best = best.max(t);
        }
        best
    }
    if newest(&src).is_some_and(|t| t > built) {
        note(&format!(
            "warning: {} is older than server/src; run `cargo build -p reclaim-server`",
            bin.display()
        ));
    }
}

static STARTED: Mutex<u32> = Mutex::new(0);

/// A reference server of the test's own, started with extra `serve` flags
/// (`--mail-budget 3`, `--trusted-proxy 127.0.0.1`, …). Against an external
/// API there is no way to set them: prints why and answers `None`.
pub fn own_server(test: &str, flags: &[&str]) -> Option<Api> {
    if let Some(base) = external_base() {
        skip(&format!(
            "{test}: needs the reference server started with {flags:?} (not {base})"
        ));
        return None;
    }
    Some(start_local_with(flags))
}

impl Api {
    /// Run an operator command of the reference server on this server's
    /// database (`["requests", "show", "RR-…"]`); its standard output.
    pub fn operator(&self, args: &[&str]) -> Option<String> {
        let db = self.database.as_ref()?;
        let out = Command::new(server_bin())
            .args(args)
            .arg("--database")
            .arg(db)
            .output()
            .expect("run the operator command");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }
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

/// Start `reclaim-server serve --demo` on a free loopback port with a fresh
/// database; the server stops when the returned [`Api`] is dropped or this
/// process exits (however it exits: a wrapper shell watches our pipe).
fn start_local() -> Api {
    start_local_with(&[])
}

fn start_local_with(flags: &[&str]) -> Api {
    let bin = server_bin();
    assert!(
        bin.exists(),
        "the reference server is not built at {}: run `cargo build -p reclaim-server` \
         (or set RECLAIM_SERVER_BIN, or RECLAIM_BASE_URL to test another API)",
        bin.display()
    );
    warn_if_stale(&bin);
    let n = {
        let mut g = STARTED.lock().unwrap_or_else(|e| e.into_inner());
        *g += 1;
        *g
    };
    let dir = std::env::temp_dir().join(format!(
        "reclaim-contract-{}-{}-{n}",
        std::process::id(),
        unique("s")
    ));
    std::fs::create_dir_all(&dir).expect("create a temporary folder");
    let dist = match std::env::var("RECLAIM_DIST") {
        Ok(d) => PathBuf::from(d),
        Err(_) => {
            let dist = dir.join("dist");
            std::fs::create_dir_all(&dist).expect("create dist");
            std::fs::write(
                dist.join("index.html"),
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <title>Reclaim</title></head><body><p>contract tests</p></body></html>\n",
            )
            .expect("write index.html");
            std::fs::write(dist.join("config.json"), "{}\n").expect("write config.json");
            dist
        }
    };
    let db = dir.join("reclaim.sqlite3");
    let log = dir.join("server.log");
    // The wrapper runs the server in the background and waits for EOF on its
    // stdin (our pipe): when this process exits or drops the handle, it stops the
    // server and removes the temporary folder.
    let script = r#"
bin="$1"; db="$2"; dist="$3"; dir="$4"; log="$5"
shift 5
"$bin" serve --addr 127.0.0.1:0 --database "$db" --dist "$dist" --demo "$@" 2>"$log" &
pid=$!
while read -r _line; do :; done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -rf "$dir"
"#;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("reclaim-contract-server")
        .arg(&bin)
        .arg(&db)
        .arg(&dist)
        .arg(&dir)
        .arg(&log)
        .args(flags)
        .env_remove("RECLAIM_BASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the reference server");
    let pid = child.id();
    let stdin = child.stdin.take();
    let stdout = child.stdout.take().expect("server stdout");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let mut found = false;
        for line in lines.by_ref() {
            let Ok(line) = line else { break };
            if !found {
                if let Some(i) = line.find("listening on http://") {
                    found = true;
                    let addr = line[i + "listening on http://".len()..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('/')
                        .to_string();
                    let _ = tx.send(addr);
                }
            }
            // keep draining so the server never blocks on a full pipe
        }
    });
    let server = Server { pid, child, stdin };
    let addr = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(addr) => addr,
        Err(_) => {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            drop(server);
            panic!("the reference server did not print `listening on http://ADDR` within 60 s; its stderr:\n{log}");
        }
    };
    let origin = format!("http://{addr}");
    Api {
        base: format!("{origin}{}", reclaim_core::api::DEFAULT_API_BASE),
        app: origin,
        demo: true,
        local: true,
        database: Some(db),
        server: Some(server),
    }
}

// ---------------------------------------------------------------------------
// HTTP client
// ---------------------------------------------------------------------------

/// A recorded answer.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    /// Header names lowercased, in order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
    /// `METHOD path`, for messages.
    pub what: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_all(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{}: body is not JSON ({e}): {}", self.what, self.text()))
    }

    /// The body as a contract type (panics with the body when it does not fit).
    pub fn parse<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{}: body does not match {} ({e}): {}",
                self.what,
                std::any::type_name::<T>(),
                self.text()
            )
        })
    }

    /// Assert the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "{}: expected {status}, got {} {}",
            self.what,
            self.status,
            self.text()
        );
        self
    }

    /// Assert the answer is an RFC 9457 problem document of `status` (and `code`
    /// when given), and return it.
    #[track_caller]
    pub fn problem(&self, status: u16, code: Option<&str>) -> api::Problem {
        self.expect(status);
        let p = assert_problem(self);
        if let Some(code) = code {
            assert_eq!(
                p.code,
                code,
                "{}: problem code; body {}",
                self.what,
                self.text()
            );
        }
        p
    }

    /// Headers for comparisons: all but those that differ per response by nature.
    pub fn stable_headers(&self) -> BTreeMap<String, String> {
        const VOLATILE: &[&str] = &[
            "date",
            "x-request-id",
            "request-id",
            "traceparent",
            "server-timing",
        ];
        let mut map = BTreeMap::new();
        for (k, v) in &self.headers {
            if VOLATILE.contains(&k.as_str()) {
                continue;
            }
            map.entry(k.clone())
                .and_modify(|old: &mut String| {
                    old.push('\n');
                    old.push_str(v);
                })
                .or_insert_with(|| v.clone());
        }
        map
    }
}

/// Check the problem+json shape of any 4xx/5xx answer; return the problem.
#[track_caller]
pub fn assert_problem(r: &Resp) -> api::Problem {
    assert!(
        r.status >= 400,
        "{}: expected an error status, got {}",
        r.what,
        r.status
    );
    assert_eq!(
        r.content_type(),
        "application/problem+json",
        "{}: errors are application/problem+json (status {}, body {})",
        r.what,
        r.status,
        r.text()
    );
    let v = r.json();
    for key in ["type", "title", "status", "code"] {
        assert!(
            v.get(key).is_some(),
            "{}: problem lacks `{key}`: {v}",
            r.what
        );
    }
    let p: api::Problem = r.parse();
    assert_eq!(
        p.status, r.status,
        "{}: problem `status` equals the HTTP status",
        r.what
    );
    assert!(!p.code.is_empty(), "{}: problem code is empty", r.what);
    assert!(!p.title.is_empty(), "{}: problem title is empty", r.what);
    if r.status == 429 || r.status == 503 {
        let ra = r.header("retry-after");
        assert!(
            ra.and_then(|v| v.trim().parse::<u64>().ok())
                .is_some_and(|s| s > 0),
            "{}: {} needs Retry-After in seconds, got {ra:?}",
            r.what,
            r.status
        );
    }
    p
}

/// An HTTP client with its own cookie jar and CSRF token.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    cookies: Mutex<BTreeMap<String, String>>,
    csrf: Mutex<Option<String>>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
            cookies: Mutex::new(BTreeMap::new()),
            csrf: Mutex::new(None),
        }
    }

    pub fn get(&self, path: &str) -> Req<'_> {
        Req::new(self, "GET", path)
    }

    pub fn post(&self, path: &str) -> Req<'_> {
        Req::new(self, "POST", path)
    }

    pub fn delete(&self, path: &str) -> Req<'_> {
        Req::new(self, "DELETE", path)
    }

    /// POST a JSON body (the common case).
    pub fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.post(path).json(body).send()
    }

    pub fn set_csrf(&self, token: Option<String>) {
        *self.csrf.lock().unwrap() = token;
    }

    pub fn csrf(&self) -> Option<String> {
        self.csrf.lock().unwrap().clone()
    }

    pub fn cookie_names(&self) -> Vec<String> {
        self.cookies.lock().unwrap().keys().cloned().collect()
    }

    pub fn clear_cookies(&self) {
        self.cookies.lock().unwrap().clear();
    }

    fn cookie_header(&self) -> Option<String> {
        let jar = self.cookies.lock().unwrap();
        if jar.is_empty() {
            return None;
        }
        Some(
            jar.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    fn store_cookies(&self, r: &Resp) {
        let mut jar = self.cookies.lock().unwrap();
        for sc in r.headers_all("set-cookie") {
            let first = sc.split(';').next().unwrap_or("");
            let Some((name, value)) = first.split_once('=') else {
                continue;
            };
            let (name, value) = (name.trim().to_string(), value.trim().to_string());
            let expired = sc.to_ascii_lowercase().split(';').any(|a| {
                let a = a.trim();
                a == "max-age=0" || a.starts_with("max-age=-")
            });
            if value.is_empty() || expired {
                jar.remove(&name);
            } else {
                jar.insert(name, value);
            }
        }
    }

    /// Sign in with a password; on a session answer keep its CSRF token.
    pub fn login(&self, username: &str, password: &str) -> Resp {
        let r = self.post_json(
            "/login",
            &json!({"username": username, "password": password}),
        );
        if r.status == 200 {
            if let Ok(api::LoginOutcome::Session { csrf_token, .. }) =
                serde_json::from_slice::<api::LoginOutcome>(&r.body)
            {
                self.set_csrf(Some(csrf_token));
            }
        }
        r
    }

    /// Keep the CSRF token of a session answer of a second-factor step.
    pub fn adopt_session(&self, r: &Resp) {
        if let Ok(api::LoginOutcome::Session { csrf_token, .. }) =
            serde_json::from_slice::<api::LoginOutcome>(&r.body)
        {
            self.set_csrf(Some(csrf_token));
        }
    }
}

/// A request being built.
pub struct Req<'a> {
    client: &'a Client,
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    csrf: bool,
    cookies: bool,
    source: Option<std::net::IpAddr>,
}

impl<'a> Req<'a> {
    fn new(client: &'a Client, method: &'static str, path: &str) -> Self {
        Req {
            client,
            method,
            path: path.to_string(),
            headers: Vec::new(),
            body: None,
            csrf: true,
            cookies: true,
            source: None,
        }
    }

    /// Send from this local source address, over a connection of its own
    /// (loopback only: `127.0.0.0/8` are all ours on Linux).
    pub fn from_source(mut self, source: std::net::IpAddr) -> Self {
        self.source = Some(source);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A JSON body with `Content-Type: application/json`.
    pub fn json(self, body: &Value) -> Self {
        let bytes = serde_json::to_vec(body).expect("serialise");
        self.header("Content-Type", "application/json").bytes(bytes)
    }

    /// Raw body bytes (set a Content-Type with [`Req::header`], or none).
    pub fn bytes(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Leave out the CSRF header even when the client has a token.
    pub fn no_csrf(mut self) -> Self {
        self.csrf = false;
        self
    }

    /// Leave out the cookies.
    pub fn no_cookies(mut self) -> Self {
        self.cookies = false;
        self
    }

    pub fn send(self) -> Resp {
        self.try_send()
            .unwrap_or_else(|e| panic!("transport error: {e}"))
    }

    /// Send; a transport failure (connection reset, …) is an `Err`.
    pub fn try_send(self) -> Result<Resp, String> {
        let url = if self.path.starts_with("http://") {
            self.path.clone()
        } else {
            format!("{}{}", self.client.base, self.path)
        };
        let what = format!("{} {}", self.method, self.path);
        let mut headers = self.headers;
        if self.cookies {
            if let Some(c) = self.client.cookie_header() {
                headers.push(("Cookie".into(), c));
            }
        }
        if self.csrf && self.method != "GET" {
            if let Some(t) = self.client.csrf() {
                if !headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case(CSRF_HEADER))
                {
                    headers.push((CSRF_HEADER.into(), t));
                }
            }
        }
        if let Some(source) = self.source {
            let r = raw_request(&url, source, self.method, &headers, self.body.as_deref())
                .map_err(|e| format!("{what}: {e}"))?;
            let r = Resp { what, ..r };
            self.client.store_cookies(&r);
            return Ok(r);
        }
        let started = Instant::now();
        let result = match self.method {
            "GET" => {
                let mut rb = self.client.agent.get(&url);
                for (k, v) in &headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
                rb.call()
            }
            "DELETE" => {
                let mut rb = self.client.agent.delete(&url);
                for (k, v) in &headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
                rb.call()
            }
            _ => {
                let mut rb = self.client.agent.post(&url);
                for (k, v) in &headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
                match &self.body {
                    Some(b) => rb.send(&b[..]),
                    None => rb.send_empty(),
                }
            }
        };
        let mut res = result.map_err(|e| format!("{what}: {e}"))?;
        let status = res.status().as_u16();
        let headers: Vec<(String, String)> = res
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = res
            .body_mut()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| format!("{what}: reading the body: {e}"))?;
        let r = Resp {
            status,
            headers,
            body,
            elapsed: started.elapsed(),
            what,
        };
        self.client.store_cookies(&r);
        Ok(r)
    }
}

// ---------------------------------------------------------------------------
// Raw HTTP/1.1 over a fresh connection from a chosen source address
// ---------------------------------------------------------------------------

/// One POST with a JSON body over a new connection, optionally from a given
/// loopback source address (so per-IP limits of the server see distinct clients).
/// Returns status, body and the time from the first byte sent to the last read.
pub fn raw_post_json(
    server: SocketAddr,
    source: Option<std::net::IpAddr>,
    host_header: &str,
    path: &str,
    body: &Value,
) -> std::io::Result<(u16, Vec<u8>, Duration)> {
    use socket2::{Domain, Protocol, Socket, Type};
    let body = serde_json::to_vec(body).expect("serialise");
    let sock = Socket::new(
        Domain::for_address(server),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    if let Some(ip) = source {
        sock.bind(&SocketAddr::new(ip, 0).into())?;
    }
    sock.connect_timeout(&server.into(), Duration::from_secs(10))?;
    sock.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut stream: TcpStream = sock.into();
    stream.set_nodelay(true)?;
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {host_header}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(&body);
    let started = Instant::now();
    stream.write_all(&req)?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf)?;
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = match buf.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => buf[i + 4..].to_vec(),
        None => Vec::new(),
    };
    Ok((status, body, elapsed))
}

// ---------------------------------------------------------------------------
// Demo outbox
// ---------------------------------------------------------------------------

/// A mail as the demo outbox shows it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// Every text of the mail (subject, body, links), joined.
    pub text: String,
    pub raw: Value,
}

impl Mail {
    /// The first `http(s)://` link in the mail.
    pub fn link(&self) -> Option<String> {
        let i = self
            .text
            .find("http://")
            .or_else(|| self.text.find("https://"))?;
        let rest = &self.text[i..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>' || c == ')')
            .unwrap_or(rest.len());
        Some(rest[..end].to_string())
    }

    /// The one-time code of the mail: its first run of 6 to 10 digits.
    pub fn code(&self) -> Option<String> {
        (6..=10).find_map(|n| self.digits(n))
    }

    /// The first run of exactly `n` ASCII digits.
    pub fn digits(&self, n: usize) -> Option<String> {
        let b = self.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() {
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let before_ok = start == 0 || !b[start - 1].is_ascii_alphanumeric();
                let after_ok = i == b.len() || !b[i].is_ascii_alphanumeric();
                if i - start == n && before_ok && after_ok {
                    return Some(self.text[start..i].to_string());
                }
            } else {
                i += 1;
            }
        }
        None
    }

    /// A field of the raw mail, if the outbox gives it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.raw.get(name).and_then(Value::as_str)
    }
}

/// Percent-encode a query value.
pub fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Read the outbox document: an array of mails, or an object holding one.
pub fn parse_outbox(v: &Value) -> Vec<Mail> {
    let items = match v {
        Value::Array(a) => a.clone(),
        Value::Object(o) => ["mails", "messages", "outbox", "items", "data"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_array).cloned())
            .or_else(|| o.values().find_map(|v| v.as_array().cloned()))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|m| {
            let to = ["to", "recipient", "email", "address"]
                .iter()
                .find_map(|k| match m.get(*k) {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Array(a)) => Some(
                        a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    _ => None,
                })
                .unwrap_or_default();
            let subject = m
                .get("subject")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let mut text = String::new();
            collect_strings(&m, &mut text);
            Mail {
                to,
                subject,
                text,
                raw: m,
            }
        })
        .collect()
}

fn collect_strings(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Bodies and helpers
// ---------------------------------------------------------------------------

/// A complete, valid recovery request body for `username` (reason
/// `stale_recovery_codes`; every reason is covered in `recovery_requests.rs`).
pub fn request_body(username: &str) -> Value {
    json!({
        "username": username,
        "contact_email": unique_email(),
        "reason": "stale_recovery_codes",
        "details": "I lost the phone with my authenticator app in May, and the recovery codes I saved are not accepted.",
        "lost_access_on": "2026-01-14",
        "previous_emails": [unique_email()],
        "packages": ["example-package"],
        "recovery_codes_status": "not_working",
        "email_proof": null,
        "accepted_code_of_conduct": true,
        "acknowledged_delay": true
    })
}

/// POST /recovery-requests with an idempotency key.
///
/// Against one long-lived API on loopback (`RECLAIM_BASE_URL`), the whole
/// suite files more requests than a per-client limit allows in an hour (the
/// reference server: 20), so each is sent from a loopback source address of
/// its own. Servers the tests start are fresh per test binary and need not.
pub fn submit_request(client: &Client, key: &str, body: &Value) -> Resp {
    let req = client
        .post("/recovery-requests")
        .header(api::IDEMPOTENCY_KEY_HEADER, key)
        .json(body);
    match spread_source(&client.base) {
        Some(source) => req.from_source(source).send(),
        None => req.send(),
    }
}

/// A new loopback source address per call, when spreading applies.
fn spread_source(base: &str) -> Option<std::net::IpAddr> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    external_base()?;
    let (host, _, _) = split_http_url(base);
    let ip: std::net::IpAddr = host.parse().ok()?;
    if !(ip.is_loopback() && ip.is_ipv4() && cfg!(target_os = "linux")) {
        return None;
    }
    let n = NEXT.fetch_add(1, Ordering::Relaxed) + u64::from(std::process::id() % 97) * 600;
    Some(std::net::IpAddr::V4(std::net::Ipv4Addr::new(
        127,
        2 + (n / 250 % 250) as u8,
        (std::process::id() % 250) as u8,
        2 + (n % 250) as u8,
    )))
}

/// One HTTP/1.1 request over a new connection from `source`; the answer as
/// a [`Resp`] (`Content-Length` or chunked bodies).
fn raw_request(
    url: &str,
    source: std::net::IpAddr,
    method: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> std::io::Result<Resp> {
    use socket2::{Domain, Protocol, Socket, Type};
    let (host, port, path) = split_http_url(url);
    let server = (host.as_str(), port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("no address"))?;
    let sock = Socket::new(
        Domain::for_address(server),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    sock.bind(&SocketAddr::new(source, 0).into())?;
    sock.connect_timeout(&server.into(), Duration::from_secs(10))?;
    sock.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut stream: TcpStream = sock.into();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or_default();
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let started = Instant::now();
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes)?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf)?;
    let elapsed = started.elapsed();
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..i]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            let start = i + 2;
            out.extend_from_slice(&rest[start..(start + size).min(rest.len())]);
            rest = &rest[(start + size + 2).min(rest.len())..];
        }
        body = out;
    }
    Ok(Resp {
        status,
        headers,
        body,
        elapsed,
        what: String::new(),
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

/// Sign `client` in as a user without a second factor; panics otherwise.
#[track_caller]
pub fn sign_in(client: &Client, username: &str) -> api::LoginOutcome {
    let r = client.login(username, DEMO_PASSWORD);
    r.expect(200);
    let outcome: api::LoginOutcome = r.parse();
    assert!(
        matches!(outcome, api::LoginOutcome::Session { .. }),
        "{username} signs in without a second factor: {}",
        r.text()
    );
    outcome
}

/// A second-factor challenge token for alice (password step done).
#[track_caller]
pub fn alice_challenge(client: &Client) -> api::SecondFactorChallenge {
    let r = client.login("alice", DEMO_PASSWORD);
    r.expect(200);
    match r.parse::<api::LoginOutcome>() {
        api::LoginOutcome::SecondFactor(c) => c,
        other => panic!("alice has 2FA and gets a challenge, got {other:?}"),
    }
}

/// Is `s` a lowercase-hex recovery code (16 characters)?
pub fn is_recovery_code(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
