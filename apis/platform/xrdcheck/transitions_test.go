package xrdcheck

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/paynext/platform/apis/platform/v1alpha1"
)

// TestClaimEditsAWSCannotFollowAreRefused edits live claims the ways AWS
// cannot follow in place, and the ways it can, and expects the XRD's
// transition rules to refuse exactly the first, naming the field and what to
// do, and the function's own check (v1alpha1 ValidateUpdate against the
// status.builtWith the old spec renders) to refuse the same edits with the
// same words.
func TestClaimEditsAWSCannotFollowAreRefused(t *testing.T) {
	v := load(t)
	type edit func(s map[string]any)
	set := func(value any, path ...string) edit {
		return func(s map[string]any) {
			m := s
			for _, k := range path[:len(path)-1] {
				if _, ok := m[k].(map[string]any); !ok {
					m[k] = map[string]any{}
				}
				m = m[k].(map[string]any)
			}
			if value == nil {
				delete(m, path[len(path)-1])
				return
			}
			m[path[len(path)-1]] = value
		}
	}
	zones := func(z ...string) edit { return set(toAny(z), "network", "availabilityZones") }
	cases := []struct {
		name      string
		env       string
		old, edit []edit
		refused   []string // the fields refused, in order
	}{
		{name: "tags and instance class change in place", env: "prod", edit: []edit{set(map[string]any{"Owner": "x"}, "tags"), set("db.r6g.xlarge", "database", "instanceClass")}},
		{name: "environment prod to staging", env: "prod", edit: []edit{set("staging", "environment")}, refused: []string{"spec.environment"}},
		{name: "region", env: "dev", edit: []edit{set("us-east-2", "region"), zones("us-east-2a", "us-east-2b", "us-east-2c")}, refused: []string{"spec.network.availabilityZones", "spec.region"}},
		{name: "DR region", env: "prod", edit: []edit{set("us-east-2", "drRegion")}, refused: []string{"spec.drRegion"}},
		{name: "account changed", env: "prod", edit: []edit{set("999988887777", "accountId")}, refused: []string{"spec.accountId"}},
		{name: "account first set in dev", env: "dev", edit: []edit{set("111122223333", "accountId")}},
		{name: "VPC range", env: "prod", edit: []edit{set("10.1.0.0/16", "network", "vpcCidr")}, refused: []string{"spec.network.vpcCidr"}},
		{name: "new cluster name", env: "prod", edit: []edit{set("payments", "kubernetes", "clusterName")}, refused: []string{"spec.kubernetes.clusterName"}},
		{name: "cluster name given as its default", env: "dev", old: []edit{set(nil, "kubernetes", "clusterName")}, edit: []edit{set(v1alpha1.DefaultClusterName, "kubernetes", "clusterName")}},
		{name: "master username", env: "staging", edit: []edit{set("admin", "database", "masterUsername")}, refused: []string{"spec.database.masterUsername"}},
		{name: "Kubernetes 1.34 to 1.31", env: "prod", old: []edit{set("1.34", "kubernetes", "version")}, edit: []edit{set("1.31", "kubernetes", "version")}, refused: []string{"spec.kubernetes.version"}},
		{name: "Kubernetes 1.33 to 1.34", env: "prod", old: []edit{set("1.33", "kubernetes", "version")}, edit: []edit{set("1.34", "kubernetes", "version")}},
		{name: "Kubernetes 1.32 to 1.34 skips a version", env: "prod", old: []edit{set("1.32", "kubernetes", "version")}, edit: []edit{set("1.34", "kubernetes", "version")}, refused: []string{"spec.kubernetes.version"}},
		{name: "Kubernetes unset (1.34) to 1.33", env: "dev", old: []edit{set(nil, "kubernetes", "version")}, edit: []edit{set("1.33", "kubernetes", "version")}, refused: []string{"spec.kubernetes.version"}},
		{name: "PostgreSQL 16 to 15", env: "prod", old: []edit{set("16.6", "database", "engineVersion")}, edit: []edit{set("15.10", "database", "engineVersion")}, refused: []string{"spec.database.engineVersion"}},
		{name: "PostgreSQL 16.6 to 16.4", env: "prod", old: []edit{set("16.6", "database", "engineVersion")}, edit: []edit{set("16.4", "database", "engineVersion")}, refused: []string{"spec.database.engineVersion"}},
		{name: "PostgreSQL 16.6 to 16.8", env: "prod", old: []edit{set("16.6", "database", "engineVersion")}, edit: []edit{set("16.8", "database", "engineVersion")}},
		{name: "PostgreSQL 16 to 17", env: "prod", old: []edit{set("16.6", "database", "engineVersion")}, edit: []edit{set("17.4", "database", "engineVersion")}, refused: []string{"spec.database.engineVersion"}},
		{name: "zone added", env: "prod", edit: []edit{zones("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d")}},
		{name: "zones reordered", env: "prod", edit: []edit{zones("us-west-2c", "us-west-2b", "us-west-2a")}},
		{name: "zone removed from prod", env: "prod", edit: []edit{zones("us-west-2a", "us-west-2b")}, refused: []string{"spec.network.availabilityZones", "spec.network.availabilityZones"}},
		{name: "zone removed from prod, acknowledged", env: "prod", edit: []edit{zones("us-west-2a", "us-west-2b"), set([]any{"us-west-2c"}, "network", "acknowledgeZoneRemoval")}, refused: []string{"spec.network.availabilityZones"}},
		{name: "zone removed from dev", env: "dev", edit: []edit{zones("us-west-2a", "us-west-2b")}, refused: []string{"spec.network.availabilityZones"}},
		{name: "zone removed from dev, acknowledged", env: "dev", edit: []edit{zones("us-west-2a", "us-west-2b"), set([]any{"us-west-2c"}, "network", "acknowledgeZoneRemoval")}},
		{name: "zone removed from staging allowing deletion, acknowledged", env: "staging", old: []edit{set(true, "dataProtection", "allowDeletion")}, edit: []edit{set(true, "dataProtection", "allowDeletion"), zones("us-west-2a", "us-west-2b"), set([]any{"us-west-2c"}, "network", "acknowledgeZoneRemoval")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := claim(t, tc.env)
			spec := old["spec"].(map[string]any)
			if _, ok := spec["network"].(map[string]any)["availabilityZones"]; ok {
				zones("us-west-2a", "us-west-2b", "us-west-2c")(spec)
			}
			for _, e := range tc.old {
				e(spec)
			}
			edited := deepCopy(t, old)
			for _, e := range append(tc.old, tc.edit...) {
				e(edited["spec"].(map[string]any))
			}
			if errs := v.Validate(old); len(errs) > 0 {
				t.Fatalf("the old claim is invalid: %v", errs)
			}
			cel := v.ValidateUpdate(edited, old)
			if diff := cmp.Diff(tc.refused, fields(cel)); diff != "" {
				t.Errorf("the XRD should refuse exactly these fields (-want +got):\n%s\n%v", diff, cel)
			}
			var before, after v1alpha1.PlatformSpec
			decode(t, old["spec"], &before)
			decode(t, edited["spec"], &after)
			goErrs := after.ValidateUpdate(before.BuiltWith(), field.NewPath("spec"))
			if diff := cmp.Diff(messages(cel), messages(goErrs)); diff != "" {
				t.Errorf("the function should refuse the edit as the XRD does, in the same words (-XRD +function):\n%s", diff)
			}
		})
	}
}

func fields(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	slices.Sort(out)
	return out
}

func messages(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field+": "+e.Detail)
	}
	slices.Sort(out)
	return out
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func deepCopy(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	var out map[string]any
	decode(t, m, &out)
	return out
}

func decode(t *testing.T, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
}
