package xrdcheck

import (
	"os"
	"strings"
	"testing"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/environment"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/v1alpha1/invalidspec"
)

func load(t *testing.T) *Validator {
	t.Helper()
	v, err := Load("../definition.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func claim(t *testing.T, env string) map[string]any {
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

func TestExamplesAndTheirXRsAreValid(t *testing.T) {
	v := load(t)
	for _, env := range []string{"dev", "staging", "prod"} {
		if errs := v.Validate(claim(t, env)); len(errs) > 0 {
			t.Errorf("want the %s claim valid, got: %v", env, errs.ToAggregate())
		}
		b, err := os.ReadFile("../../../examples/xrs/" + env + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var xr map[string]any
		if err := yaml.Unmarshal(b, &xr); err != nil {
			t.Fatal(err)
		}
		if errs := v.Validate(xr); len(errs) > 0 {
			t.Errorf("want the %s XR valid, got: %v", env, errs.ToAggregate())
		}
	}
}

// TestMistakesAreNamed: the mistakes a newcomer makes in YAML come back as
// the field and what is wrong with it, not as a dropped value or a decode
// error with no field.
func TestMistakesAreNamed(t *testing.T) {
	cases := map[string]struct {
		edit func(spec map[string]any)
		want []string
	}{
		"a typo in an optional field": {
			edit: func(s map[string]any) { s["contacts"].(map[string]any)["operationEmail"] = "ops@example.com" },
			want: []string{"spec.contacts.operationEmail", "unknown field"},
		},
		"an unquoted account id": {
			edit: func(s map[string]any) { s["accountId"] = 123456789012 },
			want: []string{"spec.accountId", "must be of type string"},
		},
		"an unquoted Kubernetes version": {
			edit: func(s map[string]any) { s["kubernetes"] = map[string]any{"version": 1.33} },
			want: []string{"spec.kubernetes.version", "must be of type string"},
		},
		"a Crossplane field with a wrong value": {
			edit: func(s map[string]any) { s["compositeDeletePolicy"] = "Later" },
			want: []string{"spec.compositeDeletePolicy", "Unsupported value"},
		},
	}
	v := load(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := claim(t, "dev")
			tc.edit(c["spec"].(map[string]any))
			errs := v.Validate(c)
			if len(errs) == 0 {
				t.Fatalf("want an error naming %v; the claim was accepted", tc.want)
			}
			msg := errs.ToAggregate().Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("want the error to say %q, got: %s", w, msg)
				}
			}
		})
	}
}

// TestCrossplaneFieldsAreKnown: the fields Crossplane itself adds to claims
// and XRs are not reported as unknown.
func TestCrossplaneFieldsAreKnown(t *testing.T) {
	c := claim(t, "prod")
	s := c["spec"].(map[string]any)
	s["compositionRef"] = map[string]any{"name": "xpaynextplatforms.platform.paynext.io"}
	s["compositeDeletePolicy"] = "Foreground"
	s["writeConnectionSecretToRef"] = map[string]any{"name": "prod-platform"}
	s["resourceRef"] = map[string]any{"apiVersion": "platform.paynext.io/v1alpha1", "kind": "XPayNextPlatform", "name": "prod-x7k2p"}
	if errs := load(t).Validate(c); len(errs) > 0 {
		t.Errorf("want Crossplane's own claim fields accepted, got: %v", errs.ToAggregate())
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
	v := load(t)
	checked := 0
	for _, tc := range cases {
		if !tc.CheckedByXRD() {
			continue
		}
		checked++
		t.Run(tc.Name, func(t *testing.T) {
			c := claim(t, "prod")
			tc.Apply(c["spec"].(map[string]any))
			errs := v.Validate(c)
			if len(errs) == 0 {
				t.Fatalf("want the XRD to reject the claim naming %s; it accepted it", tc.FieldForXRD())
			}
			if msg := errs.ToAggregate().Error(); !strings.Contains(msg, tc.FieldForXRD()) {
				t.Errorf("want the XRD's error to name %s, got: %s", tc.FieldForXRD(), msg)
			}
		})
	}
	if checked == 0 {
		t.Fatal("the bad-input matrix has no case the XRD checks")
	}
}

// TestNameSuffixCannotChange: every AWS name carries spec.nameSuffix, so the
// XRD refuses an update that adds, changes or removes it, naming the field;
// an update that keeps it passes.
func TestNameSuffixCannotChange(t *testing.T) {
	v := load(t)
	with := func(suffix string) map[string]any {
		c := claim(t, "prod")
		if suffix != "" {
			c["spec"].(map[string]any)["nameSuffix"] = suffix
		}
		return c
	}
	for name, tc := range map[string]struct {
		old, new string
		refused  bool
	}{
		"kept":    {"dr", "dr", false},
		"none":    {"", "", false},
		"added":   {"", "dr", true},
		"changed": {"dr", "blue", true},
		"removed": {"dr", "", true},
	} {
		t.Run(name, func(t *testing.T) {
			errs := v.ValidateUpdate(with(tc.new), with(tc.old))
			if refused := len(errs) > 0; refused != tc.refused {
				t.Fatalf("want refused %v, got %v", tc.refused, errs)
			}
			if tc.refused && !strings.Contains(errs.ToAggregate().Error(), "spec.nameSuffix") {
				t.Errorf("want the error to name spec.nameSuffix, got %v", errs)
			}
		})
	}
}

// TestProviderConfigCannotChange: the ProviderConfig is the account every
// composed resource lives in, so the XRD refuses an update that moves the
// platform to another one, naming the field. Naming "default" explicitly is
// no change, since it is what an unset reference means.
func TestProviderConfigCannotChange(t *testing.T) {
	v := load(t)
	with := func(ref string) map[string]any {
		c := claim(t, "prod")
		if ref != "" {
			c["spec"].(map[string]any)["providerConfigRef"] = map[string]any{"name": ref}
		}
		return c
	}
	for name, tc := range map[string]struct {
		old, new string
		refused  bool
	}{
		"kept":                          {"payments-prod", "payments-prod", false},
		"unset":                         {"", "", false},
		"default named explicitly":      {"", "default", false},
		"default no longer named":       {"default", "", false},
		"set on a platform without one": {"", "payments-prod", true},
		"changed":                       {"payments-prod", "payments-prod-2", true},
		"removed":                       {"payments-prod", "", true},
	} {
		t.Run(name, func(t *testing.T) {
			errs := v.ValidateUpdate(with(tc.new), with(tc.old))
			if refused := len(errs) > 0; refused != tc.refused {
				t.Fatalf("want refused %v, got %v", tc.refused, errs)
			}
			if tc.refused && !strings.Contains(errs.ToAggregate().Error(), "spec.providerConfigRef") {
				t.Errorf("want the error to name spec.providerConfigRef, got %v", errs)
			}
		})
	}
}

// TestEveryRuleCompilesWithinTheAPIServersCostLimit compiles every CEL rule
// of the schema as the API server does when the CRD is created, and fails if
// one does not compile or its estimated worst-case cost (times how often it
// can run, from the lists' maxItems) exceeds the per-rule limit: the API
// server would refuse the CRD, leaving the platform without an API.
func TestEveryRuleCompilesWithinTheAPIServersCostLimit(t *testing.T) {
	const perRuleLimit = 10_000_000 // apiextensions validation.StaticEstimatedCostLimit
	v := load(t)
	env := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion())
	rules := 0
	var walk func(path string, s *structuralschema.Structural, cardinality uint64)
	walk = func(path string, s *structuralschema.Structural, cardinality uint64) {
		if len(s.XValidations) > 0 {
			results, err := cel.Compile(s, model.SchemaDeclType(s, true), celconfig.PerCallLimit, env, cel.NewExpressionsEnvLoader())
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for i, r := range results {
				rules++
				if r.Error != nil {
					t.Errorf("%s rule %d (%s) does not compile: %v", path, i, s.XValidations[i].Rule, r.Error)
					continue
				}
				if cost := r.MaxCost * cardinality; cost > perRuleLimit {
					t.Errorf("%s rule %d (%s) costs up to %d, over the API server's limit of %d: bound the strings and lists it reads (maxLength, maxItems)", path, i, s.XValidations[i].Rule, cost, perRuleLimit)
				}
			}
		}
		for name, p := range s.Properties {
			walk(path+"."+name, &p, cardinality)
		}
		if s.Items != nil {
			n := uint64(1000) // an unbounded list: the API server assumes many
			if s.ValueValidation != nil && s.ValueValidation.MaxItems != nil {
				n = uint64(*s.ValueValidation.MaxItems)
			}
			walk(path+"[*]", s.Items, cardinality*n)
		}
	}
	walk("", v.structural, 1)
	if rules < 20 {
		t.Fatalf("compiled only %d rules: the walk missed the schema's rules", rules)
	}
}
