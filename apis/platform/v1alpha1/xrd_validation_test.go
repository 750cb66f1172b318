package v1alpha1_test

import (
	"os"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/v1alpha1/invalidspec"
	"github.com/paynext/platform/apis/platform/xrdcheck"
)

func newXRDValidator(t *testing.T) *xrdcheck.Validator {
	t.Helper()
	v, err := xrdcheck.Load("../definition.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func readExample(t *testing.T, env string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../../examples/claims/" + env + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestXRDAcceptsTheExamples(t *testing.T) {
	v := newXRDValidator(t)
	for _, env := range []string{"dev", "staging", "prod"} {
		if errs := v.Validate(readExample(t, env)); len(errs) > 0 {
			t.Errorf("the %s example claim must be valid, the XRD rejects it: %v", env, errs.ToAggregate())
		}
	}
}

// TestXRDRejectsBadInputNamingTheField runs the bad-input matrix against the
// XRD's own schema and CEL rules: the API server rejects what it can express
// before the function ever sees it.
func TestXRDRejectsBadInputNamingTheField(t *testing.T) {
	cases, err := invalidspec.Cases()
	if err != nil {
		t.Fatal(err)
	}
	v := newXRDValidator(t)
	for _, tc := range cases {
		if !tc.CheckedByXRD() {
			continue
		}
		t.Run(tc.Name, func(t *testing.T) {
			claim := readExample(t, "prod")
			tc.Apply(claim["spec"].(map[string]any))
			errs := v.Validate(claim)
			if len(errs) == 0 {
				t.Fatalf("want the XRD to reject the claim naming %s; it accepted it", tc.FieldForXRD())
			}
			if msg := errs.ToAggregate().Error(); !strings.Contains(msg, tc.FieldForXRD()) {
				t.Errorf("want the XRD's error to name %s, got: %s", tc.FieldForXRD(), msg)
			}
		})
	}
}
