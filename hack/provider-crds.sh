#!/usr/bin/env bash
# Copies into DIR the provider-aws v2.4.0 CRD (from the Go module cache) of
# every managed-resource kind the given rendered YAML files hold, and fails
# when a kind has none. Only those CRDs: validation and the e2e API server
# stay fast.
#
#   hack/provider-crds.sh DIR RENDERED_FILE...
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: hack/provider-crds.sh DIR RENDERED_FILE...}
shift
provider_dir=$(go mod download -json github.com/upbound/provider-aws/v2@v2.4.0 | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -d "$provider_dir/package/crds" ] || { echo "provider-crds: no CRDs in $provider_dir/package/crds" >&2; exit 1; }
mkdir -p "$dir"
awk '/^apiVersion: /{g=$2; sub(/\/.*/, "", g)} /^kind: /{print g, $2}' "$@" | sort -u |
while read -r group kind; do
  [ "$group" = platform.paynext.io ] && continue
  # Crossplane's own kinds (the ClusterUsages) come with Crossplane.
  case $group in *.crossplane.io) continue ;; esac
  crd=$(grep -lx "    kind: $kind" "$provider_dir"/package/crds/"$group"_*.yaml | head -n1 || true)
  [ -n "$crd" ] || { echo "provider-crds: no CRD for $kind.$group in provider-aws v2.4.0" >&2; exit 1; }
  cp "$crd" "$dir/"
done
