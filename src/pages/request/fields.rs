//! The request's fields, in the order they are asked (the error summary's
//! order): each knows its row pointer, the id of its control and the
//! question page that asks for it.

use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::ErrorCode;

use crate::components::FormField;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RequestField {
    Username,
    AccountEmail,
    Reason,
    RecoveryCodesStatus,
    Details,
    LostAccessOn,
    /// The list as a whole (too many, say), before its rows.
    PreviousEmails,
    /// One row as the user sees it (empty rows included).
    PreviousEmail(usize),
    Packages,
    Package(usize),
    ContactEmail,
    EmailProof,
}

impl RequestField {
    /// The field a row pointer (`/previous_emails/2`) names.
    pub fn from_pointer(pointer: &str) -> Option<RequestField> {
        let mut parts = pointer.trim_start_matches('/').splitn(2, '/');
        let field = parts.next().unwrap_or_default();
        let index = parts.next().and_then(|i| i.parse::<usize>().ok());
        use RequestField as F;
        Some(match (field, index) {
            ("username", _) => F::Username,
            ("account_email", _) => F::AccountEmail,
            ("reason", _) => F::Reason,
            ("details", _) => F::Details,
            ("lost_access_on", _) => F::LostAccessOn,
            ("previous_emails", Some(i)) => F::PreviousEmail(i),
            ("previous_emails", None) => F::PreviousEmails,
            ("packages", Some(i)) => F::Package(i),
            ("packages", None) => F::Packages,
            ("contact_email", _) => F::ContactEmail,
            ("recovery_codes_status", _) => F::RecoveryCodesStatus,
            ("email_proof", _) => F::EmailProof,
            _ => return None,
        })
    }

    /// The page that asks for it (core's list, by the body pointer).
    pub fn question(self) -> RequestQuestion {
        RequestQuestion::asking(&self.pointer()).unwrap_or(RequestQuestion::Account)
    }

    /// Whether this field is `scope` or, for a list, one of its rows.
    pub fn within(self, scope: RequestField) -> bool {
        use RequestField as F;
        self == scope
            || matches!(
                (scope, self),
                (F::PreviousEmails, F::PreviousEmail(_)) | (F::Packages, F::Package(_))
            )
    }
}

impl FormField for RequestField {
    fn id(self) -> String {
        use RequestField as F;
        match self {
            F::Username => "username".into(),
            F::AccountEmail => "account-email".into(),
            F::Reason => "reason".into(),
            F::Details => "details".into(),
            F::LostAccessOn => "lost-access-on-day".into(),
            F::PreviousEmails => "previous-emails-0".into(),
            F::PreviousEmail(i) => format!("previous-emails-{i}"),
            F::Packages => "packages-0".into(),
            F::Package(i) => format!("packages-{i}"),
            F::ContactEmail => "contact-email".into(),
            F::RecoveryCodesStatus => "recovery-codes-status".into(),
            // Attached by the wizard, not typed: the summary links to the
            // address it proved.
            F::EmailProof => "contact-email".into(),
        }
    }

    fn pointer(self) -> String {
        use RequestField as F;
        match self {
            F::Username => "/username".into(),
            F::AccountEmail => "/account_email".into(),
            F::Reason => "/reason".into(),
            F::Details => "/details".into(),
            F::LostAccessOn => "/lost_access_on".into(),
            F::PreviousEmails => "/previous_emails".into(),
            F::PreviousEmail(i) => format!("/previous_emails/{i}"),
            F::Packages => "/packages".into(),
            F::Package(i) => format!("/packages/{i}"),
            F::ContactEmail => "/contact_email".into(),
            F::RecoveryCodesStatus => "/recovery_codes_status".into(),
            F::EmailProof => "/email_proof".into(),
        }
    }

    fn message(self, code: ErrorCode) -> String {
        reclaim_core::messages::field_message(&self.pointer(), code).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_round_trip_and_lists_hold_their_rows() {
        for f in [
            RequestField::Username,
            RequestField::PreviousEmails,
            RequestField::PreviousEmail(3),
            RequestField::Package(0),
            RequestField::EmailProof,
        ] {
            assert_eq!(RequestField::from_pointer(&f.pointer()), Some(f));
        }
        assert_eq!(RequestField::from_pointer("/acknowledged_delay"), None);
        assert_eq!(
            RequestField::Package(3).question(),
            RequestQuestion::Evidence
        );
        assert!(RequestField::PreviousEmail(2).within(RequestField::PreviousEmails));
        assert!(!RequestField::Package(2).within(RequestField::PreviousEmails));
        assert!(RequestField::PreviousEmails < RequestField::PreviousEmail(0));
        assert!(RequestField::PreviousEmail(9) < RequestField::Packages);
    }
}
