package network

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
)

func TestTierSubnets(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "", "us-west-2b", "us-west-2a")
	subnet := func(zone, id string) platform.Observed {
		return platformtest.Observed(KeySubnet(Private, zone), "ec2.aws.upbound.io/v1beta1", "Subnet", map[string]any{"id": id})
	}
	cases := map[string]struct {
		observed platform.Observed
		held     []*string
		wantIDs  []*string
	}{
		"every zone's subnet observed: their IDs, sorted whatever the zones' order": {
			observed: platformtest.Merge(subnet("us-west-2b", "subnet-a"), subnet("us-west-2a", "subnet-b")),
			held:     []*string{ptr.To("subnet-old")},
			wantIDs:  []*string{ptr.To("subnet-a"), ptr.To("subnet-b")},
		},
		"a zone's subnet not observed yet: the IDs the resource holds": {
			observed: subnet("us-west-2b", "subnet-a"),
			held:     []*string{ptr.To("subnet-a"), ptr.To("subnet-c")},
			wantIDs:  []*string{ptr.To("subnet-a"), ptr.To("subnet-c")},
		},
		"nothing observed, nothing held: nothing, so the resource waits (never a selector)": {},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.wantIDs, TierSubnets(cfg, tc.observed, Private, tc.held)); d != "" {
				t.Errorf("TierSubnets IDs (-want +got):\n%s", d)
			}
		})
	}
}

// TestNewNetworkACLsHaveNoSubnetSelector: a network ACL is created without
// subnets and takes them once observed; a selector would leave the
// resolver's field manager owning the set-typed list's elements, and a
// removed zone's subnet could then never leave it.
func TestNewNetworkACLsHaveNoSubnetSelector(t *testing.T) {
	rs := render(t, config(v1alpha1.EnvironmentProd, "", "us-west-2a", "us-west-2b"))
	for _, tier := range SubnetTiers {
		acl, ok := rs[KeyNetworkACL(tier)].(*ec2v1beta1.NetworkACL)
		if !ok {
			t.Fatalf("no network ACL for the %s tier", tier)
		}
		if p := acl.Spec.ForProvider; p.SubnetIDSelector != nil || p.SubnetIds != nil {
			t.Errorf("%s: a new network ACL should name no subnets yet, got selector %+v, IDs %v", tier, p.SubnetIDSelector, p.SubnetIds)
		}
	}
}
