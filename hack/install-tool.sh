#!/usr/bin/env bash
# Installs a pinned tool into bin/, built from the Go module proxy in its own
# tools module (hack/tools/<tool>/go.mod pins the version) so the tool's
# dependency graph stays out of ours. A tool already installed at its pinned
# version is left alone.
#
#   hack/install-tool.sh crossplane|controller-gen|etcd|kubernetes|crossplane-core
#
# etcd, kubernetes (kube-apiserver, kube-controller-manager) and
# crossplane-core are the real control plane `make e2e` runs; they go to
# bin/e2e/ so they never shadow the CLI in bin/.
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: hack/install-tool.sh crossplane|controller-gen|etcd|kubernetes|crossplane-core"
tool=${1:?$usage}
bin=$(pwd)/${BIN_DIR:-bin}
mkdir -p "$bin"

# reports WANT CMD...: CMD runs and its output contains WANT. The output is
# read whole: with `CMD | grep -q`, grep exits at the first match, a command
# that prints more lines (etcd) dies of SIGPIPE, and pipefail then
# calls a good binary missing, at random.
reports() {
  local want=$1 out
  shift
  out=$("$@" 2>/dev/null) || return 1
  [[ $out == *"$want"* ]]
}

case $tool in
  crossplane)
    # v2.2.1 is the newest Crossplane CLI still in the core module.
    version=v2.2.1 pkg=(github.com/crossplane/crossplane/v2/cmd/crank)
    flags=(-ldflags "-X github.com/crossplane/crossplane/v2/internal/version.version=$version")
    installed() { reports "$version" "$bin/crossplane" version --client; } ;;
  controller-gen)
    version=v0.20.1 pkg=(sigs.k8s.io/controller-tools/cmd/controller-gen)
    flags=()
    installed() { reports "$version" "$bin/controller-gen" --version; } ;;
  etcd)
    version=3.6.16 pkg=(.) bin=$bin/e2e
    flags=()
    installed() { reports "etcd Version: $version" "$bin/etcd" --version; } ;;
  kubernetes)
    # One tool, two binaries: they share one module graph and build cache.
    # No kubectl: the suite talks to the API server with client-go, and
    # kubectl's own packages (kustomize among them) add a minute to a cold build.
    version=v1.35.4 bin=$bin/e2e
    pkg=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
    # The version the binaries report comes from ldflags in Kubernetes' own build.
    v=k8s.io/component-base/version
    flags=(-ldflags "-X $v.gitVersion=$version -X $v.gitMajor=1 -X $v.gitMinor=35")
    installed() {
      reports "$version" "$bin/kube-apiserver" --version &&
        reports "$version" "$bin/kube-controller-manager" --version
    } ;;
  crossplane-core)
    # Core v2.4.0 (controllers only; its CLI left the module in v2.3). Package
    # dependency constraints compare against this version, so it must be set.
    version=v2.4.0 pkg=(github.com/crossplane/crossplane/v2/cmd/crossplane) bin=$bin/e2e
    flags=(-ldflags "-X github.com/crossplane/crossplane-runtime/v2/pkg/version.version=$version")
    installed() { [ -x "$bin/crossplane" ] && [ "$(cat "$bin/crossplane.version" 2>/dev/null)" = "$version" ]; } ;;
  *) echo "install-tool: unknown tool $tool; $usage" >&2; exit 2 ;;
esac

if installed; then exit 0; fi
mkdir -p "$bin"
echo "install-tool: building $tool $version into $bin (minutes on a cold module cache)" >&2
start=$SECONDS
if [ "${#pkg[@]}" -gt 1 ]; then
  for p in "${pkg[@]}"; do
    echo "install-tool:   ${p##*/}" >&2
    (cd "hack/tools/$tool" && go build "${flags[@]}" -o "$bin/${p##*/}" "$p")
  done
else
  (cd "hack/tools/$tool" && go build "${flags[@]}" -o "$bin/${tool%-core}" "${pkg[0]}")
fi
[ "$tool" = crossplane-core ] && echo "$version" > "$bin/crossplane.version"
installed || { echo "install-tool: $tool in $bin does not report $version" >&2; exit 1; }
echo "install-tool: installed $tool $version in $((SECONDS - start)) s" >&2
