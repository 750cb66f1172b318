#!/usr/bin/env bash
# make audit: judges a platform with the compliance engine the function runs.
# Renders the claim or XR to convergence first (hack/render-converged.sh),
# unless RENDERED names an existing render of it.
#
#   hack/audit.sh [claim-or-xr]   (RENDERED, FORMAT, OUT and TODAY from the environment)
#
# Exit status: 0 when no control fails, 1 when one does, 2 on bad input.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${BIN_DIR:-bin}
input=${1:-examples/claims/prod.yaml}
format=${FORMAT:-table}
rendered=${RENDERED:-}
go build -o "$bin/audit" ./hack/audit || exit 2
[ -f "$input" ] || { echo "audit: no such claim or XR: $input" >&2; exit 2; }
if [ -z "$rendered" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "audit: rendering $input to convergence" >&2
  hack/render-converged.sh "$input" > "$work/rendered.yaml" || { echo "audit: cannot render $input" >&2; exit 2; }
  rendered=$work/rendered.yaml
fi
"$bin/audit" -xr "$input" -rendered "$rendered" -format "$format" ${OUT:+-out "$OUT"} ${TODAY:+-today "$TODAY"} -version "${VERSION:-0.0.0-dev}"
