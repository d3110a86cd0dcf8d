//! A QR code drawn in the browser from the otpauth URI (the `qrcode` crate
//! encodes; the SVG is written here): error correction M, the standard
//! quiet zone of 4 modules, one SVG unit per module so CSS scales it
//! crisply to 200–256 px.
//!
//! The crate's own SVG renderer (its generic `Renderer` and `Canvas`) cost
//! the authenticator's bundle more than the few lines below, which write
//! each row's runs of dark modules as one path.

use leptos::prelude::*;
use qrcode::{Color, EcLevel, QrCode};

/// Modules of light margin around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

/// The SVG markup of a QR code for `text`, or `None` if it does not fit.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let modules = code.to_colors();
    let mut path = String::new();
    for (y, row) in modules.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Light {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|&&c| c == Color::Dark).count();
            path.push_str(&format!(
                "M{} {}h{run}v1h-{run}z",
                x + QUIET_ZONE,
                y + QUIET_ZONE
            ));
            x += run;
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// The QR code as an image with a text alternative.
#[component]
pub fn QrCode(#[prop(into)] text: String, #[prop(into)] label: String) -> impl IntoView {
    let svg = qr_svg(&text).unwrap_or_default();
    view! { <div class="qr" role="img" aria-label=label inner_html=svg></div> }
}
