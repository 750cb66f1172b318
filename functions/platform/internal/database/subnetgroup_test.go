package database

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
)

// TestSubnetGroupNamesTheObservedDatabaseSubnets: AWS creates a DB subnet
// group only with its subnets, and a selector would leave the resolver's
// field manager owning the (set-typed) list, so a new group waits for every
// zone's database subnet to be observed and then lists their IDs, sorted;
// a group that exists is always rendered.
func TestSubnetGroupNamesTheObservedDatabaseSubnets(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd)
	if _, ok := render(t, cfg, nil)[KeySubnetGroup]; ok {
		t.Error("a new subnet group must wait for its subnets to be observed")
	}
	var subnets []platform.Observed
	for i, z := range cfg.Zones { // IDs in the reverse of the zones' order
		subnets = append(subnets, platformtest.Observed(network.KeySubnet(network.Database, z.Name), "ec2.aws.upbound.io/v1beta1", "Subnet",
			map[string]any{"id": "subnet-" + string(rune('c'-i))}))
	}
	g, ok := render(t, cfg, platformtest.Merge(subnets...))[KeySubnetGroup].(*rdsv1beta1.SubnetGroup)
	if !ok {
		t.Fatal("want the subnet group once every zone's database subnet is observed")
	}
	want := []*string{ptr.To("subnet-a"), ptr.To("subnet-b"), ptr.To("subnet-c")}
	if d := cmp.Diff(want, g.Spec.ForProvider.SubnetIds); d != "" || g.Spec.ForProvider.SubnetIDSelector != nil {
		t.Errorf("want the observed IDs, sorted, and no selector (-want +got):\n%s", d)
	}
	existing := platformtest.Rendered(KeySubnetGroup, "rds.aws.upbound.io/v1beta1", "SubnetGroup", map[string]any{})
	if _, ok := render(t, cfg, existing)[KeySubnetGroup]; !ok {
		t.Error("a subnet group that exists must always be rendered, or Crossplane would delete it")
	}
}
