//! git's ref advertisement, as a smart-HTTP server answers
//! `GET …/info/refs?service=git-upload-pack` (protocol v0): pkt-lines, each
//! four hex digits of length (the four included) and the data, `0000` a
//! flush. First `# service=git-upload-pack` and a flush, then one line per
//! ref, `<oid> <name>`, the first with `\0` and the capabilities after it,
//! then a flush. An annotated tag is followed by `<oid> <name>^{}`, the
//! commit it points to; an empty repository advertises only
//! `<zeros> capabilities^{}`.
//!
//! The input comes from anywhere on the internet: every malformed,
//! truncated or oversized piece is an error, never a panic, and nothing is
//! read beyond the bytes given (the caller caps them).

/// One ref of the advertisement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvertisedRef {
    /// `refs/heads/main`, `refs/tags/v1`.
    pub name: String,
    /// The object it names (40 hex digits, or 64 in a SHA-256 repository).
    pub oid: String,
    /// For an annotated tag: the commit it points to (its `^{}` line).
    pub peeled: Option<String>,
}

/// Why bytes are not a ref advertisement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// The bytes end inside a length or a line.
    Truncated,
    /// A length that is not four hex digits, or one no line can have.
    BadLength,
    /// Not `# service=git-upload-pack` and a flush first.
    NoServiceLine,
    /// A ref line that is not `<oid> <name>`.
    BadRefLine,
    /// Bytes after the closing flush.
    TrailingData,
}

/// One pkt-line: a flush, or a line's data.
enum Pkt<'a> {
    Flush,
    Data(&'a [u8]),
}

/// The pkt-lines of `bytes`, in order.
struct Pkts<'a> {
    rest: &'a [u8],
}

impl<'a> Pkts<'a> {
    fn next_pkt(&mut self) -> Result<Option<Pkt<'a>>, Malformed> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let Some(head) = self.rest.get(..4) else {
            return Err(Malformed::Truncated);
        };
        let text = std::str::from_utf8(head).map_err(|_| Malformed::BadLength)?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Malformed::BadLength);
        }
        let len = usize::from_str_radix(text, 16).map_err(|_| Malformed::BadLength)?;
        match len {
            0 => {
                self.rest = &self.rest[4..];
                Ok(Some(Pkt::Flush))
            }
            // 0001 to 0003 are protocol v2's delimiters, and no line is
            // shorter than its own length.
            1..=4 => Err(Malformed::BadLength),
            _ => {
                let Some(line) = self.rest.get(4..len) else {
                    return Err(Malformed::Truncated);
                };
                self.rest = &self.rest[len..];
                Ok(Some(Pkt::Data(line)))
            }
        }
    }
}

/// The line's text without its newline.
fn text(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\n").unwrap_or(line)
}

fn is_oid(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The refs `bytes` advertise, in their order.
pub fn parse(bytes: &[u8]) -> Result<Vec<AdvertisedRef>, Malformed> {
    let mut pkts = Pkts { rest: bytes };
    match pkts.next_pkt()? {
        Some(Pkt::Data(line)) if text(line) == b"# service=git-upload-pack" => {}
        _ => return Err(Malformed::NoServiceLine),
    }
    if !matches!(pkts.next_pkt()?, Some(Pkt::Flush)) {
        return Err(Malformed::NoServiceLine);
    }
    let mut refs: Vec<AdvertisedRef> = Vec::new();
    loop {
        let line = match pkts.next_pkt()? {
            None => return Err(Malformed::Truncated),
            Some(Pkt::Flush) => break,
            Some(Pkt::Data(line)) => line,
        };
        // The capabilities after the first ref's NUL are not needed.
        let line = text(line);
        let line = match line.iter().position(|&b| b == 0) {
            Some(nul) => &line[..nul],
            None => line,
        };
        let line = std::str::from_utf8(line).map_err(|_| Malformed::BadRefLine)?;
        let (oid, name) = line.split_once(' ').ok_or(Malformed::BadRefLine)?;
        if !is_oid(oid) || name.is_empty() || name.contains([' ', '\0']) {
            return Err(Malformed::BadRefLine);
        }
        if name == "capabilities^{}" {
            continue; // an empty repository
        }
        match name.strip_suffix("^{}") {
            Some(tag) => match refs.last_mut() {
                Some(last) if last.name == tag => last.peeled = Some(oid.to_string()),
                _ => return Err(Malformed::BadRefLine),
            },
            None => refs.push(AdvertisedRef {
                name: name.to_string(),
                oid: oid.to_string(),
                peeled: None,
            }),
        }
    }
    if !pkts.rest.is_empty() {
        return Err(Malformed::TrailingData);
    }
    Ok(refs)
}

/// The branch, or else the tag, named `ref_name` (`reclaim-{token}`), and
/// the commit it points to.
pub fn find(refs: &[AdvertisedRef], ref_name: &str) -> Option<(String, String)> {
    ["refs/heads/", "refs/tags/"].iter().find_map(|prefix| {
        let full = format!("{prefix}{ref_name}");
        refs.iter().find(|r| r.name == full).map(|r| {
            let commit = r.peeled.clone().unwrap_or_else(|| r.oid.clone());
            (full, commit)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(data: &str) -> String {
        format!("{:04x}{data}", data.len() + 4)
    }

    const A: &str = "abcdef0123456789abcdef0123456789abcdef01";
    const B: &str = "2222222222222222222222222222222222222222";
    const C: &str = "3333333333333333333333333333333333333333";

    fn advertisement(lines: &[String]) -> Vec<u8> {
        let mut s = pkt("# service=git-upload-pack\n") + "0000";
        for l in lines {
            s += &pkt(l);
        }
        s += "0000";
        s.into_bytes()
    }

    #[test]
    fn reads_branches_tags_and_peeled_tags() {
        let bytes = advertisement(&[
            format!("{A} HEAD\0multi_ack side-band-64k symref=HEAD:refs/heads/main\n"),
            format!("{A} refs/heads/main\n"),
            format!("{B} refs/heads/reclaim-0123456789abcdef\n"),
            format!("{C} refs/tags/reclaim-fedcba9876543210\n"),
            format!("{A} refs/tags/reclaim-fedcba9876543210^{{}}\n"),
        ]);
        let refs = parse(&bytes).unwrap();
        assert_eq!(refs.len(), 4);
        assert_eq!(refs[0].name, "HEAD");
        assert_eq!(
            find(&refs, "reclaim-0123456789abcdef"),
            Some(("refs/heads/reclaim-0123456789abcdef".into(), B.into()))
        );
        // An annotated tag counts with the commit it points to.
        assert_eq!(
            find(&refs, "reclaim-fedcba9876543210"),
            Some(("refs/tags/reclaim-fedcba9876543210".into(), A.into()))
        );
        assert_eq!(find(&refs, "reclaim-0000000000000000"), None);
        // A name that only starts like the branch is another branch.
        assert_eq!(find(&refs, "reclaim-0123456789abcde"), None);
    }

    #[test]
    fn an_empty_repository_has_no_refs() {
        let zeros = "0".repeat(40);
        let bytes = advertisement(&[format!("{zeros} capabilities^{{}}\0report-status\n")]);
        assert_eq!(parse(&bytes).unwrap(), vec![]);
        // SHA-256 object names are 64 digits.
        let long = "a".repeat(64);
        let bytes = advertisement(&[format!("{long} refs/heads/main\0object-format=sha256\n")]);
        assert_eq!(parse(&bytes).unwrap()[0].oid, long);
    }

    #[test]
    fn malformed_input_is_an_error() {
        let good = advertisement(&[format!("{A} refs/heads/main\0caps\n")]);
        let cases: Vec<(Vec<u8>, Malformed)> = vec![
            (b"".to_vec(), Malformed::NoServiceLine),
            (b"<html>Sign in</html>".to_vec(), Malformed::BadLength),
            (b"00".to_vec(), Malformed::Truncated),
            (b"zzzz".to_vec(), Malformed::BadLength),
            (b"0001".to_vec(), Malformed::BadLength),
            (b"0004".to_vec(), Malformed::BadLength),
            (b"ffff# service".to_vec(), Malformed::Truncated),
            (
                (pkt("# service=git-receive-pack\n") + "0000").into_bytes(),
                Malformed::NoServiceLine,
            ),
            (
                (pkt("# service=git-upload-pack\n") + &pkt("x")).into_bytes(),
                Malformed::NoServiceLine,
            ),
            (
                advertisement(&[format!("{A}refs/heads/main\n")]),
                Malformed::BadRefLine,
            ),
            (
                advertisement(&[format!("{} refs/heads/main\n", &A[1..])]),
                Malformed::BadRefLine,
            ),
            (
                advertisement(&[format!("{} refs/heads/main\n", A.to_uppercase())]),
                Malformed::BadRefLine,
            ),
            (advertisement(&[format!("{A} \n")]), Malformed::BadRefLine),
            // A peeled line that follows no tag.
            (
                advertisement(&[format!("{A} refs/tags/x^{{}}\n")]),
                Malformed::BadRefLine,
            ),
            (
                [good.clone(), b"0000".to_vec()].concat(),
                Malformed::TrailingData,
            ),
            // No closing flush.
            (good[..good.len() - 4].to_vec(), Malformed::Truncated),
        ];
        for (bytes, expected) in cases {
            assert_eq!(
                parse(&bytes),
                Err(expected),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
        assert!(parse(&good).is_ok());
    }

    #[test]
    fn no_prefix_of_an_advertisement_and_no_noise_panics() {
        let bytes = advertisement(&[
            format!("{A} HEAD\0caps\n"),
            format!("{C} refs/tags/v1\n"),
            format!("{A} refs/tags/v1^{{}}\n"),
        ]);
        for end in 0..bytes.len() {
            assert!(parse(&bytes[..end]).is_err(), "{end}");
        }
        // Every byte changed to every value: an error or refs, never a panic.
        for i in 0..bytes.len() {
            for v in [0u8, b'\n', b' ', b'0', b'f', b'g', 0xff] {
                let mut noisy = bytes.clone();
                noisy[i] = v;
                let _ = parse(&noisy);
            }
        }
        // A pseudo-random stream of pkt-like bytes.
        let mut x: u32 = 0x1234_5678;
        for _ in 0..2000 {
            let noise: Vec<u8> = (0..64)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    b"0123456789abcdef \n\0^{}#"[(x % 23) as usize]
                })
                .collect();
            let _ = parse(&noise);
        }
        // An oversized length points past the end: truncated, not read.
        let huge = (pkt("# service=git-upload-pack\n") + "0000" + "fff0").into_bytes();
        assert_eq!(parse(&huge), Err(Malformed::Truncated));
    }
}
