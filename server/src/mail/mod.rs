//! Outgoing mail. Every message is first written to the `outbox` table, in
//! the same transaction as the change it reports, so nothing is lost and the
//! demo (and tests) can read it. When `RECLAIM_SMTP_URL` is set, a background
//! task delivers unsent rows through lettre and marks them sent.
//!
//! - **Budget.** Mails that anyone can make the server send, to an address
//!   they type (one-time codes, request confirmations, resets, reminders),
//!   count against a global hourly budget (`--mail-budget`); beyond it they
//!   are dropped, and the answer is the same as always, so no caller learns
//!   anything from it. A dropped mail hands back the per-account slot it
//!   took, so a full budget never spends an account's own cap. Security
//!   notices to an account's own address do not draw on that budget (strangers can use it up; they must not be able to
//!   silence notices); only the account's own actions send them, and they
//!   are capped per address instead (`NOTICES_PER_ADDRESS`: 10 an hour, 30
//!   a day), so no account can fill the queue ahead of everyone's codes.
//!   The last notice before the cap says that further ones are held back.
//!   Support's own mails (`queue_from_support`) are neither budgeted nor capped.
//! - **Refused recipients.** A permanent refusal (SMTP 5xx) marks the mail
//!   failed; a temporary one is retried later with a growing pause. Either
//!   way the queue goes on with the next mail.
//! - **No live secrets kept.** Once a mail is sent, or its secret expires,
//!   the stored body loses the reset link's token or the one-time code.
//!   Rows are deleted a week after they were written.
//!
//! Bodies hold links and one-time codes; they are never logged.

pub mod templates;

use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rusqlite::Connection;
use tokio::sync::Notify;

pub use templates::{Letterhead, Mail};

use crate::limits::Window;
use crate::store::Db;

/// A mail the relay keeps refusing for a while is given up.
const MAX_ATTEMPTS: i64 = 8;
/// The rate-limit bucket of the global mail budget.
const BUDGET_BUCKET: &str = "mail:budget";

/// Queue a security notice to an account's own address (inside the
/// transaction of the change it reports). Never dropped by the global
/// budget; capped per address ([`crate::limits::NOTICES_PER_ADDRESS`]):
/// the notice that fills the cap says so, later ones are dropped (logged)
/// until there is room again.
pub fn queue_notice(
    conn: &Connection,
    letterhead: &Letterhead,
    to: &str,
    mail: &Mail,
    now: i64,
) -> rusqlite::Result<()> {
    let bucket = format!("notice:{}", to.trim().to_lowercase());
    match crate::limits::take_silently(conn, &bucket, crate::limits::NOTICES_PER_ADDRESS, now)? {
        None => {
            eprintln!("security notices to one address capped: a notice was not sent");
            Ok(())
        }
        Some(0) => insert(
            conn,
            to,
            &templates::with_notices_held_back(letterhead, mail.clone()),
            now,
        ),
        Some(_) => insert(conn, to, mail, now),
    }
}

/// Queue support's own mail to a requester (an operator command): not for
/// anyone else to trigger, so neither budgeted nor capped.
pub fn queue_from_support(
    conn: &Connection,
    to: &str,
    mail: &Mail,
    now: i64,
) -> rusqlite::Result<()> {
    insert(conn, to, mail, now)
}

/// The budget of mail anyone can trigger: at most `max` per `secs`
/// (`--mail-budget` per `--mail-budget-window`, an hour by default);
/// `max` 0: unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub max: usize,
    pub secs: i64,
}

/// Queue a mail that anyone can trigger, if the budget has room; `false`
/// when it was dropped (the caller then hands back any per-account slot
/// it took for this mail, so a full budget never spends an account's cap).
pub fn queue_within_budget(
    conn: &Connection,
    to: &str,
    mail: &Mail,
    now: i64,
    budget: Budget,
) -> crate::problem::ApiResult<bool> {
    if budget.max > 0 {
        let window = [Window {
            max: budget.max,
            secs: budget.secs,
        }];
        match crate::limits::reserve(conn, &[(BUDGET_BUCKET, &window)], now) {
            Ok(_) => {}
            Err(e) if e.code == reclaim_core::ProblemCode::RateLimited => {
                eprintln!(
                    "mail budget of {} per {} s used up: a mail was not sent",
                    budget.max, budget.secs
                );
                return Ok(false);
            }
            Err(e) => return Err(e),
        }
    }
    insert(conn, to, mail, now)?;
    Ok(true)
}

fn insert(conn: &Connection, to: &str, mail: &Mail, now: i64) -> rusqlite::Result<()> {
    crate::store::outbox::insert(conn, to, mail, now)
}

/// Housekeeping: drop expired secrets from stored bodies, delete old rows.
pub fn prune(conn: &Connection, now: i64) -> rusqlite::Result<()> {
    crate::store::outbox::prune(conn, now)
}

#[derive(Clone, Default)]
pub struct Mailer {
    wake: Arc<Notify>,
}

impl Mailer {
    /// Tell the delivery task there is something new (no-op without SMTP).
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    /// Start delivering through SMTP, if configured.
    pub fn start(&self, db: Db, smtp_url: Option<String>, from: String) -> Result<(), String> {
        let Some(url) = smtp_url else {
            return Ok(());
        };
        let transport = smtp_transport(&url)?;
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("invalid RECLAIM_MAIL_FROM: {e}"))?;
        let wake = self.wake.clone();
        tokio::spawn(async move {
            loop {
                deliver_pending(&db, &transport, &from).await;
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
                }
            }
        });
        Ok(())
    }
}

/// `smtp://[user:password@]host[:port]`: plain SMTP, for a local relay (the
/// server is built without TLS; put a relay such as Postfix in front for the
/// internet).
fn smtp_transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let bad = || "RECLAIM_SMTP_URL must look like smtp://[user:password@]host[:port]".to_string();
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(bad)?
        .trim_end_matches('/');
    let (creds, hostport) = match rest.rsplit_once('@') {
        Some((c, h)) => (Some(c), h),
        None => (None, rest),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
        None => (hostport, 25),
    };
    if host.is_empty() {
        return Err(bad());
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port);
    if let Some((user, pass)) = creds.and_then(|c| c.split_once(':')) {
        builder = builder.credentials(Credentials::new(user.to_string(), pass.to_string()));
    }
    Ok(builder.build())
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

async fn deliver_pending(db: &Db, transport: &AsyncSmtpTransport<Tokio1Executor>, from: &Mailbox) {
    let now = unix_now();
    let pending = db
        .call(move |c| Ok(crate::store::outbox::due(c, now)?))
        .await
        .unwrap_or_default();
    for crate::store::outbox::Pending {
        id,
        to,
        subject,
        body,
        attempts,
    } in pending
    {
        let Ok(to) = to.parse::<Mailbox>() else {
            mark(db, id, Outcome::Failed("unusable recipient address")).await;
            continue;
        };
        let Ok(message) = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .body(body)
        else {
            mark(db, id, Outcome::Failed("the message could not be built")).await;
            continue;
        };
        let outcome = match transport.send(message).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Failed("refused by the relay (permanent)"),
            Err(_) if attempts + 1 >= MAX_ATTEMPTS => Outcome::Failed("relay kept failing"),
            // Temporary: try this one later, go on with the others now.
            Err(_) => Outcome::Retry(now + 30 * (1 << attempts.min(7))),
        };
        if !matches!(outcome, Outcome::Sent) {
            eprintln!("mail {id}: not delivered ({})", outcome.words());
        }
        mark(db, id, outcome).await;
    }
}

enum Outcome {
    Sent,
    Failed(&'static str),
    /// Not before this time (unix s).
    Retry(i64),
}

impl Outcome {
    fn words(&self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Failed(why) => why,
            Outcome::Retry(_) => "temporary failure, will retry",
        }
    }
}

async fn mark(db: &Db, id: i64, outcome: Outcome) {
    let now = unix_now();
    let _ = db
        .call(move |c| {
            use crate::store::outbox;
            match outcome {
                Outcome::Sent => outbox::mark_sent(c, id, now)?,
                Outcome::Failed(why) => outbox::mark_failed(c, id, why, now)?,
                Outcome::Retry(at) => outbox::retry_at(c, id, at)?,
            }
            Ok(())
        })
        .await;
}
