#!/usr/bin/env bash
# Renders a PayNextPlatform claim or XR with `crossplane render`, offline:
# starts the platform function on loopback with --insecure (the Development
# runtime of examples/functions.yaml), prints the rendered resources as YAML
# on stdout and progress on stderr, and exits non-zero when the function
# returns a Fatal result.
#
#   hack/render.sh examples/claims/prod.yaml [OBSERVED_RESOURCES_FILE]
#   FUNCTION_BIN=/tmp/old/function hack/render.sh …   # a function built elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

input=${1:?usage: hack/render.sh CLAIM_OR_XR_FILE [OBSERVED_FILE]}
observed=${2:-}
bin=${BIN_DIR:-bin}
log() { echo "render: $*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The function listens on FUNCTION_PORT, or on the first free port from 9443.
# A port another process holds would answer crossplane render with its own
# protocol (an HTTP server gives "http2: frame too large").
next_free() {
  while listening "$port"; do
    port=$((port + 1))
    [ "$port" -lt 9543 ] || { log "no free port in 9443-9542: set FUNCTION_PORT"; exit 1; }
  done
}
if [ -n "${FUNCTION_PORT:-}" ]; then
  port=$FUNCTION_PORT
  if listening "$port"; then log "127.0.0.1:$port (FUNCTION_PORT) is in use by another process: pick a free port"; exit 1; fi
else
  port=9443
  next_free
fi

hack/install-tool.sh crossplane
# FUNCTION_BIN runs a function built elsewhere (make plan FROM=<ref> renders
# with the function of another commit); by default the tree's is built.
fn=${FUNCTION_BIN:-$bin/function-paynext-platform}
if [ -n "${FUNCTION_BIN:-}" ]; then
  log "using the function $FUNCTION_BIN"
else
  log "building the function"
  go build -o "$fn" ./functions/platform
fi
go build -o "$bin/claimtoxr" ./hack/claimtoxr

work=$(mktemp -d)
fn_pid=
cleanup() {
  status=$?
  if [ -n "$fn_pid" ]; then
    kill "$fn_pid" 2>/dev/null || true
    wait "$fn_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

"$bin/claimtoxr" "$input" > "$work/xr.yaml"
# start_function starts the function on $port and succeeds once it listens
# there; it fails when the function exits (the port taken meanwhile).
start_function() {
  log "starting the function on 127.0.0.1:$port"
  "$fn" --insecure --address "127.0.0.1:$port" --metrics-address= > "$work/function.log" 2>&1 &
  fn_pid=$!
  for i in $(seq 1 100); do
    if listening "$port"; then break; fi
    if ! kill -0 "$fn_pid" 2>/dev/null; then return 1; fi
    [ "$i" = 100 ] && { log "the function did not listen on 127.0.0.1:$port within 10s"; exit 1; }
    sleep 0.1
  done
  # Another process may have taken the port between the probe and the
  # bind: then the function exits.
  sleep 0.2
  kill -0 "$fn_pid" 2>/dev/null
}
# Two renders started together probe the same free port; the one that loses
# the bind moves on to the next free port (not with FUNCTION_PORT).
attempts=0
until start_function; do
  fn_pid=
  attempts=$((attempts + 1))
  if [ -n "${FUNCTION_PORT:-}" ] || [ "$attempts" -ge 20 ] || ! grep -q "address already in use" "$work/function.log"; then
    cat "$work/function.log" >&2
    log "the function exited: is 127.0.0.1:$port taken?"
    exit 1
  fi
  log "127.0.0.1:$port was taken meanwhile; trying the next free port"
  port=$((port + 1))
  next_free
done
sed "s/127.0.0.1:9443/127.0.0.1:$port/" examples/functions.yaml > "$work/functions.yaml"

# Function results (warnings) always come back; they go to stderr below and
# stay in the YAML only when RENDER_FLAGS asks for them.
args=("$work/xr.yaml" compositions/platform.yaml "$work/functions.yaml" --include-function-results)
[ -n "$observed" ] && args+=(--observed-resources "$observed")
# shellcheck disable=SC2206 # extra crossplane render flags, split on purpose
[ -n "${RENDER_FLAGS:-}" ] && args+=($RENDER_FLAGS)
log "rendering $input"
if ! "$bin/crossplane" render "${args[@]}" > "$work/out.yaml" 2> "$work/render.err"; then
  cat "$work/render.err" >&2
  log "FAILED: $input did not render"
  exit 1
fi
# Split the stream: Result documents become "render: WARNING …" lines.
keep_results=false
[[ " ${RENDER_FLAGS:-} " == *" --include-function-results "* ]] && keep_results=true
awk -v keep="$keep_results" -v warn="$work/results.txt" '
  function flush() {
    if (doc == "") return
    if (doc ~ /(^|\n)kind: Result(\n|$)/) {
      sev = doc; sub(/.*(^|\n)severity: /, "", sev); sub(/\n.*/, "", sev)
      msg = doc; sub(/.*(^|\n)message: /, "", msg); sub(/\n[a-z]+:.*/, "", msg)
      gsub(/\n +/, " ", msg); sub(/\n$/, "", msg)
      if (msg ~ /^\047.*\047$/) { msg = substr(msg, 2, length(msg) - 2); gsub(/\047\047/, "\047", msg) }
      if (msg ~ /^".*"$/) { msg = substr(msg, 2, length(msg) - 2) }
      print sev ": " msg > warn
      if (keep != "true") { doc = ""; return }
    }
    printf "---\n%s", doc
    doc = ""
  }
  /^---$/ { flush(); next }
  { doc = doc $0 "\n" }
  END { flush() }
' "$work/out.yaml" > "$work/resources.yaml"
if [ -s "$work/results.txt" ]; then
  while IFS= read -r line; do log "function result: ${line#SEVERITY_}"; done < "$work/results.txt"
fi
cat "$work/resources.yaml"
mv "$work/resources.yaml" "$work/out.yaml"
log "rendered $(grep -c '^kind: ' "$work/out.yaml") objects from $input"
