//! Every bound of the contract, in one place at the bottom of core: field
//! rules, messages, API schemas and the server all read them from here, so a
//! number in a message or in `openapi.json` can never drift from the rule.

/// Longest username (PyPI/warehouse: 50).
pub const MAX_USERNAME_CHARS: usize = 50;
/// Longest email address (RFC 5321 path limit, 254 octets of address).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest local part (before '@') of an email address (RFC 5321).
pub const MAX_EMAIL_LOCAL_CHARS: usize = 64;
/// Longest package name. PEP 508 sets no maximum; this is Reclaim's own cap,
/// to bound input, and is far above real project names.
pub const MAX_PACKAGE_NAME_CHARS: usize = 100;
/// Longest "what happened" text.
pub const MAX_DETAILS_CHARS: usize = 5000;
/// Most previous email addresses a request can list.
pub const MAX_PREVIOUS_EMAILS: usize = 5;
/// Most packages a request can list.
pub const MAX_PACKAGES: usize = 20;
/// Longest email proof token.
pub const MAX_EMAIL_PROOF_CHARS: usize = 512;

/// Shortest password a reset accepts.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted anywhere (argon2 cost does not depend on it, but
/// bodies should be bounded).
pub const MAX_PASSWORD_CHARS: usize = 1024;
/// Digits in an email one-time code: 8, so it is never mistaken for a
/// 6-digit authenticator code.
pub const EMAIL_CODE_DIGITS: usize = 8;
/// Lifetime of the second-factor step after a correct password, in seconds.
pub const CHALLENGE_SECS: u32 = 300;
/// Lifetime of a security key's registration, from the options to the
/// key's answer, in seconds (also the browser's timeout for the key).
pub const SECURITY_KEY_SETUP_SECS: u32 = 300;
/// Most security keys (and passkeys) one account can have: each is offered
/// to the browser at every sign-in.
pub const MAX_SECURITY_KEYS: usize = 10;
/// Longest name a security key can be given, once trimmed.
pub const MAX_SECURITY_KEY_NAME_CHARS: usize = 64;
/// Lifetime of a password-reset link, in hours.
pub const RESET_LINK_HOURS: u32 = 6;
/// Lifetime of an email one-time code, in minutes.
pub const EMAIL_CODE_MINUTES: u32 = 15;
/// Shortest text after the prefix that counts as an API token (a real PyPI
/// token has about 180 characters; people paste them cut short).
pub const MIN_API_TOKEN_BODY_CHARS: usize = 16;
/// PyPI's API-token prefix; `config.json` (`api_token_prefix`) and the
/// server's `--api-token-prefix` name another registry's.
pub const DEFAULT_API_TOKEN_PREFIX: &str = "pypi-";

/// Hexadecimal characters of a repository proof's token (64 bits, like the
/// token PyPI's staff mail): the branch to push is `reclaim-{token}`.
pub const REPOSITORY_TOKEN_HEX_CHARS: usize = 16;
/// What the branch (or tag) of a repository proof is called before its token.
pub const REPOSITORY_REF_PREFIX: &str = "reclaim-";
/// Longest repository URL a repository proof takes (a project's URL is
/// compared with it exactly).
pub const MAX_REPOSITORY_URL_CHARS: usize = 512;
/// Seconds a repository check waits for the forge before it answers
/// `repository_unreachable`.
pub const REPOSITORY_CHECK_TIMEOUT_SECS: u64 = 10;
/// Most bytes of a forge's ref advertisement a check reads: beyond, the
/// repository is `repository_unreachable` (a repository with that many
/// branches and tags is read in pages by nobody, and a hostile host could
/// send without end).
pub const MAX_REF_ADVERTISEMENT_BYTES: u64 = 1024 * 1024;
/// Default hold of a request carrying a checked repository proof, in
/// hours: every address of the account is told and can cancel it before
/// anyone acts on it.
pub const DEFAULT_HOLD_WITH_REPOSITORY_HOURS: u32 = 72;
/// Default hold of a request carrying only an email proof, in hours (7
/// days, PyPI's waiting period when there is no project to push to).
pub const DEFAULT_HOLD_EMAIL_ONLY_HOURS: u32 = 7 * 24;
