//! Repository proofs, without signing in: after an email proof, the public
//! repositories of the projects of the accounts that address belongs to
//! (`/candidates`), a token for one of them (`/repository-proofs`), and the
//! check that a branch named with it was pushed there (`/{id}/check`).
//! The check reads the repository's refs over git's smart HTTP
//! (`crate::refs`), which decides which URLs may be read.
//!
//! Anti-enumeration: an email proof is had only by reading the mailbox, so
//! listing its accounts' repositories to its holder tells them nothing a
//! username reminder would not; an address of no account answers exactly
//! like an account without repositories (an empty list).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::Json;
use reclaim_core::api::{
    RepositoryCandidate, RepositoryCandidates, RepositoryCandidatesBody, RepositoryProofBody,
    RepositoryProofCheckBody, RepositoryProofChecked, RepositoryProofIssued,
};
use reclaim_core::limits::{REPOSITORY_REF_PREFIX, REPOSITORY_TOKEN_HEX_CHARS};
use reclaim_core::validation::check;
use reclaim_core::ProblemCode;
use rusqlite::{Connection, TransactionBehavior};

use super::{client_key, norm};
use crate::clock::rfc3339;
use crate::crypto::{hex, random_bytes, random_token, sha256_hex};
use crate::extract::ApiJson;
use crate::limits::{
    self, REPOSITORY_CANDIDATES_PER_CLIENT, REPOSITORY_CHECKS_PER_CLIENT,
    REPOSITORY_CHECKS_PER_PROOF, REPOSITORY_PROOFS_PER_CLIENT, REPOSITORY_PROOFS_PER_EMAIL_PROOF,
};
use crate::openapi::JSON_BODY;
use crate::problem::{ApiError, ApiResult};
use crate::refs::{pkt_line, RepositoryPolicy, Unreadable};
use crate::state::AppState;
use crate::store::email_codes::{self, LiveProof};
use crate::store::repository_proofs::{self as store, Candidate, Found, Proof};

fn email_proof_invalid() -> ApiError {
    ApiError::new(ProblemCode::EmailProofInvalid, "Email proof not valid")
}

/// The live email proof `proof`.
fn live_email_proof(c: &Connection, proof: &str, now: i64) -> ApiResult<LiveProof> {
    email_codes::live_proof(c, &sha256_hex(proof.trim()), now)?.ok_or_else(email_proof_invalid)
}

/// The candidates of `proof` that the policy lets the server read: listed
/// before the address was proven (after that is after the lock-out).
fn candidates(
    c: &Connection,
    proof: &LiveProof,
    policy: &RepositoryPolicy,
) -> rusqlite::Result<Vec<Candidate>> {
    Ok(store::candidates(c, &proof.email, proof.proven_at)?
        .into_iter()
        .filter(|c| policy.advertisement_url(&c.repository_url).is_ok())
        .collect())
}

crate::problems!(
    /// What `POST /repository-proofs/candidates` answers besides 200.
    CandidatesProblems: JSON_BODY, &[ProblemCode::EmailProofInvalid, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/repository-proofs/candidates", tag = "repository proofs", request_body = RepositoryCandidatesBody,
    description = "The public repositories that can prove an account of the proven address is yours: those of the projects of every account whose current or previous address it is, on a forge the server reads (https; by default GitHub, GitLab, Codeberg, Bitbucket, SourceHut), listed on their project before the address was proven. An address of no account answers an empty list, like an account without repositories. An unknown or expired email proof is 422 `email_proof_invalid`. 30 an hour per client (429).",
    responses(
        (status = 200, body = RepositoryCandidates),
        CandidatesProblems,
    ))]
pub async fn list_candidates(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<RepositoryCandidatesBody>,
) -> ApiResult<Json<RepositoryCandidates>> {
    check(&body).map_err(ApiError::validation)?;
    let now = state.clock.now();
    let client = client_key(&ext);
    let policy = state.settings.repositories.clone();
    let found = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[(
                    &format!("repo-candidates:ip:{client}"),
                    REPOSITORY_CANDIDATES_PER_CLIENT,
                )],
                now,
            )?;
            let proof = match live_email_proof(&tx, &body.email_proof, now) {
                Ok(proof) => proof,
                Err(e) => return super::commit_then(tx, e),
            };
            let found = candidates(&tx, &proof, &policy)?;
            tx.commit()?;
            Ok(found)
        })
        .await?;
    Ok(Json(RepositoryCandidates {
        candidates: found
            .into_iter()
            .map(|c| RepositoryCandidate {
                project: c.project,
                repository_url: c.repository_url,
                listed_since: rfc3339(c.listed_at),
            })
            .collect(),
    }))
}

/// What the requester is told to run: clone, an empty commit, and a push
/// of it to the branch named with the token.
fn commands(repository_url: &str, ref_name: &str) -> Vec<String> {
    vec![
        format!("git clone {repository_url} reclaim-proof"),
        "cd reclaim-proof".into(),
        "git commit --allow-empty -m \"Account recovery proof\"".into(),
        format!("git push origin HEAD:refs/heads/{ref_name}"),
    ]
}

fn issued(p: &Proof) -> RepositoryProofIssued {
    let ref_name = format!("{REPOSITORY_REF_PREFIX}{}", p.token);
    RepositoryProofIssued {
        proof_id: p.public_id.clone(),
        token: p.token.clone(),
        commands: commands(&p.repository_url, &ref_name),
        ref_name,
        repository_url: p.repository_url.clone(),
        expires_at: rfc3339(p.expires_at),
    }
}

crate::problems!(
    /// What `POST /repository-proofs` answers besides 200.
    IssueProblems: JSON_BODY, &[ProblemCode::EmailProofInvalid, ProblemCode::RepositoryNotCandidate, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/repository-proofs", tag = "repository proofs", request_body = RepositoryProofBody,
    description = "A token for one of the candidates (`repository_url` exactly as `/repository-proofs/candidates` lists it): push a branch (or tag) named `ref_name`, `reclaim-` and the 16 lowercase hex characters of `token`, to the repository (it needs no commits of its own and can be deleted once checked), then `POST /repository-proofs/{proof_id}/check`. Asking again for the same email proof and repository gives the same proof. It works as long as its email proof. A repository that is not a candidate (not the account's, listed after the address was proven, or on a forge the server does not read) is 422 `repository_not_candidate`. 10 an hour per email proof, 20 per client (429).",
    responses(
        (status = 200, body = RepositoryProofIssued),
        IssueProblems,
    ))]
pub async fn issue(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    ApiJson(body): ApiJson<RepositoryProofBody>,
) -> ApiResult<Json<RepositoryProofIssued>> {
    check(&body).map_err(ApiError::validation)?;
    let now = state.clock.now();
    let client = client_key(&ext);
    let policy = state.settings.repositories.clone();
    let email_hash = sha256_hex(body.email_proof.trim());
    let proof = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[
                    (
                        &format!("repo-proofs:{email_hash}"),
                        REPOSITORY_PROOFS_PER_EMAIL_PROOF,
                    ),
                    (
                        &format!("repo-proofs:ip:{client}"),
                        REPOSITORY_PROOFS_PER_CLIENT,
                    ),
                ],
                now,
            )?;
            let email = match live_email_proof(&tx, &body.email_proof, now) {
                Ok(email) => email,
                Err(e) => return super::commit_then(tx, e),
            };
            let chosen = candidates(&tx, &email, &policy)?
                .into_iter()
                .find(|c| c.repository_url == body.repository_url.trim());
            let Some(chosen) = chosen else {
                return super::commit_then(
                    tx,
                    ApiError::new(
                        ProblemCode::RepositoryNotCandidate,
                        "Not a repository that can prove this account",
                    ),
                );
            };
            let proof = match store::live_for(&tx, &email_hash, &chosen, now)? {
                Some(proof) => proof,
                None => {
                    let token = hex(&random_bytes::<{ REPOSITORY_TOKEN_HEX_CHARS / 2 }>());
                    let public_id = random_token("rp_");
                    store::insert(
                        &tx,
                        &public_id,
                        &email_hash,
                        &chosen,
                        &token,
                        email.expires_at,
                        now,
                    )?
                }
            };
            tx.commit()?;
            Ok(proof)
        })
        .await?;
    Ok(Json(issued(&proof)))
}

crate::problems!(
    /// What `POST /repository-proofs/{id}/check` answers besides 200.
    CheckProblems: JSON_BODY, &[ProblemCode::RepositoryProofInvalid, ProblemCode::RepositoryRefNotFound, ProblemCode::RepositoryUnreachable, ProblemCode::RateLimited]
);

#[utoipa::path(post, path = "/repository-proofs/{id}/check", tag = "repository proofs", request_body = RepositoryProofCheckBody,
    description = "Reads the repository's refs over git's smart HTTP (`GET {repository}/info/refs?service=git-upload-pack`: https, an allowed forge, 10 s, 1 MiB, no redirect followed) and looks for `refs/heads/reclaim-{token}` or `refs/tags/reclaim-{token}`. Found: the ref and its commit are stored with the time, and a request can carry the proof (`repository_proof`); a proof found once stays found. Not there (yet) is 409 `repository_ref_not_found`; a host that does not answer as a git server in time is 502 `repository_unreachable`; an unknown id, or one made with another email proof, is 422 `repository_proof_invalid`. 10 checks per 15 minutes per proof, 30 per client (429).",
    params(("id" = String, Path, description = "The `proof_id` of `POST /repository-proofs`")),
    responses(
        (status = 200, body = RepositoryProofChecked),
        CheckProblems,
    ))]
pub async fn check_repository(
    State(state): State<AppState>,
    ext: axum::http::Extensions,
    id: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<RepositoryProofCheckBody>,
) -> ApiResult<Json<RepositoryProofChecked>> {
    check(&body).map_err(ApiError::validation)?;
    let id = id.map(|Path(id)| id).unwrap_or_default();
    let now = state.clock.now();
    let client = client_key(&ext);
    let email_hash = sha256_hex(body.email_proof.trim());
    // Reserved before the slow work (the forge), like every limit.
    let proof = state
        .db
        .call(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let _ = limits::reserve(
                &tx,
                &[
                    (
                        &format!("repo-check:{}", norm(&id)),
                        REPOSITORY_CHECKS_PER_PROOF,
                    ),
                    (
                        &format!("repo-check:ip:{client}"),
                        REPOSITORY_CHECKS_PER_CLIENT,
                    ),
                ],
                now,
            )?;
            let proof = store::live(&tx, &id, &email_hash, now)?;
            tx.commit()?;
            proof.ok_or_else(|| {
                ApiError::new(
                    ProblemCode::RepositoryProofInvalid,
                    "No such repository proof for this email proof",
                )
            })
        })
        .await?;
    let found = match &proof.found {
        Some(found) => found.clone(),
        None => {
            let found = find_token_ref(&state.settings.repositories, &proof, now).await?;
            let (row, f) = (proof.id, found.clone());
            state
                .db
                .call(move |c| Ok(store::record_found(c, row, &f)?))
                .await?;
            found
        }
    };
    Ok(Json(RepositoryProofChecked {
        proof_id: proof.public_id,
        repository_url: proof.repository_url,
        ref_name: found.ref_name,
        commit: found.commit,
        checked_at: rfc3339(found.at),
    }))
}

/// Read the proof's repository (on a worker thread: the read blocks) and
/// find the branch or tag named with its token.
async fn find_token_ref(policy: &RepositoryPolicy, proof: &Proof, now: i64) -> ApiResult<Found> {
    let (policy, url) = (policy.clone(), proof.repository_url.clone());
    let refs = tokio::task::spawn_blocking(move || policy.read_refs(&url))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            let why = match e {
                Unreadable::NotAllowed(why) => why.to_string(),
                Unreadable::Unreachable(why) => why,
            };
            ApiError::new(
                ProblemCode::RepositoryUnreachable,
                "The repository could not be read",
            )
            .detail(format!("{}: {why}.", proof.repository_url))
        })?;
    let ref_name = format!("{REPOSITORY_REF_PREFIX}{}", proof.token);
    let (ref_name, commit) = pkt_line::find(&refs, &ref_name).ok_or_else(|| {
        ApiError::new(ProblemCode::RepositoryRefNotFound, "Branch not found yet").detail(format!(
            "{} has no branch or tag {ref_name} yet.",
            proof.repository_url
        ))
    })?;
    Ok(Found {
        ref_name,
        commit,
        at: now,
    })
}
