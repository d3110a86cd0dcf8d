//! What the server's mails say about the site (its public URL, support's
//! address), recorded at every start. The operator commands mail
//! requesters too but run without the server's flags and `config.json`;
//! reading them here, their mails link to the site that serves the requests.

use rusqlite::{params, Connection, OptionalExtension};

use crate::mail::Letterhead;

/// Record the letterhead of the server starting on this database.
pub fn record(c: &Connection, letterhead: &Letterhead) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO letterhead (id, public_url, support_email) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET public_url = excluded.public_url, support_email = excluded.support_email",
        params![letterhead.public_url, letterhead.support_email],
    )?;
    Ok(())
}

/// The letterhead last recorded, if a server ever started on this database.
pub fn recorded(c: &Connection) -> rusqlite::Result<Option<Letterhead>> {
    c.query_row(
        "SELECT public_url, support_email FROM letterhead WHERE id = 1",
        [],
        |r| {
            Ok(Letterhead {
                public_url: r.get(0)?,
                support_email: r.get(1)?,
            })
        },
    )
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_start_is_what_is_recorded() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut c).unwrap();
        assert_eq!(recorded(&c).unwrap(), None);
        let head = |url: &str| Letterhead {
            public_url: url.into(),
            support_email: "admin@pypi.org".into(),
        };
        record(&c, &head("http://127.0.0.1:8080")).unwrap();
        record(&c, &head("https://pypi.example.org")).unwrap();
        assert_eq!(
            recorded(&c).unwrap(),
            Some(head("https://pypi.example.org"))
        );
    }
}
