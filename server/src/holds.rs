//! The hold: a recovery request that carries proofs waits before anyone
//! acts on it, and every address of the account is told, with a link that
//! cancels it.
//!
//! What a request carries is decided when it is filed ([`evidence`]): its
//! email proof, and a repository proof made with that same email proof for
//! a project of the account the request names, checked, and listed on the
//! project before the lock-out. A request with an email proof is held
//! (`--hold-with-repository`, 72 h, with a repository proof;
//! `--hold-email-only`, 7 days, without), whether or not the address is
//! the account's and whether or not the account exists: the status page
//! must not tell. Who is told is the account's business: its current
//! address when verified, and every address it had before ([`notify`]),
//! each with a cancel token of its own (256 bits, stored hashed, single
//! use, until the hold ends) in a link's fragment.

use reclaim_core::api::RecoveryRequestBody;
use reclaim_core::limits::{DEFAULT_HOLD_EMAIL_ONLY_HOURS, DEFAULT_HOLD_WITH_REPOSITORY_HOURS};
use reclaim_core::ProblemCode;
use rusqlite::{params, Connection};

use crate::crypto::{random_token, sha256_hex};
use crate::limits::{DAY, HOUR};
use crate::mail::{self, templates, Letterhead};
use crate::problem::{ApiError, ApiResult};
use crate::store::accounts::{self, User};
use crate::store::email_codes::{self, LiveProof};
use crate::store::repository_proofs::{self, Proof};

/// Days support takes to answer once a request's hold is over.
pub const DEFAULT_RESPONSE_DAYS: i64 = 7;

/// How long requests with proofs are held, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holds {
    pub with_repository: i64,
    pub email_only: i64,
}

impl Default for Holds {
    fn default() -> Self {
        Holds {
            with_repository: i64::from(DEFAULT_HOLD_WITH_REPOSITORY_HOURS) * HOUR,
            email_only: i64::from(DEFAULT_HOLD_EMAIL_ONLY_HOURS) * HOUR,
        }
    }
}

impl Holds {
    /// The hold of a request with an email proof, and a repository proof or not.
    pub fn length(&self, with_repository: bool) -> i64 {
        if with_repository {
            self.with_repository
        } else {
            self.email_only
        }
    }
}

/// A length as the flags take it: a number and `s`, `m`, `h` or `d`
/// (`72h`, `7d`; `5s` for a test).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let unit = match text.chars().last() {
        Some('s') => 1,
        Some('m') => 60,
        Some('h') => HOUR,
        Some('d') => DAY,
        _ => return Err(format!("{text:?}: a number and s, m, h or d, like 72h")),
    };
    let number: i64 = text[..text.len() - 1]
        .parse()
        .map_err(|_| format!("{text:?}: a number and s, m, h or d, like 72h"))?;
    number
        .checked_mul(unit)
        .filter(|secs| *secs >= 0)
        .ok_or_else(|| format!("{text:?}: out of range"))
}

/// What a request carries, decided when it is filed.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// The live email proof it carries.
    pub email: Option<LiveProof>,
    /// The checked repository proof it carries.
    pub repository: Option<Proof>,
    /// The account it names, if there is one.
    pub account: Option<User>,
    /// When its hold ends (unix s): with an email proof.
    pub hold_ends_at: Option<i64>,
}

fn refused(code: ProblemCode, title: &'static str, detail: &str) -> ApiError {
    ApiError::new(code, title).detail(detail)
}

/// What `body` carries. A repository proof must have been made with the
/// request's own email proof, for a project of the account it names, be
/// checked, and have been listed before the day access was lost when the
/// request gives that day; anything else refuses the request. Only a
/// requester who holds both proofs learns anything from the refusals, and
/// nothing they did not know: which account a project belongs to is public.
pub fn evidence(
    c: &Connection,
    body: &RecoveryRequestBody,
    holds: &Holds,
    now: i64,
) -> ApiResult<Evidence> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let email_hash = given(&body.email_proof).map(|p| sha256_hex(&p));
    let email = match &email_hash {
        Some(hash) => email_codes::live_proof(c, hash, now)?,
        None => None,
    };
    let account =
        crate::store::requests::account_of(c, &body.username, body.account_email.as_deref())?;
    let repository = match (given(&body.repository_proof), &email_hash, &email) {
        (None, _, _) => None,
        (Some(id), Some(hash), Some(_)) => {
            let proof = repository_proofs::live(c, &id, hash, now)?
                .filter(|p| account.as_ref().is_some_and(|a| a.id == p.user_id))
                .ok_or_else(|| {
                    refused(
                        ProblemCode::RepositoryProofInvalid,
                        "Repository proof not for this request",
                        "The repository proof was not made with this request's email proof for a project of the account it names.",
                    )
                })?;
            if proof.found.is_none() {
                return Err(refused(
                    ProblemCode::RepositoryProofUnchecked,
                    "Repository proof not checked",
                    "Push the branch, then check the repository proof before sending the request.",
                ));
            }
            if let Some(lost) = given(&body.lost_access_on) {
                // The day access was lost, from its start (UTC): a
                // repository listed on that day or after proves nothing.
                let lost_at = crate::clock::parse_rfc3339(&format!("{lost}T00:00:00Z"));
                if lost_at.is_some_and(|t| proof.listed_at >= t) {
                    return Err(refused(
                        ProblemCode::RepositoryNotCandidate,
                        "Repository listed after the lock-out",
                        "The repository was listed on the project on or after the day you lost access, so it proves nothing.",
                    ));
                }
            }
            Some(proof)
        }
        (Some(_), _, _) => {
            return Err(refused(
                ProblemCode::RepositoryProofInvalid,
                "Repository proof without an email proof",
                "A repository proof counts only with the live email proof it was made with.",
            ))
        }
    };
    let hold_ends_at = email
        .as_ref()
        .map(|_| now + holds.length(repository.is_some()));
    Ok(Evidence {
        email,
        repository,
        account,
        hold_ends_at,
    })
}

/// The addresses told of a hold on `user`: its current address when
/// verified (an unverified one may be anyone's), and every address it had
/// before, each once.
pub fn addresses_to_tell(c: &Connection, user: &User) -> rusqlite::Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let previous = accounts::previous_emails(c, user.id)?
        .into_iter()
        .map(|(e, _)| e);
    let current = user.email_verified.then(|| user.email.clone());
    for address in current.into_iter().chain(previous) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&address)) {
            out.push(address);
        }
    }
    Ok(out)
}

/// Tell every address of the account of request `seq` (public id `id`)
/// that it is held, each with a cancel link of its own. Security notices:
/// never dropped by the mail budget, capped per address.
pub fn notify(
    c: &Connection,
    letterhead: &Letterhead,
    seq: i64,
    id: &str,
    evidence: &Evidence,
    now: i64,
) -> rusqlite::Result<()> {
    let (Some(user), Some(hold_ends_at)) = (&evidence.account, evidence.hold_ends_at) else {
        return Ok(());
    };
    for address in addresses_to_tell(c, user)? {
        let token = random_token("ct_");
        c.execute(
            "INSERT INTO request_cancel_tokens (token_hash, request_seq, email, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![sha256_hex(&token), seq, address, hold_ends_at],
        )?;
        let mail = templates::hold_notice(
            letterhead,
            &user.username,
            id,
            evidence
                .repository
                .as_ref()
                .map(|p| p.repository_url.as_str()),
            &token,
            hold_ends_at,
        );
        mail::queue_notice(c, letterhead, &address, &mail, now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_the_flags_write_them() {
        assert_eq!(parse_duration("72h"), Ok(72 * HOUR));
        assert_eq!(parse_duration("7d"), Ok(7 * DAY));
        assert_eq!(parse_duration("90m"), Ok(90 * 60));
        assert_eq!(parse_duration("2s"), Ok(2));
        for bad in ["", "72", "h", "-1h", "1.5h", "1w", "99999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(Holds::default().length(true), 72 * HOUR);
        assert_eq!(Holds::default().length(false), 7 * DAY);
    }
}
