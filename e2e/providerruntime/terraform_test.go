package providerruntime

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
)

func TestNonTerraformFieldsAreTheTFDashFields(t *testing.T) {
	cases := map[string]struct {
		mg   any
		want [][]string
	}{
		// region is a Terraform attribute in the provider's fork
		// (tf:"region"), so it stays.
		"a network ACL: its references and selectors": {&ec2v1beta1.NetworkACL{}, [][]string{
			{"subnetIdRefs"}, {"subnetIdSelector"}, {"vpcIdRef"}, {"vpcIdSelector"},
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, nonTerraformFields(forProviderType(tc.mg))); d != "" {
				t.Errorf("want exactly the tf:\"-\" fields (-want +got):\n%s", d)
			}
		})
	}
	// Nested in a list: the EKS cluster's vpcConfig[*] selectors.
	got := nonTerraformFields(forProviderType(&eksv1beta1.Cluster{}))
	for _, want := range [][]string{{"vpcConfig", "*", "subnetIdSelector"}, {"roleArnSelector"}} {
		if !containsPath(got, want) {
			t.Errorf("want %v among the EKS cluster's non-Terraform fields, got %v", want, got)
		}
	}
}

func TestDropAtRemovesTheFieldFromEveryListItem(t *testing.T) {
	v := map[string]any{"region": "r", "vpcConfig": []any{
		map[string]any{"subnetIds": []any{"a"}, "subnetIdSelector": map[string]any{}},
		map[string]any{"subnetIdSelector": map[string]any{}},
	}}
	dropAt(v, []string{"region"})
	dropAt(v, []string{"vpcConfig", "*", "subnetIdSelector"})
	want := map[string]any{"vpcConfig": []any{map[string]any{"subnetIds": []any{"a"}}, map[string]any{}}}
	if d := cmp.Diff(want, v); d != "" {
		t.Errorf("dropAt should remove region and each list item's selector (-want +got):\n%s", d)
	}
}

func containsPath(paths [][]string, p []string) bool {
	for _, q := range paths {
		if cmp.Equal(q, p) {
			return true
		}
	}
	return false
}
