//! Strangers cannot lock the owner out (server/README.md, "Decisions worth knowing": "Strangers cannot lock the owner out"):
//! a per-account limit is not a switch anyone can flip.
//!
//! - Sign-in: a browser that completed a sign-in before (it holds the
//!   server's long-lived device cookie) is limited on its own, so a burst
//!   of wrong passwords from any number of strangers' addresses, which
//!   fills the per-username limit, does not keep it out; a stranger's
//!   right password is still refused while the username is limited.
//! - Password resets, username reminders and email codes: the visible
//!   limits are per client, and the silent caps on mail to one account or
//!   address give one client only a share; a known device has its own.
//! - A mail the global budget drops hands the account's slot back.
//!
//! The strangers are many client addresses behind a trusted proxy
//! (`--trusted-proxy 127.0.0.1`, each request naming its client in
//! `X-Forwarded-For`), so these run on reference servers of their own; against
//! your API they print `SKIPPED`.

use std::time::Duration;

use reclaim_contract::api::{AccountSecurity, LoginOutcome};
use reclaim_contract::{
    assert_problem, concurrently, demo, note, own_server, unique_email, unique_username, Api,
    Client, Mail, Resp,
};
use serde_json::json;

const PROXY: &[&str] = &["--trusted-proxy", "127.0.0.1"];
const XFF: &str = "X-Forwarded-For";
/// The owner's own address.
const OWNER: &str = "192.0.2.10";
/// Attempts per burst.
const BURST: usize = 30;

/// Stranger number `i`: a client address of its own.
fn stranger(i: usize) -> String {
    format!("198.51.{}.{}", 100 + i / 250, 1 + i % 250)
}

fn login_from(client: &Client, from: &str, username: &str, password: &str) -> Resp {
    let r = client
        .post("/login")
        .header(XFF, from)
        .json(&json!({"username": username, "password": password}))
        .send();
    if r.status == 200 {
        client.adopt_session(&r);
    }
    r
}

fn post_from(client: &Client, from: &str, path: &str, body: serde_json::Value) -> Resp {
    client.post(path).header(XFF, from).json(&body).send()
}

fn reset_from(client: &Client, from: &str, identifier: &str) -> Resp {
    post_from(
        client,
        from,
        "/password-reset",
        json!({ "identifier": identifier }),
    )
}

fn is_reset_mail(m: &Mail) -> bool {
    m.link().is_some() && m.text.to_ascii_lowercase().contains("reset")
}

fn reset_links(api: &Api, address: &str) -> Vec<Mail> {
    api.mails_to(address)
        .into_iter()
        .filter(is_reset_mail)
        .collect()
}

/// Wait until `count()` reaches `n` (mail is written with the answer, but
/// be patient with a slow machine); its last value.
fn wait_for_count(n: usize, count: impl Fn() -> usize) -> usize {
    let until = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let c = count();
        if c >= n || std::time::Instant::now() >= until {
            return c;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
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

/// A signed-in browser of `username`, signed out again: it keeps only what a
/// browser keeps after signing out (its device cookie, if the API sets one).
fn known_browser(api: &Api, username: &str) -> Client {
    let browser = api.client();
    let r = login_from(&browser, OWNER, username, demo::password());
    r.expect(200);
    assert!(
        matches!(r.parse::<LoginOutcome>(), LoginOutcome::Session { .. }),
        "{username} has no second factor: {}",
        r.text()
    );
    let out = browser.post("/logout").header(XFF, OWNER).send();
    assert!(out.status == 204 || out.status == 200, "{}", out.text());
    browser.set_csrf(None);
    browser
}

#[test]
fn strangers_cannot_lock_a_known_browser_out_of_sign_in() {
    let Some(api) = own_server(
        "strangers_cannot_lock_a_known_browser_out_of_sign_in",
        PROXY,
    ) else {
        return;
    };
    // The owner's browser signed in once: the device cookie is long-lived,
    // HttpOnly and SameSite=Strict.
    let browser = api.client();
    let r = login_from(&browser, OWNER, "bob", demo::password());
    r.expect(200);
    let device = r
        .headers_all("set-cookie")
        .into_iter()
        .map(|c| c.to_ascii_lowercase())
        .find(|c| {
            c.split(';').any(|a| {
                a.trim()
                    .strip_prefix("max-age=")
                    .and_then(|v| v.parse::<u64>().ok())
                    .is_some_and(|s| s >= 30 * 86_400)
            })
        })
        .unwrap_or_else(|| {
            panic!(
                "a long-lived device cookie is set at sign-in: {:?}",
                r.headers_all("set-cookie")
            )
        });
    let attrs: Vec<&str> = device.split(';').map(str::trim).collect();
    for needed in ["httponly", "samesite=strict", "path=/"] {
        assert!(attrs.contains(&needed), "{needed} on {device}");
    }
    browser.post("/logout").header(XFF, OWNER).send();
    browser.set_csrf(None);

    // A burst of wrong passwords for bob from 30 strangers, each from an
    // address of its own: the per-username limit cuts it at 10.
    let answers = concurrently(BURST, |i| {
        login_from(
            &api.client(),
            &stranger(i),
            "bob",
            &format!("not-bobs-password-{i}"),
        )
    });
    let (evaluated, limited) = tally("POST /login for bob from 30 strangers", &answers, 401);
    assert!(evaluated <= 10, "{evaluated} wrong passwords evaluated");
    assert_eq!(evaluated + limited, BURST);

    // A stranger with the right password is refused while bob is limited
    // (the limit does not tell a right password from a wrong one)...
    login_from(&api.client(), &stranger(99), "bob", demo::password())
        .problem(429, Some("rate_limited"));
    // ...and so is a made-up device cookie.
    api.client()
        .post("/login")
        .header(XFF, &stranger(98))
        .header("Cookie", "reclaim_device=dev_made-up-by-a-stranger")
        .json(&json!({"username": "bob", "password": demo::password()}))
        .send()
        .problem(429, Some("rate_limited"));

    // The owner's browser gets in with the right password.
    let r = login_from(&browser, OWNER, "bob", demo::password());
    r.expect(200);
    assert!(matches!(
        r.parse::<LoginOutcome>(),
        LoginOutcome::Session { .. }
    ));
    browser.get("/account/security").send().expect(200);
    browser.post("/logout").header(XFF, OWNER).send();
    // A typo there is answered as a typo, not with the strangers' 429, even
    // from an address a stranger used (a shared network).
    login_from(&browser, &stranger(0), "bob", "a-typo-of-the-owner")
        .problem(401, Some("invalid_credentials"));
    login_from(&browser, &stranger(0), "bob", demo::password()).expect(200);
}

#[test]
fn a_known_browser_is_known_only_for_its_own_account() {
    let Some(api) = own_server("a_known_browser_is_known_only_for_its_own_account", PROXY) else {
        return;
    };
    let bobs = known_browser(&api, "bob");
    for i in 0..10 {
        login_from(&api.client(), &stranger(i), "alice", "not-alices-password")
            .problem(401, Some("invalid_credentials"));
    }
    // bob's browser is a stranger to alice's account.
    login_from(&bobs, OWNER, "alice", demo::password()).problem(429, Some("rate_limited"));
    login_from(&bobs, OWNER, "bob", demo::password()).expect(200);
}

#[test]
fn password_resets_are_limited_per_client() {
    let Some(api) = own_server("password_resets_are_limited_per_client", PROXY) else {
        return;
    };
    let from = stranger(7);
    let answers = concurrently(BURST, |_| {
        reset_from(&api.client(), &from, &unique_username())
    });
    let (evaluated, limited) = tally(
        "POST /password-reset (30 identifiers, one client)",
        &answers,
        202,
    );
    assert!(
        evaluated <= 20,
        "{evaluated} resets from one client; 20 an hour"
    );
    assert!(evaluated >= 1);
    assert_eq!(evaluated + limited, BURST);
    // Another client is not limited by it.
    reset_from(&api.client(), &stranger(8), &unique_username()).expect(202);
}

#[test]
fn username_reminders_are_limited_per_client() {
    let Some(api) = own_server("username_reminders_are_limited_per_client", PROXY) else {
        return;
    };
    let from = stranger(7);
    let answers = concurrently(BURST, |_| {
        post_from(
            &api.client(),
            &from,
            "/username-reminder",
            json!({"email": unique_email()}),
        )
    });
    let (evaluated, limited) = tally(
        "POST /username-reminder (30 addresses, one client)",
        &answers,
        202,
    );
    assert!(
        evaluated <= 20,
        "{evaluated} reminders from one client; 20 an hour"
    );
    assert!(evaluated >= 1);
    assert_eq!(evaluated + limited, BURST);
    post_from(
        &api.client(),
        &stranger(8),
        "/username-reminder",
        json!({"email": unique_email()}),
    )
    .expect(202);
}

#[test]
fn one_stranger_cannot_spend_an_accounts_reset_links() {
    let Some(api) = own_server("one_stranger_cannot_spend_an_accounts_reset_links", PROXY) else {
        return;
    };
    // One stranger asks for bob's reset links as often as it is let, by
    // username and by email, at once.
    let from = stranger(1);
    let answers = concurrently(12, |i| {
        let ident = if i % 2 == 0 { "bob" } else { demo::bob_email() };
        reset_from(&api.client(), &from, ident)
    });
    let (accepted, _) = tally("POST /password-reset for bob, one stranger", &answers, 202);
    assert_eq!(accepted, 10, "5 a day per identifier typed, per client");
    std::thread::sleep(Duration::from_millis(300));
    let spent = reset_links(&api, demo::bob_email()).len();
    assert!(
        (1..=3).contains(&spent),
        "one client gets a share of bob's 5 links a day, not all of them: {spent} mailed"
    );
    // The owner, elsewhere, is neither refused nor silently ignored.
    reset_from(&api.client(), OWNER, "bob").expect(202);
    let now = wait_for_count(spent + 1, || reset_links(&api, demo::bob_email()).len());
    assert_eq!(now, spent + 1, "the owner's own request mails a link");
}

#[test]
fn many_strangers_spend_the_cap_but_a_known_browser_still_gets_its_link() {
    let Some(api) = own_server(
        "many_strangers_spend_the_cap_but_a_known_browser_still_gets_its_link",
        PROXY,
    ) else {
        return;
    };
    let browser = known_browser(&api, "bob");
    let answers = concurrently(BURST, |i| reset_from(&api.client(), &stranger(i), "bob"));
    let (accepted, _) = tally("POST /password-reset for bob, 30 strangers", &answers, 202);
    assert_eq!(accepted, BURST, "each stranger is within its own limits");
    std::thread::sleep(Duration::from_millis(300));
    let spent = reset_links(&api, demo::bob_email()).len();
    assert!(spent <= 5, "at most 5 links a day per account: {spent}");
    // A browser bob never signed in with gets nothing more today, silently.
    reset_from(&api.client(), "192.0.2.77", "bob").expect(202);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(reset_links(&api, demo::bob_email()).len(), spent);
    // The browser bob signed in with before still gets its link, and it works.
    reset_from(&browser, OWNER, "bob").expect(202);
    let now = wait_for_count(spent + 1, || reset_links(&api, demo::bob_email()).len());
    assert_eq!(
        now,
        spent + 1,
        "a known browser has a share strangers cannot spend"
    );
    let link = reset_links(&api, demo::bob_email())
        .last()
        .and_then(Mail::link)
        .unwrap();
    let token = link
        .split("token=")
        .nth(1)
        .expect("the link carries its token")
        .to_string();
    post_from(
        &api.client(),
        OWNER,
        "/password-reset/confirm",
        json!({"token": token, "new_password": "a-new-password-for-bob"}),
    )
    .expect(204);
}

#[test]
fn one_stranger_cannot_spend_an_addresss_username_reminders() {
    let Some(api) = own_server(
        "one_stranger_cannot_spend_an_addresss_username_reminders",
        PROXY,
    ) else {
        return;
    };
    let reminders = || {
        api.mails_to(demo::bob_email())
            .iter()
            .filter(|m| m.text.to_ascii_lowercase().contains("username"))
            .count()
    };
    let from = stranger(1);
    let answers = concurrently(8, |_| {
        post_from(
            &api.client(),
            &from,
            "/username-reminder",
            json!({"email": demo::bob_email()}),
        )
    });
    let (accepted, limited) = tally("POST /username-reminder, one stranger", &answers, 202);
    assert_eq!(
        (accepted, limited),
        (5, 3),
        "5 a day per address per client"
    );
    std::thread::sleep(Duration::from_millis(300));
    let spent = reminders();
    assert!((1..=3).contains(&spent), "one client's share: {spent}");
    post_from(
        &api.client(),
        OWNER,
        "/username-reminder",
        json!({"email": demo::bob_email()}),
    )
    .expect(202);
    assert_eq!(wait_for_count(spent + 1, reminders), spent + 1);
}

#[test]
fn strangers_cannot_stop_the_owner_getting_and_using_email_codes() {
    let Some(api) = own_server(
        "strangers_cannot_stop_the_owner_getting_and_using_email_codes",
        PROXY,
    ) else {
        return;
    };
    let codes = || {
        api.mails_to(demo::carol_email())
            .iter()
            .filter(|m| m.code().is_some())
            .count()
    };
    let code_from = |from: &str| {
        post_from(
            &api.client(),
            from,
            "/email-verification",
            json!({"email": demo::carol_email()}),
        )
    };
    // One stranger: its own 5 an hour for the address, then 429 for it only.
    let answers = concurrently(6, |_| code_from(&stranger(1)));
    assert_eq!(
        tally("codes for carol, one stranger", &answers, 202),
        (5, 1)
    );
    code_from(OWNER).expect(202);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(codes(), 6, "the owner's code went out too");

    // Many strangers fill the address's mailbox cap (silently)...
    let answers = concurrently(BURST, |i| code_from(&stranger(10 + i)));
    tally("codes for carol, 30 strangers", &answers, 202);
    std::thread::sleep(Duration::from_millis(300));
    let spent = codes();
    assert!(spent <= 10, "at most 10 anonymous codes an hour: {spent}");
    // ...but carol, signed in, verifies her address with a code of her own.
    let carol = api.client();
    login_from(&carol, OWNER, "carol", demo::password()).expect(200);
    carol
        .post("/account/email-verification")
        .header(XFF, OWNER)
        .send()
        .expect(202);
    assert_eq!(wait_for_count(spent + 1, codes), spent + 1);
    let code = api
        .mails_to(demo::carol_email())
        .last()
        .and_then(Mail::code)
        .unwrap();
    let r = carol
        .post("/account/email-verification/confirm")
        .header(XFF, OWNER)
        .json(&json!({ "code": code }))
        .send();
    r.expect(200);
    assert!(r.parse::<AccountSecurity>().email_verified);
}

#[test]
fn a_mail_the_budget_drops_hands_the_accounts_slot_back() {
    // One mail per 8 seconds in all.
    let Some(api) = own_server(
        "a_mail_the_budget_drops_hands_the_accounts_slot_back",
        &[
            "--trusted-proxy",
            "127.0.0.1",
            "--mail-budget",
            "1",
            "--mail-budget-window",
            "8",
        ],
    ) else {
        return;
    };
    let started = std::time::Instant::now();
    // The budget's one mail goes to a stranger's code...
    post_from(
        &api.client(),
        &stranger(0),
        "/email-verification",
        json!({"email": unique_email()}),
    )
    .expect(202);
    // ...so five resets for bob, each from a client of its own, are all
    // dropped, with the usual answer.
    for i in 1..=5 {
        reset_from(&api.client(), &stranger(i), "bob").expect(202);
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the machine is too slow for this test's 8 s window"
    );
    assert_eq!(reset_links(&api, demo::bob_email()).len(), 0, "all dropped");
    // Once the budget has room again, a request for bob mails a link: the
    // five dropped mails did not spend bob's 5 links a day.
    std::thread::sleep(Duration::from_secs(9).saturating_sub(started.elapsed()));
    reset_from(&api.client(), OWNER, "bob").expect(202);
    let sent = wait_for_count(1, || reset_links(&api, demo::bob_email()).len());
    assert_eq!(sent, 1, "the account's slots were handed back");
}
