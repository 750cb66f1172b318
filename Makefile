# PayNext Platform. Every target says what it did; long ones print progress.
# Tools are built from the Go module proxy into bin/ by hack/install-tool.sh.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

XR ?= examples/claims/prod.yaml
OBSERVED ?=
HELD_OUT := $(wildcard functions/platform/testdata/claims/*.yaml)
CRD_OUT := _output/crd
# The one setting that names the packages: the registry and organisation they
# are pushed to. The Configuration's dependency, the name the Composition calls
# the function by and examples/functions.yaml follow from it (hack/pkgmeta);
# `make generate` writes the committed files for these defaults.
REGISTRY ?= xpkg.paynext.io/paynext
VERSION ?= v0.1.0
export REGISTRY VERSION

.PHONY: help
help: ## Show the targets.
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

.PHONY: tools
tools: ## Build the pinned Crossplane CLI and controller-gen into bin/.
	@hack/install-tool.sh crossplane
	@hack/install-tool.sh controller-gen
	@echo "make tools: bin/crossplane and bin/controller-gen are installed"

.PHONY: generate
generate: ## Regenerate the XRD from apis/, the example XRs from the claims, the package names from REGISTRY and VERSION, and internal/forcenew/table.json when the Terraform provider source is already in the module cache.
	@hack/generate.sh .
	@echo "make generate: apis/platform/definition.yaml, examples/xrs/, package/crossplane.yaml, compositions/platform.yaml, examples/functions.yaml, deploy/argocd/packages/ and package/activation.yaml are up to date for $(REGISTRY) $(VERSION)"
	@go run ./hack/forcenew -cache-only

.PHONY: forcenew
forcenew: ## Regenerate internal/forcenew/table.json (which fields replace each rendered kind) from the Terraform provider source provider-aws pins (downloaded into the module cache when missing).
	@go run ./hack/forcenew
	@echo "make forcenew: internal/forcenew/table.json is regenerated for the kinds of deploy/aws-iam/provider-actions.json"

.PHONY: check-generated
check-generated: ## Fail when the committed XRD, example XRs or package names drift from their sources.
	@hack/check-generated.sh
	@echo "make check-generated: the XRD matches the Go types, examples/xrs the claims, and the package names $(REGISTRY) $(VERSION)"

.PHONY: build
build: ## Build the function binary into bin/ as the runtime image holds it (static, trimmed).
	@CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o bin/function-paynext-platform ./functions/platform
	@echo "make build: bin/function-paynext-platform (static, as in the image)"

.PHONY: render
render: ## Render a claim or XR as the whole platform looks once every resource exists (IDs fabricated, no AWS): make render [XR=file].
	@hack/render-converged.sh $(XR)

.PHONY: audit
audit: ## Judge a platform against every compliance control: make audit [XR=claim-or-xr] [RENDERED=its render] [FORMAT=table|json|sarif|html|openreports] [OUT=file]; exit 1 when a control fails.
	@code=0; hack/audit.sh $(XR) || code=$$?; \
	  case $$code in 0) echo "make audit: no control fails" >&2;; 1) echo "make audit: controls fail (listed above)" >&2;; *) echo "make audit: bad input" >&2;; esac; exit $$code

.PHONY: mutate
mutate: ## Apply each mutation of hack/mutate's catalogue to a copy of the tree and report which the tests kill, which only golden files catch, which survive (minutes per mutation; not in CI): make mutate [RUN=regexp].
	@go run ./hack/mutate $(if $(RUN),-run '$(RUN)')
	@echo "make mutate: every mutation is killed by a stated property"

.PHONY: provider-policy
provider-policy: ## Regenerate deploy/aws-iam/ (the provider role's IAM policy and its kind -> actions table) from every example and held-out claim's render and the Terraform provider source provider-aws pins (downloaded into the module cache; minutes).
	@work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	  for claim in examples/claims/*.yaml $(HELD_OUT); do hack/render-converged.sh $$claim > "$$work/$$(basename $$claim)" 2>/dev/null || { echo "make provider-policy: cannot render $$claim (make render XR=$$claim says why)" >&2; exit 1; }; done; \
	  go run ./hack/providerpolicy -renders "$$work/*.yaml"
	@echo "make provider-policy: deploy/aws-iam/provider-actions.json and provider-policy.json are regenerated from the renders of examples/claims and the held-out claims"

.PHONY: plan
plan: ## Preview a change offline, replacement-aware, like terraform plan: make plan XR=new.yaml BASE=old.yaml (a claim edit) or XR=claim.yaml FROM=<git ref> (a function upgrade) [FORMAT=text|json|markdown]; bin/plan exits 0 no change, 2 changes, 3 a stateful resource deleted, replaced or refused, 1 refused or an error (make turns 1-3 into 2).
	@go build -o $${BIN_DIR:-bin}/plan ./hack/plan
	@code=0; $${BIN_DIR:-bin}/plan -xr "$(XR)" $(if $(BASE),-base "$(BASE)") $(if $(FROM),-from "$(FROM)") -format $(or $(FORMAT),text) || code=$$?; \
	  case $$code in 0) echo "make plan: planned $(XR): no change" >&2;; 2) echo "make plan: planned $(XR): changes (above)" >&2;; \
	  3) echo "make plan: planned $(XR): a stateful resource would be deleted, replaced or refused (above)" >&2;; \
	  *) echo "make plan: $(XR): the change is refused, or it could not be planned (above)" >&2;; esac; exit $$code

.PHONY: render-once
render-once: ## One pass of crossplane render, as Crossplane's first reconcile sees it: make render-once [XR=file] [OBSERVED=file].
	@hack/render.sh $(XR) $(OBSERVED)

.PHONY: render-converged
render-converged: render ## The same as make render (kept for scripts that name it).

.PHONY: validate
validate: ## Render every example and held-out claim (or only XR=file), validate all output against provider-aws v2.4.0 CRDs and our XRD; without XR, also run one real make plan (hack/plan-check.sh).
	@hack/validate.sh $(if $(filter command line,$(origin XR)),$(XR),examples/claims/*.yaml $(HELD_OUT))
	@if [ -n "$(filter command line,$(origin XR))" ]; then \
	  echo "make validate: every rendered resource of $(XR) matches its schema (the make plan check runs without XR)"; \
	else hack/plan-check.sh && echo "make validate: every rendered resource matches its schema, and make plan plans a known edit as expected"; fi

.PHONY: unit
unit: ## Vet and run the Go tests (unit, golden, determinism, bad input).
	@echo "unit: go vet ./..."
	@go vet ./...
	@go vet -tags e2e ./e2e/...
	@echo "unit: go test ./... (SARIF validated by Microsoft's SARIF Multitool)"
	@SARIF_MULTITOOL=$$(hack/install-sarif-multitool.sh) go test -count=1 ./...

.PHONY: e2e
e2e: ## End-to-end: claims through real etcd, kube-apiserver, kube-controller-manager and Crossplane v2.4.0 with provider-aws's runtime on an in-memory AWS, on 127.0.0.1 (E2E_FLAGS="-run TestDrift" to pick).
	@hack/e2e.sh $(E2E_FLAGS)
	@echo "make e2e: every scenario passed against a real control plane; report in _output/e2e/run/report.txt"

.PHONY: test
test: unit check-generated build validate package e2e ## Everything CI runs: unit tests, generated-file drift, static build, render + schema validation, package build, end-to-end suite.
	@echo "make test: all checks passed"

FUZZTIME ?= 3m
# Every fuzz target, as package:Target, run one after another.
FUZZ_TARGETS := ./functions/platform:FuzzRunFunctionSpec ./functions/platform:FuzzRunFunctionObserved ./functions/platform:FuzzRenderedAWSNames \
	./hack/claimtoxr:FuzzConvert ./internal/iampolicy:FuzzEvaluate ./internal/iampolicy:FuzzParse

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each (default 3m), one core each, one after another: make fuzz [FUZZTIME=30s]; a crasher is written to the package's testdata/fuzz/<Target>/.
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz: go test -run '^$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 20x -parallel 1 $$pkg"; \
	  go test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 20x -parallel 1 $$pkg 2>&1 | grep -v '^fuzz: elapsed' || { echo "make fuzz: $$name found a failing input (above; saved under $$pkg/testdata/fuzz/$$name/)" >&2; exit 1; }; \
	  echo "fuzz: $$name ran $(FUZZTIME) without a failure"; done
	@echo "make fuzz: $(words $(FUZZ_TARGETS)) targets ran $(FUZZTIME) each and found nothing"

.PHONY: bench
bench: ## Run the benchmarks on the prod example at convergence: RunFunction, the protobuf floor, the two in turn with their ratio, 16 calls in parallel with the peak RSS, the compliance engine; ends with RunFunction/floor: make bench [COUNT=n] [BENCHTIME=1s|20x].
	@hack/bench.sh $(or $(COUNT),1) $(or $(BENCHTIME),1s)

.PHONY: scale
scale: ## Scale simulation (not in CI; tens of minutes): PLATFORMS prod platforms applied at once on the e2e control plane, with time to Ready, drift and edit latencies, CPU, memory, function calls/s and etcd size: make scale [PLATFORMS=10] [CROSSPLANE_ARGS="--circuit-breaker-burst=…"] [FUNCTION_ARGS="--ttl=5m"] [PROVIDER_POLL=10m] [PROVIDER_MAX_RECONCILE_RATE=100] [PATIENCE=30m] [REPORT=file].
	@hack/scale.sh
	@echo "make scale: $(or $(PLATFORMS),10) platforms measured; report in $(or $(REPORT),_output/scale/report-$(or $(PLATFORMS),10)-platforms.txt)"

.PHONY: golden
golden: ## Rewrite the golden files after an intended change (review the diff!).
	@go test ./functions/platform -run TestGolden -update
	@echo "make golden: rewrote functions/platform/testdata/golden; review git diff"

.PHONY: argocd-cm
argocd-cm: ## Regenerate the health-check keys of deploy/argocd/config/argocd-cm.yaml from the Lua files.
	@go test -count=1 ./deploy/argocd -run TestArgoCDConfigMapHealthKeys -update
	@echo "make argocd-cm: deploy/argocd/config/argocd-cm.yaml holds every resource_customizations/*/*/health.lua"

.PHONY: xpkg
xpkg: ## Build the Function (runtime image embedded, no Docker) and Configuration packages into _output/package/ for REGISTRY and VERSION.
	@hack/package.sh
	@echo "make xpkg: built _output/package/function-paynext-platform.xpkg and configuration-paynext-platform.xpkg for $(REGISTRY) $(VERSION)"

.PHONY: package
package: xpkg ## The same as make xpkg.

.PHONY: push
push: xpkg ## Push both packages to REGISTRY at VERSION (go-containerregistry; credentials from ~/.docker/config.json): make push REGISTRY=… VERSION=…
	@go run ./hack/push -registry $(REGISTRY) -version $(VERSION) _output/package/function-paynext-platform.xpkg _output/package/configuration-paynext-platform.xpkg
	@echo "make push: pushed $(REGISTRY)/function-paynext-platform:$(VERSION) and $(REGISTRY)/configuration-paynext-platform:$(VERSION)"

.PHONY: clean
clean: ## Remove build output (bin/ and _output/).
	@rm -rf bin _output
	@echo "make clean: removed bin/ and _output/"
