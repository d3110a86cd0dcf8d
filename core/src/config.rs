//! Runtime configuration: `config.json` next to `index.html`.
//!
//! Rebranding or repointing the app is an edit of this file, never a rebuild.
//! The app refuses to start on an invalid file and says which field is wrong.

use serde::{Deserialize, Serialize};

/// Recovery-code policy the UI explains and pre-checks with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryCodePolicy {
    /// Codes per set (PyPI: 8).
    pub count: u32,
    /// Characters per code (PyPI: 16).
    pub length: u32,
    /// Alphabet of a code after normalising (PyPI: `0123456789abcdef`).
    pub alphabet: String,
}

/// Where users get help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportConfig {
    /// Contact address shown in the footer and on dead ends.
    pub email: String,
    /// Help pages, e.g. the registry's account-recovery FAQ.
    pub help_url: String,
    /// Code of Conduct the request form links to.
    pub code_of_conduct_url: String,
    /// Account settings page, where a signed-in user changes their email.
    pub account_settings_url: String,
    /// Security contact for compromised accounts.
    pub security_url: String,
}

/// A separate test instance of the registry (TestPyPI for PyPI): its
/// accounts are a different database, a common source of "my codes do not work".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestInstance {
    /// Its name, e.g. "TestPyPI".
    pub name: String,
    /// Its address, e.g. `https://test.pypi.org`.
    pub url: String,
}

fn default_api_token_prefix() -> String {
    crate::limits::DEFAULT_API_TOKEN_PREFIX.to_string()
}

/// The whole `config.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Registry name shown in the header and titles (e.g. "PyPI").
    pub site_name: String,
    /// Base of the API, absolute or relative to the app's origin (default `/api/v1`).
    pub api_base: String,
    pub support: SupportConfig,
    pub recovery_codes: RecoveryCodePolicy,
    /// Issuer shown in authenticator apps; must not contain ':'.
    pub totp_issuer: String,
    /// How long support usually takes, in words (e.g. "1 to 4 weeks").
    pub expected_response_time: String,
    /// How the registry's API tokens start (PyPI: `pypi-`), so one pasted
    /// into a code field or a request is recognised. Optional.
    #[serde(default = "default_api_token_prefix")]
    pub api_token_prefix: String,
    /// The registry's test instance, if it has one. Optional.
    #[serde(default)]
    pub test_instance: Option<TestInstance>,
}

/// Why a `config.json` was refused: the field's JSON pointer and a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub pointer: String,
    pub reason: String,
}

impl AppConfig {
    /// Parse and check a `config.json` text.
    pub fn from_json(text: &str) -> Result<AppConfig, Vec<ConfigError>> {
        let config: AppConfig = parse_json(text)?;
        config.check()?;
        Ok(config)
    }

    /// Check the semantic rules serde cannot express.
    pub fn check(&self) -> Result<(), Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut require = |ok: bool, pointer: &str, reason: &'static str| {
            if !ok {
                errors.push(ConfigError {
                    pointer: pointer.to_string(),
                    reason: reason.to_string(),
                });
            }
        };
        require(
            !self.site_name.trim().is_empty(),
            "/site_name",
            "must not be empty",
        );
        require(
            !self.api_base.trim().is_empty(),
            "/api_base",
            "must not be empty",
        );
        require(
            self.support.email.contains('@'),
            "/support/email",
            "must be an email address",
        );
        require(
            !self.totp_issuer.is_empty() && !self.totp_issuer.contains(':'),
            "/totp_issuer",
            "must be non-empty and must not contain ':'",
        );
        require(
            (1..=32).contains(&self.recovery_codes.count),
            "/recovery_codes/count",
            "must be between 1 and 32",
        );
        require(
            (6..=64).contains(&self.recovery_codes.length),
            "/recovery_codes/length",
            "must be between 6 and 64",
        );
        require(
            self.recovery_codes.alphabet.chars().count() >= 2,
            "/recovery_codes/alphabet",
            "must have at least two characters",
        );
        require(
            self.api_token_prefix.len() <= 32
                && !self.api_token_prefix.contains(char::is_whitespace),
            "/api_token_prefix",
            "must be at most 32 characters, without spaces",
        );
        if let Some(test) = &self.test_instance {
            require(
                !test.name.trim().is_empty(),
                "/test_instance/name",
                "must not be empty",
            );
            require(
                test.url.starts_with("https://") || test.url.starts_with("http://"),
                "/test_instance/url",
                "must be an http(s) address",
            );
        }
        require(
            !self.expected_response_time.trim().is_empty(),
            "/expected_response_time",
            "must not be empty",
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn parse_json(text: &str) -> Result<AppConfig, Vec<ConfigError>> {
    serde_json::from_str(text).map_err(|err| {
        vec![ConfigError {
            pointer: String::new(),
            reason: err.to_string(),
        }]
    })
}
