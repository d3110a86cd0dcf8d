//! Runtime configuration: `/config.json`, read before the router mounts
//! (inlined into `index.html` by the reference server, else fetched).
//!
//! The file is parsed and checked by `reclaim_core::config::AppConfig`, the
//! same code the server and the contract tests use. When it is missing or
//! wrong, the app shows a page that says which field is wrong instead of a
//! blank page.

use leptos::prelude::*;
use reclaim_core::config::{AppConfig, ConfigError};

/// Where the configuration is fetched from, relative to the app's origin.
pub const CONFIG_URL: &str = "/config.json";

/// Why the app could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigLoadError {
    /// The request itself failed (offline, blocked).
    Network(String),
    /// The server answered, but not with the file (404, 500…).
    Http(u16),
    /// The server answered with a web page (an SPA fallback): the file is
    /// most likely missing.
    HtmlInsteadOfJson,
    /// The file is not valid, field by field.
    Invalid(Vec<ConfigError>),
}

/// The id of the JSON data block the reference server puts into
/// `index.html` (the same file, inlined: no round trip before first paint).
pub const CONFIG_BLOCK_ID: &str = "reclaim-config";

/// The configuration: from the inlined data block when the page has one,
/// else fetched from `/config.json` (any static host).
pub async fn load() -> Result<AppConfig, ConfigLoadError> {
    let inlined = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(CONFIG_BLOCK_ID))
        .and_then(|el| el.text_content());
    match inlined {
        Some(text) => AppConfig::from_json(&text).map_err(ConfigLoadError::Invalid),
        None => fetch().await,
    }
}

/// Fetch and check `/config.json`.
async fn fetch() -> Result<AppConfig, ConfigLoadError> {
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let answer = crate::browser::fetch(CONFIG_URL, &init)
        .await
        .map_err(ConfigLoadError::Network)?;
    if !(200..300).contains(&answer.status) {
        return Err(ConfigLoadError::Http(answer.status));
    }
    let content_type = answer.header("content-type").unwrap_or_default();
    if content_type.contains("text/html") {
        return Err(ConfigLoadError::HtmlInsteadOfJson);
    }
    AppConfig::from_json(&answer.text).map_err(ConfigLoadError::Invalid)
}

/// The configuration, from context. Panics outside the app (a programming error).
pub fn use_config() -> AppConfig {
    use_context::<AppConfig>().expect("AppConfig is provided by App")
}

/// What to show people for each problem: a title and one line per issue.
pub fn describe(error: &ConfigLoadError) -> Vec<String> {
    match error {
        ConfigLoadError::Network(reason) => vec![format!(
            "The file {CONFIG_URL} could not be fetched ({reason}). Check your connection and reload the page."
        )],
        ConfigLoadError::Http(404) => vec![format!(
            "The file {CONFIG_URL} is missing: the server answered 404 Not Found. Put config.json next to index.html."
        )],
        ConfigLoadError::HtmlInsteadOfJson => vec![format!(
            "The server answered {CONFIG_URL} with a web page instead of JSON: the file is probably missing. Put config.json next to index.html."
        )],
        ConfigLoadError::Http(status) => vec![format!(
            "The file {CONFIG_URL} could not be read: the server answered HTTP {status}."
        )],
        ConfigLoadError::Invalid(errors) => errors
            .iter()
            .map(|e| {
                if e.pointer.is_empty() {
                    format!("config.json is not valid: {}", e.reason)
                } else {
                    format!("Field {} {}", e.pointer, e.reason)
                }
            })
            .collect(),
    }
}
