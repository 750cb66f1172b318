#!/usr/bin/env bash
# Builds both packages into _output/package/, offline and without Docker:
#   function-runtime.tar                 the runtime image (hack/image): the static binary, user 65532
#   function-paynext-platform.xpkg       the Function package with that image embedded
#   configuration-paynext-platform.xpkg  the Configuration: the XRD, the Composition, the
#                                        activation policy of the provider kinds it composes, the
#                                        example claims; depends on the Function at VERSION
# REGISTRY and VERSION (set by the Makefile) name the packages: the files that
# carry the names are rendered for them (hack/pkgmeta) into the package roots,
# so the committed files are left alone. ARCH picks the image's architecture.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${REGISTRY:?REGISTRY is unset: run make xpkg, which sets it}" "${VERSION:?VERSION is unset: run make xpkg, which sets it}"
bin=${BIN_DIR:-bin}
arch=${ARCH:-amd64}
out=_output/package
log() { echo "package: $*" >&2; }

hack/install-tool.sh crossplane
rm -rf "$out" && mkdir -p "$out/root/function" "$out/root/configuration" "$out/meta"

# The image records the commit and its time, never the clock: a commit builds
# the same digest. Uncommitted changes are marked, as Go marks the binary.
revision=$(git rev-parse HEAD)
[ -z "$(git status --porcelain)" ] || revision=$revision-dirty
created=$(git log -1 --format=%ct)
log "building the function for linux/$arch ($revision) with $(go env GOVERSION)"
# Everything that changes the bytes is pinned here, not taken from the
# environment: the CPU level, no VCS stamp (the image labels carry the commit),
# no paths. The Go toolchain version still matters: same commit, same Go,
# same digest.
CGO_ENABLED=0 GOOS=linux GOARCH=$arch GOAMD64=v1 GOARM64=v8.0 \
  go build -trimpath -buildvcs=false -ldflags="-s -w" -o "$out/function" ./functions/platform
go run ./hack/image -binary "$out/function" -os linux -arch "$arch" -created "$created" \
  -source https://github.com/paynext/platform -revision "$revision" -version "$VERSION" \
  -o "$out/function-runtime.tar"
rm "$out/function"

cp package/function/crossplane.yaml "$out/root/function/"
# --examples-root names a directory that does not exist: the function has no
# examples, and the default (./examples) would embed the repository's.
"$bin/crossplane" xpkg build --package-root="$out/root/function" --examples-root="$out/root/function/examples" \
  --embed-runtime-image-tarball="$out/function-runtime.tar" --package-file="$out/function-paynext-platform.xpkg"

go run ./hack/pkgmeta -registry "$REGISTRY" -version "$VERSION" -out "$out/meta"
cp apis/platform/definition.yaml compositions/*.yaml package/activation.yaml "$out/root/configuration/"
cp "$out/meta/package/crossplane.yaml" "$out/meta/compositions/platform.yaml" "$out/root/configuration/"
log "configuration from $(ls "$out/root/configuration" | tr '\n' ' ')"
"$bin/crossplane" xpkg build --package-root="$out/root/configuration" --examples-root=examples/claims \
  --package-file="$out/configuration-paynext-platform.xpkg"

for f in function-paynext-platform configuration-paynext-platform; do
  log "$(du -h "$out/$f.xpkg" | cut -f1) $out/$f.xpkg sha256:$(sha256sum "$out/$f.xpkg" | cut -d' ' -f1)"
done
function_name=$(go run ./hack/pkgmeta -registry "$REGISTRY" -function-name)
log "for $REGISTRY at $VERSION; the Composition calls the function $function_name"
