package v1alpha1

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// definition is the committed XRD, as far as these tests read it.
type definition struct {
	Spec struct {
		Versions []struct {
			Name   string `json:"name"`
			Schema struct {
				OpenAPIV3Schema extv1.JSONSchemaProps `json:"openAPIV3Schema"`
			} `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

func committedSchema(t *testing.T) extv1.JSONSchemaProps {
	t.Helper()
	b, err := os.ReadFile("../definition.yaml")
	if err != nil {
		t.Fatalf("cannot read the committed XRD: %v", err)
	}
	var d definition
	if err := yaml.Unmarshal(b, &d); err != nil {
		t.Fatalf("cannot parse the committed XRD: %v", err)
	}
	if len(d.Spec.Versions) != 1 || d.Spec.Versions[0].Name != Version {
		t.Fatalf("want one version %s in the XRD", Version)
	}
	return d.Spec.Versions[0].Schema.OpenAPIV3Schema
}

// TestDefinitionMatchesTypes fails when a field is added to, renamed in or
// removed from the Go types without `make generate` (make check-generated
// also regenerates and diffs the whole file).
func TestDefinitionMatchesTypes(t *testing.T) {
	s := committedSchema(t)
	compare(t, "spec", reflect.TypeFor[PlatformSpec](), s.Properties["spec"])
	compare(t, "status", reflect.TypeFor[PlatformStatus](), s.Properties["status"])
}

func compare(t *testing.T, path string, typ reflect.Type, schema extv1.JSONSchemaProps) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch typ.Kind() {
	case reflect.Struct:
		var want []string
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			want = append(want, name)
			compare(t, path+"."+name, f.Type, schema.Properties[name])
		}
		var got []string
		for k := range schema.Properties {
			got = append(got, k)
		}
		slices.Sort(want)
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: the XRD's properties differ from the Go type's fields; run make generate (-types +xrd):\n%s", path, diff)
		}
	case reflect.Slice:
		if schema.Type != "array" || schema.Items == nil {
			t.Errorf("%s: want an array in the XRD, got %q", path, schema.Type)
			return
		}
		compare(t, path+"[]", typ.Elem(), *schema.Items.Schema)
	case reflect.Map:
		if schema.Type != "object" || schema.AdditionalProperties == nil {
			t.Errorf("%s: want a map (object with additionalProperties) in the XRD", path)
		}
	case reflect.String:
		if schema.Type != "string" {
			t.Errorf("%s: want type string in the XRD, got %q", path, schema.Type)
		}
	case reflect.Int32, reflect.Int64, reflect.Int:
		if schema.Type != "integer" {
			t.Errorf("%s: want type integer in the XRD, got %q", path, schema.Type)
		}
	}
}

// TestDefinitionPatternsMatchValidate: the XRD and the function's Validate
// enforce the same formats.
func TestDefinitionPatternsMatchValidate(t *testing.T) {
	s := committedSchema(t).Properties["spec"]
	prop := func(path ...string) extv1.JSONSchemaProps {
		p := s
		for _, k := range path {
			if k == "[]" {
				p = *p.Items.Schema
				continue
			}
			p = p.Properties[k]
		}
		return p
	}
	cases := map[string]struct {
		got, want string
	}{
		"accountId":                   {prop("accountId").Pattern, AccountIDPattern},
		"providerConfigRef.name":      {prop("providerConfigRef", "name").Pattern, ObjectNamePattern},
		"network.availabilityZones[]": {prop("network", "availabilityZones", "[]").Pattern, ZonePattern},
		"contacts.securityEmail":      {prop("contacts", "securityEmail").Pattern, EmailPattern},
		"contacts.complianceEmail":    {prop("contacts", "complianceEmail").Pattern, EmailPattern},
		"database.masterUsername":     {prop("database", "masterUsername").Pattern, UsernamePattern},
		"database.instanceClass":      {prop("database", "instanceClass").Pattern, DBInstanceClassRegex},
		"kubernetes.clusterName":      {prop("kubernetes", "clusterName").Pattern, ClusterNamePattern},
		"kubernetes.version":          {prop("kubernetes", "version").Pattern, KubeVersionPattern},
		"kubernetes.nodeInstanceType": {prop("kubernetes", "nodeInstanceType").Pattern, InstanceTypePattern},
	}
	for field, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("spec.%s: the XRD's pattern %q differs from Validate's %q", field, tc.got, tc.want)
		}
	}
	if got := *prop("network", "availabilityZones").MaxItems; got != MaxZones {
		t.Errorf("spec.network.availabilityZones: XRD maxItems %d, Validate allows %d", got, MaxZones)
	}
	var enum []int32
	for _, e := range prop("logging", "retentionDays").Enum {
		var v int32
		if err := yaml.Unmarshal(e.Raw, &v); err != nil {
			t.Fatal(err)
		}
		enum = append(enum, v)
	}
	if diff := cmp.Diff(LogRetentionDays, enum); diff != "" {
		t.Errorf("spec.logging.retentionDays: the XRD's enum differs from LogRetentionDays (-validate +xrd):\n%s", diff)
	}
	var versions []string
	for _, e := range prop("kubernetes", "version").Enum {
		var v string
		if err := yaml.Unmarshal(e.Raw, &v); err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
	}
	if diff := cmp.Diff(SupportedKubernetesVersions, versions); diff != "" {
		t.Errorf("spec.kubernetes.version: the XRD's enum differs from SupportedKubernetesVersions, so the API server admits a version the function refuses or the reverse (-validate +xrd):\n%s", diff)
	}
	for _, f := range []string{"region", "drRegion"} {
		var regions []string
		for _, e := range prop(f).Enum {
			var v string
			if err := yaml.Unmarshal(e.Raw, &v); err != nil {
				t.Fatal(err)
			}
			regions = append(regions, v)
		}
		if diff := cmp.Diff(SupportedRegions(), regions); diff != "" {
			t.Errorf("spec.%s: the XRD's enum differs from SupportedRegions (-validate +xrd):\n%s", f, diff)
		}
	}
}
