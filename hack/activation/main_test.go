package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

func TestMRDNamesAreTheKindsCRDsSortedOnce(t *testing.T) {
	dir := t.TempDir()
	for file, kind := range map[string]string{
		"ec2.aws.upbound.io_vpcs.yaml":           "VPC",
		"ec2.aws.upbound.io_subnets.yaml":        "Subnet",
		"iam.aws.upbound.io_roles.yaml":          "Role",
		"ec2.aws.upbound.io_securitygroups.yaml": "SecurityGroup",
	} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte("spec:\n  names:\n    kind: "+kind+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := map[string]struct {
		kinds   []Kind
		want    []string
		wantErr string
	}{
		"SortedAndOnceEvenAtTwoVersions": {
			kinds: []Kind{{"iam.aws.upbound.io/v1beta1", "Role"}, {"ec2.aws.upbound.io/v1beta1", "VPC"}, {"ec2.aws.upbound.io/v1beta2", "VPC"}, {"ec2.aws.upbound.io/v1beta1", "Subnet"}},
			want:  []string{"roles.iam.aws.upbound.io", "subnets.ec2.aws.upbound.io", "vpcs.ec2.aws.upbound.io"},
		},
		"AKindWithoutACRDIsAnError": {
			kinds:   []Kind{{"ec2.aws.upbound.io/v1beta1", "Route"}},
			wantErr: "no CRD for Route.ec2.aws.upbound.io in " + dir,
		},
		"AnAPIVersionWithoutAGroupIsAnError": {
			kinds:   []Kind{{"v1", "ConfigMap"}},
			wantErr: `kind "ConfigMap" of apiVersion "v1" is not a managed resource kind`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := MRDNames(tc.kinds, dir)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("want the error %q, got %v, %v", tc.wantErr, got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("want each kind's CRD name, sorted, once (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPolicyIsAnActivationPolicyOfExactlyTheNames(t *testing.T) {
	names := []string{"roles.iam.aws.upbound.io", "vpcs.ec2.aws.upbound.io"}
	var got struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			Activate []string `json:"activate"`
		} `json:"spec"`
	}
	if err := yaml.UnmarshalStrict(Policy(names), &got); err != nil {
		t.Fatal(err)
	}
	if got.APIVersion != "apiextensions.crossplane.io/v1alpha1" || got.Kind != "ManagedResourceActivationPolicy" || got.Metadata.Name != PolicyName {
		t.Errorf("want an apiextensions.crossplane.io/v1alpha1 ManagedResourceActivationPolicy named %s, got %s %s %s", PolicyName, got.APIVersion, got.Kind, got.Metadata.Name)
	}
	if diff := cmp.Diff(names, got.Spec.Activate); diff != "" {
		t.Errorf("want exactly the names activated (-want +got):\n%s", diff)
	}
}
