//! The repository proof, end to end with plain git: after an email proof,
//! the account's repositories (`/repository-proofs/candidates`), a token for
//! one (`/repository-proofs`), a real `git push` of a branch named with it
//! to the demo server's own repository (smart HTTP, `/demo-git/…`), the
//! server's check (`/repository-proofs/{id}/check`), then a request that
//! carries both proofs and is held: every address of the account gets a
//! "This wasn't me" link, whose token cancels the request once however many
//! use it at the same moment; `requests approve` refuses before the hold
//! ends and after a cancel, and once a (short) hold is over it removes the
//! second factors and mails a reset link.
//!
//! Demo mode, with `git` on the test machine: the demo serves a repository
//! for each project whose fixture repository is a path.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use reclaim_contract::api::{
    EmailProof, RecoveryRequestCreated, RecoveryRequestStatusView, RepositoryCandidates,
    RepositoryProofChecked, RepositoryProofIssued,
};
use reclaim_contract::{
    concurrently, demo, demo_api, fresh_api, own_server, request_body, submit_request, unique,
    unique_email, Api, Client,
};
use serde_json::json;

/// An email proof for `address`: a code by mail, confirmed. (The mail is
/// in the outbox once the 202 is; the newest code mail is this one.)
fn email_proof(api: &Api, client: &Client, address: &str) -> String {
    client
        .post_json("/email-verification", &json!({ "email": address }))
        .expect(202);
    let mail = api
        .wait_for_mail(address, Duration::from_secs(5), |m| {
            m.subject.contains("one-time code") && m.code().is_some()
        })
        .expect("a one-time code by mail");
    let r = client.post_json(
        "/email-verification/confirm",
        &json!({ "email": address, "code": mail.code().unwrap() }),
    );
    r.expect(200);
    r.parse::<EmailProof>().proof
}

/// Run git in `dir`; its output, trimmed. Panics when it fails.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Contract test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Contract test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// What the proof's commands say, done: clone, an empty commit, push it
/// to the branch named with the token. The commit pushed.
fn push_token_branch(issued: &RepositoryProofIssued) -> String {
    let dir: PathBuf = std::env::temp_dir().join(unique("reclaim-push"));
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["clone", "--quiet", &issued.repository_url, "clone"]);
    let clone = dir.join("clone");
    git(
        &clone,
        &["commit", "--quiet", "--allow-empty", "-m", "proof"],
    );
    let refspec = format!("HEAD:refs/heads/{}", issued.ref_name);
    git(&clone, &["push", "--quiet", "origin", &refspec]);
    let commit = git(&clone, &["rev-parse", "HEAD"]);
    std::fs::remove_dir_all(&dir).unwrap();
    commit
}

/// alice's email proof and a checked proof of her repository
/// `sampleproject`, pushed with git; the commit pushed.
fn alice_proves_her_repository(
    api: &Api,
    client: &Client,
) -> (String, RepositoryProofIssued, String) {
    let proof = email_proof(api, client, demo::alice_email());
    let r = client.post_json(
        "/repository-proofs/candidates",
        &json!({ "email_proof": proof }),
    );
    r.expect(200);
    let candidates: RepositoryCandidates = r.parse();
    let sample = demo::account("alice")
        .projects
        .iter()
        .find(|p| p.name == "sampleproject")
        .unwrap();
    let url = sample.repository_at(&api.app).unwrap();
    let listed: Vec<&str> = candidates
        .candidates
        .iter()
        .map(|c| c.repository_url.as_str())
        .collect();
    assert!(listed.contains(&url.as_str()), "{listed:?}");
    let since = &candidates
        .candidates
        .iter()
        .find(|c| c.repository_url == url)
        .unwrap()
        .listed_since;
    assert_eq!(Some(since), sample.repository_listed_at.as_ref());

    let r = client.post_json(
        "/repository-proofs",
        &json!({ "email_proof": proof, "repository_url": url }),
    );
    r.expect(200);
    let issued: RepositoryProofIssued = r.parse();
    assert_eq!(issued.token.len(), 16);
    assert!(issued
        .token
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(issued.ref_name, format!("reclaim-{}", issued.token));
    assert!(issued.commands.iter().any(|c| c.contains(&issued.ref_name)));
    // Asking again gives the same token, not another branch to push.
    let again: RepositoryProofIssued = client
        .post_json(
            "/repository-proofs",
            &json!({ "email_proof": proof, "repository_url": url }),
        )
        .parse();
    assert_eq!(again.token, issued.token);

    let check = format!("/repository-proofs/{}/check", issued.proof_id);
    let r = client.post_json(&check, &json!({ "email_proof": proof }));
    r.problem(409, Some("repository_ref_not_found"));
    let commit = push_token_branch(&issued);
    let r = client.post_json(&check, &json!({ "email_proof": proof }));
    r.expect(200);
    let checked: RepositoryProofChecked = r.parse();
    assert_eq!(checked.ref_name, format!("refs/heads/{}", issued.ref_name));
    assert_eq!(checked.commit, commit);
    // Another email proof does not open it.
    let other = email_proof(api, client, &unique_email());
    client
        .post_json(&check, &json!({ "email_proof": other }))
        .problem(422, Some("repository_proof_invalid"));
    (proof, issued, commit)
}

/// File a lost-2FA request for alice carrying both proofs; its id and status token.
fn file(client: &Client, email_proof: &str, repository_proof: &str) -> (String, String) {
    let mut body = request_body("alice");
    body["email_proof"] = json!(email_proof);
    body["repository_proof"] = json!(repository_proof);
    let r = submit_request(client, &unique("key"), &body);
    r.expect(201);
    let created: RecoveryRequestCreated = r.parse();
    (created.id, created.status_token)
}

fn status(client: &Client, id: &str, token: &str) -> RecoveryRequestStatusView {
    let r = client
        .get(&format!("/recovery-requests/{id}"))
        .header("Authorization", &format!("Bearer {token}"))
        .send();
    r.expect(200);
    r.parse()
}

/// The cancel token of the notice about request `id` mailed to `address`:
/// the fragment of its link, which names the request in its query.
fn cancel_token(api: &Api, address: &str, id: &str) -> String {
    let page = format!("{}/status/cancel?id={id}#", api.app);
    let mail = api
        .wait_for_mail(address, Duration::from_secs(5), |m| m.text.contains(&page))
        .unwrap_or_else(|| panic!("a notice to {address}: {:?}", api.mails_to(address)));
    let link = mail
        .text
        .split_whitespace()
        .find(|w| w.starts_with(&page))
        .unwrap();
    let token = &link[page.len()..];
    assert!(token.starts_with("ct_") && token.len() > 40, "{link}");
    token.to_string()
}

#[test]
fn a_pushed_branch_proves_the_repository_and_the_held_request_is_cancelled_once() {
    let Some(api) = fresh_api(
        "a_pushed_branch_proves_the_repository_and_the_held_request_is_cancelled_once",
        true,
    ) else {
        return;
    };
    let client = api.client();
    let (proof, issued, commit) = alice_proves_her_repository(&api, &client);

    // A repository listed on its project after the day access was lost
    // proves nothing (sampleproject is listed since 2024-05-02).
    let mut body = request_body("alice");
    body["email_proof"] = json!(proof);
    body["repository_proof"] = json!(issued.proof_id);
    body["lost_access_on"] = json!("2024-05-01");
    submit_request(&client, &unique("key"), &body).problem(422, Some("repository_not_candidate"));
    // Nor does it count for another account.
    let mut body = request_body("bob");
    body["email_proof"] = json!(proof);
    body["repository_proof"] = json!(issued.proof_id);
    submit_request(&client, &unique("key"), &body).problem(422, Some("repository_proof_invalid"));

    let (id, token) = file(&client, &proof, &issued.proof_id);
    let view = status(&client, &id, &token);
    let kinds: Vec<_> = view.proofs.iter().map(|p| p.kind).collect();
    assert_eq!(kinds.len(), 2, "{view:?}");
    let repo = view
        .proofs
        .iter()
        .find(|p| p.repository_url.is_some())
        .unwrap();
    assert_eq!(repo.commit.as_deref(), Some(commit.as_str()));
    assert!(
        view.hold_ends_at.is_some() && view.expected_response_by.is_some(),
        "{view:?}"
    );
    assert!(view.queue_position.is_some_and(|p| p >= 1), "{view:?}");

    // Support sees the evidence, and cannot act before the hold ends.
    if let Some(shown) = api.operator(&["requests", "show", &id]) {
        assert!(shown.contains("the account's CURRENT address"), "{shown}");
        assert!(
            shown.contains(&format!("refs/heads/{}", issued.ref_name)),
            "{shown}"
        );
        assert!(
            shown.contains(&commit) && shown.contains("hold:                  until"),
            "{shown}"
        );
        let (ok, _, err) = api.operator_outcome(&["requests", "approve", &id]).unwrap();
        assert!(!ok && err.contains("hold ends"), "{err}");
    }

    // Both of alice's addresses are told; either link cancels, once.
    let current = cancel_token(&api, demo::alice_email(), &id);
    let previous = &demo::account("alice").previous_emails[0].email;
    let _ = cancel_token(&api, previous, &id);
    let cancel = format!("/recovery-requests/{id}/cancel");
    let answers = concurrently(8, |_| {
        api.client()
            .post_json(&cancel, &json!({ "token": current }))
            .status
    });
    assert_eq!(
        answers.iter().filter(|s| **s == 200).count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|s| *s == 200 || *s == 422),
        "{answers:?}"
    );
    client
        .post_json(&cancel, &json!({ "token": current }))
        .problem(422, Some("cancel_token_invalid"));
    let view = status(&client, &id, &token);
    assert_eq!(view.status.as_str(), "closed");
    assert!(view.timeline.iter().any(|t| t
        .note
        .as_deref()
        .is_some_and(|n| n.contains("This wasn't me"))));

    if let Some(shown) = api.operator(&["requests", "show", &id]) {
        assert!(
            shown.contains("CANCELLED") && shown.contains("account flagged"),
            "{shown}"
        );
        let (ok, _, err) = api.operator_outcome(&["requests", "approve", &id]).unwrap();
        assert!(!ok && err.contains("cancelled"), "{err}");
    }
}

#[test]
fn approval_after_the_hold_removes_the_second_factors_and_mails_a_reset_link() {
    let Some(api) = own_server(
        "approval_after_the_hold_removes_the_second_factors_and_mails_a_reset_link",
        &["--hold-with-repository", "2s"],
    ) else {
        return;
    };
    let client = api.client();
    let (proof, issued, _) = alice_proves_her_repository(&api, &client);
    let (id, token) = file(&client, &proof, &issued.proof_id);
    let (ok, _, err) = api.operator_outcome(&["requests", "approve", &id]).unwrap();
    assert!(!ok && err.contains("hold ends"), "{err}");
    std::thread::sleep(Duration::from_secs(3));
    let out = api.operator(&["requests", "approve", &id]).unwrap();
    assert!(
        out.contains("approved") && out.contains("Two-factor authentication removed"),
        "{out}"
    );
    let view = status(&client, &id, &token);
    assert_eq!(view.status.as_str(), "approved");
    // A reset link to the proven address, and alice signs in with her
    // password alone: her authenticator and codes are gone.
    let reset = api.wait_for_mail(demo::alice_email(), Duration::from_secs(5), |m| {
        m.link().is_some_and(|l| l.contains("reset-password"))
    });
    assert!(reset.is_some(), "{:?}", api.mails_to(demo::alice_email()));
    let r = api.client().login("alice", demo::password());
    r.expect(200);
    assert_eq!(r.json()["result"], "session", "{}", r.text());
    // Approved once: again is refused.
    let (ok, _, err) = api.operator_outcome(&["requests", "approve", &id]).unwrap();
    assert!(!ok && err.contains("approved"), "{err}");
}

#[test]
fn only_the_accounts_repositories_are_candidates() {
    let Some(api) = demo_api("only_the_accounts_repositories_are_candidates") else {
        return;
    };
    let client = api.client();
    // An address of no account: the same shape, no candidates.
    let nobody = email_proof(api, &client, &unique_email());
    let r = client.post_json(
        "/repository-proofs/candidates",
        &json!({ "email_proof": nobody }),
    );
    r.expect(200);
    assert_eq!(r.json(), json!({ "candidates": [] }));
    // bob's repository with alice's proof.
    let alice = email_proof(api, &client, demo::alice_email());
    let bobs = demo::account("bob").projects[0]
        .repository_at(&api.app)
        .unwrap();
    client
        .post_json(
            "/repository-proofs",
            &json!({ "email_proof": alice, "repository_url": bobs }),
        )
        .problem(422, Some("repository_not_candidate"));
    client
        .post_json(
            "/repository-proofs/candidates",
            &json!({ "email_proof": "ep_nothing" }),
        )
        .problem(422, Some("email_proof_invalid"));
}
