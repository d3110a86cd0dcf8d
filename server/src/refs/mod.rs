//! Reading a repository's refs for a repository proof: `GET
//! {repository}/info/refs?service=git-upload-pack`, git's smart-HTTP ref
//! advertisement ([`pkt_line`]), never `git` run on a URL someone typed.
//!
//! Which URLs are read is [`RepositoryPolicy`]: https on the forges of an
//! allow-list (`--repository-hosts`), no credentials, query or fragment;
//! plain http only on loopback and only in demo mode (the demo serves its
//! own repositories, `demo_git.rs`). The read waits at most
//! [`REPOSITORY_CHECK_TIMEOUT_SECS`], takes at most
//! [`MAX_REF_ADVERTISEMENT_BYTES`], and follows no redirect: a forge that
//! answers with one (a renamed repository, a sign-in page) is unreachable,
//! so the host that answers is always the host that was allowed.

pub mod pkt_line;

use std::net::IpAddr;
use std::time::Duration;

use reclaim_core::limits::{MAX_REF_ADVERTISEMENT_BYTES, REPOSITORY_CHECK_TIMEOUT_SECS};
use ureq::tls::{RootCerts, TlsConfig, TlsProvider};

pub use pkt_line::AdvertisedRef;

/// The forges whose repositories count by default.
pub const DEFAULT_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "codeberg.org",
    "bitbucket.org",
    "git.sr.ht",
];

/// The content type of a smart-HTTP ref advertisement (a dumb server or a
/// web page answers something else).
const ADVERTISEMENT: &str = "application/x-git-upload-pack-advertisement";

/// Which repository URLs may be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepositoryPolicy {
    /// Hosts reached over https (lowercase, exact: no subdomains).
    pub hosts: Vec<String>,
    /// Plain http to a loopback address too (demo mode only).
    pub loopback: bool,
}

impl Default for RepositoryPolicy {
    fn default() -> Self {
        RepositoryPolicy {
            hosts: DEFAULT_HOSTS.iter().map(|h| h.to_string()).collect(),
            loopback: false,
        }
    }
}

/// Why a repository's refs were not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// The URL is not one the policy allows.
    NotAllowed(&'static str),
    /// The host did not answer as a git server does (the reason, for the
    /// problem's detail).
    Unreachable(String),
}

impl RepositoryPolicy {
    /// The URL of the ref advertisement of `repository`, if the policy
    /// allows reading it.
    pub fn advertisement_url(&self, repository: &str) -> Result<String, Unreadable> {
        let url = url::Url::parse(repository).map_err(|_| Unreadable::NotAllowed("not a URL"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Unreadable::NotAllowed("a URL with credentials"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Unreadable::NotAllowed("a URL with a query or fragment"));
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let allowed = match url.scheme() {
            "https" => url.port().is_none() && self.hosts.contains(&host),
            "http" => self.loopback && is_loopback(&host),
            _ => false,
        };
        if !allowed {
            return Err(Unreadable::NotAllowed("not on an allowed forge over https"));
        }
        Ok(format!(
            "{}/info/refs?service=git-upload-pack",
            url.as_str().trim_end_matches('/')
        ))
    }

    /// Read the refs `repository` advertises. Blocking: run it on a worker
    /// thread.
    pub fn read_refs(&self, repository: &str) -> Result<Vec<AdvertisedRef>, Unreadable> {
        let target = self.advertisement_url(repository)?;
        let unreachable = |why: String| Unreadable::Unreachable(why);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(REPOSITORY_CHECK_TIMEOUT_SECS)))
            .max_redirects(0)
            .http_status_as_error(false)
            // The environment's proxy is not this server's business.
            .proxy(None)
            .user_agent("git/2 (reclaim repository proof)")
            .tls_config(
                TlsConfig::builder()
                    .provider(TlsProvider::NativeTls)
                    .root_certs(RootCerts::PlatformVerifier)
                    .build(),
            )
            .build()
            .into();
        let mut res = agent
            .get(&target)
            .header("Accept", ADVERTISEMENT)
            .call()
            .map_err(|e| unreachable(format!("no answer ({e})")))?;
        let status = res.status();
        if status.is_redirection() {
            return Err(unreachable(format!(
                "it answered with a redirect ({status}), which is not followed: give the repository's current address"
            )));
        }
        if status != 200 {
            return Err(unreachable(format!("it answered {status}")));
        }
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !content_type.starts_with(ADVERTISEMENT) {
            return Err(unreachable(
                "it did not answer as a git server over smart HTTP".into(),
            ));
        }
        let bytes = res
            .body_mut()
            .with_config()
            .limit(MAX_REF_ADVERTISEMENT_BYTES)
            .read_to_vec()
            .map_err(|e| unreachable(format!("its list of refs could not be read ({e})")))?;
        pkt_line::parse(&bytes)
            .map_err(|e| unreachable(format!("its list of refs is malformed ({e:?})")))
    }
}

/// `localhost`, or an address of the loopback interface.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    fn policy(loopback: bool) -> RepositoryPolicy {
        RepositoryPolicy {
            loopback,
            ..RepositoryPolicy::default()
        }
    }

    #[test]
    fn only_allowed_forges_over_https() {
        let p = policy(false);
        assert_eq!(
            p.advertisement_url("https://github.com/pypa/sampleproject/"),
            Ok("https://github.com/pypa/sampleproject/info/refs?service=git-upload-pack".into())
        );
        assert!(p.advertisement_url("https://GitHub.com/pypa/x").is_ok());
        for refused in [
            "http://github.com/pypa/x",
            "https://github.com.evil.example/pypa/x",
            "https://gist.github.com/x",
            "https://github.com:8443/pypa/x",
            "https://user:pw@github.com/pypa/x",
            "https://github.com/pypa/x?service=y",
            "https://github.com/pypa/x#frag",
            "ssh://git@github.com/pypa/x",
            "file:///etc/passwd",
            "http://127.0.0.1:8080/demo-git/x.git",
            "not a url",
        ] {
            assert!(
                matches!(p.advertisement_url(refused), Err(Unreadable::NotAllowed(_))),
                "{refused}"
            );
        }
        // Loopback over plain http in demo mode, and nothing else more.
        let demo = policy(true);
        for ok in [
            "http://127.0.0.1:8080/demo-git/x.git",
            "http://localhost:8080/demo-git/x.git",
            "http://[::1]:8080/demo-git/x.git",
        ] {
            assert!(demo.advertisement_url(ok).is_ok(), "{ok}");
        }
        assert!(demo.advertisement_url("http://10.0.0.1/x.git").is_err());
        assert!(demo.advertisement_url("http://example.org/x.git").is_err());
    }

    /// A server on loopback that answers one request with `answer`.
    fn answer_once(answer: &'static [u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(answer);
            }
        });
        format!("http://{addr}/repo.git")
    }

    #[test]
    fn a_redirect_to_another_host_is_not_followed() {
        let repository = answer_once(
            b"HTTP/1.1 302 Found\r\nLocation: http://evil.example/repo.git/info/refs?service=git-upload-pack\r\nContent-Length: 0\r\n\r\n",
        );
        match policy(true).read_refs(&repository) {
            Err(Unreadable::Unreachable(why)) => assert!(why.contains("redirect"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_answer_that_is_not_git_is_unreachable() {
        let page = answer_once(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>",
        );
        assert!(matches!(
            policy(true).read_refs(&page),
            Err(Unreadable::Unreachable(_))
        ));
    }

    #[test]
    fn an_oversized_advertisement_is_cut_off() {
        // Longer than the cap, with no Content-Length: read until the cap.
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\nConnection: close\r\n\r\n";
        let mut answer = head.as_bytes().to_vec();
        answer.extend(std::iter::repeat_n(
            b'0',
            MAX_REF_ADVERTISEMENT_BYTES as usize + 10,
        ));
        let repository = answer_once(Box::leak(answer.into_boxed_slice()));
        match policy(true).read_refs(&repository) {
            Err(Unreadable::Unreachable(why)) => {
                assert!(why.contains("could not be read"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_advertisement_is_read() {
        let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\nContent-Length: 119\r\n\r\n\
                      001e# service=git-upload-pack\n0000\
                      00511111111111111111111111111111111111111111 refs/heads/reclaim-0123456789abcdef\n0000";
        let repository = answer_once(answer.as_bytes());
        let refs = policy(true).read_refs(&repository).unwrap();
        assert_eq!(refs[0].name, "refs/heads/reclaim-0123456789abcdef");
    }
}
