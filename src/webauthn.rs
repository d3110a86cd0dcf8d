//! Security keys and passkeys in the browser: the Web Authentication API
//! (`navigator.credentials`), between the server's JSON and the browser's
//! binary fields. No Leptos types: pages call [`create`] and [`get`].
//!
//! The server speaks the WebAuthn JSON form (binary fields as base64url
//! text); the browser wants `ArrayBuffer`s in and gives them out. Only the
//! fields that hold bytes are converted, by name, so everything else the
//! server sends (timeouts, user verification, extensions) reaches the
//! browser as it was. The browser's newer `parseCreationOptionsFromJSON`
//! and `toJSON` would do this, but not in every browser maintainers use.

use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why the browser gave no credential, in the kinds a page words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The person cancelled, or the browser's time ran out (the browser
    /// does not say which, on purpose).
    CancelledOrTimedOut,
    /// This key is registered to the account already.
    AlreadyRegistered,
    /// This browser or device cannot use security keys here.
    Unsupported,
    /// Anything else the browser said (its error's name).
    Other(String),
}

/// Whether this browser has the Web Authentication API at all.
pub fn supported() -> bool {
    let window = JsValue::from(web_sys::window());
    Reflect::get(&window, &"PublicKeyCredential".into()).is_ok_and(|v| !v.is_undefined())
        && Reflect::get(&window, &"isSecureContext".into()).is_ok_and(|v| v.is_truthy())
}

/// Register a key: `options` is the server's creation options (JSON text,
/// with or without a `publicKey` wrapper); the answer is the credential as
/// JSON text for the server.
pub async fn create(options: &str) -> Result<String, KeyError> {
    let public_key = public_key_options(options)?;
    for path in [&["challenge"][..], &["user", "id"]] {
        to_bytes_at(&public_key, path)?;
    }
    ids_to_bytes(&public_key, "excludeCredentials")?;
    let credential = call("create", &public_key).await?;
    let response = get_field(&credential, "response")?;
    let mut out_response = vec![
        ("clientDataJSON", base64url_of(&response, "clientDataJSON")?),
        (
            "attestationObject",
            base64url_of(&response, "attestationObject")?,
        ),
    ];
    // Where the browser can say how the key is reached (USB, NFC…).
    if let Ok(transports) = call_method(&response, "getTransports") {
        out_response.push(("transports", transports));
    }
    credential_json(&credential, out_response)
}

/// Sign in with a key: `options` is the server's request options (JSON
/// text, with or without a `publicKey` wrapper); the answer is the
/// assertion as JSON text.
pub async fn get(options: &str) -> Result<String, KeyError> {
    let public_key = public_key_options(options)?;
    to_bytes_at(&public_key, &["challenge"])?;
    ids_to_bytes(&public_key, "allowCredentials")?;
    let credential = call("get", &public_key).await?;
    let response = get_field(&credential, "response")?;
    let mut out_response = vec![
        ("clientDataJSON", base64url_of(&response, "clientDataJSON")?),
        (
            "authenticatorData",
            base64url_of(&response, "authenticatorData")?,
        ),
        ("signature", base64url_of(&response, "signature")?),
    ];
    let user_handle = get_field(&response, "userHandle")?;
    if !user_handle.is_null() && !user_handle.is_undefined() {
        out_response.push(("userHandle", base64url_of(&response, "userHandle")?));
    }
    credential_json(&credential, out_response)
}

/// The `publicKey` member of the server's options, parsed.
fn public_key_options(options: &str) -> Result<Object, KeyError> {
    if !supported() {
        return Err(KeyError::Unsupported);
    }
    let parsed = JSON::parse(options).map_err(|_| KeyError::Other("options".into()))?;
    let inner = Reflect::get(&parsed, &"publicKey".into()).unwrap_or(JsValue::UNDEFINED);
    let public_key = if inner.is_object() { inner } else { parsed };
    public_key
        .dyn_into::<Object>()
        .map_err(|_| KeyError::Other("options".into()))
}

/// `navigator.credentials.create|get({ publicKey })`, awaited.
async fn call(method: &str, public_key: &Object) -> Result<Object, KeyError> {
    let navigator = web_sys::window().ok_or(KeyError::Unsupported)?.navigator();
    let credentials = Reflect::get(&navigator, &"credentials".into())
        .ok()
        .filter(|c| c.is_object())
        .ok_or(KeyError::Unsupported)?;
    let options = Object::new();
    Reflect::set(&options, &"publicKey".into(), public_key).map_err(browser_error)?;
    let function = Reflect::get(&credentials, &method.into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or(KeyError::Unsupported)?;
    let promise = function
        .call1(&credentials, &options)
        .map_err(browser_error)?
        .dyn_into::<js_sys::Promise>()
        .map_err(|_| KeyError::Unsupported)?;
    let credential = JsFuture::from(promise).await.map_err(browser_error)?;
    if credential.is_null() {
        return Err(KeyError::CancelledOrTimedOut);
    }
    credential
        .dyn_into::<Object>()
        .map_err(|_| KeyError::Other("credential".into()))
}

/// The browser's `DOMException` by its name (the spec's error names).
fn browser_error(error: JsValue) -> KeyError {
    let name = Reflect::get(&error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "AbortError" => KeyError::CancelledOrTimedOut,
        "InvalidStateError" => KeyError::AlreadyRegistered,
        "NotSupportedError" | "SecurityError" => KeyError::Unsupported,
        _ => KeyError::Other(name),
    }
}

/// `{ id, rawId, type, response, clientExtensionResults }` as JSON text.
fn credential_json(
    credential: &Object,
    response: Vec<(&str, JsValue)>,
) -> Result<String, KeyError> {
    let out = Object::new();
    let out_response = Object::new();
    for (name, value) in response {
        Reflect::set(&out_response, &name.into(), &value).map_err(browser_error)?;
    }
    Reflect::set(&out, &"id".into(), &get_field(credential, "id")?).map_err(browser_error)?;
    Reflect::set(&out, &"rawId".into(), &base64url_of(credential, "rawId")?)
        .map_err(browser_error)?;
    Reflect::set(&out, &"type".into(), &get_field(credential, "type")?).map_err(browser_error)?;
    Reflect::set(&out, &"response".into(), &out_response).map_err(browser_error)?;
    let extensions = call_method(credential, "getClientExtensionResults")
        .unwrap_or_else(|_| Object::new().into());
    Reflect::set(&out, &"clientExtensionResults".into(), &extensions).map_err(browser_error)?;
    JSON::stringify(&out)
        .map(String::from)
        .map_err(|_| KeyError::Other("credential".into()))
}

fn get_field(object: &JsValue, name: &str) -> Result<JsValue, KeyError> {
    Reflect::get(object, &name.into()).map_err(browser_error)
}

fn call_method(object: &JsValue, name: &str) -> Result<JsValue, KeyError> {
    get_field(object, name)?
        .dyn_into::<js_sys::Function>()
        .map_err(|_| KeyError::Other(name.into()))?
        .call0(object)
        .map_err(browser_error)
}

/// Replace the base64url text at `path` (`["user", "id"]`) by its bytes.
fn to_bytes_at(root: &Object, path: &[&str]) -> Result<(), KeyError> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut object: JsValue = root.into();
    for name in parents {
        object = get_field(&object, name)?;
    }
    let text = get_field(&object, last)?
        .as_string()
        .ok_or_else(|| KeyError::Other((*last).into()))?;
    let bytes = base64url_decode(&text).ok_or_else(|| KeyError::Other((*last).into()))?;
    Reflect::set(&object, &(*last).into(), &Uint8Array::from(&bytes[..])).map_err(browser_error)?;
    Ok(())
}

/// Each `{ id }` of a credential list (`excludeCredentials`…) to bytes.
fn ids_to_bytes(public_key: &Object, list: &str) -> Result<(), KeyError> {
    let value = get_field(public_key, list)?;
    if value.is_undefined() || value.is_null() {
        return Ok(());
    }
    for item in Array::from(&value).iter() {
        if let Ok(item) = item.dyn_into::<Object>() {
            to_bytes_at(&item, &["id"])?;
        }
    }
    Ok(())
}

/// The `ArrayBuffer` field `name` of `object` as base64url text.
fn base64url_of(object: &JsValue, name: &str) -> Result<JsValue, KeyError> {
    let buffer = get_field(object, name)?;
    let bytes = Uint8Array::new(&buffer).to_vec();
    Ok(base64url_encode(&bytes).into())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5), as WebAuthn's JSON uses.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Base64url with or without padding (also the standard alphabet's `+/`,
/// which some servers send); `None` for anything else.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_and_matches_rfc_4648() {
        // RFC 4648 §10's vectors, in the URL alphabet without padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), encoded);
            assert_eq!(base64url_decode(encoded).unwrap(), plain.as_bytes());
        }
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(base64url_decode(&base64url_encode(&bytes)).unwrap(), bytes);
        assert_eq!(
            base64url_decode("-_8").unwrap(),
            base64url_decode("+/8=").unwrap()
        );
        assert_eq!(base64url_decode("a b"), None);
    }
}
