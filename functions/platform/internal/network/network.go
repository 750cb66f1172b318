// Package network renders the network tier: a VPC with public, private and
// database subnets in every zone, NAT, routing, VPC endpoints, network ACLs,
// a closed default security group and VPC flow logs.
//
// Every resource is keyed by what it is and, per zone, by the zone's name, so
// reordering spec.network.availabilityZones changes nothing.
package network

import (
	"fmt"
	"slices"
	"strings"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/cidr"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// SubnetTier is one of the three subnet tiers of every zone.
type SubnetTier string

// Subnet tiers.
const (
	Public   SubnetTier = "public"
	Private  SubnetTier = "private"
	Database SubnetTier = "database"
)

// LabelSubnetTier marks subnets with their tier, for selectors that pick
// every subnet of a tier (network ACLs, and later DB subnet groups and EKS).
const LabelSubnetTier = "platform.paynext.io/subnet-tier"

// SubnetTiers in rendering order.
var SubnetTiers = []SubnetTier{Public, Private, Database}

// Composed resource keys other tiers select.
const (
	KeyVPC                  = platform.KeyVPC
	KeyInternetGateway      = "internet-gateway"
	KeyDefaultSecurityGroup = "default-security-group"
)

// TierSubnets is how a resource AWS updates in place names every subnet of a
// tier: their observed IDs, sorted (so a reorder of the claim's zones changes
// nothing), once the subnet of every zone is observed; until then the IDs the
// resource already holds (held: a zone just added keeps the others), and nil
// for a resource not created yet, which then waits (a network ACL is created
// without subnets; a load balancer or DB subnet group is not rendered).
//
// Never a selector, though one resolving Always would follow the zones too:
//   - crossplane-runtime's reference resolver server-side applies only the
//     fields a resolution changed, under one field manager, so re-resolving
//     the subnets alone removes the resource's other resolved reference
//     (vpcId), whose re-resolution then removes the subnets, for ever (the
//     e2e caught a NetworkACL updated twice a second);
//   - these lists are x-kubernetes-list-type: set, which server-side apply
//     merges per element: IDs a selector once resolved stay owned by the
//     resolver's field manager, and no later list the function renders can
//     remove them (the e2e caught network ACLs keeping a removed zone's
//     subnet).
//
// https://github.com/crossplane/crossplane-runtime/blob/v2.2.0/pkg/reconciler/managed/api.go (APISimpleReferenceResolver)
// https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy (a set's items are owned one by one)
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAcl.html (VpcId only: no subnets at creation)
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html (an ALB's Subnets at creation)
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html (SubnetIds required)
func TierSubnets(cfg *platform.Config, observed platform.Observed, tier SubnetTier, held []*string) []*string {
	if ids := SubnetIDs(cfg, observed, tier); ids != nil {
		slices.SortFunc(ids, func(a, b *string) int { return strings.Compare(*a, *b) })
		return ids
	}
	if len(held) > 0 {
		return held
	}
	return nil
}

// SelectSubnetsAtCreation selects the subnets of a tier once, when the
// resource is created, for fields AWS can only change by replacing the
// resource (Terraform's ForceNew): re-resolved after a zone change, upjet
// would refuse the update and the resource would stay Synced=False, blocking
// every later change to it. A zone change reaches such a resource only when
// it is replaced on purpose.
func SelectSubnetsAtCreation(tier SubnetTier) *xpv1.Selector {
	return &xpv1.Selector{MatchControllerRef: ptr.To(true), MatchLabels: map[string]string{LabelSubnetTier: string(tier)}}
}

// KeySubnet is the key of the subnet of tier in zone.
func KeySubnet(tier SubnetTier, zone string) string { return "subnet-" + string(tier) + "-" + zone }

// Tier is the network tier.
type Tier struct{}

// Name of the tier.
func (Tier) Name() string { return platform.TierNetwork }

// Render returns the tier's resources.
func (Tier) Render(cfg *platform.Config, observed platform.Observed) ([]platform.Resource, error) {
	rs := []platform.Resource{
		{Key: KeyVPC, Object: vpc(cfg)},
		{Key: KeyInternetGateway, Object: internetGateway(cfg)},
		{Key: KeyDefaultSecurityGroup, Object: defaultSecurityGroup(cfg)},
	}
	for _, z := range cfg.Zones {
		subnets, err := cidr.ForZone(cfg.VPCCIDR, z.Letter)
		if err != nil {
			return nil, fmt.Errorf("zone %s: %w", z.Name, err)
		}
		rs = append(rs,
			platform.Resource{Key: KeySubnet(Public, z.Name), Object: subnet(cfg, Public, z.Name, subnets.Public.String())},
			platform.Resource{Key: KeySubnet(Private, z.Name), Object: subnet(cfg, Private, z.Name, subnets.Private.String())},
			platform.Resource{Key: KeySubnet(Database, z.Name), Object: subnet(cfg, Database, z.Name, subnets.Database.String())},
		)
	}
	rs = append(rs, routing(cfg, observed)...)
	rs = append(rs, endpoints(cfg)...)
	nacls, err := networkACLs(cfg, observed)
	if err != nil {
		return nil, err
	}
	rs = append(rs, nacls...)
	rs = append(rs, flowLogs(cfg)...)
	return rs, nil
}

// name is the AWS-visible Name tag of the resource key.
func name(cfg *platform.Config, key string) string { return cfg.Prefix() + "-" + key }

func vpc(cfg *platform.Config) *ec2v1beta1.VPC {
	return &ec2v1beta1.VPC{
		ObjectMeta: cfg.Meta(platform.TierNetwork, KeyVPC),
		Spec: ec2v1beta1.VPCSpec{ForProvider: ec2v1beta1.VPCParameters_2{
			Region:             ptr.To(cfg.Region),
			CidrBlock:          ptr.To(cfg.VPCCIDR.String()),
			EnableDNSSupport:   ptr.To(true),
			EnableDNSHostnames: ptr.To(true),
			InstanceTenancy:    ptr.To("default"),
			Tags:               cfg.Tags(platform.TierNetwork, name(cfg, KeyVPC)),
		}},
	}
}

func internetGateway(cfg *platform.Config) *ec2v1beta1.InternetGateway {
	return &ec2v1beta1.InternetGateway{
		ObjectMeta: cfg.Meta(platform.TierNetwork, KeyInternetGateway),
		Spec: ec2v1beta1.InternetGatewaySpec{ForProvider: ec2v1beta1.InternetGatewayParameters_2{
			Region:        ptr.To(cfg.Region),
			VPCIDSelector: platform.Select(KeyVPC),
			Tags:          cfg.Tags(platform.TierNetwork, name(cfg, KeyInternetGateway)),
		}},
	}
}

// defaultSecurityGroup adopts the VPC's default security group with no rules,
// which removes the rules AWS creates it with: nothing may use it.
func defaultSecurityGroup(cfg *platform.Config) *ec2v1beta1.DefaultSecurityGroup {
	return &ec2v1beta1.DefaultSecurityGroup{
		ObjectMeta: cfg.Meta(platform.TierNetwork, KeyDefaultSecurityGroup),
		Spec: ec2v1beta1.DefaultSecurityGroupSpec{ForProvider: ec2v1beta1.DefaultSecurityGroupParameters{
			Region:        ptr.To(cfg.Region),
			VPCIDSelector: platform.Select(KeyVPC),
			Tags:          cfg.Tags(platform.TierNetwork, name(cfg, KeyDefaultSecurityGroup)+"-closed"),
		}},
	}
}

func subnet(cfg *platform.Config, tier SubnetTier, zone, cidrBlock string) *ec2v1beta1.Subnet {
	key := KeySubnet(tier, zone)
	meta := cfg.Meta(platform.TierNetwork, key)
	meta.Labels[LabelSubnetTier] = string(tier)
	s := &ec2v1beta1.Subnet{
		ObjectMeta: meta,
		Spec: ec2v1beta1.SubnetSpec{ForProvider: ec2v1beta1.SubnetParameters_2{
			Region:           ptr.To(cfg.Region),
			VPCIDSelector:    platform.Select(KeyVPC),
			AvailabilityZone: ptr.To(zone),
			CidrBlock:        ptr.To(cidrBlock),
			// No subnet hands out public addresses: the NAT gateways and
			// load balancers that need one get an Elastic IP or their own.
			MapPublicIPOnLaunch: ptr.To(false),
			Tags:                cfg.Tags(platform.TierNetwork, name(cfg, key)),
		}},
	}
	// Tags the AWS Load Balancer Controller discovers subnets by.
	switch tier {
	case Public:
		s.Spec.ForProvider.Tags["kubernetes.io/role/elb"] = ptr.To("1")
	case Private:
		s.Spec.ForProvider.Tags["kubernetes.io/role/internal-elb"] = ptr.To("1")
	}
	s.Spec.ForProvider.Tags["paynext:subnet-tier"] = ptr.To(string(tier))
	return s
}
