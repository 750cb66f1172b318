#!/usr/bin/env bash
# Builds the Configuration package offline: package/crossplane.yaml, the
# generated XRD and the Composition, with the example claims as its examples.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN_DIR:-bin}
out=_output/package
hack/install-tool.sh crossplane
rm -rf "$out" && mkdir -p "$out/root"
cp package/crossplane.yaml "$out/root/crossplane.yaml"
cp apis/platform/definition.yaml "$out/root/definition.yaml"
cp compositions/*.yaml "$out/root/"
echo "package: building from $(ls "$out/root" | tr '\n' ' ')" >&2
"$bin/crossplane" xpkg build --package-root="$out/root" --examples-root=examples/claims \
  --package-file="$out/configuration-paynext-platform.xpkg"
echo "package: $(du -h "$out/configuration-paynext-platform.xpkg" | cut -f1) $out/configuration-paynext-platform.xpkg" >&2
