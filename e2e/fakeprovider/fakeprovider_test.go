package fakeprovider

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The fake deletes in AWS exactly when crossplane-runtime's legacy
// management-policy resolver would: an orphaned prod data store must never
// show up as an external delete, and a default resource must.
func TestShouldDeleteFollowsCrossplaneRuntime(t *testing.T) {
	cases := []struct {
		name           string
		deletionPolicy string // "" leaves it unset (the CRD default, Delete)
		policies       []string
		want           bool
	}{
		{"defaults delete", "", nil, true},
		{"Delete with all policies deletes", "Delete", []string{"*"}, true},
		{"Orphan with the default policies orphans", "Orphan", []string{"*"}, false},
		{"Orphan with an explicit Delete policy deletes", "Orphan", []string{"Observe", "Create", "Update", "Delete"}, true},
		{"Delete without a Delete policy orphans", "Delete", []string{"Observe", "Create", "Update"}, false},
		{"observe-only orphans", "", []string{"Observe"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{}}}
			if tc.deletionPolicy != "" {
				_ = unstructured.SetNestedField(u.Object, tc.deletionPolicy, "spec", "deletionPolicy")
			}
			if tc.policies != nil {
				_ = unstructured.SetNestedStringSlice(u.Object, tc.policies, "spec", "managementPolicies")
			}
			if got := shouldDelete(u, managementPolicies(u)); got != tc.want {
				t.Errorf("deletionPolicy %q, managementPolicies %v: want external delete %v, got %v", tc.deletionPolicy, tc.policies, tc.want, got)
			}
		})
	}
}

// Observe-only resources are imported, never created or updated.
func TestAllowsReadsManagementPolicies(t *testing.T) {
	for _, tc := range []struct {
		policies []string
		action   string
		want     bool
	}{
		{[]string{"*"}, "Create", true},
		{[]string{"Observe"}, "Create", false},
		{[]string{"Observe", "Update"}, "Update", true},
		{[]string{"Observe", "Update"}, "Create", false},
	} {
		if got := allows(tc.policies, tc.action); got != tc.want {
			t.Errorf("policies %v allow %s: want %v, got %v", tc.policies, tc.action, tc.want, got)
		}
	}
}
