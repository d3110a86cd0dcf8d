//! Small wrappers around browser APIs (storage, randomness, dates, focus).
//!
//! Everything here degrades quietly: a browser that refuses storage (private
//! mode, quota) still gets a working app, only without drafts.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, Storage};

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// `sessionStorage`, if the browser lets us use it.
pub fn session_storage() -> Option<Storage> {
    window()?.session_storage().ok().flatten()
}

/// `localStorage`, if the browser lets us use it.
pub fn local_storage() -> Option<Storage> {
    window()?.local_storage().ok().flatten()
}

/// Read a key; `None` when absent or storage is unavailable.
pub fn storage_get(storage: Option<Storage>, key: &str) -> Option<String> {
    storage?.get_item(key).ok().flatten()
}

/// Write a key; returns whether it was stored.
pub fn storage_set(storage: Option<Storage>, key: &str, value: &str) -> bool {
    storage.is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Remove a key (no error when absent).
pub fn storage_remove(storage: Option<Storage>, key: &str) {
    if let Some(s) = storage {
        let _ = s.remove_item(key);
    }
}

/// `n` random bytes from the browser's CSPRNG, as lowercase hex.
///
/// Falls back to `Math.random` only if `crypto` is missing (very old
/// browsers); the value is an idempotency key, not a secret.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    let filled = window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Today's date in the user's time zone, `YYYY-MM-DD`.
pub fn today_iso() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Format an RFC 3339 timestamp for people, in their time zone, which it
/// names ("2 March 2026 at 09:15 UTC", "… at 10:15 UTC+1"): a time without
/// its zone is a guess for someone comparing it with a file name in UTC.
/// Falls back to the raw text if the browser cannot parse it.
///
/// Not `Date.toLocaleString` with options: Chromium builds a new Intl
/// formatter for each such call, 50 ms of a phone's CPU (measured under
/// bench/perf's 4x slowdown), on the step that shows a sign-in's answer.
pub fn format_timestamp(rfc3339: &str) -> String {
    let ms = js_sys::Date::parse(rfc3339);
    if ms.is_nan() {
        return rfc3339.to_string();
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let when = LocalTime {
        year: d.get_full_year(),
        month: d.get_month() + 1,
        day: d.get_date(),
        hour: d.get_hours(),
        minute: d.get_minutes(),
        // Minutes behind UTC: -60 in UTC+1.
        utc_offset_minutes: -(d.get_timezone_offset() as i32),
    };
    when.to_string()
}

/// A moment as a clock in some time zone shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: u32,
    /// 1 to 12.
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    /// Ahead of UTC: 60 in UTC+1, -300 in UTC-5.
    pub utc_offset_minutes: i32,
}

impl std::fmt::Display for LocalTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let month = MONTHS
            .get(self.month.wrapping_sub(1) as usize)
            .unwrap_or(&"?");
        write!(
            f,
            "{} {month} {} at {:02}:{:02} UTC",
            self.day, self.year, self.hour, self.minute
        )?;
        let offset = self.utc_offset_minutes;
        if offset != 0 {
            let sign = if offset > 0 { '+' } else { '-' };
            let (hours, minutes) = (offset.unsigned_abs() / 60, offset.unsigned_abs() % 60);
            write!(f, "{sign}{hours}")?;
            if minutes != 0 {
                write!(f, ":{minutes:02}")?;
            }
        }
        Ok(())
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2026-05-14` (or the date of an RFC 3339 timestamp) → `14 May 2026`.
pub fn format_date(iso: &str) -> String {
    let date = iso.get(..10).unwrap_or(iso);
    let parts: Vec<&str> = date.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        if let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) {
            if (1..=12).contains(&m) {
                return format!("{d} {} {y}", MONTHS[m - 1]);
            }
        }
    }
    iso.to_string()
}

/// The element with this id, as an `HtmlElement`.
pub fn element_by_id(id: &str) -> Option<HtmlElement> {
    window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<HtmlElement>()
        .ok()
}

/// Move focus to the element with this id and bring it into view.
/// Returns whether the element exists.
pub fn focus_id(id: &str) -> bool {
    match element_by_id(id) {
        Some(el) => {
            focus_element(&el);
            true
        }
        None => false,
    }
}

/// Focus an element, making it programmatically focusable if needed.
pub fn focus_element(el: &HtmlElement) {
    let focusable = el.tab_index() >= 0
        || matches!(
            el.tag_name().as_str(),
            "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "A"
        );
    if !focusable {
        let _ = el.set_attribute("tabindex", "-1");
    }
    let _ = el.focus();
    // Bring the whole question (label, hint, error) into view, not only the
    // input, as the GOV.UK error summary does.
    match el.closest(".form-group") {
        Ok(Some(group)) => group.scroll_into_view_with_bool(true),
        _ => el.scroll_into_view_with_bool(true),
    }
}

/// The element that has focus, if any (the body counts as none).
pub fn active_element() -> Option<web_sys::Element> {
    let doc = window()?.document()?;
    let active = doc.active_element()?;
    if active.tag_name() == "BODY" {
        None
    } else {
        Some(active)
    }
}

/// The current location hash without `#`, percent-decoded.
pub fn location_hash() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    let hash = hash.strip_prefix('#')?;
    if hash.is_empty() {
        return None;
    }
    js_sys::decode_uri_component(hash)
        .ok()
        .and_then(|v| v.as_string())
}

/// Read a query parameter, then take the whole query out of the address bar
/// (history replace, so Back and bookmarks never hold it): for secrets that
/// arrive in a mailed link, like a reset token.
pub fn take_query_param(name: &str, clean_path: &str) -> Option<String> {
    let w = window()?;
    let search = w.location().search().ok()?;
    let value = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get(name))
        .filter(|v| !v.is_empty());
    if !search.is_empty() {
        if let Ok(history) = w.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(clean_path));
        }
    }
    value
}

/// Percent-encode one path segment or query value.
pub fn encode_component(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

/// Scroll the window to the top.
pub fn scroll_to_top() {
    if let Some(w) = window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Resolve after `ms` milliseconds (a `setTimeout` as a future).
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.min(i32::MAX as u32) as i32,
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Copy text to the clipboard; resolves to whether it worked.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(w) = window() else { return false };
    let clipboard = w.navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}

/// Offer `text` as a file download named `filename` (a `text/plain` Blob,
/// never a `data:` URL in the address bar). Returns whether it started.
pub fn download_text(filename: &str, text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(document) = window().and_then(|w| w.document()) else {
        return false;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let started = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .map(|a| {
            a.set_href(&url);
            a.set_download(filename);
            a.click();
        })
        .is_some();
    // Once the download has taken the data.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    started
}

/// Open the browser's print dialog (the print stylesheet decides what prints).
pub fn print() {
    if let Some(w) = window() {
        let _ = w.print();
    }
}

/// A fetched answer: its status, headers and whole body as text.
pub struct Fetched {
    pub status: u16,
    pub headers: web_sys::Headers,
    /// Empty when the body could not be read.
    pub text: String,
}

impl Fetched {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// How long a call may take, body included, before it counts as failed:
/// a page then says so and offers "Try again" instead of waiting for good.
pub const FETCH_TIMEOUT_MS: i32 = 20_000;

/// `fetch(url, init)` through `gloo-net`'s `Request` and `Response`, body
/// read to the end. `Err` (the browser's reason) when there is no answer at
/// all: offline, blocked, refused, or no whole answer within
/// [`FETCH_TIMEOUT_MS`]. One function for every call: nothing here is generic.
///
/// The request is made from a `RequestInit` (method, headers, body, cache,
/// credentials, the abort signal) rather than with `gloo-net`'s
/// `RequestBuilder`: the builder parses every URL again to append query
/// parameters (none here), and its `header` throws on a value the browser
/// refuses (a pasted status token, say) where such a call must count as one
/// without an answer. It cost 1.8 to 2.8 KB of brotli per bundle; the
/// `Request`/`Response` pair costs 0.6 to 1.2 KB.
pub async fn fetch(url: &str, init: &web_sys::RequestInit) -> Result<Fetched, String> {
    let reason = |e: wasm_bindgen::JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "the request failed".to_string())
    };
    let window = window().ok_or("no window")?;
    // The page's own timer (not `AbortSignal.timeout`), so that tests can
    // move the page's clock past it. The timer calls the controller's own
    // `abort`, not a Rust closure: a late call after the answer (a timer
    // that was not cleared) then does nothing at all.
    let controller = web_sys::AbortController::new().map_err(reason)?;
    init.set_signal(Some(&controller.signal()));
    let request = web_sys::Request::new_with_str_and_init(url, init).map_err(reason)?;
    let abort = js_sys::Reflect::get(&controller, &"abort".into())
        .map_err(reason)?
        .unchecked_into::<js_sys::Function>()
        .bind0(&controller);
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(&abort, FETCH_TIMEOUT_MS)
        .map_err(reason)?;
    let fetched = fetch_to_end(gloo_net::http::Request::from(request))
        .await
        .map_err(|e| match e {
            // An abort rejects with a `DOMException`, an `Error` too.
            gloo_net::Error::JsError(e) => e.message,
            _ => "the request failed".to_string(),
        });
    window.clear_timeout_with_handle(timer);
    fetched
}

async fn fetch_to_end(request: gloo_net::http::Request) -> Result<Fetched, gloo_net::Error> {
    let response: gloo_net::http::Response = request.send().await?;
    // A body cut off (the timeout, a dropped connection) is no answer.
    let text = response.text().await?;
    Ok(Fetched {
        status: response.status(),
        headers: response.headers().into_raw(),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::LocalTime;

    fn at(month: u32, hour: u32, minute: u32, utc_offset_minutes: i32) -> String {
        LocalTime {
            year: 2026,
            month,
            day: 2,
            hour,
            minute,
            utc_offset_minutes,
        }
        .to_string()
    }

    #[test]
    fn a_local_time_names_its_offset_from_utc() {
        assert_eq!(at(3, 9, 5, 0), "2 March 2026 at 09:05 UTC");
        assert_eq!(at(12, 10, 15, 60), "2 December 2026 at 10:15 UTC+1");
        assert_eq!(at(1, 23, 59, -300), "2 January 2026 at 23:59 UTC-5");
        assert_eq!(at(7, 14, 45, 330), "2 July 2026 at 14:45 UTC+5:30");
        assert_eq!(at(7, 0, 0, -570), "2 July 2026 at 00:00 UTC-9:30");
    }
}
