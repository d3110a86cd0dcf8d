//! What the wizard hands to the recovery request across the page load
//! between their bundles (`reclaim_core::bundle`): the prefill the wizard
//! decided, and the email proof it holds when the prefill attaches it.
//!
//! Written to `sessionStorage` just before the wizard leaves, taken (read
//! and removed) by the request when it starts. URL-encoded pairs rather than
//! JSON, so the wizard's bundle needs no serialiser for the request's draft.
//! The proof is not a secret (it only says an address was read, and the
//! draft keeps it in `sessionStorage` too); no code or password is here.

use reclaim_core::api::{Reason, RecoveryCodesStatus};
use reclaim_core::wizard::RequestPrefill;
use web_sys::UrlSearchParams;

use crate::browser;

pub const HANDOFF_KEY: &str = "reclaim.handoff";

/// An address proven in the wizard with a one-time code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailProof {
    pub proof: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub prefill: RequestPrefill,
    /// Only when `prefill.attach_email_proof`.
    pub email_proof: Option<EmailProof>,
}

impl Handoff {
    /// Keep the handoff for the request's page; whether it was stored.
    pub fn store(&self) -> bool {
        let Ok(params) = UrlSearchParams::new() else {
            return false;
        };
        params.append("reason", self.prefill.reason.as_str());
        if let Some(status) = self.prefill.recovery_codes_status {
            params.append("codes", status.as_str());
        }
        if self.prefill.attach_email_proof {
            params.append("attach_proof", "1");
            if let Some(p) = &self.email_proof {
                params.append("proof", &p.proof);
                params.append("proof_address", &p.address);
            }
        }
        let text: String = params.to_string().into();
        browser::storage_set(browser::session_storage(), HANDOFF_KEY, &text)
    }

    /// The handoff the wizard left, if any; it is removed (used once).
    pub fn take() -> Option<Handoff> {
        let text = browser::storage_get(browser::session_storage(), HANDOFF_KEY)?;
        browser::storage_remove(browser::session_storage(), HANDOFF_KEY);
        Handoff::parse(&text)
    }

    fn parse(text: &str) -> Option<Handoff> {
        let params = UrlSearchParams::new_with_str(text).ok()?;
        let prefill = RequestPrefill {
            reason: Reason::parse(&params.get("reason")?)?,
            recovery_codes_status: params
                .get("codes")
                .and_then(|s| RecoveryCodesStatus::parse(&s)),
            attach_email_proof: params.has("attach_proof"),
        };
        let email_proof = match (params.get("proof"), params.get("proof_address")) {
            (Some(proof), Some(address)) if prefill.attach_email_proof => {
                Some(EmailProof { proof, address })
            }
            _ => None,
        };
        Some(Handoff {
            prefill,
            email_proof,
        })
    }
}

/// Where the request form opens for a prefill: on the question that matters
/// most for the reason (previous addresses for a lost email).
pub fn request_href(prefill: RequestPrefill) -> &'static str {
    match prefill.reason {
        Reason::LostEmail => "/request#previous-emails-0",
        _ => "/request",
    }
}
