//! Secrets: random tokens, digests, and password/recovery-code hashing.
//!
//! Bearer-style tokens carry 256 random bits, so a plain SHA-256 of them is a
//! safe thing to store and look up. Passwords and recovery codes are low- or
//! medium-entropy and get argon2id. Authenticator (TOTP) secrets must be read
//! back, so they are encrypted (XChaCha20-Poly1305) under a key derived from
//! the server key, bound to their account.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::rng().fill_bytes(&mut out);
    out
}

/// 256-bit random token, base64url, with a readable prefix (`ses_`, `st_`…).
pub fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

pub fn sha256_hex(input: &str) -> String {
    hex(&Sha256::digest(input.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time equality for short secrets (`subtle`; unequal lengths
/// are simply unequal).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// A secret of this deployment, kept outside the database (a file beside
/// it, created at first start), for keyed hashes: a copy of the database
/// alone then reveals neither a pending 8-digit one-time code (a bare hash
/// of one is found by trying all 10^8) nor a recovery request's status token.
#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl ServerKey {
    /// Read the key file, or create it (owner-only) with a new random key.
    pub fn load_or_create(path: &std::path::Path) -> Result<ServerKey, String> {
        if let Ok(text) = std::fs::read_to_string(path) {
            let bytes = URL_SAFE_NO_PAD
                .decode(text.trim())
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| format!("{} does not hold a server key", path.display()))?;
            return Ok(ServerKey(bytes));
        }
        let key = random_bytes::<32>();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        std::io::Write::write_all(
            &mut file,
            format!("{}\n", URL_SAFE_NO_PAD.encode(key)).as_bytes(),
        )
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(ServerKey(key))
    }

    /// A fresh key that lives as long as the process (in-process tests).
    #[cfg(test)]
    pub fn ephemeral() -> ServerKey {
        ServerKey(random_bytes::<32>())
    }

    fn mac(&self, purpose: &str, data: &str) -> Vec<u8> {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(b"\n");
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// HMAC-SHA256 of `data` for `purpose`, in hex (for storage).
    pub fn mac_hex(&self, purpose: &str, data: &str) -> String {
        hex(&self.mac(purpose, data))
    }

    /// The tag stored beside a recovery code's argon2 hash: the first 16
    /// bits of a keyed hash of the (normalised) code. A code is then
    /// checked against the stored hashes with its tag only, one argon2
    /// verification instead of one per code of the set (8 × 35 ms of the
    /// server's time, measured on the sign-in with a recovery code).
    /// Without the key file the tag says nothing; with it, 48 bits of the
    /// 64-bit code are still behind argon2.
    pub fn recovery_code_tag(&self, code: &str) -> String {
        let mut tag = self.mac_hex(RECOVERY_CODE_TAG_PURPOSE, code);
        tag.truncate(4);
        tag
    }

    /// A key for `purpose` alone, derived from the server key (so the one
    /// key file serves keyed hashes and encryption without reuse).
    fn subkey(&self, purpose: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(&self.mac("subkey", purpose));
        out
    }

    /// Encrypt an account's authenticator secret (its base32 text) for
    /// storage: `x1:` + base64url(24-byte random nonce ‖ ciphertext ‖ tag),
    /// with the account id as associated data, so a row copied to another
    /// account does not open there.
    pub fn seal_totp(&self, user_id: i64, secret: &str) -> String {
        use chacha20poly1305::aead::{Aead, KeyInit, Payload};
        use chacha20poly1305::{XChaCha20Poly1305, XNonce};
        let cipher = XChaCha20Poly1305::new(&self.subkey(TOTP_PURPOSE).into());
        let nonce = random_bytes::<24>();
        let aad = totp_aad(user_id);
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any short message");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The authenticator secret sealed by [`ServerKey::seal_totp`] for this
    /// account; `None` when it does not open (another key, another
    /// account, altered, or not sealed at all).
    pub fn open_totp(&self, user_id: i64, stored: &str) -> Option<String> {
        use chacha20poly1305::aead::{Aead, KeyInit, Payload};
        use chacha20poly1305::{XChaCha20Poly1305, XNonce};
        let bytes = URL_SAFE_NO_PAD
            .decode(stored.strip_prefix(SEALED_PREFIX)?)
            .ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new(&self.subkey(TOTP_PURPOSE).into());
        let aad = totp_aad(user_id);
        let plain = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: aad.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }

    /// A 256-bit token derived from `data`, like [`random_token`] in form:
    /// unpredictable without the key, and the same every time for `data`.
    pub fn derive_token(&self, prefix: &str, purpose: &str, data: &str) -> String {
        format!(
            "{prefix}{}",
            URL_SAFE_NO_PAD.encode(self.mac(purpose, data))
        )
    }
}

const TOTP_PURPOSE: &str = "totp-secret-at-rest";
const RECOVERY_CODE_TAG_PURPOSE: &str = "recovery-code-tag";
/// Marks a sealed value (a base32 secret never contains ':').
const SEALED_PREFIX: &str = "x1:";

fn totp_aad(user_id: i64) -> String {
    format!("reclaim totp secret\nuser {user_id}")
}

/// Whether a stored authenticator secret is sealed (not legacy plaintext).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

/// argon2id with a fixed cost; `dummy` is a hash of nothing anyone knows, so
/// an unknown account costs the same verification as a known one.
#[derive(Clone)]
pub struct Hasher {
    argon: Argon2<'static>,
    dummy: String,
}

impl Hasher {
    /// OWASP's argon2id baseline (19 MiB, 2 passes).
    pub fn standard() -> Hasher {
        Hasher::with_params(Params::new(19 * 1024, 2, 1, None).expect("argon2 params"))
    }

    /// Cheap parameters for tests only.
    #[cfg(test)]
    pub fn fast_for_tests() -> Hasher {
        Hasher::with_params(Params::new(256, 1, 1, None).expect("argon2 params"))
    }

    fn with_params(params: Params) -> Hasher {
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut h = Hasher {
            argon,
            dummy: String::new(),
        };
        h.dummy = h.hash(&random_token(""));
        h
    }

    pub fn hash(&self, secret: &str) -> String {
        let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("salt");
        self.argon
            .hash_password(secret.as_bytes(), &salt)
            .expect("argon2 hash")
            .to_string()
    }

    pub fn verify(&self, secret: &str, hash: &str) -> bool {
        match PasswordHash::new(hash) {
            Ok(parsed) => self
                .argon
                .verify_password(secret.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// Burn the same work as a real verification, and fail.
    pub fn verify_dummy(&self, secret: &str) -> bool {
        let _ = self.verify(secret, &self.dummy.clone());
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_and_dummy_never_does() {
        let h = Hasher::fast_for_tests();
        let stored = h.hash("reclaim-demo-pass");
        assert!(h.verify("reclaim-demo-pass", &stored));
        assert!(!h.verify("reclaim-demo-pasS", &stored));
        assert!(!h.verify_dummy("anything"));
        assert!(!h.verify("x", "not a hash"));
    }

    #[test]
    fn server_keys_persist_and_key_their_hashes() {
        let dir = std::env::temp_dir().join(format!("reclaim-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k");
        let a = ServerKey::load_or_create(&path).unwrap();
        let b = ServerKey::load_or_create(&path).unwrap();
        assert_eq!(a.mac_hex("p", "x"), b.mac_hex("p", "x"));
        assert_ne!(a.mac_hex("p", "x"), a.mac_hex("q", "x"), "purposes differ");
        assert_ne!(
            a.mac_hex("p", "x"),
            ServerKey::ephemeral().mac_hex("p", "x")
        );
        let t = a.derive_token("st_", "p", "x");
        assert!(t.starts_with("st_") && t.len() == 3 + 43, "{t}");
        std::fs::write(&path, "garbage").unwrap();
        assert!(ServerKey::load_or_create(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_recovery_code_tag_is_short_keyed_and_stable() {
        let key = ServerKey::ephemeral();
        let tag = key.recovery_code_tag("0f3a9c2d7b1e4a86");
        assert_eq!(tag.len(), 4);
        assert!(tag.chars().all(|c| c.is_ascii_hexdigit()), "{tag}");
        assert_eq!(tag, key.recovery_code_tag("0f3a9c2d7b1e4a86"));
        // Another key tags the same code apart (1 in 65,536 alike).
        let others: Vec<String> = (0..4)
            .map(|_| ServerKey::ephemeral().recovery_code_tag("0f3a9c2d7b1e4a86"))
            .collect();
        assert!(others.iter().any(|t| *t != tag), "{others:?}");
    }

    #[test]
    fn totp_secrets_are_sealed_to_the_key_and_the_account() {
        let key = ServerKey::ephemeral();
        let plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let a = key.seal_totp(7, plain);
        let b = key.seal_totp(7, plain);
        assert!(is_sealed(&a) && !a.contains(plain), "{a}");
        assert_ne!(a, b, "a fresh nonce each time");
        assert_eq!(key.open_totp(7, &a).as_deref(), Some(plain));
        assert_eq!(key.open_totp(7, &b).as_deref(), Some(plain));
        assert_eq!(key.open_totp(8, &a), None, "another account");
        assert_eq!(ServerKey::ephemeral().open_totp(7, &a), None, "another key");
        assert_eq!(key.open_totp(7, plain), None, "plaintext is not sealed");
        let mut altered = a.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(key.open_totp(7, &String::from_utf8(altered).unwrap()), None);
        assert_eq!(key.open_totp(7, "x1:"), None);
        assert_eq!(key.open_totp(7, "x1:!!"), None);
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token("st_");
        assert!(a.starts_with("st_") && a.len() == 3 + 43);
        assert_ne!(a, random_token("st_"));
        assert_eq!(sha256_hex("abc").len(), 64);
        assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"a", b"ab"));
    }
}
