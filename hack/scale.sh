#!/usr/bin/env bash
# make scale: the scale simulation (not in CI). On the end-to-end control
# plane (real etcd, kube-apiserver, Crossplane, the function, provider-aws's
# runtime on an in-memory AWS), PLATFORMS prod platforms are applied at once,
# each in its own namespace and account; e2e/scale_test.go measures time to
# Ready, drift revert and claim-edit latencies, CPU, memory, function calls
# and etcd size, and writes the report to REPORT.
#
#   PLATFORMS=25 [CROSSPLANE_ARGS="--circuit-breaker-burst=500"] [FUNCTION_ARGS="--ttl=5m"]
#   [PROVIDER_POLL=10m] [PROVIDER_MAX_RECONCILE_RATE=100] [PATIENCE=30m] [REPORT=file] hack/scale.sh
#
# PATIENCE bounds the wait for every platform to be Ready (default 4 minutes
# a platform plus 20); a run that does not get there still writes its report.
#
# Crossplane and the provider run with their production defaults unless told
# otherwise: no --debug, provider --poll 10m (the suite's 1m would have every
# platform's 380 managed resources observed each minute).
set -euo pipefail
cd "$(dirname "$0")/.."
platforms=${PLATFORMS:-10}
report=${REPORT:-_output/scale/report-$platforms-platforms.txt}
mkdir -p "$(dirname "$report")"
case $report in /*) ;; *) report=$(pwd)/$report ;; esac
poll=${PROVIDER_POLL:-10m}
echo "scale: $platforms prod platforms; knobs: Crossplane '${CROSSPLANE_ARGS:-}', function '${FUNCTION_ARGS:-}', provider --poll $poll --max-reconcile-rate ${PROVIDER_MAX_RECONCILE_RATE:-100}" >&2
# Crossplane runs without --debug, as in production.
E2E_TAGS="e2e,scale" E2E_CROSSPLANE_QUIET=1 E2E_SCALE_PLATFORMS=$platforms E2E_SCALE_REPORT=$report E2E_SCALE_PATIENCE=${PATIENCE:-} \
  E2E_CROSSPLANE_ARGS=${CROSSPLANE_ARGS:-} E2E_FUNCTION_ARGS=${FUNCTION_ARGS:-} E2E_PROVIDER_POLL=$poll \
  E2E_PROVIDER_MAX_RECONCILE_RATE=${PROVIDER_MAX_RECONCILE_RATE:-} \
  hack/e2e.sh -run '^TestScale$' -timeout 240m
echo "scale: report in $report" >&2
