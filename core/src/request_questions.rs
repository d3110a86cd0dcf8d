//! The recovery request's question pages: one topic a page (the GOV.UK
//! "one thing per page" pattern), then "Check your answers".
//!
//! One long form (about 14 controls over 3,500 px on a phone) made people
//! give up; short pages, each with its heading in view, do not. Which page
//! asks for which field of the body is written here once: the app places
//! errors, the server's among them, on the page that asks.

/// One question page of the request, in the order they are asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequestQuestion {
    /// `/request`: which account it is.
    Account,
    /// `/request/what-happened`: the reason, what happened, when.
    WhatHappened,
    /// `/request/what-support-can-check`: earlier addresses, packages.
    Evidence,
    /// `/request/contact`: where support writes.
    Contact,
}

impl RequestQuestion {
    pub const ALL: [RequestQuestion; 4] = [
        RequestQuestion::Account,
        RequestQuestion::WhatHappened,
        RequestQuestion::Evidence,
        RequestQuestion::Contact,
    ];

    /// The page's segment after `/request/`; the first page has none.
    pub fn slug(self) -> Option<&'static str> {
        match self {
            RequestQuestion::Account => None,
            RequestQuestion::WhatHappened => Some("what-happened"),
            RequestQuestion::Evidence => Some("what-support-can-check"),
            RequestQuestion::Contact => Some("contact"),
        }
    }

    /// The page of a segment after `/request/`.
    pub fn parse(slug: &str) -> Option<RequestQuestion> {
        RequestQuestion::ALL
            .into_iter()
            .find(|q| q.slug() == Some(slug))
    }

    /// The page after this one; `None` after the last (then "Check your answers").
    pub fn next(self) -> Option<RequestQuestion> {
        let i = RequestQuestion::ALL.iter().position(|&q| q == self)?;
        RequestQuestion::ALL.get(i + 1).copied()
    }

    /// The page before this one; `None` before the first.
    pub fn previous(self) -> Option<RequestQuestion> {
        let i = RequestQuestion::ALL.iter().position(|&q| q == self)?;
        i.checked_sub(1).map(|i| RequestQuestion::ALL[i])
    }

    /// The page that asks for the body field a JSON pointer names
    /// (`/previous_emails/2` → [`RequestQuestion::Evidence`]). The two
    /// acknowledgements are asked by none: they are the declaration that
    /// sending on "Check your answers" makes.
    pub fn asking(pointer: &str) -> Option<RequestQuestion> {
        let field = pointer.trim_start_matches('/').split('/').next()?;
        Some(match field {
            "username" | "account_email" => RequestQuestion::Account,
            "reason" | "recovery_codes_status" | "details" | "lost_access_on" => {
                RequestQuestion::WhatHappened
            }
            "previous_emails" | "packages" => RequestQuestion::Evidence,
            // The proofs were attached in the wizard for the contact address.
            "contact_email" | "email_proof" | "repository_proof" => RequestQuestion::Contact,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_follow_one_another_in_order() {
        let mut walked = vec![RequestQuestion::Account];
        while let Some(next) = walked.last().unwrap().next() {
            assert_eq!(next.previous(), walked.last().copied());
            walked.push(next);
        }
        assert_eq!(walked, RequestQuestion::ALL);
        assert_eq!(RequestQuestion::Account.previous(), None);
        for q in RequestQuestion::ALL.into_iter().skip(1) {
            assert_eq!(RequestQuestion::parse(q.slug().unwrap()), Some(q));
        }
        assert_eq!(RequestQuestion::parse("check"), None);
    }

    #[test]
    fn every_field_of_the_body_is_asked_on_one_page_but_the_declaration() {
        for field in crate::api::RecoveryRequestBody::FIELDS {
            let asked = RequestQuestion::asking(&format!("/{field}/0"));
            let declared = matches!(field, "accepted_code_of_conduct" | "acknowledged_delay");
            assert_eq!(asked.is_none(), declared, "{field}");
        }
    }
}
