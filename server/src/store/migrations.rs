//! Versioned migrations, kept in SQLite's own `user_version`.
//!
//! Each entry runs once, in order, inside a transaction. Never edit a shipped
//! entry: append a new one.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: accounts, sessions, second factors, requests, mail, limits, idempotency.
    r#"
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email TEXT NOT NULL COLLATE NOCASE,
    email_verified INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_last_step INTEGER,
    totp_pending_secret TEXT,
    totp_pending_expires INTEGER,
    codes_generated_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX users_email ON users(email);

CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    reauth_at INTEGER
);

CREATE TABLE challenges (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);

CREATE TABLE reset_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE email_codes (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    code_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX email_codes_email ON email_codes(email);

CREATE TABLE email_proofs (
    proof_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    expires_at INTEGER NOT NULL
);

CREATE TABLE requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id TEXT UNIQUE,
    status_token_hash TEXT NOT NULL,
    username TEXT NOT NULL,
    account_email TEXT,
    contact_email TEXT NOT NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    lost_access_on TEXT,
    previous_emails TEXT NOT NULL,
    packages TEXT NOT NULL,
    recovery_codes_status TEXT NOT NULL,
    email_proof_valid INTEGER NOT NULL DEFAULT 0,
    accepted_code_of_conduct INTEGER NOT NULL,
    acknowledged_delay INTEGER NOT NULL,
    attached_to INTEGER REFERENCES requests(seq),
    status TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX requests_username ON requests(username COLLATE NOCASE, status);

CREATE TABLE request_events (
    id INTEGER PRIMARY KEY,
    request_seq INTEGER NOT NULL REFERENCES requests(seq) ON DELETE CASCADE,
    status TEXT NOT NULL,
    note TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX request_events_request ON request_events(request_seq);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);

CREATE TABLE rate_events (
    bucket TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX rate_events_bucket ON rate_events(bucket, at);

CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    body_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    created_at INTEGER NOT NULL
);
"#,
    // 2: mail delivery state and secret-free copies; what an email proof
    // proved; when the authenticator and password last changed; the
    // account's previous addresses and projects (for the checkup and support).
    r#"
ALTER TABLE outbox ADD COLUMN redacted_body TEXT;
ALTER TABLE outbox ADD COLUMN secret_expires_at INTEGER;
ALTER TABLE outbox ADD COLUMN failed_at INTEGER;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_pending ON outbox(sent_at, failed_at, next_attempt_at);

ALTER TABLE email_proofs ADD COLUMN proven_at INTEGER;
ALTER TABLE requests ADD COLUMN email_proof_email TEXT;
ALTER TABLE requests ADD COLUMN email_proof_at INTEGER;

ALTER TABLE users ADD COLUMN totp_changed_at INTEGER;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;

CREATE TABLE previous_emails (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL COLLATE NOCASE,
    until INTEGER NOT NULL
);
CREATE INDEX previous_emails_user ON previous_emails(user_id);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    repository_url TEXT
);
CREATE INDEX projects_user ON projects(user_id);
"#,
    // 3: browsers that signed in before (a per-device sign-in limit, so
    // strangers cannot lock the owner out), and the one-time codes a
    // signed-in account verifies its own address with.
    r#"
CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    UNIQUE (token_hash, user_id)
);
CREATE INDEX devices_user ON devices(user_id);

CREATE TABLE account_email_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL COLLATE NOCASE,
    code_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX account_email_codes_user ON account_email_codes(user_id);
"#,
    // 4: the one-time codes that get a request's lost status token back,
    // and what the server's mails say about the site (for the operator
    // commands, which mail requesters too).
    r#"
CREATE TABLE request_status_codes (
    id INTEGER PRIMARY KEY,
    request_seq INTEGER NOT NULL REFERENCES requests(seq) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX request_status_codes_request ON request_status_codes(request_seq);

CREATE TABLE letterhead (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_url TEXT NOT NULL,
    support_email TEXT NOT NULL
);
"#,
    // 5: security keys and passkeys (WebAuthn): the account's keys, their
    // registrations in progress (single use, 5 minutes), the sign-in
    // step's request to its keys, and the random user handle keys are
    // registered under.
    r#"
ALTER TABLE users ADD COLUMN webauthn_user_handle TEXT;

CREATE TABLE security_keys (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    credential TEXT NOT NULL,
    sign_count INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    last_used_at INTEGER,
    counter_regressed_at INTEGER
);
CREATE INDEX security_keys_user ON security_keys(user_id);

CREATE TABLE security_key_registrations (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    challenge TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX security_key_registrations_user ON security_key_registrations(user_id, challenge);

ALTER TABLE challenges ADD COLUMN security_key_request TEXT;
"#,
    // 6: repository proofs, holds and their cancel links. A repository
    // counts only if it was listed on the project before the lock-out, so
    // projects say since when (unknown for rows from before: they do not
    // count until the date is set).
    r#"
ALTER TABLE projects ADD COLUMN repository_listed_at INTEGER;

CREATE TABLE repository_proofs (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    email_proof_hash TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project TEXT NOT NULL,
    repository_url TEXT NOT NULL,
    listed_at INTEGER NOT NULL,
    token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ref_name TEXT,
    commit_id TEXT,
    checked_at INTEGER
);
CREATE INDEX repository_proofs_email_proof ON repository_proofs(email_proof_hash);

ALTER TABLE requests ADD COLUMN repository_proof_id INTEGER REFERENCES repository_proofs(id);
ALTER TABLE requests ADD COLUMN hold_ends_at INTEGER;
ALTER TABLE requests ADD COLUMN cancelled_at INTEGER;
ALTER TABLE requests ADD COLUMN cancelled_from TEXT;

CREATE TABLE request_cancel_tokens (
    token_hash TEXT PRIMARY KEY,
    request_seq INTEGER NOT NULL REFERENCES requests(seq) ON DELETE CASCADE,
    email TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX request_cancel_tokens_request ON request_cancel_tokens(request_seq);

CREATE TABLE account_flags (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    request_seq INTEGER REFERENCES requests(seq),
    note TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX account_flags_user ON account_flags(user_id);
"#,
    // 7: a keyed tag beside each recovery code's hash
    // (`ServerKey::recovery_code_tag`), so that a code is verified against
    // the hash of its tag only. Codes stored before have none and are
    // verified as before.
    r#"
ALTER TABLE recovery_codes ADD COLUMN tag TEXT;
"#,
];

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len());
    }
}
