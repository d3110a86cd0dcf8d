#!/usr/bin/env bash
# Property-based checks of the API against its own OpenAPI document, with
# schemathesis (from PyPI): no 5xx, and every answer matches the schema.
#
#   scripts/schemathesis.sh                 # starts the reference server (fresh DB, --demo)
#   RECLAIM_BASE_URL=http://127.0.0.1:8080/api/v1 scripts/schemathesis.sh   # any API
#
# Environment:
#   RECLAIM_BASE_URL      API base; unset: build and start target/debug/reclaim-server
#   RECLAIM_SERVER_BIN    server binary to start (default target/debug/reclaim-server,
#                         built with `cargo build -p reclaim-server` when missing)
#   ST_MAX_EXAMPLES       test cases per operation and phase (default 30)
#   ST_SEED               random seed (default 20260514: the same cases every run)
#   ST_MAX_TIME           optional time budget in seconds for the whole run
#
# Rate limits: 429 answers are documented in the schema and accepted as such.
# The demo outbox (a loopback-only test aid) is left out. With the server it
# starts itself, the script signs in as the demo user bob so the signed-in
# endpoints are exercised too (his session may end when /logout is fuzzed).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="$root/.tools/venv"
st="$venv/bin/st"
if [[ ! -x "$st" ]]; then
  echo "schemathesis: installing into .tools/venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=3,<5'
fi
version="$("$st" --version 2>/dev/null | awk '{print $NF}')"
echo "schemathesis $version" >&2

max_examples="${ST_MAX_EXAMPLES:-30}"
seed="${ST_SEED:-20260514}"

server_pid=""
workdir=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$workdir" ]]; then
    rm -rf "$workdir"
  fi
}
trap cleanup EXIT INT TERM

base="${RECLAIM_BASE_URL:-}"
if [[ -z "$base" ]]; then
  bin="${RECLAIM_SERVER_BIN:-$root/target/debug/reclaim-server}"
  if [[ -z "${RECLAIM_SERVER_BIN:-}" ]]; then
    cargo build --quiet -p reclaim-server
  fi
  workdir="$(mktemp -d "${TMPDIR:-/tmp}/reclaim-st.XXXXXX")"
  mkdir -p "$workdir/dist"
  printf '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reclaim</title></head><body></body></html>\n' \
    >"$workdir/dist/index.html"
  printf '{}\n' >"$workdir/dist/config.json"
  "$bin" serve --addr 127.0.0.1:0 --database "$workdir/reclaim.sqlite3" \
    --dist "$workdir/dist" --demo >"$workdir/stdout" 2>"$workdir/stderr" &
  server_pid=$!
  for _ in $(seq 1 600); do
    if addr="$(grep -o 'listening on http://[^ ]*' "$workdir/stdout" 2>/dev/null | head -n1)" && [[ -n "$addr" ]]; then
      break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "the reference server exited:" >&2
      cat "$workdir/stderr" >&2
      exit 1
    fi
    sleep 0.1
  done
  if [[ -z "${addr:-}" ]]; then
    echo "the reference server did not say where it listens:" >&2
    cat "$workdir/stderr" >&2
    exit 1
  fi
  base="${addr#listening on }"
  base="${base%/}/api/v1"
fi
base="${base%/}"
echo "API under test: $base" >&2

# Signed-in endpoints: with our own demo server, sign in as bob (no second
# factor) and send his session cookie and CSRF token with every request.
auth=()
if [[ -n "$server_pid" ]]; then
  login_headers="$workdir/login.headers"
  login_body="$(curl -sS -D "$login_headers" -H 'Content-Type: application/json' \
    -d '{"username":"bob","password":"reclaim-demo-pass"}' "$base/login")"
  cookie="$(grep -i '^set-cookie:' "$login_headers" | head -n1 | sed -e 's/^[^:]*: *//' -e 's/;.*//' | tr -d '\r')"
  csrf="$(printf '%s' "$login_body" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin).get("csrf_token",""))')"
  if [[ -n "$cookie" && -n "$csrf" ]]; then
    auth=(-H "Cookie: $cookie" -H "X-CSRF-Token: $csrf")
    echo "signed in as bob for the account endpoints" >&2
  else
    echo "warning: could not sign in as bob; account endpoints answer 401" >&2
  fi
fi

report_dir="$root/target/schemathesis"
mkdir -p "$report_dir"

# run_st NAME FILTER-ARGS...: one schemathesis run over the selected operations.
status=0
run_st() {
  local name="$1"
  shift
  local rc=0
  case "$version" in
    3.*)
      "$st" run "$base/openapi.json" \
        --base-url "$base" \
        --checks not_a_server_error,response_schema_conformance \
        --hypothesis-max-examples "$max_examples" \
        --hypothesis-seed "$seed" \
        --hypothesis-derandomize \
        --workers 1 \
        --junit-xml "$report_dir/junit-$name.xml" \
        "$@" "${auth[@]}" || rc=$?
      ;;
    *)
      local extra=()
      if [[ -n "${ST_MAX_TIME:-}" ]]; then
        extra+=(--max-time "$ST_MAX_TIME")
      fi
      "$st" run "$base/openapi.json" \
        --url "$base" \
        --checks not_a_server_error,response_schema_conformance \
        --phases examples,coverage,fuzzing \
        --max-examples "$max_examples" \
        --seed "$seed" \
        --generation-database none \
        --workers 1 \
        --request-timeout 30 \
        --no-color \
        --report junit \
        --report-junit-path "$report_dir/junit-$name.xml" \
        "$@" "${auth[@]}" "${extra[@]}" || rc=$?
      ;;
  esac
  if [[ $rc -ne 0 ]]; then
    echo "schemathesis ($name) found failures (exit $rc); report: $report_dir/junit-$name.xml" >&2
    status=$rc
  fi
}

# Everything but the demo outbox and /logout first, then /logout on its own
# (it ends the session the first run signs in with).
case "$version" in
  3.*)
    run_st main --endpoint '^(?!.*(demo/outbox|/logout)).*$'
    run_st logout --endpoint '/logout$'
    ;;
  *)
    run_st main --exclude-path-regex '(demo/outbox|/logout)$'
    run_st logout --include-path-regex '/logout$'
    ;;
esac
exit "$status"
