#!/usr/bin/env bash
# Runs the function's benchmarks and ends with RunFunction's cost against the
# protobuf floor, on the request as Crossplane sends it and on the bare one
# measured before: BenchmarkRunFunctionVsFloor times one floor call and one
# RunFunction call in turn each iteration, so their ratio is taken under the
# same load on a shared machine. With COUNT>1 the summary gives the median
# and the range of each run.
#
#   hack/bench.sh [COUNT] [BENCHTIME]
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-1}
benchtime=${2:-1s}
go test -run '^$' -bench . -benchmem -count "$count" -benchtime "$benchtime" ./functions/platform | awk '
BEGIN { n["served"] = 0; n["bare"] = 0 }
{ print }
$1 ~ /^BenchmarkRunFunctionVsFloor/ {
  k = ($1 ~ /^BenchmarkRunFunctionVsFloorBare/) ? "bare" : "served"
  for (i = 2; i < NF; i++) {
    if ($(i+1) == "run-ns/op") run[k, n[k]] = $i / 1e6
    if ($(i+1) == "floor-ns/op") floor[k, n[k]] = $i / 1e6
    if ($(i+1) == "run/floor") ratio[k, n[k]] = $i
  }
  n[k]++
}
function median(a, k, c,   i, j, t, s) {
  for (i = 0; i < c; i++) s[i] = a[k, i]
  for (i = 1; i < c; i++) for (j = i; j > 0 && s[j-1] > s[j]; j--) { t = s[j]; s[j] = s[j-1]; s[j-1] = t }
  return c % 2 ? s[int(c/2)] : (s[c/2-1] + s[c/2]) / 2
}
function range_of(a, k, c, f,   i, lo, hi) {
  lo = hi = a[k, 0]
  for (i = 1; i < c; i++) { if (a[k, i] < lo) lo = a[k, i]; if (a[k, i] > hi) hi = a[k, i] }
  return sprintf(f "-" f, lo, hi)
}
function summary(k, what, c) {
  c = n[k]
  printf "bench: %s: RunFunction %.1f ms (%s), protobuf floor %.1f ms (%s), RunFunction/floor %.2f (%s), median of %d run(s)\n", what,
    median(run, k, c), range_of(run, k, c, "%.1f"), median(floor, k, c), range_of(floor, k, c, "%.1f"), median(ratio, k, c), range_of(ratio, k, c, "%.2f"), c
}
END {
  if (n["served"] == 0) { print "bench: BenchmarkRunFunctionVsFloor did not run" > "/dev/stderr"; exit 1 }
  if (n["bare"] > 0) summary("bare", "request without the API server metadata (BenchmarkRunFunctionVsFloorBare, as measured before)")
  summary("served", "request as Crossplane sends it (BenchmarkRunFunctionVsFloor)")
}'
