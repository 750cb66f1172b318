#!/usr/bin/env bash
# CI check of make plan, end to end: one real plan (two renders to
# convergence, the fake provider, the classification) of an edit whose
# outcome is known, and one edit the API server refuses. The smallest dev
# platform keeping its logs 90 days instead of 30 updates its log groups and
# bucket lifecycles in place (5 and 4), and nothing else: exit 2 with the summary
# below. Adding a name suffix is refused by the XRD: exit 1, nothing
# rendered. About 40 s on an idle 2-core machine. Called by make validate.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "plan-check: $*" >&2; }

base=functions/platform/testdata/claims/ap-southeast-2-dev-minimal.yaml
edit=hack/plan/testdata/claims/sandbox-retention.yaml
want="Plan: 0 to create, 9 to update in place, 0 refused, 0 to replace, 0 to delete, 0 kept in AWS."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect CODE LABEL MAKE-ARGS...: the plan make plan runs exits CODE. Make
# itself exits 2 whenever a recipe fails, so the plan's own code is read
# from its last line on stderr ("plan: … (exit N)"), and make's status must
# agree on success or failure.
expect() {
  local want_code=$1 label=$2 code=0
  shift 2
  make --no-print-directory plan "$@" > "$work/$label.out" 2> "$work/$label.err" || code=$?
  local agrees=false
  if [ "$want_code" = 0 ]; then [ "$code" = 0 ] && agrees=true; else [ "$code" != 0 ] && agrees=true; fi
  if ! $agrees || ! grep -q "^plan: .* (exit $want_code)\$" "$work/$label.err"; then
    cat "$work/$label.err" "$work/$label.out" >&2
    log "FAILED: make plan $* did not exit $want_code (make exited $code)"
    exit 1
  fi
}

start=$SECONDS
log "make plan XR=$edit BASE=$base (expect exit 2)"
expect 2 retention XR="$edit" BASE="$base"
if ! grep -qxF "$want" "$work/retention.out"; then
  cat "$work/retention.out" >&2
  log "FAILED: the plan does not say: $want"
  exit 1
fi

sed 's/^  environment: dev$/  environment: dev\n  nameSuffix: two/' "$base" > "$work/suffixed.yaml"
log "make plan adding spec.nameSuffix (expect exit 1: the XRD refuses it)"
expect 1 suffix XR="$work/suffixed.yaml" BASE="$base"
grep -q "spec.nameSuffix cannot be added, changed or removed" "$work/suffix.out" || {
  cat "$work/suffix.out" >&2
  log "FAILED: the refusal does not name the XRD's nameSuffix rule"
  exit 1
}
log "make plan planned a retention edit (exit 2: $want) and refused a name suffix (exit 1) in $((SECONDS - start)) s"
