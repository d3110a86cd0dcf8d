//! Operator commands for support staff, on the same binary and database:
//! `requests list`, `requests show ID`, `requests set-status ID STATUS --note …`.
//! They write to the outbox like the server does; a running server with SMTP
//! delivers those mails on its next round (within 30 s).

use std::fmt::Write;

use reclaim_core::api::RequestStatus;

use crate::clock::{rfc3339, Clock};
use crate::problem::ApiError;
use crate::store::requests as store;
use crate::store::Db;

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

pub fn show(db: &Db, id: &str) -> Result<String, String> {
    let id = id.to_string();
    let (req, attached, proof) = db
        .blocking(|c| {
            let r = store::find(c, &id)?;
            let a = match &r {
                Some(r) => store::attachments(c, r.seq)?,
                None => Vec::new(),
            };
            let proof = match &r {
                Some(r) => proof_standing(c, r)?,
                None => None,
            };
            Ok((r, a, proof))
        })
        .map_err(err)?;
    let r = req.ok_or_else(|| format!("no request {id}"))?;
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
    let account = if r.username.is_empty() {
        match r.account_email.as_deref() {
            Some(e) => crate::store::accounts::users_by_email(c, e)?
                .into_iter()
                .next(),
            None => None,
        }
    } else {
        crate::store::accounts::user_by_username(c, &r.username)?
    };
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
