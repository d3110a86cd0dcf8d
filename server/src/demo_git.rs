//! `--demo`: the demo projects' public repositories, served by the server
//! itself over git's smart HTTP, so the whole repository proof (clone,
//! push a branch, check) works offline with plain git.
//!
//! Each project of the fixture whose repository is a path
//! (`/demo-git/NAME.git`, `demo/accounts.json`) gets a bare repository
//! `NAME.git` in a folder beside the database, made at start if missing,
//! with one commit and `http.receivepack` on (anyone may push: it is a
//! demo on loopback). Requests under `/demo-git/` go to `git http-backend`
//! as a CGI program: its repository is one of those names and the path
//! one of smart HTTP's three, so git only ever sees this folder and paths
//! the server checked, never a URL anyone typed.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use reclaim_core::demo::{demo, DEMO_GIT_PATH};
use tokio::io::AsyncWriteExt;

use crate::state::AppState;

/// The most a push may send (the demo's pushes are a commit or two).
const MAX_PUSH_BYTES: usize = 16 * 1024 * 1024;

/// The repositories' folder for a database at `database`.
pub fn root_beside(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".demo-git");
    PathBuf::from(name)
}

/// The names of the repositories the demo serves (`NAME` of `NAME.git`).
fn names() -> impl Iterator<Item = &'static str> {
    demo()
        .accounts
        .iter()
        .flat_map(|a| &a.projects)
        .filter_map(|p| p.demo_git_name())
}

/// Run git with fixed arguments in `dir`, `input` on its standard input;
/// its standard output, trimmed.
fn git(dir: &Path, args: &[&str], input: &str) -> Result<String, String> {
    use std::io::Write;
    let mut child = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Reclaim demo")
        .env("GIT_AUTHOR_EMAIL", "demo@localhost")
        .env("GIT_COMMITTER_NAME", "Reclaim demo")
        .env("GIT_COMMITTER_EMAIL", "demo@localhost")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git ({e}): the demo's repositories need it"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Make the bare repository of every demo project under `root` that is
/// not there yet: a README in one commit on `main`, pushes allowed.
pub fn prepare(root: &Path) -> Result<(), String> {
    std::fs::create_dir_all(root).map_err(|e| format!("{}: {e}", root.display()))?;
    for name in names() {
        let repo = root.join(format!("{name}.git"));
        if repo.exists() {
            continue;
        }
        let repo_arg = repo.to_string_lossy().to_string();
        git(
            root,
            &[
                "init",
                "--quiet",
                "--bare",
                "--initial-branch=main",
                &repo_arg,
            ],
            "",
        )?;
        git(&repo, &["config", "http.receivepack", "true"], "")?;
        let readme = format!(
            "# {name}\n\nA demo project of Reclaim. Prove it is yours: push the branch the wizard names.\n"
        );
        let blob = git(&repo, &["hash-object", "-w", "--stdin"], &readme)?;
        let tree = git(
            &repo,
            &["mktree"],
            &format!("100644 blob {blob}\tREADME.md\n"),
        )?;
        let commit = git(
            &repo,
            &["commit-tree", &tree, "-m", "Start the demo project"],
            "",
        )?;
        git(&repo, &["update-ref", "refs/heads/main", &commit], "")?;
    }
    Ok(())
}

/// The repository and path of a request under `/demo-git/`, if they are
/// one of the demo's repositories and one of smart HTTP's paths.
fn checked_path(path: &str) -> Option<String> {
    let (repo, rest) = path.split_once('/')?;
    let name = repo.strip_suffix(".git")?;
    let smart = matches!(rest, "info/refs" | "git-upload-pack" | "git-receive-pack");
    (smart && names().any(|n| n == name)).then(|| format!("/{repo}/{rest}"))
}

/// `ANY /demo-git/{path}`: git's smart HTTP, by `git http-backend`.
pub async fn serve(State(state): State<AppState>, req: Request) -> Response {
    let Some(root) = state.settings.demo_git_root.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, body) = req.into_parts();
    let Some(path_info) = parts
        .uri
        .path()
        .strip_prefix(DEMO_GIT_PATH)
        .and_then(|p| p.strip_prefix('/'))
        .and_then(checked_path)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let mut command = tokio::process::Command::new("git");
    command
        .arg("http-backend")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_PROJECT_ROOT", &root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("PATH_INFO", &path_info)
        .env("REQUEST_METHOD", parts.method.as_str())
        .env("QUERY_STRING", parts.uri.query().unwrap_or_default())
        .env("CONTENT_TYPE", header("content-type"))
        .env("HTTP_CONTENT_ENCODING", header("content-encoding"))
        .env("GIT_PROTOCOL", header("git-protocol"))
        .env("REMOTE_ADDR", "127.0.0.1")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let Ok(body) = axum::body::to_bytes(body, MAX_PUSH_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    command.env("CONTENT_LENGTH", body.len().to_string());
    let Ok(mut child) = command.spawn() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    // Fed while the answer is read, so neither side waits on a full pipe.
    if let Some(mut stdin) = child.stdin.take() {
        tokio::spawn(async move {
            let _ = stdin.write_all(&body).await;
        });
    }
    match child.wait_with_output().await {
        Ok(out) => cgi_response(&out.stdout),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// A CGI program's output as an HTTP answer: its header lines (`Status:`
/// the status), a blank line, the body.
fn cgi_response(out: &[u8]) -> Response {
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            out.windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        });
    let Some((head_end, body_start)) = split else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut res = Response::new(Body::from(out[body_start..].to_vec()));
    for line in String::from_utf8_lossy(&out[..head_end]).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code = value.split_whitespace().next().and_then(|c| c.parse().ok());
            if let Some(status) = code.and_then(|c| StatusCode::from_u16(c).ok()) {
                *res.status_mut() = status;
            }
        } else if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.trim()),
            HeaderValue::try_from(value),
        ) {
            res.headers_mut().append(name, value);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_demos_repositories_and_smart_paths() {
        assert_eq!(
            checked_path("sampleproject.git/info/refs").as_deref(),
            Some("/sampleproject.git/info/refs")
        );
        assert!(checked_path("sampleproject.git/git-receive-pack").is_some());
        for refused in [
            "sampleproject.git/HEAD",
            "sampleproject.git/objects/info/packs",
            "sampleproject.git/../../etc/passwd",
            "other.git/info/refs",
            "sampleproject/info/refs",
            "carols-notes.git/info/refs",
            "sampleproject.git",
        ] {
            assert_eq!(checked_path(refused), None, "{refused}");
        }
    }

    #[test]
    fn cgi_output_becomes_an_answer() {
        let res = cgi_response(b"Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope");
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(res.headers()["content-type"], "text/plain");
        let res =
            cgi_response(b"Content-Type: application/x-git-upload-pack-advertisement\n\n001e");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            cgi_response(b"no blank line").status(),
            StatusCode::BAD_GATEWAY
        );
    }

    #[test]
    fn the_demos_repositories_are_made_once_with_a_commit() {
        let root = std::env::temp_dir().join(format!("reclaim-demo-git-{}", std::process::id()));
        prepare(&root).unwrap();
        prepare(&root).unwrap();
        for name in names() {
            let repo = root.join(format!("{name}.git"));
            let head = git(&repo, &["rev-parse", "refs/heads/main"], "").unwrap();
            assert_eq!(head.len(), 40, "{name}");
            assert_eq!(
                git(&repo, &["config", "http.receivepack"], "").unwrap(),
                "true"
            );
        }
        std::fs::remove_dir_all(&root).unwrap();
    }
}
