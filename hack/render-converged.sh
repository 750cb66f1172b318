#!/usr/bin/env bash
# Renders a claim or XR the way it looks once every resource exists: renders,
# lets the fake provider (internal/fakeaws) observe what
# rendered, and renders again with that observed state, until nothing new
# appears. No AWS is involved: IDs and ARNs are fabricated. Prints the last
# render on stdout, progress on stderr.
#
#   hack/render-converged.sh examples/claims/prod.yaml
set -euo pipefail
cd "$(dirname "$0")/.."
input=${1:?usage: hack/render-converged.sh CLAIM_OR_XR_FILE}
bin=${BIN_DIR:-bin}
log() { echo "render-converged: $*" >&2; }

go build -o "$bin/observe" ./internal/fakeaws/cmd/observe
go build -o "$bin/claimtoxr" ./hack/claimtoxr
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/claimtoxr" "$input" > "$work/xr.yaml"
region=$(sed -n 's/^  region: //p' "$work/xr.yaml")
# The claim's own account when it names one; else fakeaws's fabricated one.
account=$(sed -n "s/^  accountId: ['\"]*\([0-9]*\)['\"]*$/\1/p" "$work/xr.yaml")

render() { hack/render.sh "$@" > "$work/rendered.yaml" 2> "$work/render.err" || { cat "$work/render.err" >&2; exit 1; }; }
render "$input"
previous=$(grep -c '^kind: ' "$work/rendered.yaml")
log "render 1: $previous objects"
converged=false
for pass in 2 3 4 5 6 7 8 9; do
  "$bin/observe" "$region" "$account" < "$work/rendered.yaml" > "$work/observed.yaml" 2> "$work/observe.err" || { cat "$work/observe.err" >&2; exit 1; }
  render "$input" "$work/observed.yaml"
  count=$(grep -c '^kind: ' "$work/rendered.yaml")
  log "render $pass: $count objects"
  if [ "$count" = "$previous" ]; then converged=true; break; fi
  previous=$count
done
# Nine passes without a fixed point is a platform that never converges: fail
# rather than hand a half-rendered platform to validate or the e2e suite.
$converged || { log "FAILED: $input still grew after 9 renders ($count objects)"; exit 1; }
cat "$work/rendered.yaml"
log "converged: $count objects from $input (IDs and ARNs fabricated by internal/fakeaws, in account ${account:-111122223333 (fabricated: the claim names none)}; nothing was sent to AWS)"
