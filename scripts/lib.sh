# Shared helpers for scripts/start and scripts/test: install what is missing,
# skip what is there. Everything comes from the package registries (crates.io,
# npm, Debian); no tool downloads a binary at run time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Playwright must never fetch its own browser: tests use Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

TRUNK_VERSION="0.21.14"

step() { printf '\n==> %s\n' "$*"; }

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then return; fi
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

ensure_trunk() {
  if trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then return; fi
  step "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
}

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
# No --locked: one of its locked crates is not on the registry here.
ensure_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  if wasm-bindgen --version 2>/dev/null | grep -q " $want\$" &&
     command -v wasm-bindgen-test-runner >/dev/null; then return; fi
  step "installing wasm-bindgen-cli $want (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "=$want"
}

# npm packages from the committed package-lock.json: Playwright, axe-core and
# binaryen 132's wasm-opt (Debian's wasm-opt 108 emits wasm Chromium rejects).
# `npm ci` leaves the lock's hash in node_modules; it runs again only when the
# lock changed since (or node_modules is gone). npm's own hidden lockfile
# (node_modules/.package-lock.json) is not comparable: it drops fields.
ensure_npm_packages() {
  local stamp=node_modules/.reclaim-lock.sha256
  local want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  step "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return; fi
  step "installing Chromium and ChromeDriver from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_npm_packages
  ensure_trunk
  ensure_wasm_bindgen
}

# One Trunk page per bundle (core/src/bundle.rs), each its own binary over
# the same library crate, src/bin/NAME.rs: index.html builds `start` (the
# start page), and NAME.html the others. Those pages are index.html with their binary's name,
# written beside it (git ignores them). Trunk empties its dist before each
# build, so they are built apart and then put beside index.html.
app_pages() {
  local bin
  for bin in src/bin/*.rs; do
    bin="${bin##*/}"
    bin="${bin%.rs}"
    [ "$bin" = start ] || echo "$bin"
  done
}

build_app_release() {
  local pages page
  pages="$(app_pages | tr '\n' ' ')"
  step "building the app (release, wasm-opt -Os): index.html and ${pages% }"
  trunk build --release --offline
  for page in $pages; do
    sed "s/data-bin=\"start\"/data-bin=\"$page\"/" index.html > "$page.html"
    trunk build --release --offline=true --dist "target/trunk-$page" --html-output "$page.html" "$page.html"
    cp -R "target/trunk-$page/." dist/
  done
  minify_dist dist
}

# The JS glue and the CSS minified by esbuild (scripts/minify-dist.mjs), with
# the pages' integrity hashes brought up to date.
minify_dist() {
  node scripts/minify-dist.mjs "$1" >/dev/null
}
