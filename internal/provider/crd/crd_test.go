package crd

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCRDNameFindsTheKindsOwnCRD(t *testing.T) {
	dir := t.TempDir()
	write := func(file, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A CRD that mentions another kind deeper in its schema must not be
	// taken for that kind's.
	write("iam.aws.upbound.io_rolepolicies.yaml", "spec:\n  names:\n    kind: RolePolicy\n  versions:\n      kind: Policy\n")
	write("iam.aws.upbound.io_policies.yaml", "spec:\n  names:\n    kind: Policy\n")
	write("ec2.aws.upbound.io_vpcs.yaml", "spec:\n  names:\n    kind: VPC\n")
	cases := map[string]struct {
		group, kind, want, wantErr string
	}{
		"TheKindsOwnFile":             {group: "iam.aws.upbound.io", kind: "Policy", want: "policies.iam.aws.upbound.io"},
		"AnotherKindOfTheGroup":       {group: "iam.aws.upbound.io", kind: "RolePolicy", want: "rolepolicies.iam.aws.upbound.io"},
		"OnlyInItsOwnGroup":           {group: "iam.aws.upbound.io", kind: "VPC", wantErr: "no CRD for VPC.iam.aws.upbound.io in " + dir},
		"AKindNoCRDDeclaresIsAnError": {group: "ec2.aws.upbound.io", kind: "Subnet", wantErr: "no CRD for Subnet.ec2.aws.upbound.io in " + dir},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Name(dir, tc.group, tc.kind)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("want the error %q, got %q, %v", tc.wantErr, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("want %q, got %q, %v", tc.want, got, err)
			}
		})
	}
}

func TestNameOfFileIsPluralDotGroup(t *testing.T) {
	for file, want := range map[string]string{
		"/crds/ec2.aws.upbound.io_vpcs.yaml":                       "vpcs.ec2.aws.upbound.io",
		"iam.aws.upbound.io_rolepolicyattachments.yaml":            "rolepolicyattachments.iam.aws.upbound.io",
		"/x/wafv2.aws.upbound.io_webaclloggingconfigurations.yaml": "webaclloggingconfigurations.wafv2.aws.upbound.io",
	} {
		if got := NameOfFile(file); got != want {
			t.Errorf("NameOfFile(%q): want %q, got %q", file, want, got)
		}
	}
}
