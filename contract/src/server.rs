//! The API under test: an external one (`RECLAIM_BASE_URL`) or a reference
//! server started for the test binary, or for one test (`fresh_api`,
//! `own_server`), and the reference server's operator commands.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use crate::{note, skip, unique, Client};

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

pub(crate) fn external_base() -> Option<String> {
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
        let (ok, out, err) = self.operator_outcome(args)?;
        assert!(ok, "{args:?}: {err}");
        Some(out)
    }

    /// Run an operator command that may refuse: whether it succeeded, its
    /// standard output and its standard error.
    pub fn operator_outcome(&self, args: &[&str]) -> Option<(bool, String, String)> {
        let db = self.database.as_ref()?;
        let out = Command::new(server_bin())
            .args(args)
            .arg("--database")
            .arg(db)
            .output()
            .expect("run the operator command");
        Some((
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    }
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
