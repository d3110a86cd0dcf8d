//! Per-account limits on the checkup's expensive changes, under concurrent
//! bursts: generating recovery codes (eight argon2 hashes and a notice mail
//! a call: 5 an hour, 10 a day per account) and authenticator changes
//! (starting a setup, confirming it, removing it: 10 an hour per account).
//! Each attempt is counted before the work, so a burst released at once is
//! cut at the limit instead of all passing the check before any is counted.
//!
//! Each test changes bob on a server of its own (locally a fresh reference
//! server; against your API only with `RECLAIM_CONTRACT_DESTRUCTIVE=1` and
//! demo data).

use std::time::Duration;

use reclaim_contract::api::TotpSetup;
use reclaim_contract::{
    assert_problem, concurrently, demo, fresh_api, note, sign_in, totp, Client, Resp,
};
use serde_json::json;

/// Attempts per burst.
const BURST: usize = 30;

fn reauth(client: &Client) {
    client
        .post_json("/account/reauth", &json!({"password": demo::password()}))
        .expect(200);
}

/// Give the signed-in user an authenticator (re-auth done); its secret.
fn add_authenticator(client: &Client) -> String {
    let r = client.post_json("/account/totp", &json!({}));
    r.expect(200);
    let secret = r.parse::<TotpSetup>().secret;
    if totp::seconds_left_in_step() < 3 {
        std::thread::sleep(Duration::from_secs(totp::seconds_left_in_step() + 1));
    }
    client
        .post_json(
            "/account/totp/confirm",
            &json!({"code": totp::code_now(&secret, 0)}),
        )
        .expect(200);
    secret
}

/// (evaluated: any answer in `evaluated`, refused with 429); panics on
/// anything else and checks every 429 is a problem with `Retry-After`.
#[track_caller]
fn tally(what: &str, answers: &[Resp], evaluated: &[u16]) -> (usize, usize) {
    let (mut done, mut limited) = (0, 0);
    for r in answers {
        match r.status {
            429 => {
                assert_problem(r);
                limited += 1;
            }
            s if evaluated.contains(&s) => done += 1,
            s => panic!("{what}: unexpected {s} {}", r.text()),
        }
    }
    note(&format!(
        "{what}: {BURST} concurrent, {done} evaluated, {limited} refused (429)"
    ));
    (done, limited)
}

#[test]
fn recovery_code_generation_burst_is_cut_at_five() {
    let Some(api) = fresh_api("recovery_code_generation_burst_is_cut_at_five", true) else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    reauth(&client);
    add_authenticator(&client);
    let answers = concurrently(BURST, |_| {
        client.post_json("/account/recovery-codes", &json!({}))
    });
    // Concurrent generations from one view of the set: one wins, the others
    // that ran are 409 `changed_meanwhile`; either way the hashes were made.
    let (evaluated, limited) = tally("POST /account/recovery-codes", &answers, &[200, 409]);
    assert!(
        (1..=5).contains(&evaluated),
        "{evaluated} of {BURST} concurrent generations ran; the limit is 5 an hour"
    );
    assert_eq!(evaluated + limited, BURST);
    // The hour's five are spent: the next one is refused before any work.
    client
        .post_json("/account/recovery-codes", &json!({}))
        .problem(429, Some("rate_limited"));
    // No more notices than generations that went through.
    let generated = answers.iter().filter(|r| r.status == 200).count();
    std::thread::sleep(Duration::from_millis(300));
    let notices = api
        .mails_to(demo::bob_email())
        .iter()
        .filter(|m| m.subject.to_ascii_lowercase().contains("recovery codes"))
        .count();
    assert!(
        (1..=generated).contains(&notices),
        "{notices} notices of new codes for {generated} generations"
    );
}

#[test]
fn authenticator_change_burst_is_cut_at_ten() {
    let Some(api) = fresh_api("authenticator_change_burst_is_cut_at_ten", true) else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    reauth(&client);
    // Thirty setups started at once (each a new pending secret).
    let answers = concurrently(BURST, |_| client.post_json("/account/totp", &json!({})));
    let (evaluated, limited) = tally("POST /account/totp", &answers, &[200]);
    assert!(
        (1..=10).contains(&evaluated),
        "{evaluated} of {BURST} concurrent authenticator setups ran; the limit is 10 an hour"
    );
    assert_eq!(evaluated + limited, BURST);
    // Confirming counts with the same changes: refused too, even with the
    // right code for the pending secret.
    let pending = answers
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.parse::<TotpSetup>().secret)
        .collect::<Vec<_>>();
    let r = client.post_json(
        "/account/totp/confirm",
        &json!({"code": totp::code_now(pending.last().unwrap(), 0)}),
    );
    r.problem(429, Some("rate_limited"));
    client
        .post_json("/account/totp", &json!({}))
        .problem(429, Some("rate_limited"));
}

#[test]
fn authenticator_removals_count_with_the_changes() {
    let Some(api) = fresh_api("authenticator_removals_count_with_the_changes", true) else {
        return;
    };
    let client = api.client();
    sign_in(&client, "bob");
    reauth(&client);
    // Add and remove, four times: 12 changes asked for, 10 an hour allowed
    // (each add is a start and a confirmation).
    let mut answers = Vec::new();
    'rounds: for _ in 0..4 {
        let r = client.post_json("/account/totp", &json!({}));
        if r.status == 429 {
            answers.push(r);
            break;
        }
        r.expect(200);
        let secret = r.parse::<TotpSetup>().secret;
        if totp::seconds_left_in_step() < 3 {
            std::thread::sleep(Duration::from_secs(totp::seconds_left_in_step() + 1));
        }
        for r in [
            client.post_json(
                "/account/totp/confirm",
                &json!({"code": totp::code_now(&secret, 0)}),
            ),
            client.delete("/account/totp").send(),
        ] {
            let limited = r.status == 429;
            if !limited {
                r.expect(200);
            }
            answers.push(r);
            if limited {
                break 'rounds;
            }
        }
    }
    let limited: Vec<&Resp> = answers.iter().filter(|r| r.status == 429).collect();
    assert_eq!(limited.len(), 1, "the 11th change is refused");
    limited[0].problem(429, Some("rate_limited"));
    // Ten went through (three rounds of start, confirm, remove, and a
    // fourth start); six of them mail a notice (added, removed).
    let notices = api
        .mails_to(demo::bob_email())
        .iter()
        .filter(|m| m.subject.to_ascii_lowercase().contains("authenticator"))
        .count();
    assert!(
        notices <= 6,
        "{notices} authenticator notices for 10 changes"
    );
}
