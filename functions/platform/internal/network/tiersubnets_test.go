package network

import (
	"testing"

	"github.com/google/go-cmp/cmp"
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
