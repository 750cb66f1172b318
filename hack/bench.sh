#!/usr/bin/env bash
# Runs the function's benchmarks and ends with RunFunction's cost against the
# protobuf floor: BenchmarkRunFunctionVsFloor times one floor call and one
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
BEGIN { n = 0 }
{ print }
$1 ~ /^BenchmarkRunFunctionVsFloor/ {
  for (i = 2; i < NF; i++) {
    if ($(i+1) == "run-ns/op") run[n] = $i / 1e6
    if ($(i+1) == "floor-ns/op") floor[n] = $i / 1e6
    if ($(i+1) == "run/floor") ratio[n] = $i
  }
  n++
}
function median(a, k,   i, j, t, s) {
  for (i = 0; i < k; i++) s[i] = a[i]
  for (i = 1; i < k; i++) for (j = i; j > 0 && s[j-1] > s[j]; j--) { t = s[j]; s[j] = s[j-1]; s[j-1] = t }
  return k % 2 ? s[int(k/2)] : (s[k/2-1] + s[k/2]) / 2
}
function range_of(a, k, f,   i, lo, hi) {
  lo = hi = a[0]
  for (i = 1; i < k; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
  return sprintf(f "-" f, lo, hi)
}
END {
  if (n == 0) { print "bench: BenchmarkRunFunctionVsFloor did not run" > "/dev/stderr"; exit 1 }
  printf "bench: RunFunction %.1f ms (%s), protobuf floor %.1f ms (%s), RunFunction/floor %.2f (%s), median of %d run(s) of BenchmarkRunFunctionVsFloor\n",
    median(run, n), range_of(run, n, "%.1f"), median(floor, n), range_of(floor, n, "%.1f"), median(ratio, n), range_of(ratio, n, "%.2f"), n
}'
