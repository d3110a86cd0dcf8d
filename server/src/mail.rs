//! Outgoing mail. Every message is first written to the `outbox` table, in
//! the same transaction as the change it reports, so nothing is lost and the
//! demo (and tests) can read it. When `RECLAIM_SMTP_URL` is set, a background
//! task delivers unsent rows through lettre and marks them sent.
//!
//! Bodies hold links and one-time codes; they are never logged.

use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rusqlite::{params, Connection};
use tokio::sync::Notify;

use crate::store::Db;

/// Queue one mail (call inside the transaction of the change it reports).
pub fn queue(
    conn: &Connection,
    to: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO outbox (to_addr, subject, body, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![to, subject, body, now],
    )?;
    Ok(())
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

async fn deliver_pending(db: &Db, transport: &AsyncSmtpTransport<Tokio1Executor>, from: &Mailbox) {
    let pending = db
        .call(|c| {
            let mut stmt = c.prepare(
                "SELECT id, to_addr, subject, body FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT 50",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
        .unwrap_or_default();
    for (id, to, subject, body) in pending {
        let Ok(to) = to.parse::<Mailbox>() else {
            eprintln!("mail {id}: unusable recipient address, skipped");
            mark_sent(db, id).await;
            continue;
        };
        let Ok(message) = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .body(body)
        else {
            eprintln!("mail {id}: could not build message, skipped");
            mark_sent(db, id).await;
            continue;
        };
        match transport.send(message).await {
            Ok(_) => mark_sent(db, id).await,
            // Leave it unsent; the next round retries.
            Err(e) => {
                eprintln!("mail {id}: smtp delivery failed: {e}");
                return;
            }
        }
    }
}

async fn mark_sent(db: &Db, id: i64) {
    let _ = db
        .call(move |c| {
            c.execute(
                "UPDATE outbox SET sent_at = strftime('%s','now') WHERE id = ?1",
                params![id],
            )?;
            Ok(())
        })
        .await;
}
