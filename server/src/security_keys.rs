//! Security keys and passkeys (WebAuthn, by `webauthn-rs`): the relying
//! party this server is, and its two ceremonies, registration and sign-in,
//! between the browser's JSON and the keys as stored.
//!
//! The relying party comes from the public URL: its host is the
//! relying-party id, its origin the one origin keys answer for. An IP
//! address cannot be a relying-party id (WebAuthn binds keys to a domain),
//! so for a public URL on an IP address (the default `http://127.0.0.1:PORT`)
//! keys are served for `localhost`, same scheme and port: the demo and the
//! tests open the app at `http://localhost:PORT` to use them.
//!
//! webauthn-rs's security-key ceremonies, not its passkey ones: they ask for
//! user verification as *preferred* (the key's PIN or fingerprint where it
//! has one) and take keys without it, where the passkey ones require it and
//! so refuse every key with no PIN set up, most plain security keys among
//! them. A key registered with user verification must keep using it
//! (webauthn-rs holds it to that). Attestation "none" (no list of makers'
//! certificates): any key will do, and nothing is learnt of its make.
//!
//! A ceremony's state (its challenge, and at sign-in the keys that may
//! answer) is kept by the server, never trusted from the client: this
//! module turns it into text to store and back.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reclaim_core::limits::SECURITY_KEY_SETUP_SECS;
use webauthn_rs::prelude::{
    AuthenticationResult, CredentialID, PublicKeyCredential, RegisterPublicKeyCredential,
    SecurityKey, SecurityKeyAuthentication, SecurityKeyRegistration, Url, Uuid, Webauthn,
    WebauthnBuilder, WebauthnError,
};

use crate::problem::{ApiError, ApiResult};

/// The relying party of this deployment.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    webauthn: Webauthn,
    /// The origin keys answer for, e.g. `http://localhost:8080`.
    pub origin: String,
    /// The public URL's host is an IP address, so `localhost` stands in.
    pub on_localhost_instead: bool,
}

/// A registration begun: the options for the browser, the challenge they
/// carry (base64url, as the key's answer names it) and the state to keep.
pub struct Registration {
    pub options: serde_json::Value,
    pub challenge: String,
    pub state: String,
}

/// A key the browser registered, ready to store.
pub struct NewKey {
    /// The credential's id (base64url): one key belongs to one account.
    pub credential_id: String,
    /// The credential as webauthn-rs keeps it (public key, counter, …).
    pub credential: String,
}

/// Why a key's answer at sign-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The signature counter did not go up: a copy of the key may exist.
    Counter,
    /// Anything else: another key, another challenge or origin, a bad
    /// signature.
    Invalid,
}

impl RelyingParty {
    /// The relying party for `public_url` (see the module's documentation),
    /// named `site_name` where browsers show one.
    pub fn for_public_url(public_url: &str, site_name: &str) -> Result<RelyingParty, String> {
        let url = Url::parse(public_url)
            .map_err(|e| format!("--public-url {public_url}: not a URL ({e})"))?;
        if url.host_str().is_none() {
            return Err(format!("--public-url {public_url}: no host"));
        }
        // A host that is no domain is an IP address.
        let (host, on_ip) = match url.domain() {
            Some(domain) => (domain.to_string(), false),
            None => ("localhost".to_string(), true),
        };
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let origin = format!("{}://{host}{port}", url.scheme());
        let cannot = |e: String| format!("security keys cannot be served for {origin}: {e}");
        let origin_url = Url::parse(&origin).map_err(|e| cannot(e.to_string()))?;
        let webauthn = WebauthnBuilder::new(&host, &origin_url)
            .map_err(|e| cannot(e.to_string()))?
            .rp_name(site_name)
            .timeout(std::time::Duration::from_secs(
                SECURITY_KEY_SETUP_SECS.into(),
            ))
            .build()
            .map_err(|e| cannot(e.to_string()))?;
        Ok(RelyingParty {
            webauthn,
            origin,
            on_localhost_instead: on_ip,
        })
    }

    /// Begin registering a key for the account with this user handle and
    /// username; `existing` (stored credentials) are excluded, so the
    /// browser refuses a key that is registered already.
    pub fn start_registration(
        &self,
        user_handle: Uuid,
        username: &str,
        existing: &[String],
    ) -> ApiResult<Registration> {
        let exclude: Vec<CredentialID> = existing
            .iter()
            .filter_map(|stored| parse_key(stored))
            .map(|key| key.cred_id().clone())
            .collect();
        let (options, state) = self
            .webauthn
            .start_securitykey_registration(
                user_handle,
                username,
                username,
                Some(exclude),
                None,
                None,
            )
            .map_err(internal)?;
        let challenge = URL_SAFE_NO_PAD.encode(options.public_key.challenge.as_ref());
        let mut options =
            serde_json::to_value(&options.public_key).map_err(|_| ApiError::internal())?;
        without_cred_protect(&mut options);
        Ok(Registration {
            options,
            challenge,
            state: serde_json::to_string(&state).map_err(|_| ApiError::internal())?,
        })
    }

    /// Check the browser's answer to a registration against its stored
    /// state; `None` when it does not hold.
    pub fn finish_registration(
        &self,
        credential: &RegisterPublicKeyCredential,
        state: &str,
    ) -> Option<NewKey> {
        let state: SecurityKeyRegistration = serde_json::from_str(state).ok()?;
        let key = self
            .webauthn
            .finish_securitykey_registration(credential, &state)
            .ok()?;
        Some(NewKey {
            credential_id: credential_id(key.cred_id().as_ref()),
            credential: serde_json::to_string(&key).ok()?,
        })
    }

    /// Begin a sign-in with any of these keys (stored credentials): the
    /// options for the browser and the state to keep.
    pub fn start_sign_in(&self, keys: &[String]) -> ApiResult<(serde_json::Value, String)> {
        let keys: Vec<SecurityKey> = keys.iter().filter_map(|k| parse_key(k)).collect();
        let (options, state) = self
            .webauthn
            .start_securitykey_authentication(&keys)
            .map_err(internal)?;
        Ok((
            serde_json::to_value(&options.public_key).map_err(|_| ApiError::internal())?,
            serde_json::to_string(&state).map_err(|_| ApiError::internal())?,
        ))
    }

    /// Check a key's answer at sign-in against the stored state.
    pub fn finish_sign_in(
        &self,
        assertion: &PublicKeyCredential,
        state: &str,
    ) -> Result<AuthenticationResult, Refused> {
        let state: SecurityKeyAuthentication =
            serde_json::from_str(state).map_err(|_| Refused::Invalid)?;
        match self
            .webauthn
            .finish_securitykey_authentication(assertion, &state)
        {
            Ok(result) => Ok(result),
            Err(WebauthnError::CredentialPossibleCompromise) => Err(Refused::Counter),
            Err(_) => Err(Refused::Invalid),
        }
    }
}

/// webauthn-rs asks security keys for credProtect's "user verification
/// required" (not enforced) while asking for user verification only as
/// preferred. Chromium refuses that pair outright ("NotSupportedError:
/// Requested protection policy is inconsistent"), and a key without a PIN
/// could not use such a credential anyway: the extension is left out, and
/// the key's PIN or fingerprint stays preferred.
fn without_cred_protect(options: &mut serde_json::Value) {
    if let Some(extensions) = options
        .get_mut("extensions")
        .and_then(|e| e.as_object_mut())
    {
        extensions.remove("credentialProtectionPolicy");
        extensions.remove("enforceCredentialProtectionPolicy");
    }
}

/// The challenge a key's answer signed (base64url), from its client data;
/// `None` when that is not readable.
pub fn challenge_of(client_data_json: &[u8]) -> Option<String> {
    let data: serde_json::Value = serde_json::from_slice(client_data_json).ok()?;
    let challenge = data.get("challenge")?.as_str()?;
    // Normalised to this module's encoding (a client may pad it).
    let bytes = URL_SAFE_NO_PAD
        .decode(challenge.trim_end_matches('='))
        .ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// The base64url form of a credential id, as stored.
pub fn credential_id(raw: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

/// A stored credential after a sign-in with it: its counter (and backup
/// state) as the sign-in found them.
pub fn after_use(stored: &str, result: &AuthenticationResult) -> Option<String> {
    let mut key = parse_key(stored)?;
    key.update_credential(result)?;
    serde_json::to_string(&key).ok()
}

/// A new user handle: random, so it says nothing about the account.
pub fn new_user_handle() -> Uuid {
    Uuid::new_v4()
}

fn parse_key(stored: &str) -> Option<SecurityKey> {
    serde_json::from_str(stored).ok()
}

fn internal(e: WebauthnError) -> ApiError {
    eprintln!("security keys: {e}");
    ApiError::internal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ip_address_is_served_as_localhost_on_the_same_port() {
        for (public, origin, instead) in [
            ("http://127.0.0.1:8080", "http://localhost:8080", true),
            ("http://[::1]:9000/", "http://localhost:9000", true),
            ("http://localhost:8080", "http://localhost:8080", false),
            (
                "https://pypi.example.org",
                "https://pypi.example.org",
                false,
            ),
            (
                "https://pypi.example.org:8443/reclaim",
                "https://pypi.example.org:8443",
                false,
            ),
        ] {
            let rp = RelyingParty::for_public_url(public, "PyPI").unwrap();
            assert_eq!(
                (rp.origin.as_str(), rp.on_localhost_instead),
                (origin, instead),
                "{public}"
            );
        }
        assert!(RelyingParty::for_public_url("not a url", "PyPI").is_err());
    }

    #[test]
    fn registration_options_are_the_browsers_json() {
        let rp = RelyingParty::for_public_url("http://127.0.0.1:8080", "PyPI").unwrap();
        let begun = rp
            .start_registration(new_user_handle(), "bob", &[])
            .unwrap();
        let o = &begun.options;
        assert_eq!(o["rp"]["id"], "localhost");
        assert_eq!(o["rp"]["name"], "PyPI");
        assert_eq!(o["user"]["name"], "bob");
        assert_eq!(o["challenge"], begun.challenge.as_str());
        assert_eq!(o["attestation"], "none");
        assert_eq!(o["authenticatorSelection"]["userVerification"], "preferred");
        assert_eq!(o["timeout"], SECURITY_KEY_SETUP_SECS * 1000);
        assert!(o.get("publicKey").is_none(), "the options, unwrapped: {o}");
        // Chromium refuses credProtect's "user verification required"
        // beside user verification preferred (the browser test adds a key).
        assert!(
            o["extensions"].get("credentialProtectionPolicy").is_none(),
            "{o}"
        );
    }

    #[test]
    fn the_challenge_is_read_from_the_client_data() {
        let data =
            br#"{"type":"webauthn.create","challenge":"AAEC_w","origin":"http://localhost:8080"}"#;
        assert_eq!(challenge_of(data).as_deref(), Some("AAEC_w"));
        let padded = br#"{"challenge":"AAEC_w=="}"#;
        assert_eq!(challenge_of(padded).as_deref(), Some("AAEC_w"));
        assert_eq!(challenge_of(b"{}"), None);
        assert_eq!(challenge_of(b"not json"), None);
    }
}
