//! Mail that cannot be abused: a global budget for mail anyone can trigger,
//! a recipient the relay refuses is marked failed and skipped (a fake SMTP
//! relay here answers 550), no live secret stays in the stored copy of a sent
//! mail, and the operator view says which address an email proof proved.
//! The demo outbox answers only a loopback `Host` (DNS rebinding). Mails
//! carry what they mention: a request's mails its request ID and status
//! page, a notice its time with the zone and, where it says to contact
//! support, the support address.
//!
//! These start reference servers with flags of their own (`--mail-budget`,
//! `--smtp-url`) or read the operator view, so against your API they are
//! skipped (the per-client limits are in `bursts.rs`).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reclaim_contract::{
    api, demo, demo_api, fresh_api, own_server, request_body, submit_request, unique, Api, Mail,
};
use serde_json::json;

#[test]
fn mail_beyond_the_budget_is_dropped_with_the_same_answer() {
    let Some(api) = own_server(
        "mail_beyond_the_budget_is_dropped_with_the_same_answer",
        &["--mail-budget", "3"],
    ) else {
        return;
    };
    let tag = unique("budget");
    let answers: Vec<_> = (0..5)
        .map(|i| {
            let r = api.client().post_json(
                "/email-verification",
                &json!({"email": format!("{tag}-{i}@example.org")}),
            );
            r.expect(202);
            r.text()
        })
        .collect();
    assert!(
        answers.iter().all(|a| *a == answers[0]),
        "the same answer within and beyond the budget: {answers:?}"
    );
    let sent = api
        .outbox()
        .iter()
        .filter(|m| m.to.starts_with(&tag))
        .count();
    assert_eq!(sent, 3, "3 mails an hour, the rest dropped");
}

/// What the fake relay saw.
#[derive(Default)]
struct Relay {
    /// Every RCPT TO, refused or not.
    rcpt: Vec<String>,
    /// (recipient, message text) of every accepted message.
    delivered: Vec<(String, String)>,
}

/// A minimal SMTP relay on loopback that refuses (550) recipients starting
/// with `refused-` and accepts the others.
fn fake_relay() -> (u16, Arc<Mutex<Relay>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake relay");
    let port = listener.local_addr().unwrap().port();
    let relay = Arc::new(Mutex::new(Relay::default()));
    let seen = relay.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let _ = smtp_session(stream, &seen);
            });
        }
    });
    (port, relay)
}

fn smtp_session(stream: TcpStream, seen: &Mutex<Relay>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 fake-relay ESMTP\r\n")?;
    let mut to = String::new();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            out.write_all(b"250 fake-relay\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            let addr = line[8..].trim().trim_matches(['<', '>']).to_string();
            seen.lock().unwrap().rcpt.push(addr.clone());
            if addr.starts_with("refused-") {
                out.write_all(b"550 5.1.1 No such mailbox\r\n")?;
            } else {
                to = addr;
                out.write_all(b"250 OK\r\n")?;
            }
        } else if upper.starts_with("DATA") {
            out.write_all(b"354 go ahead\r\n")?;
            let mut text = String::new();
            loop {
                let mut l = String::new();
                if lines.read_line(&mut l)? == 0 || l == ".\r\n" {
                    break;
                }
                text.push_str(&l);
            }
            // Undo quoted-printable, should the mail use it.
            let text = text.replace("=\r\n", "").replace("=3D", "=");
            seen.lock().unwrap().delivered.push((to.clone(), text));
            out.write_all(b"250 queued\r\n")?;
        } else if upper.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            // MAIL FROM, RSET, NOOP, …
            out.write_all(b"250 OK\r\n")?;
        }
    }
}

fn wait_until(timeout: Duration, mut ok: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + timeout;
    while Instant::now() < until {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    ok()
}

fn outbox_mail(api: &Api, to: &str) -> Mail {
    api.mails_to(to).pop().expect("a mail in the outbox")
}

#[test]
fn a_refused_recipient_is_marked_failed_and_the_queue_goes_on() {
    let (port, relay) = fake_relay();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let Some(api) = own_server(
        "a_refused_recipient_is_marked_failed_and_the_queue_goes_on",
        &["--smtp-url", &smtp],
    ) else {
        return;
    };
    let refused = format!("refused-{}@example.org", unique("r"));
    let accepted = format!("{}@example.org", unique("ok"));
    for to in [&refused, &accepted] {
        api.client()
            .post_json("/email-verification", &json!({ "email": to }))
            .expect(202);
    }
    assert!(
        wait_until(Duration::from_secs(20), || relay
            .lock()
            .unwrap()
            .delivered
            .iter()
            .any(|(to, _)| *to == accepted)),
        "the mail queued after a refused one is delivered"
    );
    assert!(wait_until(Duration::from_secs(10), || outbox_mail(
        &api, &refused
    )
    .field("state")
        == Some("failed")));
    assert_eq!(outbox_mail(&api, &accepted).field("state"), Some("sent"));
    // A permanent refusal is not retried.
    std::thread::sleep(Duration::from_secs(2));
    let tries = relay
        .lock()
        .unwrap()
        .rcpt
        .iter()
        .filter(|r| **r == refused)
        .count();
    assert_eq!(tries, 1, "one attempt for a refused recipient");

    // The one-time code went out, and our copy no longer has it.
    let code = {
        let relay = relay.lock().unwrap();
        let (_, text) = relay
            .delivered
            .iter()
            .find(|(to, _)| *to == accepted)
            .unwrap();
        Mail {
            to: accepted.clone(),
            subject: String::new(),
            text: text.clone(),
            raw: json!({}),
        }
        .digits(8)
        .expect("the relay got the 8-digit code")
    };
    let kept = outbox_mail(&api, &accepted);
    assert!(
        !kept.text.contains(&code),
        "the stored copy lost the code: {}",
        kept.text
    );

    // The same for a reset link: the token leaves our copy once sent.
    api.client()
        .post_json("/password-reset", &json!({"identifier": "bob"}))
        .expect(202);
    assert!(wait_until(Duration::from_secs(20), || relay
        .lock()
        .unwrap()
        .delivered
        .iter()
        .any(|(to, _)| to == demo::bob_email())));
    let token = {
        let relay = relay.lock().unwrap();
        let (_, text) = relay
            .delivered
            .iter()
            .find(|(to, _)| to == demo::bob_email())
            .unwrap();
        let i = text.find("token=").expect("a reset link") + "token=".len();
        text[i..]
            .split(|c: char| c.is_whitespace() || c == '=')
            .next()
            .unwrap()
            .to_string()
    };
    assert!(token.len() > 20, "{token}");
    assert!(wait_until(Duration::from_secs(5), || outbox_mail(
        &api,
        demo::bob_email()
    )
    .field("state")
        == Some("sent")));
    let kept = outbox_mail(&api, demo::bob_email());
    assert!(
        !kept.text.contains(&token),
        "the stored copy lost the link: {}",
        kept.text
    );
}

/// Prove `address` with a one-time code from the demo outbox; the proof.
fn prove(api: &Api, address: &str) -> String {
    let client = api.client();
    client
        .post_json("/email-verification", &json!({ "email": address }))
        .expect(202);
    let code = api
        .wait_for_mail(address, Duration::from_secs(5), |m| m.digits(8).is_some())
        .and_then(|m| m.digits(8))
        .expect("a one-time code");
    let r = client.post_json(
        "/email-verification/confirm",
        &json!({ "email": address, "code": code }),
    );
    r.expect(200);
    r.json()["proof"].as_str().unwrap().to_string()
}

#[test]
fn the_operator_view_names_what_an_email_proof_proved() {
    let api = api();
    if api.database.is_none() {
        reclaim_contract::skip(
            "the_operator_view_names_what_an_email_proof_proved: reads the reference server's operator view",
        );
        return;
    }
    let file = |address: &str, contact: &str| -> String {
        let mut body = request_body("alice");
        body["contact_email"] = json!(contact);
        body["email_proof"] = json!(prove(api, address));
        let r = submit_request(&api.client(), &unique("proof"), &body);
        r.expect(201);
        let id = r.json()["id"].as_str().unwrap().to_string();
        api.operator(&["requests", "show", &id]).unwrap()
    };
    // A stranger proves their own address and asks for alice's account.
    let stranger = format!("{}@example.org", unique("stranger"));
    let view = file(&stranger, &stranger);
    assert!(view.contains(&stranger), "{view}");
    assert!(view.contains("NOT an address of this account"), "{view}");
    assert!(!view.contains("verified:  yes"), "{view}");
    // alice's own address, and her previous one.
    let view = file(demo::alice_email(), &stranger);
    assert!(view.contains("CURRENT address"), "{view}");
    let view = file("alice@old-mail.example.net", &stranger);
    assert!(view.contains("PREVIOUS address"), "{view}");
}

#[test]
fn the_demo_outbox_answers_only_a_loopback_host() {
    let Some(api) = demo_api("the_demo_outbox_answers_only_a_loopback_host") else {
        return;
    };
    // A page on evil.example whose name the attacker re-points at 127.0.0.1
    // (DNS rebinding) reaches the demo from the visitor's own browser, a
    // loopback peer, but its requests carry `Host: evil.example`.
    let client = api.client();
    client.get("/demo/outbox").send().expect(200);
    let port = api.socket_addr().port();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        "10.0.0.1".to_string(),
    ] {
        let r = client.get("/demo/outbox").header("Host", &host).send();
        r.problem(404, Some("not_found"));
        assert!(!r.text().contains("\"mails\""), "Host {host}: {}", r.text());
    }
    if api.local {
        // The reference server: the loopback names, with or without a port.
        for host in [
            "localhost".to_string(),
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            "[::1]".to_string(),
            format!("[::1]:{port}"),
        ] {
            let r = client.get("/demo/outbox").header("Host", &host).send();
            assert_eq!(r.status, 200, "Host {host}: {}", r.text());
        }
    }
}

#[test]
fn a_requests_mails_name_its_request_id_and_lead_to_its_status_page() {
    let Some(api) = demo_api("a_requests_mails_name_its_request_id_and_lead_to_its_status_page")
    else {
        return;
    };
    let body = request_body(&unique("ct"));
    let contact = body["contact_email"].as_str().unwrap().to_string();
    let r = submit_request(&api.client(), &unique("key"), &body);
    r.expect(201);
    let created: api::RecoveryRequestCreated = r.parse();
    let page = format!("/status?id={}", created.id);
    let check = |mail: &Mail| {
        assert!(
            mail.text.contains(&format!("request ID {}", created.id))
                || mail.text.contains(&format!("request ID is {}", created.id)),
            "{}",
            mail.text
        );
        let link = mail.link().expect("a link to the status page");
        assert!(link.ends_with(&page), "{link}");
        if api.local {
            assert_eq!(link, format!("{}{page}", api.app));
        }
        assert!(
            mail.text.contains("I do not have my status token"),
            "how to get a lost token back: {}",
            mail.text
        );
        assert!(!mail.text.contains(&created.status_token), "{}", mail.text);
    };
    let received = api
        .wait_for_mail(&contact, Duration::from_secs(5), |m| {
            m.text.contains(&created.id)
        })
        .expect("the request's confirmation");
    check(&received);
    // Support's update, from the operator command: the link leads to the
    // server that took the request.
    if api
        .operator(&["requests", "set-status", &created.id, "in_review"])
        .is_some()
    {
        let updated = api
            .wait_for_mail(&contact, Duration::from_secs(5), |m| {
                m.subject.contains("updated")
            })
            .expect("the update");
        check(&updated);
    }
}

#[test]
fn a_notice_names_its_time_with_the_zone_and_the_support_address() {
    let Some(api) = fresh_api(
        "a_notice_names_its_time_with_the_zone_and_the_support_address",
        true,
    ) else {
        return;
    };
    let client = api.client();
    client
        .post_json("/password-reset", &json!({"identifier": "bob"}))
        .expect(202);
    let link = api
        .wait_for_mail(demo::bob_email(), Duration::from_secs(5), |m| {
            m.text.contains("token=")
        })
        .and_then(|m| m.link())
        .expect("a reset link");
    let token = link.split("token=").nth(1).unwrap().to_string();
    let r = client.post_json(
        "/password-reset/confirm",
        &json!({ "token": token, "new_password": "a-new-long-password-for-bob" }),
    );
    assert!(r.status == 200 || r.status == 204, "{}", r.text());
    let notice = api
        .wait_for_mail(demo::bob_email(), Duration::from_secs(5), |m| {
            m.subject
                .to_ascii_lowercase()
                .contains("password was changed")
        })
        .expect("the password-changed notice");
    assert!(
        notice.text.contains(" UTC"),
        "a time with its zone: {}",
        notice.text
    );
    let said = notice.text.matches("contact support").count();
    let addressed = notice
        .text
        .match_indices("contact support at ")
        .filter(|(i, m)| {
            notice.text[i + m.len()..]
                .split_whitespace()
                .next()
                .is_some_and(|address| address.contains('@'))
        })
        .count();
    assert!(said > 0 && said == addressed, "{}", notice.text);
}
