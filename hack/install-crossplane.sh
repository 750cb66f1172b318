#!/usr/bin/env bash
# Installs the Crossplane CLI (github.com/crossplane/crossplane/v2 v2.2.1,
# cmd/crank, the newest CLI still in the core module) into bin/, built from
# the Go module proxy in its own tools module so its dependency graph stays
# out of ours. Once: later calls find bin/crossplane and return.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(pwd)/${BIN_DIR:-bin}
if [ -x "$bin/crossplane" ] && "$bin/crossplane" version --client 2>/dev/null | grep -q v2.2.1; then
  exit 0
fi
echo "install-crossplane: building the Crossplane CLI v2.2.1 into $bin (about 5 minutes on a cold cache)" >&2
cd hack/tools/crossplane
go build -ldflags "-X github.com/crossplane/crossplane/v2/internal/version.version=v2.2.1" -o "$bin/crossplane" github.com/crossplane/crossplane/v2/cmd/crank
echo "install-crossplane: installed $("$bin/crossplane" version --client 2>/dev/null || echo "$bin/crossplane")" >&2
