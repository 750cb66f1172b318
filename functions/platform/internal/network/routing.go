package network

import (
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	ec2v1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta2"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// Routing keys.
const (
	KeyPublicRouteTable = "route-table-public"
	keyPublicRoute      = "route-public-internet"
)

// KeyNATGateway is the key of the NAT gateway in zone.
func KeyNATGateway(zone string) string { return "nat-gateway-" + zone }

// KeyRouteTable is the key of the route table of a private or database subnet in zone.
func KeyRouteTable(tier SubnetTier, zone string) string {
	return "route-table-" + string(tier) + "-" + zone
}

func keyEIP(zone string) string { return "eip-nat-" + zone }

// natZones are the zones that hold a NAT gateway: every zone, or in Single
// mode the anchor zone (the shared gateway's own, else the alphabetically
// first), stable however the zones are listed.
func natZones(cfg *platform.Config, observed platform.Observed) []platform.Zone {
	if cfg.NATGateways == v1alpha1.NATGatewaySingle {
		return []platform.Zone{cfg.AnchorZone(observed, KeyNATGateway)}
	}
	return cfg.Zones
}

func routing(cfg *platform.Config, observed platform.Observed) []platform.Resource {
	rs := []platform.Resource{
		{Key: KeyPublicRouteTable, Object: routeTable(cfg, KeyPublicRouteTable)},
		{Key: keyPublicRoute, Object: route(cfg, keyPublicRoute, KeyPublicRouteTable, func(p *ec2v1beta2.RouteParameters) {
			p.GatewayIDSelector = platform.Select(KeyInternetGateway)
		})},
	}
	nats := natZones(cfg, observed)
	for _, z := range nats {
		rs = append(rs,
			platform.Resource{Key: keyEIP(z.Name), Object: eip(cfg, z.Name)},
			platform.Resource{Key: KeyNATGateway(z.Name), Object: natGateway(cfg, z.Name)},
		)
	}
	for _, z := range cfg.Zones {
		private, database := KeyRouteTable(Private, z.Name), KeyRouteTable(Database, z.Name)
		// A private subnet uses its own zone's gateway, or the shared one.
		nat := KeyNATGateway(nats[0].Name)
		if len(nats) > 1 {
			nat = KeyNATGateway(z.Name)
		}
		rs = append(rs,
			platform.Resource{Key: "route-table-association-public-" + z.Name, Object: association(cfg, "route-table-association-public-"+z.Name, KeySubnet(Public, z.Name), KeyPublicRouteTable)},
			platform.Resource{Key: private, Object: routeTable(cfg, private)},
			platform.Resource{Key: "route-private-nat-" + z.Name, Object: route(cfg, "route-private-nat-"+z.Name, private, natGatewayTarget(observed, "route-private-nat-"+z.Name, nat))},
			platform.Resource{Key: "route-table-association-private-" + z.Name, Object: association(cfg, "route-table-association-private-"+z.Name, KeySubnet(Private, z.Name), private)},
			// Database route tables have only the VPC's local route (and the
			// S3 gateway endpoint): nothing in them reaches the internet.
			platform.Resource{Key: database, Object: routeTable(cfg, database)},
			platform.Resource{Key: "route-table-association-database-" + z.Name, Object: association(cfg, "route-table-association-database-"+z.Name, KeySubnet(Database, z.Name), database)},
		)
	}
	return rs
}

func eip(cfg *platform.Config, zone string) *ec2v1beta1.EIP {
	return &ec2v1beta1.EIP{
		ObjectMeta: cfg.Meta(platform.TierNetwork, keyEIP(zone)),
		Spec: ec2v1beta1.EIPSpec{ForProvider: ec2v1beta1.EIPParameters{
			Region: ptr.To(cfg.Region),
			Domain: ptr.To("vpc"),
			Tags:   cfg.Tags(platform.TierNetwork, name(cfg, keyEIP(zone))),
		}},
	}
}

func natGateway(cfg *platform.Config, zone string) *ec2v1beta1.NATGateway {
	return &ec2v1beta1.NATGateway{
		ObjectMeta: cfg.Meta(platform.TierNetwork, KeyNATGateway(zone)),
		Spec: ec2v1beta1.NATGatewaySpec{ForProvider: ec2v1beta1.NATGatewayParameters_2{
			Region:               ptr.To(cfg.Region),
			ConnectivityType:     ptr.To("public"),
			AllocationIDSelector: platform.Select(keyEIP(zone)),
			SubnetIDSelector:     platform.Select(KeySubnet(Public, zone)),
			Tags:                 cfg.Tags(platform.TierNetwork, name(cfg, KeyNATGateway(zone))),
		}},
	}
}

func routeTable(cfg *platform.Config, key string) *ec2v1beta1.RouteTable {
	return &ec2v1beta1.RouteTable{
		ObjectMeta: cfg.Meta(platform.TierNetwork, key),
		Spec: ec2v1beta1.RouteTableSpec{ForProvider: ec2v1beta1.RouteTableParameters_2{
			Region:        ptr.To(cfg.Region),
			VPCIDSelector: platform.Select(KeyVPC),
			Tags:          cfg.Tags(platform.TierNetwork, name(cfg, key)),
		}},
	}
}

func route(cfg *platform.Config, key, table string, target func(*ec2v1beta2.RouteParameters)) *ec2v1beta2.Route {
	r := &ec2v1beta2.Route{
		ObjectMeta: cfg.Meta(platform.TierNetwork, key),
		Spec: ec2v1beta2.RouteSpec{ForProvider: ec2v1beta2.RouteParameters{
			Region:               ptr.To(cfg.Region),
			RouteTableIDSelector: platform.Select(table),
			DestinationCidrBlock: ptr.To("0.0.0.0/0"),
		}},
	}
	target(&r.Spec.ForProvider)
	return r
}

func association(cfg *platform.Config, key, subnet, table string) *ec2v1beta1.RouteTableAssociation {
	return &ec2v1beta1.RouteTableAssociation{
		ObjectMeta: cfg.Meta(platform.TierNetwork, key),
		Spec: ec2v1beta1.RouteTableAssociationSpec{ForProvider: ec2v1beta1.RouteTableAssociationParameters{
			Region:               ptr.To(cfg.Region),
			SubnetIDSelector:     platform.Select(subnet),
			RouteTableIDSelector: platform.Select(table),
		}},
	}
}

// natGatewayTarget points a private route at its NAT gateway: by the
// gateway's observed ID once AWS reports it, else by the ID the route already
// holds, else (a new route) by selector. crossplane-runtime resolves a
// selector only while its field is empty, so a selector would keep the
// gateway it first found when spec.network.natGateways changes: Single to
// PerZone would leave every zone's traffic on the shared gateway, and
// PerZone to Single would leave routes on gateways being deleted (a
// blackhole). AWS changes a route's target in place ("Replaces an existing
// route within a route table": ReplaceRoute,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceRoute.html),
// and nat_gateway_id is not replace-only in the provider (internal/forcenew).
func natGatewayTarget(observed platform.Observed, routeKey, natKey string) func(*ec2v1beta2.RouteParameters) {
	return func(p *ec2v1beta2.RouteParameters) {
		var nat ec2v1beta1.NATGateway
		if observed.Get(natKey, &nat) && nat.Status.AtProvider.ID != nil && *nat.Status.AtProvider.ID != "" {
			p.NATGatewayID = ptr.To(*nat.Status.AtProvider.ID)
			return
		}
		var r ec2v1beta2.Route
		if observed.Get(routeKey, &r) && r.Spec.ForProvider.NATGatewayID != nil && *r.Spec.ForProvider.NATGatewayID != "" {
			p.NATGatewayID = ptr.To(*r.Spec.ForProvider.NATGatewayID)
			return
		}
		p.NATGatewayIDSelector = platform.Select(natKey)
	}
}
