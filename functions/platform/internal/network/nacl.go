package network

import (
	"fmt"

	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/cidr"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// KeyNetworkACL is the key of the network ACL of a subnet tier.
func KeyNetworkACL(tier SubnetTier) string { return "network-acl-" + string(tier) }

// aclRule is one stateless rule. NACLs do not track connections, so every
// allowed flow needs its return traffic allowed on ephemeral ports.
type aclRule struct {
	name     string
	egress   bool
	number   int
	protocol string // tcp, udp or -1 (all)
	cidr     string
	from, to int
}

const anywhere = "0.0.0.0/0"

// Ephemeral ports: the range NAT gateways and clients receive replies on.
// Replies from the internet are admitted in two ranges that leave out 3389,
// so no rule opens RDP to 0.0.0.0/0 (CKV_AWS_231); 22 lies below the range.
const (
	ephemeralFrom, ephemeralTo = 1024, 65535
	rdp                        = 3389
)

// internetReplies admits replies from the internet, numbered from n.
func internetReplies(n int) []aclRule {
	return []aclRule{
		{name: "ingress-return-traffic-low", number: n, protocol: "tcp", cidr: anywhere, from: ephemeralFrom, to: rdp - 1},
		{name: "ingress-return-traffic-high", number: n + 1, protocol: "tcp", cidr: anywhere, from: rdp + 1, to: ephemeralTo},
	}
}

func networkACLs(cfg *platform.Config, observed platform.Observed) ([]platform.Resource, error) {
	vpc := cfg.VPCCIDR.String()
	rules := map[SubnetTier][]aclRule{
		// The load balancers take HTTPS (and HTTP, only to redirect it) from
		// the internet; the NAT gateways get their replies on ephemeral ports.
		Public: append([]aclRule{
			{name: "ingress-https", number: 100, protocol: "tcp", cidr: anywhere, from: 443, to: 443},
			{name: "ingress-http-redirect", number: 110, protocol: "tcp", cidr: anywhere, from: 80, to: 80},
			{name: "ingress-vpc", number: 130, protocol: "-1", cidr: vpc},
			{name: "egress-all", egress: true, number: 100, protocol: "-1", cidr: anywhere},
		}, internetReplies(120)...),
		// Workloads talk to the VPC freely and get replies from the internet
		// through the NAT gateways.
		Private: append([]aclRule{
			{name: "ingress-vpc", number: 100, protocol: "-1", cidr: vpc},
			{name: "egress-all", egress: true, number: 100, protocol: "-1", cidr: anywhere},
		}, internetReplies(110)...),
	}
	// The database subnets take PostgreSQL from the private subnets and answer
	// them; nothing else in or out. Rule numbers follow the zone letter.
	for _, z := range cfg.Zones {
		s, err := cidr.ForZone(cfg.VPCCIDR, z.Letter)
		if err != nil {
			return nil, fmt.Errorf("zone %s: %w", z.Name, err)
		}
		n := 100 + z.Letter
		rules[Database] = append(rules[Database],
			aclRule{name: "ingress-postgres-from-private-" + z.Name, number: n, protocol: "tcp", cidr: s.Private.String(), from: 5432, to: 5432},
			aclRule{name: "egress-return-to-private-" + z.Name, egress: true, number: n, protocol: "tcp", cidr: s.Private.String(), from: ephemeralFrom, to: ephemeralTo},
		)
	}

	var rs []platform.Resource
	for _, tier := range SubnetTiers {
		aclKey := KeyNetworkACL(tier)
		rs = append(rs, platform.Resource{Key: aclKey, Object: networkACL(cfg, observed, tier)})
		for _, r := range rules[tier] {
			key := aclKey + "-" + r.name
			rs = append(rs, platform.Resource{Key: key, Object: aclRuleObject(cfg, key, aclKey, r)})
		}
	}
	return rs, nil
}

// networkACL is the ACL of a subnet tier, associated with every subnet of
// that tier (see TierSubnets).
func networkACL(cfg *platform.Config, observed platform.Observed, tier SubnetTier) *ec2v1beta1.NetworkACL {
	key := KeyNetworkACL(tier)
	var held ec2v1beta1.NetworkACL
	observed.Get(key, &held)
	// Created without subnets until they are observed: see TierSubnets.
	subnets := TierSubnets(cfg, observed, tier, held.Spec.ForProvider.SubnetIds)
	acl := &ec2v1beta1.NetworkACL{
		ObjectMeta: cfg.Meta(platform.TierNetwork, key),
		Spec: ec2v1beta1.NetworkACLSpec{ForProvider: ec2v1beta1.NetworkACLParameters{
			Region:        ptr.To(cfg.Region),
			VPCIDSelector: platform.Select(KeyVPC),
			SubnetIds:     subnets,
			Tags:          cfg.Tags(platform.TierNetwork, name(cfg, key)),
		}},
	}
	return acl
}

func aclRuleObject(cfg *platform.Config, key, aclKey string, r aclRule) *ec2v1beta1.NetworkACLRule {
	p := ec2v1beta1.NetworkACLRuleParameters{
		Region:               ptr.To(cfg.Region),
		NetworkACLIDSelector: platform.Select(aclKey),
		Egress:               ptr.To(r.egress),
		RuleNumber:           ptr.To(float64(r.number)),
		Protocol:             ptr.To(r.protocol),
		RuleAction:           ptr.To("allow"),
		CidrBlock:            ptr.To(r.cidr),
	}
	if r.protocol != "-1" {
		p.FromPort, p.ToPort = ptr.To(float64(r.from)), ptr.To(float64(r.to))
	} else {
		p.FromPort, p.ToPort = ptr.To(0.0), ptr.To(0.0)
	}
	return &ec2v1beta1.NetworkACLRule{
		ObjectMeta: cfg.Meta(platform.TierNetwork, key),
		Spec:       ec2v1beta1.NetworkACLRuleSpec{ForProvider: p},
	}
}
