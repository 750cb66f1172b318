package v1alpha1_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/v1alpha1/invalidspec"
)

// xrdValidator validates objects as the API server does for the XRD's
// composite and claim: OpenAPI schema (types, patterns, enums, limits), list
// sets and CEL rules.
type xrdValidator struct {
	schema     *apiextensions.JSONSchemaProps
	structural *structuralschema.Structural
}

func newXRDValidator(t *testing.T) xrdValidator {
	t.Helper()
	b, err := os.ReadFile("../definition.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Spec struct {
			Versions []struct {
				Schema struct {
					OpenAPIV3Schema extv1.JSONSchemaProps `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	v1 := d.Spec.Versions[0].Schema.OpenAPIV3Schema
	// The API server serves metadata itself; the structural schema needs it declared.
	v1.Properties["metadata"] = extv1.JSONSchemaProps{Type: "object"}
	v1.Properties["apiVersion"] = extv1.JSONSchemaProps{Type: "string"}
	v1.Properties["kind"] = extv1.JSONSchemaProps{Type: "string"}
	internal := &apiextensions.JSONSchemaProps{}
	if err := extv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(&v1, internal, nil); err != nil {
		t.Fatal(err)
	}
	s, err := structuralschema.NewStructural(internal)
	if err != nil {
		t.Fatalf("the XRD's schema is not structural: %v", err)
	}
	return xrdValidator{schema: internal, structural: s}
}

func (v xrdValidator) validate(t *testing.T, obj map[string]any) field.ErrorList {
	t.Helper()
	sv, _, err := validation.NewSchemaValidator(v.schema)
	if err != nil {
		t.Fatal(err)
	}
	errs := validation.ValidateCustomResource(nil, obj, sv)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, v.structural, obj)...)
	celErrs, _ := cel.NewValidator(v.structural, true, celconfig.PerCallLimit).
		Validate(context.Background(), nil, v.structural, obj, nil, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
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
		if errs := v.validate(t, readExample(t, env)); len(errs) > 0 {
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
			errs := v.validate(t, claim)
			if len(errs) == 0 {
				t.Fatalf("want the XRD to reject the claim naming %s; it accepted it", tc.FieldForXRD())
			}
			if msg := errs.ToAggregate().Error(); !strings.Contains(msg, tc.FieldForXRD()) {
				t.Errorf("want the XRD's error to name %s, got: %s", tc.FieldForXRD(), msg)
			}
		})
	}
}
