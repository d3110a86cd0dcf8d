//! Command line and environment, and starting the server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::app;
use crate::client_addr::{ProxyHeader, TrustedProxies};
use crate::clock::Clock;
use crate::crypto::{Hasher, ServerKey};
use crate::headers::SecurityHeaders;
use crate::holds::Holds;
use crate::listener::ConnectionLimits;
use crate::mail::Mailer;
use crate::passwords::PasswordWork;
use crate::refs::RepositoryPolicy;
use crate::security_keys::RelyingParty;
use crate::state::{App, Settings};
use crate::static_files::StaticFiles;
use crate::store::Db;

const DEFAULT_DB: &str = "data/reclaim.sqlite3";

#[derive(Parser)]
#[command(
    name = "reclaim-server",
    version,
    about = "Reclaim reference API server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at start: boxing the large `serve` flags would save nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum Command {
    /// Serve the app and the API.
    Serve(ServeArgs),
    /// Support staff: look at and move recovery requests.
    Requests {
        #[arg(long, env = "RECLAIM_DATABASE", default_value = DEFAULT_DB, global = true)]
        database: PathBuf,
        #[command(subcommand)]
        command: RequestsCommand,
    },
    /// Print the OpenAPI 3.1 document.
    Openapi,
    /// Print the app's routes (path, bundle, HTML file, signed-in or not,
    /// what a signed-out browser gets instead) and its bundles, from core's
    /// route table.
    Routes {
        /// As JSON (what the browser tests and the benchmark read).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum RequestsCommand {
    /// Open requests, newest first.
    List {
        /// Include decided (approved, rejected, closed) requests.
        #[arg(long)]
        all: bool,
    },
    /// Every field and the timeline of one request.
    Show { id: String },
    /// Recover the account of a held request whose hold is over: remove
    /// its second factors, sign it out everywhere, and mail a password
    /// reset link to the address its email proof proved. Refused before
    /// the hold ends, after a cancel, and without a proof of an address
    /// of the account.
    Approve { id: String },
    /// Move a request: received, in_review, awaiting_user, approved, rejected, closed.
    SetStatus {
        id: String,
        status: String,
        /// A note for the requester (shown on the status page and mailed).
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "RECLAIM_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// SQLite database file (its directory is created).
    #[arg(long, env = "RECLAIM_DATABASE", default_value = DEFAULT_DB)]
    pub database: PathBuf,
    /// The built app (Trunk's dist/).
    #[arg(long, env = "RECLAIM_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Seed the demo accounts and enable the mail outbox endpoint (loopback only).
    #[arg(long, env = "RECLAIM_DEMO")]
    pub demo: bool,
    /// Public origin for links in mails (default: http://ADDR). An https URL
    /// also turns on Secure cookies and HSTS.
    #[arg(long, env = "RECLAIM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Deliver mail through SMTP, e.g. smtp://localhost:25 (the outbox is always written).
    #[arg(long, env = "RECLAIM_SMTP_URL")]
    pub smtp_url: Option<String>,
    #[arg(
        long,
        env = "RECLAIM_MAIL_FROM",
        default_value = "Reclaim <no-reply@localhost>"
    )]
    pub mail_from: String,
    /// The registry's API-token prefix: a pasted token is refused by name in
    /// code fields and request texts.
    #[arg(long, env = "RECLAIM_API_TOKEN_PREFIX", default_value = reclaim_core::limits::DEFAULT_API_TOKEN_PREFIX)]
    pub api_token_prefix: String,
    /// Proxies (addresses or CIDR blocks, comma-separated) whose
    /// forwarding header (`--proxy-header`) names the client. Default:
    /// none, and forwarding headers are ignored.
    #[arg(long, env = "RECLAIM_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<String>,
    /// The one header the trusted proxies append the client's address to;
    /// the other is ignored (a client could write it).
    #[arg(
        long,
        env = "RECLAIM_PROXY_HEADER",
        value_enum,
        default_value = "x-forwarded-for"
    )]
    pub proxy_header: ProxyHeader,
    /// Mails that anyone can make the server send (codes, resets,
    /// reminders, request confirmations): at most this many an hour, then
    /// dropped with the usual answer. 0: no budget. Security notices to an
    /// account's own address are never dropped.
    #[arg(long, env = "RECLAIM_MAIL_BUDGET", default_value_t = 500)]
    pub mail_budget: usize,
    /// The window of `--mail-budget`, in seconds (default: an hour).
    #[arg(long, env = "RECLAIM_MAIL_BUDGET_WINDOW", default_value_t = 3600, value_parser = clap::value_parser!(i64).range(1..))]
    pub mail_budget_window: i64,
    /// Connections open at once; more wait in the listen backlog. Keep it
    /// under the process's file-descriptor limit (`ulimit -n`, often 1024).
    #[arg(long, env = "RECLAIM_MAX_CONNECTIONS", default_value_t = 512)]
    pub max_connections: usize,
    /// Seconds a connection may take to send a request's headers (idle
    /// keep-alive connections included) before it is closed.
    #[arg(long, env = "RECLAIM_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a request may take from its headers to the answer, body
    /// upload included (then 408 `request_timeout`).
    #[arg(long, env = "RECLAIM_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// The server's secret key (keyed hashes of one-time codes, status
    /// tokens); created at first start. Default: the database path + `.key`.
    #[arg(long, env = "RECLAIM_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// Password checks that may wait for a core (one runs per core);
    /// beyond, 503 with Retry-After. Default: 16 per core.
    #[arg(long, env = "RECLAIM_PASSWORD_QUEUE")]
    pub password_queue: Option<usize>,
    /// Password checks run at once. Default: one per core.
    #[arg(long, env = "RECLAIM_PASSWORD_WORKERS")]
    pub password_workers: Option<usize>,
    /// Forges whose repositories a repository proof reads (over https;
    /// exact host names, comma-separated).
    #[arg(long, env = "RECLAIM_REPOSITORY_HOSTS", value_delimiter = ',', default_values_t = crate::refs::DEFAULT_HOSTS.iter().map(|h| h.to_string()))]
    pub repository_hosts: Vec<String>,
    /// How long a request with an email proof and a checked repository
    /// proof is held before anyone acts on it (`72h`, `3d`, `30s`).
    #[arg(long, env = "RECLAIM_HOLD_WITH_REPOSITORY", default_value = "72h", value_parser = crate::holds::parse_duration)]
    pub hold_with_repository: i64,
    /// How long a request with only an email proof is held.
    #[arg(long, env = "RECLAIM_HOLD_EMAIL_ONLY", default_value = "7d", value_parser = crate::holds::parse_duration)]
    pub hold_email_only: i64,
    /// Days support takes to answer once a request's hold is over: the
    /// status page's expected date.
    #[arg(long, env = "RECLAIM_RESPONSE_DAYS", default_value_t = crate::holds::DEFAULT_RESPONSE_DAYS)]
    pub response_days: i64,
}

/// Support's address when `config.json` names none: PyPI's, like the
/// other defaults (the site name, the API-token prefix).
pub const DEFAULT_SUPPORT_EMAIL: &str = "admin@pypi.org";

/// What the server names the way the app does, from its `config.json`.
#[derive(Debug, PartialEq, Eq)]
struct Branding {
    site_name: String,
    totp_issuer: String,
    /// `support.email`: every mail that says "contact support" gives it.
    support_email: String,
}

fn branding(dist: &Path) -> Branding {
    let text = std::fs::read_to_string(dist.join("config.json")).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let site_name = v["site_name"].as_str().unwrap_or("PyPI").to_string();
    let totp_issuer = v["totp_issuer"].as_str().unwrap_or(&site_name).to_string();
    // The app refuses a config whose address has no `@`; so does this.
    let support_email = v["support"]["email"]
        .as_str()
        .map(str::trim)
        .filter(|e| e.contains('@'))
        .unwrap_or(DEFAULT_SUPPORT_EMAIL)
        .to_string();
    Branding {
        site_name,
        totp_issuer,
        support_email,
    }
}

pub fn serve(args: ServeArgs) -> Result<(), String> {
    if args.demo && !args.addr.ip().is_loopback() {
        return Err(format!(
            "--demo serves fixed passwords and a mail outbox; it only runs on a loopback address, not {}",
            args.addr
        ));
    }
    if args.demo
        && args
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    {
        return Err("--demo serves fixed passwords and a mail outbox; it is refused with an https:// public URL (a real deployment)".into());
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(run(args))
}

async fn run(args: ServeArgs) -> Result<(), String> {
    let trusted_proxies = TrustedProxies::parse(&args.trusted_proxy.join(","))
        .map_err(|e| format!("--trusted-proxy: {e}"))?
        .reading(args.proxy_header);
    let db = Db::open(&args.database)?;
    let key_file = args.secret_key_file.clone().unwrap_or_else(|| {
        let mut p = args.database.clone().into_os_string();
        p.push(".key");
        PathBuf::from(p)
    });
    let key = ServerKey::load_or_create(&key_file)?;
    // The keyed migration: authenticator secrets stored before they were
    // encrypted are sealed now (it needs the key, so it runs here).
    let k = key.clone();
    let sealing = db
        .call(move |c| Ok(crate::store::accounts::seal_plaintext_totp_secrets(c, &k)?))
        .await
        .map_err(|e| format!("sealing authenticator secrets failed: {}", e.code))?;
    if sealing.sealed > 0 {
        println!(
            "sealed {} stored authenticator secrets with the server key",
            sealing.sealed
        );
    }
    if sealing.unreadable > 0 {
        eprintln!(
            "warning: {} authenticator secrets do not open with the key in {}: those accounts must sign in with a recovery code and set up their authenticator again (or start with the key file they were sealed with)",
            sealing.unreadable,
            key_file.display()
        );
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_string();
    let secure = public_url.starts_with("https://") || !addr.ip().is_loopback();
    let Branding {
        site_name,
        totp_issuer,
        support_email,
    } = branding(&args.dist);
    let files = StaticFiles::load(&args.dist);
    let headers = SecurityHeaders::new(&files.bundle_pages(), secure);
    let passwords = PasswordWork::for_this_machine(
        Hasher::standard(),
        args.password_workers,
        args.password_queue,
    );
    let clock = Clock::default();
    let demo_git_root = args
        .demo
        .then(|| crate::demo_git::root_beside(&args.database));
    if let Some(root) = &demo_git_root {
        crate::demo_git::prepare(root)?;
        let h = passwords.hasher().clone();
        let now = clock.now();
        let (k, url) = (key.clone(), public_url.clone());
        db.call(move |c| crate::demo::seed(c, &h, &k, &url, now))
            .await
            .map_err(|e| format!("demo seed failed: {}", e.code))?;
    }
    let relying_party = RelyingParty::for_public_url(&public_url, &site_name)?;
    let mailer = Mailer::default();
    mailer.start(db.clone(), args.smtp_url.clone(), args.mail_from.clone())?;
    let state = Arc::new(App {
        db,
        clock: clock.clone(),
        passwords,
        key,
        mailer,
        relying_party,
        settings: Settings {
            site_name: site_name.clone(),
            totp_issuer,
            public_url,
            support_email,
            secure,
            demo: args.demo,
            api_token_prefix: args.api_token_prefix.clone(),
            trusted_proxies,
            mail_budget_per_hour: args.mail_budget,
            mail_budget_window: args.mail_budget_window,
            request_timeout: Duration::from_secs(args.request_timeout.max(1)),
            repositories: RepositoryPolicy {
                hosts: args
                    .repository_hosts
                    .iter()
                    .map(|h| h.trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect(),
                // Plain http to loopback: the demo's own repositories.
                loopback: args.demo,
            },
            holds: Holds {
                with_repository: args.hold_with_repository,
                email_only: args.hold_email_only,
            },
            response_days: args.response_days.max(0),
            demo_git_root,
        },
        files,
        headers,
    });
    let letterhead = state.settings.letterhead();
    state
        .db
        .call(move |c| Ok(crate::store::letterhead::record(c, &letterhead)?))
        .await
        .map_err(|e| format!("recording the letterhead failed: {}", e.code))?;
    if state.files.is_empty() {
        println!(
            "no app bundle in {} (serving the API only; build it with `trunk build --release`)",
            args.dist.display()
        );
    }
    if args.demo {
        print!(
            "{}",
            crate::demo::banner(&site_name, &state.settings.public_url, clock.now())
        );
    }
    println!("database {}", args.database.display());
    if args.smtp_url.is_some() {
        println!("mail: SMTP delivery on (and the outbox table)");
    }
    if state.relying_party.on_localhost_instead {
        println!(
            "security keys and passkeys: open the app at {} (a relying party cannot be an IP address)",
            state.relying_party.origin
        );
    }
    // Tests read this exact line to learn the port.
    println!("listening on http://{addr}");
    tokio::spawn(app::housekeeping(state.clone()));
    let router = app::router(state);
    let limits = ConnectionLimits {
        max_connections: args.max_connections,
        header_read: Duration::from_secs(args.header_timeout.max(1)),
    };
    crate::listener::serve(listener, router, limits, shutdown()).await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(args: &[&str]) -> ServeArgs {
        let mut argv = vec!["reclaim-server", "serve"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).unwrap().command {
            Command::Serve(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn demo_refuses_a_public_address() {
        let err = serve(serve_args(&["--addr", "0.0.0.0:8080", "--demo"]))
            .err()
            .unwrap();
        assert!(err.contains("loopback"), "{err}");
        let err = serve(serve_args(&[
            "--addr",
            "127.0.0.1:0",
            "--demo",
            "--public-url",
            "https://pypi.example.org",
        ]))
        .err()
        .unwrap();
        assert!(err.contains("https://"), "{err}");
    }

    #[test]
    fn flags_and_defaults() {
        let a = serve_args(&["--addr", "127.0.0.1:0", "--database", "x.db", "--dist", "d"]);
        assert_eq!(a.addr.port(), 0);
        assert_eq!(a.database, PathBuf::from("x.db"));
        assert!(!a.demo);
        assert_eq!(
            a.api_token_prefix,
            reclaim_core::limits::DEFAULT_API_TOKEN_PREFIX
        );
        let a = serve_args(&["--api-token-prefix", "crates-"]);
        assert_eq!(a.api_token_prefix, "crates-");
        let a = serve_args(&[
            "--trusted-proxy",
            "10.0.0.0/8,192.0.2.1",
            "--trusted-proxy",
            "::1",
        ]);
        assert_eq!(a.trusted_proxy, ["10.0.0.0/8", "192.0.2.1", "::1"]);
        assert_eq!(a.proxy_header, ProxyHeader::XForwardedFor, "the default");
        let a = serve_args(&["--proxy-header", "forwarded"]);
        assert_eq!(a.proxy_header, ProxyHeader::Forwarded);
        let a = serve_args(&[]);
        assert_eq!(a.repository_hosts, crate::refs::DEFAULT_HOSTS);
        assert_eq!(
            (a.hold_with_repository, a.hold_email_only),
            (72 * 3600, 7 * 86_400)
        );
        let a = serve_args(&[
            "--repository-hosts",
            "git.example.org,github.com",
            "--hold-with-repository",
            "2s",
            "--hold-email-only",
            "1d",
        ]);
        assert_eq!(a.repository_hosts, ["git.example.org", "github.com"]);
        assert_eq!((a.hold_with_repository, a.hold_email_only), (2, 86_400));
        assert!(
            Cli::try_parse_from(["reclaim-server", "serve", "--hold-email-only", "7"]).is_err(),
            "a unit is needed"
        );
        assert!(
            Cli::try_parse_from(["reclaim-server", "serve", "--proxy-header", "x-real-ip"])
                .is_err(),
            "only the two"
        );
        let err = serve(serve_args(&[
            "--addr",
            "127.0.0.1:0",
            "--trusted-proxy",
            "10.0.0.0/99",
        ]))
        .err()
        .unwrap();
        assert!(err.starts_with("--trusted-proxy:"), "{err}");
        let cli = Cli::try_parse_from([
            "reclaim-server",
            "requests",
            "set-status",
            "RR-2026-000001",
            "in_review",
            "--note",
            "hi",
        ])
        .unwrap();
        let Command::Requests {
            command: RequestsCommand::SetStatus { status, note, .. },
            ..
        } = cli.command
        else {
            panic!("parsed as another command");
        };
        assert_eq!(
            (status.as_str(), note.as_deref()),
            ("in_review", Some("hi"))
        );
    }

    #[test]
    fn branding_comes_from_config_json() {
        let dir = std::env::temp_dir().join(format!("reclaim-brand-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("config.json"),
            r#"{"site_name":"Crates","totp_issuer":"crates.io"}"#,
        )
        .unwrap();
        let brand = |site: &str, issuer: &str, support: &str| Branding {
            site_name: site.into(),
            totp_issuer: issuer.into(),
            support_email: support.into(),
        };
        assert_eq!(
            branding(&dir),
            brand("Crates", "crates.io", DEFAULT_SUPPORT_EMAIL)
        );
        std::fs::write(
            dir.join("config.json"),
            r#"{"site_name":"Crates","support":{"email":" help@crates.io "}}"#,
        )
        .unwrap();
        assert_eq!(branding(&dir), brand("Crates", "Crates", "help@crates.io"));
        // An address the app would refuse is no address.
        std::fs::write(dir.join("config.json"), r#"{"support":{"email":"help"}}"#).unwrap();
        assert_eq!(branding(&dir).support_email, DEFAULT_SUPPORT_EMAIL);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            branding(Path::new("/nonexistent")),
            brand("PyPI", "PyPI", DEFAULT_SUPPORT_EMAIL)
        );
    }
}
