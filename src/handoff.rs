//! What the wizard hands to the recovery request across the page load
//! between their bundles (`reclaim_core::bundle`): the prefill the wizard
//! decided, and the email proof it holds when the prefill attaches it (with
//! the repository proof made with it, if any).
//!
//! Put in this tab's storage (`crate::page_store`) just before the wizard
//! leaves, taken (read and removed) by the request when it starts. The
//! proof is no password: it says an address was read, which the holder of
//! that address could show again; with it one can list the account's public
//! repositories and ask for a repository proof, nothing more. It stays in
//! this tab's `sessionStorage` (the draft keeps it too) and goes with the
//! tab; no code or password is here.

use reclaim_core::api::{Reason, RecoveryCodesStatus};
use reclaim_core::wizard::RequestPrefill;

use crate::page_store::{self, Pairs, Scope, Stored};

/// An address proven in the wizard with a one-time code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailProof {
    pub proof: String,
    pub address: String,
}

/// Held from the moment the code is right, for the wizard's next step,
/// the repository proof, which is a bundle (a page load) away; removed
/// once a request is sent with it.
impl Stored for EmailProof {
    const NAME: &'static str = "email-proof";
    const VERSION: u32 = 1;
    const SCOPE: Scope = Scope::Tab;

    fn encode(&self, p: &Pairs) {
        p.text("proof", &self.proof);
        p.text("address", &self.address);
    }

    fn decode(p: &Pairs) -> Option<EmailProof> {
        Some(EmailProof {
            proof: p.get("proof")?,
            address: p.get("address")?,
        })
    }
}

/// A project's repository proven with the email proof: the server found
/// the token's branch there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryProof {
    /// The `proof_id` a request carries as `repository_proof`.
    pub id: String,
    pub repository_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub prefill: RequestPrefill,
    /// Only when `prefill.attach_email_proof`.
    pub email_proof: Option<EmailProof>,
    /// Only with `email_proof` (it was made with it).
    pub repository_proof: Option<RepositoryProof>,
}

impl Handoff {
    /// Keep the handoff for the request's page; whether it was stored.
    pub fn store(&self) -> bool {
        page_store::put(self)
    }

    /// The handoff the wizard left, if any; it is removed (used once).
    pub fn take() -> Option<Handoff> {
        page_store::take::<Handoff>()
    }
}

impl Stored for Handoff {
    const NAME: &'static str = "handoff";
    const VERSION: u32 = 1;
    const SCOPE: Scope = Scope::Tab;

    fn encode(&self, p: &Pairs) {
        p.text("reason", self.prefill.reason.as_str());
        p.text(
            "codes",
            self.prefill
                .recovery_codes_status
                .map_or("", RecoveryCodesStatus::as_str),
        );
        p.flag("attach_proof", self.prefill.attach_email_proof);
        if let Some(proof) = self
            .email_proof
            .as_ref()
            .filter(|_| self.prefill.attach_email_proof)
        {
            p.text("proof", &proof.proof);
            p.text("proof_address", &proof.address);
            if let Some(repository) = &self.repository_proof {
                p.text("repository_proof", &repository.id);
                p.text("repository_url", &repository.repository_url);
            }
        }
    }

    fn decode(p: &Pairs) -> Option<Handoff> {
        let prefill = RequestPrefill {
            reason: Reason::parse(&p.get("reason")?)?,
            recovery_codes_status: p.get("codes").and_then(|s| RecoveryCodesStatus::parse(&s)),
            attach_email_proof: p.has("attach_proof"),
        };
        let email_proof = match (p.get("proof"), p.get("proof_address")) {
            (Some(proof), Some(address)) if prefill.attach_email_proof => {
                Some(EmailProof { proof, address })
            }
            _ => None,
        };
        let repository_proof = match (p.get("repository_proof"), p.get("repository_url")) {
            (Some(id), Some(repository_url)) if email_proof.is_some() => {
                Some(RepositoryProof { id, repository_url })
            }
            _ => None,
        };
        Some(Handoff {
            prefill,
            email_proof,
            repository_proof,
        })
    }
}
