//! Schemas of the request fields, built from the rules in
//! [`crate::validation`] so the document states exactly what the server
//! enforces (and nothing it does not). Only the reference server enables this.

use crate::limits::{
    MAX_DETAILS_CHARS, MAX_EMAIL_CHARS, MAX_EMAIL_LOCAL_CHARS, MAX_EMAIL_PROOF_CHARS, MAX_PACKAGES,
    MAX_PACKAGE_NAME_CHARS, MAX_PREVIOUS_EMAILS, MAX_SECURITY_KEY_NAME_CHARS, MAX_USERNAME_CHARS,
};
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type,
};

/// ECMA-262 form of [`crate::validation::validate_email`]: the WHATWG
/// rule with a local part of at most [`MAX_EMAIL_LOCAL_CHARS`].
pub fn email_pattern() -> String {
    format!(
        "[a-zA-Z0-9.!#$%&'*+/=?^_`{{|}}~-]{{1,{MAX_EMAIL_LOCAL_CHARS}}}\
         @[a-zA-Z0-9](?:[a-zA-Z0-9-]{{0,61}}[a-zA-Z0-9])?\
         (?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{{0,61}}[a-zA-Z0-9])?)*"
    )
}

/// A PyPI username / PEP 508 name (case-insensitive).
const PYPI_NAME: &str = "[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?";

/// [`PYPI_NAME`] of at most `max` characters.
fn pypi_name_pattern(max: usize) -> String {
    format!("[A-Za-z0-9](?:[A-Za-z0-9._-]{{0,{}}}[A-Za-z0-9])?", max - 2)
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn nullable_string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// A required email address ([`crate::validation::validate_email`]).
pub fn email() -> ObjectBuilder {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .max_length(Some(MAX_EMAIL_CHARS))
        .pattern(Some(format!("^{}$", email_pattern())))
}

/// A security key's name ([`crate::validation::validate_security_key_name`]):
/// its bound is on the trimmed name, so no maxLength (it would refuse a
/// name with spaces around it that the server takes).
pub fn security_key_name() -> ObjectBuilder {
    string()
        .description(Some(format!(
            "The name the user gives the key, like \"Blue key\": 1 to \
             {MAX_SECURITY_KEY_NAME_CHARS} characters once trimmed (it is stored trimmed), \
             no control characters."
        )))
        .min_length(Some(1))
        .pattern(Some("\\S"))
}

/// Blank is allowed (only with `account_email`), so the length limit lives
/// in the pattern: a maxLength would also refuse long blank strings.
pub fn request_username() -> ObjectBuilder {
    string()
        .description(Some(format!(
            "The account's username: 1 to {MAX_USERNAME_CHARS} ASCII letters, digits, `.`, `_` \
             and `-`, starting and ending with a letter or digit. May be empty (or blank) \
             when `account_email` is given."
        )))
        .pattern(Some(format!(
            "^(?:\\s*|{})$",
            pypi_name_pattern(MAX_USERNAME_CHARS)
        )))
}

/// Blank counts as absent, so no `format` (it would refuse `""`) and no
/// maxLength (it would refuse long blank strings).
pub fn request_account_email() -> ObjectBuilder {
    nullable_string()
        .description(Some(format!(
            "The email the account used, for users who do not know their username. Blank \
             counts as absent; otherwise a valid address of at most {MAX_EMAIL_CHARS} characters."
        )))
        .pattern(Some(format!("^(?:\\s*|{})$", email_pattern())))
}

pub fn request_details() -> ObjectBuilder {
    string()
        .description(Some(
            "What happened, in the user's words. Must not be blank; line breaks and tabs \
             are allowed, other control characters are not, and text holding a recovery \
             code, TOTP code or TOTP secret is refused.",
        ))
        .min_length(Some(1))
        .max_length(Some(MAX_DETAILS_CHARS))
}

/// Blank counts as absent, so no `format: date` (it would refuse `""`).
pub fn request_lost_access_on() -> ObjectBuilder {
    nullable_string()
        .description(Some(
            "ISO date `YYYY-MM-DD`, optional (blank counts as absent); a real calendar \
             date, not in the future.",
        ))
        .pattern(Some(
            "^(?:\\s*|[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))$",
        ))
}

pub fn request_previous_emails() -> ArrayBuilder {
    ArrayBuilder::new()
        .description(Some(
            "Addresses the account used before; no duplicates (compared case-insensitively).",
        ))
        .items(email())
        .max_items(Some(MAX_PREVIOUS_EMAILS))
        .unique_items(true)
}

pub fn request_packages() -> ArrayBuilder {
    ArrayBuilder::new()
        .description(Some(
            "Projects the account maintains (PEP 508 names); no duplicates (compared after \
             PEP 503 normalisation).",
        ))
        .items(
            string()
                .min_length(Some(1))
                .max_length(Some(MAX_PACKAGE_NAME_CHARS))
                .pattern(Some(format!("^{PYPI_NAME}$"))),
        )
        .max_items(Some(MAX_PACKAGES))
        .unique_items(true)
}

/// A checkbox that must be ticked: `false` is refused (`must_accept`).
pub fn must_be_true() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .enum_values(Some([true]))
}

/// Blank counts as absent, so the length limit is only described: a
/// maxLength would also refuse long blank strings.
pub fn request_email_proof() -> ObjectBuilder {
    nullable_string().description(Some(format!(
        "The `proof` from `POST /email-verification/confirm`, optional (blank counts as \
         absent); at most {MAX_EMAIL_PROOF_CHARS} characters."
    )))
}

/// Like the email proof: blank counts as absent.
pub fn request_repository_proof() -> ObjectBuilder {
    nullable_string().description(Some(format!(
        "The `proof_id` of a checked repository proof (`POST /repository-proofs`), made with \
         this request's `email_proof` for a project of the account it names; optional (blank \
         counts as absent); at most {MAX_EMAIL_PROOF_CHARS} characters."
    )))
}

/// The document's numbers come from the rules' consts; this keeps it so.
#[cfg(test)]
mod tests {
    use crate::api::*;
    use crate::limits::*;
    use crate::validation::{validate_date, validate_email, validate_username};
    use serde_json::Value;
    use utoipa::PartialSchema;

    fn schema_of<T: PartialSchema>() -> Value {
        serde_json::to_value(T::schema()).unwrap()
    }

    fn assert_email(v: &Value) {
        assert_eq!(v["format"], "email");
        assert_eq!(v["maxLength"], MAX_EMAIL_CHARS);
        let local = format!("{{1,{MAX_EMAIL_LOCAL_CHARS}}}@");
        assert!(v["pattern"].as_str().unwrap().contains(&local), "{v}");
    }

    #[test]
    fn recovery_request_limits_are_the_validation_consts() {
        let s = schema_of::<RecoveryRequestBody>();
        let p = &s["properties"];
        let username = format!("{{0,{}}}", MAX_USERNAME_CHARS - 2);
        assert!(p["username"]["pattern"]
            .as_str()
            .unwrap()
            .contains(&username));
        assert_email(&p["contact_email"]);
        assert_email(&p["previous_emails"]["items"]);
        assert_eq!(p["previous_emails"]["maxItems"], MAX_PREVIOUS_EMAILS);
        assert_eq!(p["previous_emails"]["uniqueItems"], true);
        assert_eq!(p["details"]["maxLength"], MAX_DETAILS_CHARS);
        assert_eq!(p["details"]["minLength"], 1);
        assert_eq!(p["packages"]["maxItems"], MAX_PACKAGES);
        assert_eq!(p["packages"]["items"]["maxLength"], MAX_PACKAGE_NAME_CHARS);
        assert!(p["email_proof"]["description"]
            .as_str()
            .unwrap()
            .contains(&MAX_EMAIL_PROOF_CHARS.to_string()));
        // `reason` is refused when absent or null, so required and not nullable.
        let required = s["required"].as_array().unwrap();
        assert!(required.contains(&Value::from("reason")));
        assert!(p["reason"]["$ref"].is_string());
        // `recovery_codes_status` is asked only for some reasons: the schema
        // names the enum, and the rule lives in its description.
        assert!(
            p["recovery_codes_status"]
                .to_string()
                .contains("RecoveryCodesStatus"),
            "{}",
            p["recovery_codes_status"]
        );
        for field in ["accepted_code_of_conduct", "acknowledged_delay"] {
            assert_eq!(p[field]["enum"], serde_json::json!([true]), "{field}");
        }
        // Blank counts as absent for these: no format or maxLength that would refuse "".
        for field in ["account_email", "lost_access_on", "email_proof"] {
            assert!(p[field]["format"].is_null(), "{field}");
            assert!(p[field]["maxLength"].is_null(), "{field}");
        }
    }

    #[test]
    fn email_bodies_use_the_email_rule() {
        assert_email(&schema_of::<UsernameReminderBody>()["properties"]["email"]);
        assert_email(&schema_of::<EmailVerificationBody>()["properties"]["email"]);
        assert_email(&schema_of::<EmailVerificationConfirmBody>()["properties"]["email"]);
        assert_email(&schema_of::<StatusTokenCodeBody>()["properties"]["contact_email"]);
    }

    /// The patterns say what the validators do, on inputs where it matters.
    #[test]
    fn patterns_are_not_stricter_than_the_validators() {
        // No regex engine here; check the shapes the patterns must accept.
        assert_eq!(validate_username(&"a".repeat(MAX_USERNAME_CHARS)), Ok(()));
        assert_eq!(validate_email(&format!("{}@b.c", "a".repeat(64))), Ok(()));
        assert!(validate_email(&format!("{}@b.c", "a".repeat(65))).is_err());
        assert_eq!(validate_date("2024-02-29"), Ok(()));
    }
}
