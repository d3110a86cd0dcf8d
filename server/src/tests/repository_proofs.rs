//! Repository proofs, holds and their cancel links, with the clock moved:
//! a repository listed after the lock-out is refused, a held request is
//! approved only once its hold is over, and a cancelled one never.
//! (`contract/tests/repository_proof.rs` pushes with real git; here a fake
//! forge on loopback advertises the refs.)

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Mutex;

use super::*;
use crate::limits::{DAY, HOUR};

/// A forge on loopback whose every repository advertises `refs` (full
/// names): a test "pushes" by adding one. Its base URL.
fn fake_forge(refs: Arc<Mutex<Vec<String>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let pkt = |s: &str| format!("{:04x}{s}", s.len() + 4);
            let mut body = pkt("# service=git-upload-pack\n") + "0000";
            for (i, name) in refs.lock().unwrap().iter().enumerate() {
                let oid = format!("{:040x}", i + 1);
                body += &pkt(&format!("{oid} {name}\n"));
            }
            body += "0000";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

impl T {
    /// An email proof for `address` (the code read from the outbox).
    async fn email_proof(&self, address: &str) -> String {
        let r = self
            .post("/email-verification", json!({ "email": address }))
            .await;
        assert_eq!(r.status, 202);
        let mail = self.outbox(address).await.remove(0);
        let code = mail["body"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .find(|w| w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()))
            .unwrap()
            .to_string();
        let r = self
            .post(
                "/email-verification/confirm",
                json!({ "email": address, "code": code }),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["proof"].as_str().unwrap().to_string()
    }

    /// Move alice's `project` to the fake forge, listed `listed_at`.
    async fn relist(&self, project: &str, url: &str, listed_at: i64) {
        let (project, url) = (project.to_string(), url.to_string());
        self.state
            .db
            .call(move |c| {
                c.execute(
                    "UPDATE projects SET repository_url = ?2, repository_listed_at = ?3 WHERE name = ?1",
                    rusqlite::params![project, url, listed_at],
                )?;
                Ok(())
            })
            .await
            .unwrap();
    }

    /// File a request for alice with these proofs; (id, status token).
    async fn file(&self, email_proof: &str, repository_proof: Option<&str>) -> (String, String) {
        let mut body = request_body();
        body["email_proof"] = json!(email_proof);
        body["repository_proof"] = json!(repository_proof);
        let key = format!("k-{}", crate::crypto::random_token(""));
        let r = self
            .req(
                Method::POST,
                "/api/v1/recovery-requests",
                Some(body),
                &[("idempotency-key", &key)],
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        (
            r.body["id"].as_str().unwrap().to_string(),
            r.body["status_token"].as_str().unwrap().to_string(),
        )
    }

    async fn status(&self, id: &str, token: &str) -> Value {
        let auth = format!("Bearer {token}");
        let r = self
            .req(
                Method::GET,
                &format!("/api/v1/recovery-requests/{id}"),
                None,
                &[("authorization", &auth)],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body
    }

    /// The cancel token mailed to `address` about request `id`.
    async fn cancel_token(&self, address: &str, id: &str) -> String {
        let page = format!("http://127.0.0.1:8080/status/cancel?id={id}#");
        let mails = self.outbox(address).await;
        let body = mails
            .iter()
            .filter_map(|m| m["body"].as_str())
            .find(|b| b.contains(&page))
            .unwrap_or_else(|| panic!("a notice to {address}: {mails:?}"));
        let link = body
            .split_whitespace()
            .find(|w| w.starts_with(&page))
            .unwrap();
        link[page.len()..].to_string()
    }
}

#[tokio::test]
async fn a_checked_repository_holds_the_request_until_approval_may_act() {
    let t = test_app();
    let refs = Arc::new(Mutex::new(vec!["refs/heads/main".to_string()]));
    let forge = fake_forge(refs.clone());
    let now = t.state.clock.now();
    let repo = format!("{forge}/alice/sampleproject.git");
    t.relist("sampleproject", &repo, now - 400 * DAY).await;
    let proof = t.email_proof("alice@example.org").await;
    // Listed after the address was proven (after the lock-out): no candidate.
    t.relist("alice-utils", &format!("{forge}/alice/utils.git"), now + 1)
        .await;
    let r = t
        .post(
            "/repository-proofs/candidates",
            json!({ "email_proof": proof }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let listed: Vec<&str> = r.body["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["repository_url"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [repo.as_str()]);
    let r = t
        .post(
            "/repository-proofs",
            json!({ "email_proof": proof, "repository_url": format!("{forge}/alice/utils.git") }),
        )
        .await;
    r.assert_problem(422, "repository_not_candidate");

    let r = t
        .post(
            "/repository-proofs",
            json!({ "email_proof": proof, "repository_url": repo }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let id = r.body["proof_id"].as_str().unwrap().to_string();
    let ref_name = r.body["ref_name"].as_str().unwrap().to_string();
    // Not pushed yet: not found, and a request cannot carry it.
    let check = format!("/repository-proofs/{id}/check");
    let r = t.post(&check, json!({ "email_proof": proof })).await;
    r.assert_problem(409, "repository_ref_not_found");
    let mut body = request_body();
    body["email_proof"] = json!(proof);
    body["repository_proof"] = json!(id);
    let r = t
        .req(
            Method::POST,
            "/api/v1/recovery-requests",
            Some(body),
            &[("idempotency-key", "unchecked")],
        )
        .await;
    r.assert_problem(409, "repository_proof_unchecked");
    refs.lock().unwrap().push(format!("refs/heads/{ref_name}"));
    let r = t.post(&check, json!({ "email_proof": proof })).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["ref_name"], format!("refs/heads/{ref_name}"));

    let (request, token) = t.file(&proof, Some(&id)).await;
    let view = t.status(&request, &token).await;
    assert_eq!(view["proofs"].as_array().unwrap().len(), 2, "{view}");
    assert_eq!(view["hold_ends_at"], crate::clock::rfc3339(now + 72 * HOUR));
    assert_eq!(view["queue_position"], 1);
    assert_eq!(
        view["expected_response_by"],
        crate::clock::rfc3339(now + 72 * HOUR + 7 * DAY)
    );
    let shown = crate::ops::show(&t.state.db, &request).unwrap();
    assert!(shown.contains(&format!("refs/heads/{ref_name}")), "{shown}");

    // Before the hold ends: refused, and nothing changed.
    let early = crate::ops::approve(&t.state.db, &request, t.state.clock.now()).unwrap_err();
    assert!(early.contains("hold ends"), "{early}");
    t.state.clock.advance(72 * HOUR + 1);
    let done = crate::ops::approve(&t.state.db, &request, t.state.clock.now()).unwrap();
    assert!(done.contains("approved"), "{done}");
    let alice = t
        .state
        .db
        .call(|c| Ok(crate::store::accounts::user_by_username(c, "alice")?))
        .await
        .unwrap()
        .unwrap();
    assert!(!alice.totp_enabled() && alice.codes_generated_at.is_none());
    let r = t
        .post(
            "/login",
            json!({"username": "alice", "password": demo::password()}),
        )
        .await;
    assert_eq!(r.body["result"], "session", "{}", r.text);
    let view = t.status(&request, &token).await;
    assert_eq!(view["status"], "approved");
    assert_eq!(view["queue_position"], Value::Null);
    let notes: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["note"].as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Two-factor authentication removed")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("password reset link was mailed")),
        "{notes:?}"
    );
}

#[tokio::test]
async fn a_cancelled_hold_is_never_approved_and_its_link_works_once() {
    let t = test_app();
    let proof = t.email_proof("alice@example.org").await;
    let (request, token) = t.file(&proof, None).await;
    // Only an email proof: 7 days.
    let view = t.status(&request, &token).await;
    assert_eq!(
        view["hold_ends_at"],
        crate::clock::rfc3339(t.state.clock.now() + 7 * DAY)
    );
    let cancel_with = t.cancel_token("alice@old-mail.example.net", &request).await;
    let also = t.cancel_token("alice@example.org", &request).await;
    assert_ne!(cancel_with, also, "a token of its own per address");
    let path = format!("/recovery-requests/{request}/cancel");
    let r = t.post(&path, json!({ "token": "ct_wrong" })).await;
    r.assert_problem(422, "cancel_token_invalid");
    t.state.clock.advance(6 * DAY);
    let r = t.post(&path, json!({ "token": cancel_with })).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "closed");
    // Used: neither it nor the other address's token works again.
    for used in [&cancel_with, &also] {
        let r = t.post(&path, json!({ "token": used })).await;
        r.assert_problem(422, "cancel_token_invalid");
    }
    let view = t.status(&request, &token).await;
    assert_eq!(view["status"], "closed");
    t.state.clock.advance(2 * DAY);
    let refused = crate::ops::approve(&t.state.db, &request, t.state.clock.now()).unwrap_err();
    assert!(refused.contains("cancelled"), "{refused}");
    let shown = crate::ops::show(&t.state.db, &request).unwrap();
    assert!(
        shown.contains("CANCELLED") && shown.contains("account flagged"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_cancel_link_ends_with_its_hold() {
    let t = test_app();
    let proof = t.email_proof("alice@example.org").await;
    let (request, _) = t.file(&proof, None).await;
    let token = t.cancel_token("alice@example.org", &request).await;
    t.state.clock.advance(7 * DAY);
    let r = t
        .post(
            &format!("/recovery-requests/{request}/cancel"),
            json!({ "token": token }),
        )
        .await;
    r.assert_problem(422, "cancel_token_invalid");
}

#[tokio::test]
async fn a_request_without_a_proof_is_not_held_and_cannot_be_approved() {
    let t = test_app();
    let (request, token) = t.file("", None).await;
    let view = t.status(&request, &token).await;
    assert_eq!(view["hold_ends_at"], Value::Null);
    assert!(view["proofs"].as_array().unwrap().is_empty());
    assert!(t.outbox("alice@example.org").await.is_empty(), "no notice");
    let refused = crate::ops::approve(&t.state.db, &request, t.state.clock.now()).unwrap_err();
    assert!(refused.contains("no email proof"), "{refused}");
}
