//! A lost status token, got back through the request's contact address:
//! `POST /recovery-requests/{id}/status-code` mails a one-time code there
//! (the same 202 for an unknown id, another address and a match), and
//! `POST /recovery-requests/{id}/status-token` exchanges it for a new token
//! that replaces the old one (a wrong or expired code and an unknown id: the
//! same 422). The code works once, also when two uses race.
//!
//! Demo mode: the tests that read the code from the outbox. The limit tests
//! need a server of their own (fresh, or with `--trusted-proxy` for many
//! clients); against your API they print `SKIPPED` unless
//! `RECLAIM_CONTRACT_DESTRUCTIVE=1` (the one with many clients always does).

use std::time::Duration;

use reclaim_contract::api::{NewStatusToken, RecoveryRequestCreated, RecoveryRequestStatusView};
use reclaim_contract::{
    api, assert_problem, concurrently, demo_api, fresh_api, note, own_server, request_body,
    submit_request, unique, unique_username, Api, Client, Resp,
};
use serde_json::json;

/// Attempts per burst.
const BURST: usize = 30;

/// File a request with a contact address of its own: the answer, and the
/// contact address.
fn file(api: &Api) -> (RecoveryRequestCreated, String) {
    let body = request_body(&unique_username());
    let contact = body["contact_email"].as_str().unwrap().to_string();
    let r = submit_request(&api.client(), &unique("key"), &body);
    r.expect(201);
    (r.parse(), contact)
}

fn ask_code(client: &Client, id: &str, contact_email: &str) -> Resp {
    client.post_json(
        &format!("/recovery-requests/{id}/status-code"),
        &json!({ "contact_email": contact_email }),
    )
}

fn enter_code(client: &Client, id: &str, code: &str) -> Resp {
    client.post_json(
        &format!("/recovery-requests/{id}/status-token"),
        &json!({ "code": code }),
    )
}

fn status_of(client: &Client, id: &str, token: &str) -> Resp {
    client
        .get(&format!("/recovery-requests/{id}"))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
}

/// An id no request has (ids are `RR-YYYY-NNNNNN`; this one is longer).
fn unknown_id(id: &str) -> String {
    format!("{id}9")
}

/// The 8-digit code of the newest mail to `contact` naming request `id`.
fn mailed_code(api: &Api, contact: &str, id: &str) -> String {
    api.wait_for_mail(contact, Duration::from_secs(5), |m| {
        m.text.contains(id) && m.digits(8).is_some()
    })
    .and_then(|m| m.digits(8))
    .expect("a mail with an 8-digit code")
}

#[track_caller]
fn assert_alike(a: &Resp, b: &Resp, what: &str) {
    assert_eq!(
        (a.status, a.text()),
        (b.status, b.text()),
        "{what}: same status and body"
    );
    assert_eq!(
        a.stable_headers(),
        b.stable_headers(),
        "{what}: same headers"
    );
}

#[test]
fn asking_answers_alike_for_an_unknown_id_another_address_and_a_match() {
    let api = api();
    let (created, contact) = file(api);
    let client = api.client();
    let other = format!("{}@example.org", unique("other"));
    let unknown = ask_code(&client, &unknown_id(&created.id), &contact);
    let wrong = ask_code(&client, &created.id, &other);
    let matched = ask_code(&client, &created.id, &contact.to_ascii_uppercase());
    matched.expect(202);
    assert_alike(&unknown, &matched, "an unknown id and a match");
    assert_alike(&wrong, &matched, "another address and a match");
    if api.demo {
        // Only the match mailed anything, and only to the request's address.
        mailed_code(api, &contact, &created.id);
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            api.mails_to(&other).is_empty(),
            "no mail to another address"
        );
    }
}

#[test]
fn the_mailed_code_replaces_the_status_token() {
    let Some(api) = demo_api("the_mailed_code_replaces_the_status_token") else {
        return;
    };
    let (created, contact) = file(api);
    let client = api.client();
    ask_code(&client, &created.id, &contact).expect(202);
    let code = mailed_code(api, &contact, &created.id);
    let mail = api
        .mails_to(&contact)
        .into_iter()
        .rev()
        .find(|m| m.text.contains(&code))
        .unwrap();
    // The mail names the request, and its link is the status page of that
    // id: never the code, never a token.
    assert!(mail.text.contains(&created.id), "{}", mail.text);
    let link = mail.link().expect("a link to the status page");
    assert!(
        link.ends_with(&format!("/status?id={}", created.id)),
        "{link}"
    );
    if api.local {
        assert_eq!(link, format!("{}/status?id={}", api.app, created.id));
    }
    assert!(!link.contains(&code) && !link.contains("st_"), "{link}");

    // A wrong code, and the right code for an unknown id: the same 422.
    let wrong = enter_code(&client, &created.id, "00000000");
    wrong.problem(422, Some("email_code_invalid"));
    let elsewhere = enter_code(&client, &unknown_id(&created.id), &code);
    assert_alike(&wrong, &elsewhere, "a wrong code and an unknown id");

    let r = enter_code(&client, &created.id, &code);
    r.expect(200);
    let cc = r.header("cache-control").unwrap_or("").to_ascii_lowercase();
    assert!(cc.contains("no-store"), "a token is never cached: {cc:?}");
    let renewed: NewStatusToken = r.parse();
    assert!(renewed.status_token.len() >= 20, "{}", renewed.status_token);
    assert_ne!(renewed.status_token, created.status_token);

    // The new token opens the status; the old one answers like a wrong one.
    let ok = status_of(&client, &created.id, &renewed.status_token);
    ok.expect(200);
    let view: RecoveryRequestStatusView = ok.parse();
    assert_eq!(view.id, created.id);
    assert!(
        view.timeline.len() >= 2,
        "the timeline says the token was replaced: {:?}",
        view.timeline
    );
    let old = status_of(&client, &created.id, &created.status_token);
    let bogus = status_of(&client, &created.id, "st_wrong-token-0123456789abcdef");
    assert_problem(&old);
    assert_alike(&old, &bogus, "the old token and a wrong one");

    // The code worked once.
    let again = enter_code(&client, &created.id, &code);
    assert_alike(&again, &wrong, "a used code and a wrong one");
}

#[test]
fn concurrent_uses_of_one_code_give_one_token() {
    let Some(api) = demo_api("concurrent_uses_of_one_code_give_one_token") else {
        return;
    };
    let (created, contact) = file(api);
    ask_code(&api.client(), &created.id, &contact).expect(202);
    let code = mailed_code(api, &contact, &created.id);
    // Five at once (the request's guesses per 15 minutes): no 429 can hide a
    // second success.
    let answers = concurrently(5, |_| enter_code(&api.client(), &created.id, &code));
    let tokens: Vec<NewStatusToken> = answers
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.parse())
        .collect();
    assert_eq!(
        tokens.len(),
        1,
        "exactly one use gets a token: {:?}",
        answers.iter().map(Resp::text).collect::<Vec<_>>()
    );
    for r in answers.iter().filter(|r| r.status != 200) {
        r.problem(422, Some("email_code_invalid"));
    }
    status_of(&api.client(), &created.id, &tokens[0].status_token).expect(200);
}

/// (answered `ok`, answered 429); panics on anything else.
#[track_caller]
fn tally(what: &str, answers: &[Resp], ok: u16) -> (usize, usize) {
    let (mut evaluated, mut limited) = (0, 0);
    for r in answers {
        match r.status {
            429 => {
                assert_problem(r);
                limited += 1;
            }
            s if s == ok => evaluated += 1,
            s => panic!("{what}: unexpected {s} {}", r.text()),
        }
    }
    note(&format!(
        "{what}: {} concurrent, {evaluated} answered {ok}, {limited} refused (429)",
        answers.len()
    ));
    (evaluated, limited)
}

#[test]
fn codes_are_limited_per_request_id_and_per_client() {
    let Some(api) = fresh_api("codes_are_limited_per_request_id_and_per_client", false) else {
        return;
    };
    let (created, contact) = file(&api);
    let client = api.client();
    // 2 an hour per request id for one client, an unknown id like a real one.
    let answers = concurrently(BURST, |_| ask_code(&client, &created.id, &contact));
    let (accepted, _) = tally("POST /status-code, one request", &answers, 202);
    assert_eq!(accepted, 2, "2 an hour per request id per client");
    let ghost = unknown_id(&created.id);
    let answers = concurrently(BURST, |_| ask_code(&client, &ghost, &contact));
    let (accepted, _) = tally("POST /status-code, an unknown id", &answers, 202);
    assert_eq!(accepted, 2, "an unknown id is limited the same way");
    // 20 an hour per client, whatever the ids: 4 are spent above.
    let answers = concurrently(BURST, |i| {
        ask_code(&client, &format!("RR-2026-{:06}", 900_000 + i), &contact)
    });
    let (accepted, _) = tally("POST /status-code, 30 ids", &answers, 202);
    assert_eq!(accepted, 16, "20 an hour per client");
}

#[test]
fn guesses_at_a_requests_code_are_cut_at_five() {
    let Some(api) = fresh_api("guesses_at_a_requests_code_are_cut_at_five", false) else {
        return;
    };
    let (created, contact) = file(&api);
    ask_code(&api.client(), &created.id, &contact).expect(202);
    let answers = concurrently(BURST, |i| {
        enter_code(
            &api.client(),
            &created.id,
            &format!("{:08}", 10_000_000 + i),
        )
    });
    let (evaluated, _) = tally("POST /status-token (wrong codes)", &answers, 422);
    assert!(
        (1..=5).contains(&evaluated),
        "5 guesses per 15 minutes per request: {evaluated} evaluated"
    );
}

#[test]
fn strangers_cannot_fill_a_requests_mailbox() {
    let Some(api) = own_server(
        "strangers_cannot_fill_a_requests_mailbox",
        &["--trusted-proxy", "127.0.0.1"],
    ) else {
        return;
    };
    let (created, contact) = file(&api);
    // Twelve clients who know the id and the address ask at once: each is
    // answered, and the mailbox gets 3 codes this hour (5 a day).
    let answers = concurrently(12, |i| {
        api.client()
            .post(&format!("/recovery-requests/{}/status-code", created.id))
            .header("X-Forwarded-For", &format!("198.51.100.{}", i + 1))
            .json(&json!({ "contact_email": contact }))
            .send()
    });
    let (accepted, _) = tally("POST /status-code, 12 clients", &answers, 202);
    assert_eq!(accepted, 12, "another client's asking never answers 429");
    std::thread::sleep(Duration::from_millis(300));
    let mailed = api.mails_to(&contact).len() - 1; // the request's own mail
    assert_eq!(mailed, 3, "3 codes an hour to one request's address");
}
