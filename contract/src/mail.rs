//! The demo outbox (`GET {base}/demo/outbox`): mails as [`Mail`], with
//! their links and one-time codes.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Api;

impl Api {
    /// All mails in the demo outbox.
    pub fn outbox(&self) -> Vec<Mail> {
        let r = self.client().get("/demo/outbox").send();
        assert_eq!(r.status, 200, "GET /demo/outbox: {}", r.text());
        parse_outbox(&r.json())
    }

    /// Mails in the demo outbox sent to `address` (case-insensitive), oldest
    /// first. Asks the outbox to filter (`?to=`) and filters again here.
    pub fn mails_to(&self, address: &str) -> Vec<Mail> {
        let a = address.to_ascii_lowercase();
        let r = self
            .client()
            .get(&format!("/demo/outbox?to={}", query_escape(&a)))
            .send();
        assert_eq!(r.status, 200, "GET /demo/outbox: {}", r.text());
        let mut mails: Vec<Mail> = parse_outbox(&r.json())
            .into_iter()
            .filter(|m| m.to.to_ascii_lowercase().contains(&a))
            .collect();
        mails.sort_by_key(|m| m.raw.get("id").and_then(Value::as_i64).unwrap_or(0));
        mails
    }

    /// Wait until a mail to `address` satisfying `pred` shows up (mail may be sent
    /// after the answer), at most `timeout`.
    pub fn wait_for_mail(
        &self,
        address: &str,
        timeout: Duration,
        pred: impl Fn(&Mail) -> bool,
    ) -> Option<Mail> {
        let until = Instant::now() + timeout;
        loop {
            if let Some(m) = self.mails_to(address).into_iter().rev().find(|m| pred(m)) {
                return Some(m);
            }
            if Instant::now() >= until {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A mail as the demo outbox shows it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    /// Every text of the mail (subject, body, links), joined.
    pub text: String,
    pub raw: Value,
}

impl Mail {
    /// The first `http(s)://` link in the mail.
    pub fn link(&self) -> Option<String> {
        let i = self
            .text
            .find("http://")
            .or_else(|| self.text.find("https://"))?;
        let rest = &self.text[i..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>' || c == ')')
            .unwrap_or(rest.len());
        Some(rest[..end].to_string())
    }

    /// The one-time code of the mail: its first run of 6 to 10 digits.
    pub fn code(&self) -> Option<String> {
        (6..=10).find_map(|n| self.digits(n))
    }

    /// The first run of exactly `n` ASCII digits.
    pub fn digits(&self, n: usize) -> Option<String> {
        let b = self.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() {
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let before_ok = start == 0 || !b[start - 1].is_ascii_alphanumeric();
                let after_ok = i == b.len() || !b[i].is_ascii_alphanumeric();
                if i - start == n && before_ok && after_ok {
                    return Some(self.text[start..i].to_string());
                }
            } else {
                i += 1;
            }
        }
        None
    }

    /// A field of the raw mail, if the outbox gives it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.raw.get(name).and_then(Value::as_str)
    }
}

/// Percent-encode a query value.
pub fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Read the outbox document: an array of mails, or an object holding one.
pub fn parse_outbox(v: &Value) -> Vec<Mail> {
    let items = match v {
        Value::Array(a) => a.clone(),
        Value::Object(o) => ["mails", "messages", "outbox", "items", "data"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_array).cloned())
            .or_else(|| o.values().find_map(|v| v.as_array().cloned()))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|m| {
            let to = ["to", "recipient", "email", "address"]
                .iter()
                .find_map(|k| match m.get(*k) {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Array(a)) => Some(
                        a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    _ => None,
                })
                .unwrap_or_default();
            let subject = m
                .get("subject")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let mut text = String::new();
            collect_strings(&m, &mut text);
            Mail {
                to,
                subject,
                text,
                raw: m,
            }
        })
        .collect()
}

pub(crate) fn collect_strings(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}
