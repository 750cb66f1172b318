package network

import (
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// Status is the tier's output, read from observed state. Fields AWS has not
// reported yet are left out.
func Status(cfg *platform.Config, observed platform.Observed) *v1alpha1.NetworkStatus {
	s := &v1alpha1.NetworkStatus{}
	var vpc ec2v1beta1.VPC
	if observed.Get(KeyVPC, &vpc) && vpc.Status.AtProvider.ID != nil {
		s.VPCID = *vpc.Status.AtProvider.ID
	}
	for _, z := range cfg.Zones {
		s.PublicSubnetIDs = addID(s.PublicSubnetIDs, z.Name, subnetID(observed, KeySubnet(Public, z.Name)))
		s.PrivateSubnetIDs = addID(s.PrivateSubnetIDs, z.Name, subnetID(observed, KeySubnet(Private, z.Name)))
		s.DatabaseSubnetIDs = addID(s.DatabaseSubnetIDs, z.Name, subnetID(observed, KeySubnet(Database, z.Name)))
	}
	for _, z := range natZones(cfg, observed) {
		var nat ec2v1beta1.NATGateway
		if observed.Get(KeyNATGateway(z.Name), &nat) && nat.Status.AtProvider.ID != nil {
			s.NATGatewayIDs = addID(s.NATGatewayIDs, z.Name, *nat.Status.AtProvider.ID)
		}
	}
	if cfg.AccountID != "" {
		s.FlowLogGroup = FlowLogGroupName(cfg)
	}
	return s
}

func subnetID(observed platform.Observed, key string) string {
	return observed.AtProvider(key, "id")
}

func addID(m map[string]string, zone, id string) map[string]string {
	if id == "" {
		return m
	}
	if m == nil {
		m = map[string]string{}
	}
	m[zone] = id
	return m
}

// AccountID learns the account from the VPC's ARN
// (arn:<partition>:ec2:<region>:<account>:vpc/<id>), "" until AWS reports it.
func AccountID(observed platform.Observed) string {
	var vpc ec2v1beta1.VPC
	if !observed.Get(KeyVPC, &vpc) || vpc.Status.AtProvider.Arn == nil {
		return ""
	}
	return platform.AccountFromARN(*vpc.Status.AtProvider.Arn)
}

// SubnetIDs are the observed IDs of the tier's subnets in every zone of the
// claim, in zone order, or nil while any of them is not observed. For fields
// nested in a provider-aws v1beta1 list, which take literals, not selectors
// (see security.KeyARN).
func SubnetIDs(cfg *platform.Config, observed platform.Observed, tier SubnetTier) []*string {
	ids := make([]*string, 0, len(cfg.Zones))
	for _, z := range cfg.Zones {
		id := subnetID(observed, KeySubnet(tier, z.Name))
		if id == "" {
			return nil
		}
		ids = append(ids, ptr.To(id))
	}
	return ids
}
