#!/usr/bin/env bash
# Renders a PayNextPlatform claim or XR with `crossplane render`, offline:
# starts the platform function on loopback with --insecure (the Development
# runtime of examples/functions.yaml), prints the rendered resources as YAML
# on stdout and progress on stderr, and exits non-zero when the function
# returns a Fatal result.
#
#   hack/render.sh examples/claims/prod.yaml [OBSERVED_RESOURCES_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

input=${1:?usage: hack/render.sh CLAIM_OR_XR_FILE [OBSERVED_FILE]}
observed=${2:-}
port=${FUNCTION_PORT:-9443}
bin=${BIN_DIR:-bin}
log() { echo "render: $*" >&2; }

hack/install-tool.sh crossplane
log "building the function"
go build -o "$bin/function-paynext-platform" ./functions/platform
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
sed "s/127.0.0.1:9443/127.0.0.1:$port/" examples/functions.yaml > "$work/functions.yaml"

log "starting the function on 127.0.0.1:$port"
"$bin/function-paynext-platform" --insecure --address "127.0.0.1:$port" --metrics-address= > "$work/function.log" 2>&1 &
fn_pid=$!
for i in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$fn_pid" 2>/dev/null; then cat "$work/function.log" >&2; log "the function exited"; exit 1; fi
  [ "$i" = 100 ] && { log "the function did not listen on 127.0.0.1:$port within 10s"; exit 1; }
  sleep 0.1
done

args=("$work/xr.yaml" compositions/platform.yaml "$work/functions.yaml")
[ -n "$observed" ] && args+=(--observed-resources "$observed")
# shellcheck disable=SC2206 # extra crossplane render flags, split on purpose
[ -n "${RENDER_FLAGS:-}" ] && args+=($RENDER_FLAGS)
log "rendering $input"
if ! "$bin/crossplane" render "${args[@]}" > "$work/out.yaml" 2> "$work/render.err"; then
  cat "$work/render.err" >&2
  log "FAILED: $input did not render"
  exit 1
fi
cat "$work/out.yaml"
log "rendered $(grep -c '^kind: ' "$work/out.yaml") objects from $input"
