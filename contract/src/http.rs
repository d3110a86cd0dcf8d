//! The HTTP client: answers as [`Resp`], a client with its own cookie jar
//! and CSRF token, the problem-document check every error answer passes,
//! and raw HTTP/1.1 from a chosen loopback source address (per-client
//! limits see distinct clients).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::server::{external_base, split_http_url};
use crate::{api, CSRF_HEADER};

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
    // Each code the contract names has one status (`ProblemCode::status`,
    // which the app reads too): the same code never comes with another.
    if let Some(code) = reclaim_core::ProblemCode::parse(&p.code) {
        assert_eq!(
            r.status,
            code.status(),
            "{}: `{code}` is answered with {}",
            r.what,
            code.status()
        );
    }
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
