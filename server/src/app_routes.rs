//! `reclaim-server routes [--json]`: the app's pages, from core's route
//! table (`Route::all`, `Bundle`), for whatever outside Rust needs them: the
//! browser tests (`tests/e2e/routes.ts`) and the benchmark (`bench/perf.mjs`)
//! read `--json` instead of keeping lists of their own, so a new route or
//! bundle needs no edit there.

use reclaim_core::bundle::Bundle;
use reclaim_core::route::Route;
use serde::Serialize;

/// One page of the app and what the server answers it with.
#[derive(Debug, Serialize)]
pub struct RouteEntry {
    pub path: String,
    /// The bundle that serves it (its name: binary, JS and wasm files).
    pub bundle: &'static str,
    /// That bundle's HTML file in `dist/`.
    pub html_file: String,
    /// Whether the page needs a signed-in session.
    pub needs_session: bool,
    /// The bundle this server answers with instead when the request has no
    /// session cookie (`Bundle::signed_out_stand_in`), and its HTML file.
    pub signed_out_bundle: Option<&'static str>,
    pub signed_out_html_file: Option<String>,
}

/// One page bundle.
#[derive(Debug, Serialize)]
pub struct BundleEntry {
    pub name: &'static str,
    pub html_file: String,
    pub signed_out_stand_in: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct AppRoutes {
    /// Every route, in `Route::all` order.
    pub routes: Vec<RouteEntry>,
    /// Every bundle, in `Bundle::ALL` order.
    pub bundles: Vec<BundleEntry>,
}

pub fn app_routes() -> AppRoutes {
    let routes = Route::all()
        .into_iter()
        .map(|route| {
            let bundle = route.bundle();
            let stand_in = bundle.signed_out_stand_in();
            RouteEntry {
                path: route.path(),
                bundle: bundle.name(),
                html_file: bundle.html_file(),
                needs_session: route.needs_session(),
                signed_out_bundle: stand_in.map(Bundle::name),
                signed_out_html_file: stand_in.map(Bundle::html_file),
            }
        })
        .collect();
    let bundles = Bundle::ALL
        .into_iter()
        .map(|bundle| BundleEntry {
            name: bundle.name(),
            html_file: bundle.html_file(),
            signed_out_stand_in: bundle.signed_out_stand_in().map(Bundle::name),
        })
        .collect();
    AppRoutes { routes, bundles }
}

/// The command's output: pretty JSON (with a trailing newline), or a table.
pub fn print(json: bool) -> String {
    let all = app_routes();
    if json {
        let mut s = serde_json::to_string_pretty(&all).expect("the route list serialises");
        s.push('\n');
        return s;
    }
    let mut s = format!(
        "{:<44} {:<24} {:<30} {}\n",
        "PATH", "BUNDLE", "HTML FILE", "NOTES"
    );
    for r in &all.routes {
        let mut notes = Vec::new();
        if r.needs_session {
            notes.push("signed in".to_string());
        }
        if let Some(html) = &r.signed_out_html_file {
            notes.push(format!("signed out: {html}"));
        }
        let line = format!(
            "{:<44} {:<24} {:<30} {}",
            r.path,
            r.bundle,
            r.html_file,
            notes.join(", ")
        );
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_and_bundle_is_listed_and_each_bundle_serves_one() {
        let all = app_routes();
        assert_eq!(all.routes.len(), Route::all().len());
        assert_eq!(all.bundles.len(), Bundle::ALL.len());
        for bundle in &all.bundles {
            assert!(
                all.routes.iter().any(|r| r.bundle == bundle.name),
                "{} serves no route",
                bundle.name
            );
        }
        let checkup = all.routes.iter().find(|r| r.path == "/checkup").unwrap();
        assert!(checkup.needs_session);
        assert_eq!(
            checkup.signed_out_html_file.as_deref(),
            Some("sign-in.html")
        );
        let v: serde_json::Value = serde_json::from_str(&print(true)).unwrap();
        assert_eq!(v["routes"][0]["path"], "/");
        assert_eq!(v["routes"][0]["html_file"], "index.html");
        assert!(v["routes"][0]["signed_out_html_file"].is_null());
        assert!(print(false).contains("/checkup/recovery-codes"));
    }
}
