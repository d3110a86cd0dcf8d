//! Request and response bodies of the v1 API contract.
//!
//! Field names are part of the contract (see `openapi.json`); the server
//! deserialises with `deny_unknown_fields` so a typo is a 4xx, not silence.

use serde::{Deserialize, Serialize};
use validator::Validate;

// The rules the bodies' `#[validate(...)]` attributes call (each wraps a rule
// function of `validation` and carries its `ErrorCode`).
use crate::validation::declared as rule;

/// The bounds of [`crate::limits`] as `length` rules take them (`u64`).
mod bound {
    use crate::limits::*;
    pub const DETAILS: u64 = MAX_DETAILS_CHARS as u64;
    pub const PREVIOUS_EMAILS: u64 = MAX_PREVIOUS_EMAILS as u64;
    pub const PACKAGES: u64 = MAX_PACKAGES as u64;
    pub const USERNAME: u64 = MAX_USERNAME_CHARS as u64;
    pub const PASSWORD: u64 = MAX_PASSWORD_CHARS as u64;
    pub const NEW_PASSWORD_MIN: u64 = MIN_PASSWORD_CHARS as u64;
    pub const PROOF: u64 = MAX_EMAIL_PROOF_CHARS as u64;
    pub const REPOSITORY_URL: u64 = MAX_REPOSITORY_URL_CHARS as u64;
}

/// Default base path of the API, relative to the app's origin.
pub const DEFAULT_API_BASE: &str = "/api/v1";

/// Header carrying the client-chosen idempotency key of a submission.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";
/// Header that state-changing signed-in calls carry (double-submit CSRF token).
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// `GET`: the session of the cookie, with its CSRF token (relative to the
/// API base, as every path here).
pub const SESSION_PATH: &str = "/session";
/// `GET`: the account's security state, graded by the checkup.
pub const ACCOUNT_SECURITY_PATH: &str = "/account/security";
/// What a signed-in page asks for as it loads, both at once: the app's
/// client calls them, and the reference server has the page name them for
/// the browser to fetch while the page's code loads.
pub const SIGNED_IN_PAGE_LOAD: [&str; 2] = [SESSION_PATH, ACCOUNT_SECURITY_PATH];

/// Why the user files a recovery request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    ForgotPassword,
    // snake_case alone would give "lost2fa"; the contract says "lost_2fa".
    #[serde(rename = "lost_2fa")]
    Lost2fa,
    StaleRecoveryCodes,
    LostEmail,
    Compromised,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::Lost2fa,
        Reason::StaleRecoveryCodes,
        Reason::LostEmail,
        Reason::Compromised,
        Reason::ForgotPassword,
        Reason::Other,
    ];

    /// The wire value, also used in URLs (`/request?reason=lost_2fa`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ForgotPassword => "forgot_password",
            Reason::Lost2fa => "lost_2fa",
            Reason::StaleRecoveryCodes => "stale_recovery_codes",
            Reason::LostEmail => "lost_email",
            Reason::Compromised => "compromised",
            Reason::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Whether the request asks what happened to the recovery codes. Only
    /// where codes are the problem: someone who forgot a password, lost an
    /// email or was taken over must never have to tick a false answer.
    pub fn concerns_recovery_codes(self) -> bool {
        matches!(self, Reason::Lost2fa | Reason::StaleRecoveryCodes)
    }
}

/// What the user can say about their recovery codes (seed 001's checkbox, refined).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecoveryCodesStatus {
    NeverGenerated,
    Lost,
    NotWorking,
}

impl RecoveryCodesStatus {
    pub const ALL: [RecoveryCodesStatus; 3] = [
        RecoveryCodesStatus::NeverGenerated,
        RecoveryCodesStatus::Lost,
        RecoveryCodesStatus::NotWorking,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryCodesStatus::NeverGenerated => "never_generated",
            RecoveryCodesStatus::Lost => "lost",
            RecoveryCodesStatus::NotWorking => "not_working",
        }
    }

    pub fn parse(value: &str) -> Option<RecoveryCodesStatus> {
        RecoveryCodesStatus::ALL
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// Where a recovery request is in support's workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Received,
    InReview,
    AwaitingUser,
    Approved,
    Rejected,
    Closed,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Received,
        RequestStatus::InReview,
        RequestStatus::AwaitingUser,
        RequestStatus::Approved,
        RequestStatus::Rejected,
        RequestStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Received => "received",
            RequestStatus::InReview => "in_review",
            RequestStatus::AwaitingUser => "awaiting_user",
            RequestStatus::Approved => "approved",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// An open request blocks a second one for the same username.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RequestStatus::Received | RequestStatus::InReview | RequestStatus::AwaitingUser
        )
    }
}

/// Body of `POST /recovery-requests`. Field names are part of the contract.
//
// Its field rules are declared here: the server checks every request against
// them (`validation::check_request`); the app, before sending, with the same
// rule functions composed by hand (`validation::validate_request`, the same
// issues). The three rules across fields are the struct-level `schema` ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[validate(context = "rule::RequestContext<'v_a>")]
// One `schema` attribute per rule across fields, each with the same option.
#[allow(clippy::duplicated_attributes)]
#[validate(schema(
    function = "rule::username_or_account_email",
    skip_on_field_errors = false
))]
#[validate(schema(
    function = "rule::contact_email_not_lost",
    skip_on_field_errors = false
))]
#[validate(schema(
    function = "rule::recovery_codes_status_if_asked",
    skip_on_field_errors = false
))]
pub struct RecoveryRequestBody {
    /// The account's username; may be empty when `account_email` is given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::request_username))]
    #[validate(custom(function = "rule::username_if_given"))]
    pub username: String,
    /// The email the account used, for users who do not know their username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::request_account_email))]
    #[validate(custom(function = "rule::email_if_given"))]
    pub account_email: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::email))]
    #[validate(custom(function = "rule::email"))]
    pub contact_email: String,
    // `None` (absent or null) is refused as `required`, so the schema says so.
    #[cfg_attr(feature = "openapi", schema(value_type = Reason, required = true))]
    #[validate(required)]
    pub reason: Option<Reason>,
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::request_details))]
    #[validate(
        length(max = bound::DETAILS, code = "too_long"),
        custom(function = "rule::details", use_context)
    )]
    pub details: String,
    /// ISO date `YYYY-MM-DD`, optional.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::request_lost_access_on))]
    #[validate(custom(function = "rule::lost_access_on_if_given", use_context))]
    pub lost_access_on: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::request_previous_emails))]
    #[validate(
        length(max = bound::PREVIOUS_EMAILS, code = "too_many_items"),
        custom(function = "rule::previous_email_items")
    )]
    pub previous_emails: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::request_packages))]
    #[validate(
        length(max = bound::PACKAGES, code = "too_many_items"),
        custom(function = "rule::package_items")
    )]
    pub packages: Vec<String>,
    /// Required when `reason` is `lost_2fa` or `stale_recovery_codes` (see
    /// [`Reason::concerns_recovery_codes`]); otherwise not asked.
    #[serde(default)]
    pub recovery_codes_status: Option<RecoveryCodesStatus>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::request_email_proof))]
    #[validate(custom(function = "rule::email_proof_if_given"))]
    pub email_proof: Option<String>,
    /// The `proof_id` of a checked repository proof made with the same
    /// `email_proof`, for a project of the account the request names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::request_repository_proof))]
    #[validate(custom(function = "rule::repository_proof_if_given"))]
    pub repository_proof: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::must_be_true))]
    #[validate(custom(function = "rule::accepted"))]
    pub accepted_code_of_conduct: bool,
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::must_be_true))]
    #[validate(custom(function = "rule::accepted"))]
    pub acknowledged_delay: bool,
}

impl RecoveryRequestBody {
    /// The fields in their order: the order of a problem document's errors.
    pub const FIELDS: [&'static str; 13] = [
        "username",
        "account_email",
        "contact_email",
        "reason",
        "details",
        "lost_access_on",
        "previous_emails",
        "packages",
        "recovery_codes_status",
        "email_proof",
        "repository_proof",
        "accepted_code_of_conduct",
        "acknowledged_delay",
    ];
}

/// `201` answer to a new (or replayed) recovery request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryRequestCreated {
    /// Human-readable id, e.g. `RR-2026-000123`.
    pub id: String,
    /// Secret bearer token for the status page; shown once.
    pub status_token: String,
    pub status: RequestStatus,
    /// RFC 3339 timestamp.
    pub submitted_at: String,
    /// When the hold ends (RFC 3339), for a request that carries a proof:
    /// until then any address of the account can cancel it, and nobody acts
    /// on it. Absent without a proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_ends_at: Option<String>,
}

/// One entry of a request's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub status: RequestStatus,
    /// RFC 3339 timestamp.
    pub at: String,
    /// A note from support for the user, if any.
    #[serde(default)]
    pub note: Option<String>,
}

/// `GET /recovery-requests/{id}` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryRequestStatusView {
    pub id: String,
    pub status: RequestStatus,
    pub reason: Reason,
    pub submitted_at: String,
    pub updated_at: String,
    pub timeline: Vec<TimelineEntry>,
    /// What the request carries to show the account is the requester's,
    /// in the order they were made.
    #[serde(default)]
    pub proofs: Vec<RequestProof>,
    /// When the hold ends (RFC 3339), for a request that carries a proof:
    /// until then every address of the account can cancel it, and nobody
    /// acts on it. `None` without a proof.
    #[serde(default)]
    pub hold_ends_at: Option<String>,
    /// By when support expects to answer (RFC 3339), while the request is open.
    #[serde(default)]
    pub expected_response_by: Option<String>,
    /// The request's place in support's queue (1: next), while it is open.
    #[serde(default)]
    pub queue_position: Option<u32>,
}

/// What a proof a request carries is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProofKind {
    /// A one-time code mailed to an address was entered.
    Email,
    /// A branch (or tag) named with a token was found in a project's
    /// public repository.
    Repository,
}

/// One proof a request carries, as its status page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestProof {
    pub kind: ProofKind,
    /// When it was made (RFC 3339): the code entered, the branch found.
    pub at: String,
    /// For a repository proof: the repository, the ref found and its commit.
    #[serde(default)]
    pub repository_url: Option<String>,
    #[serde(default)]
    pub ref_name: Option<String>,
    #[serde(default)]
    pub commit: Option<String>,
}

/// Body of `POST /repository-proofs/candidates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RepositoryCandidatesBody {
    /// The `proof` from `POST /email-verification/confirm`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    #[validate(length(min = 1, max = bound::PROOF, code = "too_long"))]
    pub email_proof: String,
}

/// `200` answer of `POST /repository-proofs/candidates`: the public
/// repositories that can prove an account of the proven address is yours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepositoryCandidates {
    /// Empty when no account uses the address, or none has a repository
    /// listed before the address was proven (the same answer).
    pub candidates: Vec<RepositoryCandidate>,
}

/// A project's public repository a branch can be pushed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepositoryCandidate {
    /// The project's name on the registry.
    pub project: String,
    pub repository_url: String,
    /// Since when the repository is listed on the project (RFC 3339).
    pub listed_since: String,
}

/// Body of `POST /repository-proofs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RepositoryProofBody {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    #[validate(length(min = 1, max = bound::PROOF, code = "too_long"))]
    pub email_proof: String,
    /// One of the candidates' `repository_url`, as listed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    #[validate(length(min = 1, max = bound::REPOSITORY_URL, code = "too_long"))]
    pub repository_url: String,
}

/// `200` answer of `POST /repository-proofs`: what to push, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepositoryProofIssued {
    /// For `POST /repository-proofs/{proof_id}/check` and a request's
    /// `repository_proof`.
    pub proof_id: String,
    /// 16 lowercase hexadecimal characters.
    pub token: String,
    /// `reclaim-{token}`: the branch (or tag) to push.
    pub ref_name: String,
    pub repository_url: String,
    /// Shell commands that push an empty commit on that branch.
    pub commands: Vec<String>,
    /// When the proof stops working (RFC 3339): with its email proof.
    pub expires_at: String,
}

/// Body of `POST /repository-proofs/{id}/check`: the email proof the
/// repository proof was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RepositoryProofCheckBody {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    #[validate(length(min = 1, max = bound::PROOF, code = "too_long"))]
    pub email_proof: String,
}

/// `200` answer of `POST /repository-proofs/{id}/check`: the branch was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepositoryProofChecked {
    pub proof_id: String,
    pub repository_url: String,
    /// The full name of the ref found (`refs/heads/reclaim-…` or `refs/tags/reclaim-…`).
    pub ref_name: String,
    /// The commit it points to.
    pub commit: String,
    /// When it was found (RFC 3339).
    pub checked_at: String,
}

/// Body of `POST /recovery-requests/{id}/cancel`: the token of the "This
/// wasn't me" link mailed to an address of the account (the link carries
/// it in its fragment, which browsers never send to a server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelRequestBody {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    #[validate(length(min = 1, max = bound::PROOF, code = "too_long"))]
    pub token: String,
}

/// `200` answer of `POST /recovery-requests/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestCancelled {
    pub id: String,
    /// `closed`.
    pub status: RequestStatus,
    /// RFC 3339.
    pub cancelled_at: String,
}

/// Body of `POST /password-reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetBody {
    /// A username or an email address.
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    #[validate(custom(function = "rule::identifier"))]
    pub identifier: String,
}

/// Body of `POST /username-reminder`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UsernameReminderBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::email))]
    #[validate(custom(function = "rule::email"))]
    pub email: String,
}

/// The uniform `202` answer of endpoints that must not reveal whether an account exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    pub message: String,
}

/// Body of `POST /login`. Its bounds fail as a wrong password would
/// (`401 invalid_credentials`), never as field errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    #[validate(length(max = bound::USERNAME, code = "too_long"))]
    pub username: String,
    /// Longer passwords are refused (`401 invalid_credentials`).
    #[cfg_attr(feature = "openapi", schema(max_length = 1024))]
    #[validate(length(max = bound::PASSWORD, code = "too_long"))]
    pub password: String,
}

/// Second factors a challenge can be answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecondFactor {
    /// A security key or passkey (WebAuthn): `POST /login/security-key/options`,
    /// then `POST /login/security-key`.
    SecurityKey,
    Totp,
    RecoveryCode,
}

/// Facts about the current recovery-code set, used for stale-code diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodesInfo {
    /// When the current set was generated (RFC 3339), `None` if never.
    pub generated_at: Option<String>,
    pub unused: u32,
}

/// A pending second-factor step after a correct password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorChallenge {
    pub token: String,
    /// What the account has, in the order to offer them: a security key
    /// (it cannot be phished), the authenticator app, a recovery code.
    pub methods: Vec<SecondFactor>,
    pub recovery_codes: RecoveryCodesInfo,
    /// Seconds until the challenge expires (300 at issue).
    pub expires_in: u32,
}

/// `200` answer of the login endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "result", rename_all = "snake_case", try_from = "LoginAnswer")]
pub enum LoginOutcome {
    /// Signed in: the session cookie is set; the CSRF token goes in [`CSRF_HEADER`].
    Session {
        username: String,
        csrf_token: String,
    },
    SecondFactor(SecondFactorChallenge),
}

/// A login answer's members, flat: what [`LoginOutcome`] is read from.
/// serde reads an internally tagged enum by buffering the whole value
/// before it knows the variant, code that cost each browser bundle that
/// signs in kilobytes; read flat, `result` picks the variant afterwards.
/// The JSON is the same.
#[derive(Deserialize)]
struct LoginAnswer {
    result: LoginResult,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    csrf_token: Option<String>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    methods: Vec<SecondFactor>,
    #[serde(default)]
    recovery_codes: Option<RecoveryCodesInfo>,
    #[serde(default)]
    expires_in: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum LoginResult {
    Session,
    SecondFactor,
}

impl TryFrom<LoginAnswer> for LoginOutcome {
    type Error = &'static str;

    fn try_from(a: LoginAnswer) -> Result<LoginOutcome, &'static str> {
        Ok(match a.result {
            LoginResult::Session => LoginOutcome::Session {
                username: a.username.ok_or("missing field `username`")?,
                csrf_token: a.csrf_token.ok_or("missing field `csrf_token`")?,
            },
            LoginResult::SecondFactor => LoginOutcome::SecondFactor(SecondFactorChallenge {
                token: a.token.ok_or("missing field `token`")?,
                methods: a.methods,
                recovery_codes: a.recovery_codes.ok_or("missing field `recovery_codes`")?,
                expires_in: a.expires_in.ok_or("missing field `expires_in`")?,
            }),
        })
    }
}

/// The session fields of a [`LoginOutcome::Session`], read on their own
/// where nothing else can come back (`GET /session`, whose `result` member
/// is then ignored): a plain struct costs a browser bundle far less to
/// decode than the tagged enum (serde buffers an internally tagged value).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SessionFields {
    pub username: String,
    pub csrf_token: String,
}

/// Body of `POST /login/recovery-code` and `POST /login/totp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecondFactorBody {
    pub token: String,
    /// A TOTP code or a recovery code; whitespace (and, for recovery codes,
    /// dashes and case) is normalised away before checking.
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub code: String,
}

/// Body of `POST /login/security-key/options`: the sign-in step whose
/// account's security keys the browser is to ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChallengeBody {
    /// The `token` of the [`SecondFactorChallenge`].
    pub token: String,
}

/// `200` answer of `POST /login/security-key/options`: the browser's
/// `PublicKeyCredentialRequestOptions` in WebAuthn's JSON form (binary
/// fields as base64url text, as `PublicKeyCredential.parseRequestOptionsFromJSON`
/// reads them), for `navigator.credentials.get({ publicKey })`: the
/// challenge, `rpId`, the account's keys in `allowCredentials`,
/// `userVerification` and `timeout`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = Object))]
#[serde(transparent)]
pub struct SecurityKeyRequestOptions(pub serde_json::Value);

/// Body of `POST /login/security-key`: the key's answer to the options of
/// this sign-in step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecurityKeyAssertionBody {
    /// The `token` of the [`SecondFactorChallenge`].
    pub token: String,
    /// The `PublicKeyCredential` that `navigator.credentials.get()` gave, in
    /// WebAuthn's JSON form (`PublicKeyCredential.toJSON()`): `id`, `rawId`,
    /// `type` and `response` (`clientDataJSON`, `authenticatorData`,
    /// `signature`, `userHandle`) as base64url text, and
    /// `clientExtensionResults`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

/// Body of `POST /email-verification`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailVerificationBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::email))]
    #[validate(custom(function = "rule::email"))]
    pub email: String,
}

/// Body of `POST /email-verification/confirm`. The code is checked by the
/// server alone (`email_code_invalid`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailVerificationConfirmBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::email))]
    #[validate(custom(function = "rule::email"))]
    pub email: String,
    pub code: String,
}

/// Body of `POST /recovery-requests/{id}/status-code`: the request's
/// contact address, to which a code for a new status token is mailed when
/// it is the request's. The answer is the same whether it is or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusTokenCodeBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::email))]
    #[validate(custom(function = "rule::email"))]
    pub contact_email: String,
}

/// `200` answer of `POST /recovery-requests/{id}/status-token`: a new status
/// token for the request; the one before it no longer opens the status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStatusToken {
    /// Secret bearer token for the status page; shown once.
    pub status_token: String,
}

/// A proof that the user controls an email address, attachable to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailProof {
    pub proof: String,
}

/// One field error inside a problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// JSON Pointer into the request body, e.g. `/previous_emails/2`.
    pub pointer: String,
    /// Stable machine code, see [`crate::messages`].
    pub code: String,
    pub message: String,
}

/// RFC 9457 problem document with Reclaim's extensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: Option<String>,
    /// Stable machine code (`invalid_credentials`, `validation_failed`, …).
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Body of `POST /password-reset/confirm`: the token from the reset link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmBody {
    pub token: String,
    /// Too short (an empty one too) is `password_too_short`.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 1024))]
    #[validate(
        length(min = bound::NEW_PASSWORD_MIN, code = "password_too_short"),
        custom(function = "rule::password_not_too_long")
    )]
    pub new_password: String,
}

/// Body of `POST /password-reset/check`: the token from the reset link, in
/// the body (never in a URL, where logs and referrers keep it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetCheckBody {
    pub token: String,
}

/// `200` answer of `POST /password-reset/check`: the link still works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetLinkValid {
    /// Seconds until the link stops working.
    pub valid_for: u32,
}

/// `GET /account/security`: what the checkup grades.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSecurity {
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub totp_enabled: bool,
    pub recovery_codes: RecoveryCodesInfo,
    /// Seconds left in the fresh re-authentication window (0 when none):
    /// opened by the sign-in that made the session, and by `POST /account/reauth`.
    pub reauth_valid_for: u32,
    /// When an authenticator app was last added or removed (RFC 3339),
    /// `None` if never. Codes generated before it may be a forgotten set.
    #[serde(default)]
    pub totp_changed_at: Option<String>,
    /// The current recovery codes were generated before the authenticator
    /// was last changed (a set from before a lost phone, say).
    #[serde(default)]
    pub recovery_codes_predate_totp: bool,
    /// A code of the current set has been entered since it was generated
    /// (the confirmation after generating, or a sign-in): the set was
    /// stored somewhere the user can reach.
    #[serde(default)]
    pub recovery_codes_proven: bool,
    /// When the password was last changed (RFC 3339), `None` if not since
    /// the account was created.
    #[serde(default)]
    pub password_changed_at: Option<String>,
    /// The account's projects: support verifies ownership by a push to a
    /// project's public repository, so these say whether that path exists.
    #[serde(default)]
    pub projects: Vec<AccountProject>,
    /// The account's security keys and passkeys, oldest first (a second
    /// factor like the authenticator app: with either, recovery codes can
    /// be generated).
    #[serde(default)]
    pub security_keys: Vec<SecurityKey>,
}

/// One project of the account, for the checkup's recovery readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountProject {
    /// The project's name on the registry.
    pub name: String,
    /// Its public source repository (`https://…`), `None` when it has none
    /// (support then waits 7 days instead of asking for a push).
    #[serde(default)]
    pub repository_url: Option<String>,
}

/// Body of `POST /account/reauth`. A password over the bound fails as a
/// wrong one would (`password_incorrect`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReauthBody {
    /// Longer passwords are refused (`401`).
    #[cfg_attr(feature = "openapi", schema(max_length = 1024))]
    #[validate(length(max = bound::PASSWORD, code = "too_long"))]
    pub password: String,
}

/// `200` answer of `POST /account/reauth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reauthenticated {
    /// Seconds during which sensitive changes are allowed without the password.
    pub valid_for: u32,
}

/// `200` answer of `POST /account/recovery-codes`: shown once, never stored in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodesGenerated {
    pub codes: Vec<String>,
    /// RFC 3339 timestamp of this set.
    pub generated_at: String,
    /// Suggested download name: `{site}-Recovery-Codes-{username}-{generated ISO time}.txt`.
    pub filename: String,
}

/// Body of the calls that take one code the user types: `POST
/// /account/recovery-codes/confirm`, `POST /account/totp/confirm`, `POST
/// /account/email-verification/confirm` and `POST
/// /recovery-requests/{id}/status-token`. The code is checked by the server
/// alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    /// A recovery code, a TOTP code or a mailed one-time code; whitespace
    /// (and, for recovery codes, dashes and case) is normalised away before
    /// checking.
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub code: String,
}

/// `200` answer of `POST /account/totp`: a pending authenticator to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpSetup {
    /// Base32 without padding (32 characters), shown beside the QR code.
    pub secret: String,
    /// `otpauth://totp/…` URI for the QR code.
    pub otpauth_uri: String,
    /// Seconds until this pending secret expires unless confirmed.
    pub expires_in: u32,
}

/// One security key (or passkey) of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityKey {
    /// Its id in `/account/security-keys/{id}` (random, not a count).
    pub id: String,
    /// The name the user gave it.
    pub name: String,
    /// When it was added (RFC 3339).
    pub added_at: String,
    /// When it last completed a sign-in (RFC 3339), `None` if never.
    #[serde(default)]
    pub last_used_at: Option<String>,
    /// When a sign-in with it was last refused because its signature
    /// counter went backwards (RFC 3339), `None` if never: a copy of the
    /// key may be in use, and the checkup asks to remove it.
    #[serde(default)]
    pub counter_regressed_at: Option<String>,
}

/// `200` answer of `GET /account/security-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityKeyList {
    /// Oldest first.
    pub keys: Vec<SecurityKey>,
}

/// `200` answer of `POST /account/security-keys/options`: the browser's
/// `PublicKeyCredentialCreationOptions` in WebAuthn's JSON form (binary
/// fields as base64url text, as `PublicKeyCredential.parseCreationOptionsFromJSON`
/// reads them), for `navigator.credentials.create({ publicKey })`: `rp`,
/// `user`, the challenge, `pubKeyCredParams`, the account's keys in
/// `excludeCredentials`, `authenticatorSelection`, `attestation` and
/// `timeout`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = Object))]
#[serde(transparent)]
pub struct SecurityKeyCreationOptions(pub serde_json::Value);

/// Body of `POST /account/security-keys`: the new key's credential, for the
/// options of `POST /account/security-keys/options`, and its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecurityKeyRegistrationBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::security_key_name))]
    #[validate(custom(function = "rule::security_key_name"))]
    pub name: String,
    /// The `PublicKeyCredential` that `navigator.credentials.create()`
    /// gave, in WebAuthn's JSON form (`PublicKeyCredential.toJSON()`): `id`,
    /// `rawId`, `type` and `response` (`clientDataJSON`,
    /// `attestationObject`, base64url text; `transports`), and
    /// `clientExtensionResults`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

/// Body of `PATCH /account/security-keys/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SecurityKeyRenameBody {
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::security_key_name))]
    #[validate(custom(function = "rule::security_key_name"))]
    pub name: String,
}

#[cfg(feature = "openapi")]
pub mod schemas;

#[cfg(test)]
mod tests {
    use super::*;

    /// Read flat, a login answer is still the tagged JSON the server writes.
    #[test]
    fn a_login_outcome_reads_back_what_it_writes() {
        let signed_in = LoginOutcome::Session {
            username: "bob".into(),
            csrf_token: "c".into(),
        };
        let challenge = LoginOutcome::SecondFactor(SecondFactorChallenge {
            token: "t".into(),
            methods: vec![SecondFactor::SecurityKey, SecondFactor::RecoveryCode],
            recovery_codes: RecoveryCodesInfo {
                generated_at: Some("2026-03-02T09:15:00Z".into()),
                unused: 7,
            },
            expires_in: 300,
        });
        for outcome in [signed_in, challenge] {
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(
                serde_json::from_str::<LoginOutcome>(&json).unwrap(),
                outcome
            );
        }
        let json = serde_json::json!({"result": "second_factor", "token": "t", "methods": []});
        assert!(serde_json::from_value::<LoginOutcome>(json)
            .unwrap_err()
            .to_string()
            .contains("recovery_codes"));
        assert!(serde_json::from_str::<LoginOutcome>(r#"{"result":"other"}"#).is_err());
    }
}
