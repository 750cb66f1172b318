package network

import (
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
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
		observed     platform.Observed
		held         []*string
		wantIDs      []*string
		wantSelector *xpv1.Selector
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
		"nothing observed, nothing held: a selector resolved once, not Always": {
			wantSelector: SelectSubnetsAtCreation(Private),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ids, selector := TierSubnets(cfg, tc.observed, Private, tc.held)
			if d := cmp.Diff(tc.wantIDs, ids); d != "" {
				t.Errorf("TierSubnets IDs (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantSelector, selector); d != "" {
				t.Errorf("TierSubnets selector (-want +got):\n%s", d)
			}
			if selector != nil && selector.Policy != nil {
				t.Errorf("the selector has a policy %+v; a resolve-Always selector makes the provider's resolver loop", selector.Policy)
			}
		})
	}
}
