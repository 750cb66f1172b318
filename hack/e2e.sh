#!/usr/bin/env bash
# The end-to-end suite: builds (once, cached in bin/e2e) etcd, kube-apiserver,
# kube-controller-manager and Crossplane core from the module proxy,
# renders the example claims to convergence, builds the packages, and runs
# the Go scenarios in e2e/ against that real control plane on 127.0.0.1.
# Component logs stay in _output/e2e/run/logs.
#
#   hack/e2e.sh [go test flags, e.g. -run TestDrift]
# (E2E_TAGS="e2e,scale" adds the scale simulation: hack/scale.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(pwd)/${BIN_DIR:-bin}
out=$(pwd)/_output/e2e
log() { echo "e2e: $*" >&2; }
start=$SECONDS

log "installing the control plane binaries (cached in $bin/e2e; a cold build takes minutes)"
for tool in etcd kubernetes crossplane-core crossplane; do hack/install-tool.sh "$tool"; done
log "building the function"
CGO_ENABLED=0 go build -trimpath -o "$bin/function-paynext-platform" ./functions/platform

rm -rf "$out/rendered" "$out/crds" "$out/packages" "$out/standins" && mkdir -p "$out/rendered" "$out/crds" "$out/packages"
# name=claim: the suite reads $out/rendered/<name>.yaml (e2e/helpers_test.go).
for pair in dev=examples/claims/dev.yaml staging=examples/claims/staging.yaml prod=examples/claims/prod.yaml \
  eu-central-1=functions/platform/testdata/claims/eu-central-1-staging-two-zones.yaml; do
  name=${pair%%=*} claim=${pair#*=}
  log "rendering $claim to convergence (what the suite expects in the API server)"
  hack/render-converged.sh "$claim" > "$out/rendered/$name.yaml" 2> "$out/rendered/$name.log" ||
    { cat "$out/rendered/$name.log" >&2; exit 1; }
done

crossplane_dir=$(cd hack/tools/crossplane-core && go mod download -json github.com/crossplane/crossplane/v2@v2.4.0 | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
# OpenReports' ClusterReport CRD, as its module ships it (the version go.mod pins).
openreports_dir=$(go mod download -json github.com/openreports/reports-api | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
# The CRDs of every kind the platform composes, as the provider packages ship them.
hack/provider-crds.sh "$out/crds" "$out"/rendered/*.yaml
# The Argo CD bundle (deploy/argocd) is dry-run against the control plane,
# which then needs the CRDs of the kinds it holds beyond Crossplane's and the
# claim's: Argo CD v3.5.7's own, from its module zip, and provider-aws's
# ProviderConfig. As deploy/argocd's tests do (modules_test.go), argo-cd is
# downloaded in a throwaway module, so go.mod never names it (a cold module
# cache fetches the 56 MB zip once); a test there keeps these versions its own.
argocd_module=github.com/argoproj/argo-cd/v3@v3.5.7
provider_module=github.com/upbound/provider-aws/v2@v2.4.0
throwaway=$(mktemp -d)
trap 'rm -rf "$throwaway"' EXIT
printf 'module throwaway\n\ngo 1.26\n' > "$throwaway/go.mod"
argocd_dir=$(cd "$throwaway" && GOFLAGS=-mod=mod GOWORK=off go mod download -json "$argocd_module" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
provider_dir=$(go mod download -json "$provider_module" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
[ -f "$argocd_dir/manifests/crds/application-crd.yaml" ] || { log "no Argo CD CRDs in $argocd_dir/manifests/crds"; exit 1; }
log "Argo CD's CRDs from $argocd_module: $(cd "$argocd_dir/manifests/crds" && echo *-crd.yaml)"
log "$(ls "$out/crds" | wc -l) provider-aws CRDs to install"

# The packages are built for a registry that is not the default, so a name
# that only agrees for the default cannot pass: the suite installs the
# Configuration from it, with dependency resolution on.
registry=${E2E_REGISTRY:-registry.example.com/payments-platform}
version=${VERSION:?VERSION is unset: run make e2e, which sets it}
log "building the Configuration and Function packages for $registry $version"
REGISTRY=$registry hack/package.sh
function_name=$(go run ./hack/pkgmeta -registry "$registry" -function-name)
# The real packages: the Function package embeds the runtime image, which the
# External runtime leaves unused (the suite runs the function as a process).
cp _output/package/configuration-paynext-platform.xpkg _output/package/function-paynext-platform.xpkg "$out/packages/"
# Stand-ins for the providers the Configuration depends on (xpkg.upbound.io
# is out of reach): provider-aws's own package metadata, built as packages.
go run ./hack/standinproviders -configuration _output/package/meta/package/crossplane.yaml \
  -template "$provider_dir/package/crossplane.yaml.tmpl" -version "${provider_module#*@}" -out "$out/standins"
mkdir -p "$out/packages/providers"
for root in "$out"/standins/*/; do
  "$bin/crossplane" xpkg build --package-root="$root" --examples-root="$root/examples" \
    --package-file="$out/packages/providers/$(basename "$root").xpkg" >/dev/null
done
cp "$out/standins/index.txt" "$out/packages/providers/"
log "prepared in $((SECONDS - start)) s; running the scenarios"

export E2E_WORK_DIR=$out/run E2E_BIN_DIR=$bin/e2e E2E_FUNCTION=$bin/function-paynext-platform \
  E2E_CROSSPLANE_CRDS=$crossplane_dir/cluster/crds E2E_PROVIDER_CRDS=$out/crds \
  E2E_RENDERED=$out/rendered E2E_PACKAGES=$out/packages \
  E2E_REGISTRY=$registry E2E_VERSION=$version E2E_FUNCTION_NAME=$function_name \
  E2E_OPENREPORTS_CRD=$openreports_dir/config/crd/openreports.io_clusterreports.yaml \
  E2E_ARGOCD_CRDS=$argocd_dir/manifests/crds \
  E2E_PROVIDERCONFIG_CRD=$provider_dir/package/crds/aws.upbound.io_providerconfigs.yaml
# -parallel: the last scenarios run together (e2e/main_test.go); the default,
# GOMAXPROCS, would run only two at a time on a 2-core machine.
go test -tags "${E2E_TAGS:-e2e}" -count=1 -v -parallel 8 -timeout 75m ./e2e "$@"
log "passed in $((SECONDS - start)) s"
