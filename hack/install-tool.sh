#!/usr/bin/env bash
# Installs a pinned tool into bin/, built from the Go module proxy in its own
# tools module (hack/tools/<tool>/go.mod pins the version) so the tool's
# dependency graph stays out of ours. A tool already installed at its pinned
# version is left alone.
#
#   hack/install-tool.sh crossplane|controller-gen
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:?usage: hack/install-tool.sh crossplane|controller-gen}
bin=$(pwd)/${BIN_DIR:-bin}
mkdir -p "$bin"

case $tool in
  crossplane)
    # v2.2.1 is the newest Crossplane CLI still in the core module.
    version=v2.2.1 pkg=github.com/crossplane/crossplane/v2/cmd/crank
    flags=(-ldflags "-X github.com/crossplane/crossplane/v2/internal/version.version=$version")
    installed() { "$bin/crossplane" version --client 2>/dev/null | grep -q "$version"; } ;;
  controller-gen)
    version=v0.20.1 pkg=sigs.k8s.io/controller-tools/cmd/controller-gen
    flags=()
    installed() { "$bin/controller-gen" --version 2>/dev/null | grep -q "$version"; } ;;
  *) echo "install-tool: unknown tool $tool" >&2; exit 2 ;;
esac

if [ -x "$bin/$tool" ] && installed; then exit 0; fi
echo "install-tool: building $tool $version into $bin (minutes on a cold module cache)" >&2
(cd "hack/tools/$tool" && go build "${flags[@]}" -o "$bin/$tool" "$pkg")
installed || { echo "install-tool: $bin/$tool does not report $version" >&2; exit 1; }
echo "install-tool: installed $tool $version" >&2
