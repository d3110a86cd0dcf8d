//! Operator commands for support staff, on the same binary and database:
//! `requests list`, `requests show ID`, `requests set-status ID STATUS --note …`,
//! `requests approve ID`.
//! They write to the outbox like the server does; a running server with SMTP
//! delivers those mails on its next round (within 30 s).

use std::fmt::Write;

use reclaim_core::api::RequestStatus;

use crate::clock::{rfc3339, Clock};
use crate::crypto::{random_token, sha256_hex};
use crate::mail::templates;
use crate::problem::ApiError;
use crate::routes::auth::RESET_SECS;
use crate::store::requests as store;
use crate::store::{accounts, devices, repository_proofs, reset_tokens, sessions, Db};

fn err(e: ApiError) -> String {
    e.detail.unwrap_or_else(|| e.title.to_string())
}

pub fn list(db: &Db, all: bool) -> Result<String, String> {
    let rows = db.blocking(|c| Ok(store::list(c, !all)?)).map_err(err)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<16} {:<14} {:<21} {:<20} {:<21} ATTACHED TO",
        "ID", "STATUS", "REASON", "USERNAME", "SUBMITTED"
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "{:<16} {:<14} {:<21} {:<20} {:<21} {}",
            r.public_id,
            r.status.as_str(),
            r.reason.map(|x| x.as_str()).unwrap_or("-"),
            if r.username.is_empty() {
                "-"
            } else {
                &r.username
            },
            rfc3339(r.submitted_at),
            r.attached_to.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(
        out,
        "{} request(s){}",
        rows.len(),
        if all {
            ""
        } else {
            " open (--all for every one)"
        }
    );
    Ok(out)
}

/// What `requests show` reads besides the request.
struct Evidence {
    attached: Vec<String>,
    standing: Option<ProofStanding>,
    repository: Option<repository_proofs::Proof>,
    flags: Vec<(String, i64)>,
}

fn evidence(c: &rusqlite::Connection, r: &store::StoredRequest) -> rusqlite::Result<Evidence> {
    let repository = match r.repository_proof_id {
        Some(id) => repository_proofs::by_id(c, id)?,
        None => None,
    };
    let flags = match store::account_of(c, &r.username, r.account_email.as_deref())? {
        Some(user) => store::account_flags(c, user.id)?,
        None => Vec::new(),
    };
    Ok(Evidence {
        attached: store::attachments(c, r.seq)?,
        standing: proof_standing(c, r)?,
        repository,
        flags,
    })
}

pub fn show(db: &Db, id: &str) -> Result<String, String> {
    let id = id.to_string();
    let found = db
        .blocking(|c| {
            let Some(r) = store::find(c, &id)? else {
                return Ok(None);
            };
            let e = evidence(c, &r)?;
            Ok(Some((r, e)))
        })
        .map_err(err)?;
    let (
        r,
        Evidence {
            attached,
            standing: proof,
            repository,
            flags,
        },
    ) = found.ok_or_else(|| format!("no request {id}"))?;
    let mut o = String::new();
    let _ = writeln!(o, "{}  [{}]", r.public_id, r.status.as_str());
    let _ = writeln!(o, "username:              {}", r.username);
    let _ = writeln!(
        o,
        "account email:         {}",
        r.account_email.as_deref().unwrap_or("-")
    );
    let _ = writeln!(o, "contact email:         {}", r.contact_email);
    let _ = writeln!(
        o,
        "reason:                {}",
        r.reason.map(|x| x.as_str()).unwrap_or("-")
    );
    let _ = writeln!(
        o,
        "lost access on:        {}",
        r.lost_access_on.as_deref().unwrap_or("-")
    );
    let _ = writeln!(o, "previous emails:       {}", r.previous_emails.join(", "));
    let _ = writeln!(o, "packages:              {}", r.packages.join(", "));
    let _ = writeln!(o, "recovery codes:        {}", r.recovery_codes_status);
    match (&r.email_proof_email, proof) {
        (Some(address), Some(standing)) => {
            let at = r.email_proof_at.map(rfc3339).unwrap_or_default();
            let _ = writeln!(o, "email proof:           {address} (code confirmed {at})");
            let _ = writeln!(o, "                       {}", standing.words());
        }
        _ => {
            let _ = writeln!(o, "email proof:           none");
        }
    }
    match repository
        .as_ref()
        .and_then(|p| Some((p, p.found.as_ref()?)))
    {
        Some((p, found)) => {
            let _ = writeln!(
                o,
                "repository proof:      {} (project {}, listed since {})",
                p.repository_url,
                p.project,
                rfc3339(p.listed_at)
            );
            let _ = writeln!(
                o,
                "                       {} at commit {} (found {})",
                found.ref_name,
                found.commit,
                rfc3339(found.at)
            );
        }
        None => {
            let _ = writeln!(o, "repository proof:      none");
        }
    }
    match (r.hold_ends_at, &r.cancelled) {
        (_, Some((at, from))) => {
            let _ = writeln!(
                o,
                "hold:                  ! CANCELLED {} from the link mailed to {from}: do not approve",
                rfc3339(*at)
            );
        }
        (Some(until), None) => {
            let _ = writeln!(o, "hold:                  until {}", rfc3339(until));
        }
        (None, None) => {
            let _ = writeln!(o, "hold:                  none (no email proof)");
        }
    }
    for (note, at) in &flags {
        let _ = writeln!(o, "account flagged:       ! {} ({note})", rfc3339(*at));
    }
    let _ = writeln!(o, "submitted:             {}", rfc3339(r.submitted_at));
    if let Some(p) = &r.attached_to {
        let _ = writeln!(
            o,
            "attached to:           {p} (filed while that case was open)"
        );
    }
    if !attached.is_empty() {
        let _ = writeln!(o, "attachments:           {}", attached.join(", "));
    }
    let _ = writeln!(o, "details:\n  {}", r.details.replace('\n', "\n  "));
    let _ = writeln!(o, "timeline:");
    for t in &r.timeline {
        let _ = writeln!(
            o,
            "  {}  {:<14} {}",
            t.at,
            t.status.as_str(),
            t.note.as_deref().unwrap_or("")
        );
    }
    Ok(o)
}

/// Whose address an email proof proved, as support must read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofStanding {
    /// The account's address today.
    Current,
    /// An address the account had before, until this time (unix s).
    Previous(i64),
    /// Not an address of the account (or no account has this name).
    Foreign { listed_by_requester: bool },
}

impl ProofStanding {
    /// The checklist line: what this proof does and does not show.
    pub fn words(&self) -> String {
        match self {
            ProofStanding::Current => {
                "= the account's CURRENT address: the requester reads the account's mailbox.".into()
            }
            ProofStanding::Previous(until) => format!(
                "= a PREVIOUS address of the account (until {}): the requester reads a mailbox the account used; weigh it with the other evidence.",
                rfc3339(*until)
            ),
            ProofStanding::Foreign { listed_by_requester } => format!(
                "! NOT an address of this account{}. It proves only that the requester reads this mailbox, \
                 not that they own the account: do not count it as verification.",
                if *listed_by_requester { " (the requester listed it themselves)" } else { "" }
            ),
        }
    }
}

/// How the proven address of `r` relates to the account it asks for.
fn proof_standing(
    c: &rusqlite::Connection,
    r: &store::StoredRequest,
) -> rusqlite::Result<Option<ProofStanding>> {
    let Some(proven) = r.email_proof_email.as_deref().map(str::to_lowercase) else {
        return Ok(None);
    };
    let account = store::account_of(c, &r.username, r.account_email.as_deref())?;
    if let Some(u) = &account {
        if u.email.to_lowercase() == proven {
            return Ok(Some(ProofStanding::Current));
        }
        if let Some((_, until)) = crate::store::accounts::previous_emails(c, u.id)?
            .into_iter()
            .find(|(e, _)| e.to_lowercase() == proven)
        {
            return Ok(Some(ProofStanding::Previous(until)));
        }
    }
    let listed = r.contact_email.to_lowercase() == proven
        || r.previous_emails.iter().any(|e| e.to_lowercase() == proven);
    Ok(Some(ProofStanding::Foreign {
        listed_by_requester: listed,
    }))
}

pub fn set_status(db: &Db, id: &str, status: &str, note: Option<&str>) -> Result<String, String> {
    let status = RequestStatus::parse(status).ok_or_else(|| {
        let names: Vec<_> = RequestStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown status {status:?}; one of: {}", names.join(", "))
    })?;
    if let Some(n) = note {
        if n.chars().any(|c| crate::extract::bad_char(c, true)) {
            return Err("the note contains control characters".into());
        }
    }
    let now = Clock::default().now();
    let id = id.to_string();
    let note = note.map(str::to_string).filter(|n| !n.trim().is_empty());
    let letterhead = db
        .blocking(|c| Ok(crate::store::letterhead::recorded(c)?))
        .map_err(err)?
        // Mailed links must lead to the site that serves the requests, which
        // only the server's own flags and config know.
        .ok_or("no server has started on this database yet: start `reclaim-server serve` on it once, so the mail links to its site")?;
    db.blocking(|c| {
        let tx = c.transaction()?;
        let Some(r) = store::find(&tx, &id)? else {
            return Ok(None);
        };
        store::set_status(&tx, &letterhead, &r, status, note.as_deref(), now)?;
        tx.commit()?;
        Ok(Some(()))
    })
    .map_err(err)?
    .ok_or_else(|| format!("no request {id}"))?;
    Ok(format!(
        "{id} is now {}; the requester was mailed.\n",
        status.as_str()
    ))
}

/// `requests approve ID`: recover the account of a held request. Refused
/// (an error, so a nonzero exit) unless the request is open, carries a
/// proof of an address of the account (current or previous), and its hold
/// is over without a cancel. Then, in one transaction: the account's
/// second factors go (authenticator, security keys, recovery codes), it is
/// signed out everywhere (sessions, pending sign-ins, known devices), a
/// password reset link goes to the proven address, and each step lands on
/// the request's timeline; the requester is mailed that it is approved.
pub fn approve(db: &Db, id: &str, now: i64) -> Result<String, String> {
    let letterhead = db
        .blocking(|c| Ok(crate::store::letterhead::recorded(c)?))
        .map_err(err)?
        .ok_or("no server has started on this database yet: start `reclaim-server serve` on it once, so the mail links to its site")?;
    let id = id.to_string();
    db.blocking(|c| {
        let tx = c.transaction()?;
        let Some(r) = store::find(&tx, &id)? else {
            return Ok(Err(format!("no request {id}")));
        };
        let refused = |why: String| Ok(Err(format!("{id} not approved: {why}")));
        if let Some((at, from)) = &r.cancelled {
            return refused(format!(
                "its hold was cancelled {} from the link mailed to {from}, and the account is flagged",
                rfc3339(*at)
            ));
        }
        if !r.status.is_open() {
            return refused(format!("it is {}", r.status.as_str()));
        }
        let Some(until) = r.hold_ends_at else {
            return refused("it carries no email proof, so it was never held".into());
        };
        if now < until {
            return refused(format!("its hold ends {}", rfc3339(until)));
        }
        let (Some(user), Some(address)) = (
            store::account_of(&tx, &r.username, r.account_email.as_deref())?,
            r.email_proof_email.clone(),
        ) else {
            return refused("no account has this name".into());
        };
        match proof_standing(&tx, &r)? {
            Some(ProofStanding::Current | ProofStanding::Previous(_)) => {}
            _ => return refused("its email proof is not an address of the account".into()),
        }
        let keys = accounts::remove_second_factors(&tx, user.id, now)?;
        sessions::end_all_of(&tx, user.id)?;
        devices::forget_all_of(&tx, user.id)?;
        let token = random_token("rst_");
        reset_tokens::insert(&tx, &sha256_hex(&token), user.id, now + RESET_SECS)?;
        crate::mail::queue_from_support(
            &tx,
            &address,
            &templates::password_reset(
                &user.username,
                &letterhead.reset_link(&token),
                &token,
                now + RESET_SECS,
            ),
            now,
        )?;
        let steps = [
            format!(
                "Two-factor authentication removed: the authenticator app, {keys} security key(s) and the recovery codes."
            ),
            "Signed out everywhere: every session and remembered browser ended.".to_string(),
            format!("A password reset link was mailed to the proven address {address}."),
        ];
        for step in &steps {
            store::add_event(&tx, r.seq, RequestStatus::Approved, Some(step), now)?;
        }
        store::set_status(
            &tx,
            &letterhead,
            &r,
            RequestStatus::Approved,
            Some("Your account was recovered: open the password reset link we mailed to the address you proved, then set up two-factor authentication again."),
            now,
        )?;
        tx.commit()?;
        let mut out = format!("{id} is approved; the requester was mailed.\n");
        for step in steps {
            out.push_str(&format!("  {step}\n"));
        }
        Ok(Ok(out))
    })
    .map_err(err)?
}
