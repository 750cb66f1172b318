#!/usr/bin/env bash
# Regenerates into a scratch directory and fails on any difference from the
# committed files: the XRD must be what the Go types generate, and the package
# names what REGISTRY and VERSION give (hack/pkgmeta).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
hack/generate.sh "$scratch"
status=0
for f in apis/platform/definition.yaml examples/xrs/*.yaml package/activation.yaml $(go run ./hack/pkgmeta -list); do
  if ! diff -u "$f" "$scratch/$f"; then
    echo "check-generated: $f is stale: run make generate and commit the result" >&2
    status=1
  fi
done
for f in "$scratch"/examples/xrs/*.yaml; do
  [ -f "examples/xrs/$(basename "$f")" ] || { echo "check-generated: examples/xrs/$(basename "$f") is missing: run make generate" >&2; status=1; }
done
exit $status
