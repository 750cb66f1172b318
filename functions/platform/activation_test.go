package main

import (
	"os"
	"slices"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/functions/platform/internal/refcheck"
	"github.com/paynext/platform/internal/provider/crd"
)

// provider-aws's packages declare SafeStart, so Crossplane creates a kind's
// CRD only once a ManagedResourceActivationPolicy activates it. Every kind
// any example or held-out claim composes at convergence must be one the
// Configuration's own policy (package/activation.yaml) activates, by the
// name of its CRD in provider-aws's package; otherwise a platform installed
// where Crossplane's default policy is narrowed would wait for a CRD forever.
func TestTheConfigurationActivatesEveryComposedKind(t *testing.T) {
	data, err := os.ReadFile("../../package/activation.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Kind string `json:"kind"`
		Spec struct {
			Activate []string `json:"activate"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &policy); err != nil {
		t.Fatal(err)
	}
	if policy.Kind != "ManagedResourceActivationPolicy" {
		t.Fatalf("want package/activation.yaml to be a ManagedResourceActivationPolicy, got %q", policy.Kind)
	}
	crdDirOnce.Do(func() { crdDir, crdDirErr = refcheck.CRDDir() })
	if crdDirErr != nil {
		t.Fatal(crdDirErr)
	}
	f := newTestFunction(t)
	composed := map[string]bool{}
	for _, c := range allClaims(t) {
		for _, r := range renderedAtConvergence(t, f, c.xr(t)) {
			gvk := r.Object.GroupVersionKind()
			name, err := crd.Name(crdDir, gvk.Group, gvk.Kind)
			if err != nil {
				t.Fatalf("%s: %s: %v", c.name, r.Key, err)
			}
			if !composed[name] && !slices.Contains(policy.Spec.Activate, name) {
				t.Errorf("%s: %s is a %s, whose CRD %s package/activation.yaml does not activate (make generate)", c.name, r.Key, gvk.Kind, name)
			}
			composed[name] = true
		}
	}
	var notRendered []string
	for _, name := range policy.Spec.Activate {
		if !composed[name] {
			notRendered = append(notRendered, name)
		}
	}
	t.Logf("%d kinds activated, %d composed by the claims; activated for kinds only the function's code constructs: %v", len(policy.Spec.Activate), len(composed), notRendered)
}
