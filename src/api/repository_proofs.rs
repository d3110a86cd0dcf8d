//! Repository proofs: which of the account's repositories can be used, a
//! token to push, and the server's check of the pushed branch. Each call
//! carries the email proof the wizard holds (it stands for the address).

use reclaim_core::api::{
    RepositoryCandidates, RepositoryCandidatesBody, RepositoryProofBody, RepositoryProofCheckBody,
    RepositoryProofChecked, RepositoryProofIssued,
};

use super::{ApiClient, ApiError};

impl ApiClient {
    /// `POST /repository-proofs/candidates`: the account's public
    /// repositories listed before the lock-out.
    pub async fn repository_candidates(
        &self,
        email_proof: &str,
    ) -> Result<RepositoryCandidates, ApiError> {
        let body = RepositoryCandidatesBody {
            email_proof: email_proof.to_string(),
        };
        self.call("POST", "/repository-proofs/candidates")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /repository-proofs`: the token (and commands) for one of them.
    pub async fn issue_repository_proof(
        &self,
        email_proof: &str,
        repository_url: &str,
    ) -> Result<RepositoryProofIssued, ApiError> {
        let body = RepositoryProofBody {
            email_proof: email_proof.to_string(),
            repository_url: repository_url.to_string(),
        };
        self.call("POST", "/repository-proofs")
            .json(&body)?
            .answer()
            .await
    }

    /// `POST /repository-proofs/{id}/check`: whether the branch is there now.
    pub async fn check_repository_proof(
        &self,
        proof_id: &str,
        email_proof: &str,
    ) -> Result<RepositoryProofChecked, ApiError> {
        let body = RepositoryProofCheckBody {
            email_proof: email_proof.to_string(),
        };
        let path = format!(
            "/repository-proofs/{}/check",
            crate::browser::encode_component(proof_id)
        );
        self.call("POST", &path).json(&body)?.answer().await
    }
}
