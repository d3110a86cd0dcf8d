//! `otpauth://` URIs for authenticator apps (the text a QR code carries).
//!
//! Shape (PyPI): `otpauth://totp/{Issuer}:{account}?secret={SECRET}&issuer={Issuer}&algorithm=SHA1&digits=6&period=30`.
//! Issuer and account are percent-encoded (RFC 3986 unreserved characters
//! `A–Z a–z 0–9 - . _ ~` kept, everything else as `%XX` of its UTF-8 bytes).
//! Neither may contain ':', which separates them in the label.

use crate::{codes::parse_totp_secret, ErrorCode};

/// Hash algorithm of the TOTP codes.
pub const TOTP_ALGORITHM: &str = "SHA1";
/// Digits per TOTP code.
pub const TOTP_DIGITS: u32 = 6;
/// Seconds per TOTP step.
pub const TOTP_PERIOD_SECONDS: u32 = 30;

/// Build the URI. The secret is normalised first (spaces and dashes removed,
/// uppercased, `=` padding dropped) and must be base32 of 16–64 characters.
///
/// Errors: [`ErrorCode::Required`] for an empty issuer or account,
/// [`ErrorCode::TotpLabelColon`] when either contains ':',
/// [`ErrorCode::TotpSecretFormat`] (or `Required`) for a bad secret.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> Result<String, ErrorCode> {
    if issuer.is_empty() || account.is_empty() {
        return Err(ErrorCode::Required);
    }
    if issuer.contains(':') || account.contains(':') {
        return Err(ErrorCode::TotpLabelColon);
    }
    let secret = parse_totp_secret(secret_base32)?;
    let issuer = percent_encode(issuer);
    let account = percent_encode(account);
    Ok(format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}\
         &algorithm={TOTP_ALGORITHM}&digits={TOTP_DIGITS}&period={TOTP_PERIOD_SECONDS}"
    ))
}

/// Percent-encode everything but RFC 3986 unreserved characters.
pub fn percent_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for b in input.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn builds_pypi_shape() {
        assert_eq!(
            otpauth_uri("PyPI", "alice", SECRET).unwrap(),
            "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\
             &issuer=PyPI&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn encodes_issuer_and_account() {
        let uri = otpauth_uri("Test PyPI & Co", "jane.doe@example.org", SECRET).unwrap();
        assert!(uri.starts_with("otpauth://totp/Test%20PyPI%20%26%20Co:jane.doe%40example.org?"));
        assert!(uri.contains("&issuer=Test%20PyPI%20%26%20Co&"));
        let uri = otpauth_uri("Índice", "a~b_c-d", SECRET).unwrap();
        assert!(uri.starts_with("otpauth://totp/%C3%8Dndice:a~b_c-d?"));
    }

    #[test]
    fn normalises_secret() {
        let uri = otpauth_uri("PyPI", "bob", "jbsw y3dp ehpk 3pxp").unwrap();
        assert!(uri.contains("secret=JBSWY3DPEHPK3PXP&"));
    }

    #[test]
    fn refuses_colons_and_bad_input() {
        assert_eq!(
            otpauth_uri("Py:PI", "a", SECRET),
            Err(ErrorCode::TotpLabelColon)
        );
        assert_eq!(
            otpauth_uri("PyPI", "a:b", SECRET),
            Err(ErrorCode::TotpLabelColon)
        );
        assert_eq!(otpauth_uri("", "a", SECRET), Err(ErrorCode::Required));
        assert_eq!(otpauth_uri("PyPI", "", SECRET), Err(ErrorCode::Required));
        assert_eq!(otpauth_uri("PyPI", "a", ""), Err(ErrorCode::Required));
        assert_eq!(
            otpauth_uri("PyPI", "a", "0123456789abcdef"),
            Err(ErrorCode::TotpSecretFormat)
        );
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(percent_encode(" /?#%+"), "%20%2F%3F%23%25%2B");
        assert_eq!(percent_encode(""), "");
    }
}
