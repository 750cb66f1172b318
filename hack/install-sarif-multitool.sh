#!/usr/bin/env bash
# Installs Microsoft's SARIF Multitool (the SARIF SDK's validator: the
# SARIF 2.1.0 JSON schema plus its best-practice rules) into
# bin/sarif-multitool, from its npm package, pinned and checked against the
# registry's sha512 integrity. A self-contained .NET binary: no runtime, no npm.
#
#   hack/install-sarif-multitool.sh   (prints the binary's path)
set -euo pipefail
cd "$(dirname "$0")/.."
version=5.7.0
integrity=NxUbpq6ISCWoTQ/NfOYEwEDKq1Heka/rMoJ5R5LMydcAZQX/X7g5mWHcgxDub+0M07LC96tZ5LZHvF1Qy3gjTA==
dir=$(pwd)/${BIN_DIR:-bin}/sarif-multitool
if [ "$(cat "$dir/version" 2>/dev/null)" != "$version" ]; then
  echo "install-sarif-multitool: downloading @microsoft/sarif-multitool-linux $version (43 MB) into $dir" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  curl -fsSL --retry 3 -o "$tmp/multitool.tgz" "https://registry.npmjs.org/@microsoft/sarif-multitool-linux/-/sarif-multitool-linux-$version.tgz"
  got=$(openssl dgst -sha512 -binary "$tmp/multitool.tgz" | base64 -w0)
  [ "$got" = "$integrity" ] || { echo "install-sarif-multitool: integrity mismatch: got sha512-$got" >&2; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tmp/multitool.tgz" -C "$dir" --strip-components=1
  chmod +x "$dir/Sarif.Multitool"
  echo "$version" > "$dir/version"
fi
echo "$dir/Sarif.Multitool"
