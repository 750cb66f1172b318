#!/usr/bin/env bash
# Renders every example claim (and any claim or XR files given) and validates
# all output offline with `crossplane beta validate`: composed resources
# against the provider-aws v2.4.0 CRDs from the Go module cache, the XR
# against our XRD. Unknown fields and missing schemas are errors.
#
#   hack/validate.sh [CLAIM_OR_XR_FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN_DIR:-bin}
out=_output/validate
log() { echo "validate: $*" >&2; }

inputs=("$@")
[ ${#inputs[@]} -gt 0 ] || inputs=(examples/claims/*.yaml)

hack/install-tool.sh crossplane
rm -rf "$out" && mkdir -p "$out/rendered" "$out/extensions" "$out/cache"

crossplane_dir=$(cd hack/tools/crossplane && go mod download -json github.com/crossplane/crossplane/v2@v2.2.1 | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$crossplane_dir/cluster/crds" ] || { log "no Crossplane CRDs in $crossplane_dir/cluster/crds"; exit 1; }

# beta validate reads Crossplane's own schemas from a package image; offline we
# pre-fill its cache with the same CRDs from the Crossplane module.
cache="$out/cache/xpkg.crossplane.io/crossplane/crossplane@v2.2.1"
mkdir -p "$cache"
for f in "$crossplane_dir"/cluster/crds/*.yaml; do cat "$f"; echo "---"; done > "$cache/package.yaml"

for input in "${inputs[@]}"; do
  name=$(basename "$input" .yaml)
  # --include-full-xr: the XR is validated with its spec, not only its status.
  RENDER_FLAGS=--include-full-xr hack/render.sh "$input" > "$out/rendered/$name.yaml"
  # Then the converged platform: what renders once every resource is observed
  # (the fake provider's view, no AWS), so second-phase resources are
  # validated too.
  if ! RENDER_FLAGS=--include-full-xr hack/render-converged.sh "$input" > "$out/rendered/$name-converged.yaml" 2> "$out/$name-converged.log"; then
    cat "$out/$name-converged.log" >&2
    log "FAILED: $input did not render to convergence"
    exit 1
  fi
  count=$(grep -c '^kind: ' "$out/rendered/$name-converged.yaml")
  log "converged $input: $count objects"
done

cp apis/platform/definition.yaml "$out/extensions/"
hack/provider-crds.sh "$out/extensions" "$out"/rendered/*.yaml
log "validating against $(ls "$out/extensions" | wc -l) schemas"

# Our own Crossplane objects, against Crossplane's schemas.
for f in compositions/*.yaml examples/functions.yaml; do echo "---"; cat "$f"; done > "$out/rendered/crossplane-objects.yaml"

status=0
for f in "$out"/rendered/*.yaml; do
  if "$bin/crossplane" beta validate --error-on-missing-schemas \
      --crossplane-image=xpkg.crossplane.io/crossplane/crossplane:v2.2.1 \
      --cache-dir "$out/cache" "$out/extensions" "$f" > "$f.validate" 2>&1; then
    log "OK   $f ($(grep -c '^kind: ' "$f") objects)"
  else
    cat "$f.validate" >&2
    log "FAIL $f"
    status=1
  fi
done
exit $status
