package network

import (
	"slices"
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/google/go-cmp/cmp"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	ec2v1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
)

func config(env v1alpha1.Environment, account string, zones ...string) *platform.Config {
	return platform.Resolve("payments", &v1alpha1.PlatformSpec{
		Environment: env, Region: "us-west-2", DRRegion: "us-east-1",
		Network:  v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: zones},
		Contacts: v1alpha1.ContactsSpec{SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com"},
		Tags:     map[string]string{"Project": "PayNext"},
	}, account)
}

func render(t *testing.T, cfg *platform.Config) map[string]runtime.Object {
	t.Helper()
	return platformtest.Render(t, Tier{}, cfg, nil)
}

func TestSubnet(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "", "us-west-2b", "us-west-2a")
	got := render(t, cfg)[KeySubnet(Database, "us-west-2b")]
	want := &ec2v1beta1.Subnet{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{
			platform.LabelTier: "network", platform.LabelResource: "subnet-database-us-west-2b", LabelSubnetTier: "database",
		}},
		Spec: ec2v1beta1.SubnetSpec{ForProvider: ec2v1beta1.SubnetParameters_2{
			Region:              ptr.To("us-west-2"),
			VPCIDSelector:       &xpv1.Selector{MatchControllerRef: ptr.To(true), MatchLabels: map[string]string{platform.LabelResource: "vpc"}},
			AvailabilityZone:    ptr.To("us-west-2b"),
			CidrBlock:           ptr.To("10.0.228.0/22"),
			MapPublicIPOnLaunch: ptr.To(false),
			Tags: map[string]*string{
				"Project": ptr.To("PayNext"), "Environment": ptr.To("prod"), "ManagedBy": ptr.To("crossplane"),
				"paynext:platform": ptr.To("payments"), "paynext:tier": ptr.To("network"),
				"Name": ptr.To("paynext-prod-subnet-database-us-west-2b"), "paynext:subnet-tier": ptr.To("database"),
			},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the database subnet of zone b: its range comes from the zone letter, it assigns no public IPs (-want +got):\n%s", diff)
	}
}

func TestNoSubnetAssignsPublicIPs(t *testing.T) {
	for key, obj := range render(t, config(v1alpha1.EnvironmentDev, "", "us-west-2a", "us-west-2b")) {
		if s, ok := obj.(*ec2v1beta1.Subnet); ok && (s.Spec.ForProvider.MapPublicIPOnLaunch == nil || *s.Spec.ForProvider.MapPublicIPOnLaunch) {
			t.Errorf("%s: mapPublicIpOnLaunch must be false (CKV_AWS_130)", key)
		}
	}
}

func TestDatabaseNetworkACLAdmitsOnlyPostgresFromPrivateSubnets(t *testing.T) {
	rs := render(t, config(v1alpha1.EnvironmentProd, "", "us-west-2a", "us-west-2c"))
	type rule struct {
		Egress   bool
		Number   float64
		Protocol string
		CIDR     string
		From, To float64
	}
	var got []rule
	for _, obj := range rs {
		r, ok := obj.(*ec2v1beta1.NetworkACLRule)
		if !ok || r.Spec.ForProvider.NetworkACLIDSelector.MatchLabels[platform.LabelResource] != KeyNetworkACL(Database) {
			continue
		}
		p := r.Spec.ForProvider
		if *p.RuleAction != "allow" {
			t.Errorf("rule %v: want allow rules only (the implicit deny closes the rest)", *p.RuleNumber)
		}
		got = append(got, rule{*p.Egress, *p.RuleNumber, *p.Protocol, *p.CidrBlock, *p.FromPort, *p.ToPort})
	}
	want := []rule{
		{false, 100, "tcp", "10.0.0.0/19", 5432, 5432},
		{true, 100, "tcp", "10.0.0.0/19", 1024, 65535},
		{false, 102, "tcp", "10.0.64.0/19", 5432, 5432},
		{true, 102, "tcp", "10.0.64.0/19", 1024, 65535},
	}
	slices.SortFunc(got, func(a, b rule) int {
		if a.Number != b.Number {
			return int(a.Number - b.Number)
		}
		if a.Egress == b.Egress {
			return 0
		}
		if a.Egress {
			return 1
		}
		return -1
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("database subnets take 5432 from each private subnet and answer it, nothing else (-want +got):\n%s", diff)
	}
}

func TestNoNetworkACLOpensAdminPortsToTheInternet(t *testing.T) {
	for key, obj := range render(t, config(v1alpha1.EnvironmentProd, "111122223333", "us-west-2a", "us-west-2b")) {
		r, ok := obj.(*ec2v1beta1.NetworkACLRule)
		if !ok || *r.Spec.ForProvider.Egress || *r.Spec.ForProvider.CidrBlock != anywhere {
			continue
		}
		p := r.Spec.ForProvider
		if *p.Protocol == "-1" {
			t.Errorf("%s: all traffic from 0.0.0.0/0", key)
			continue
		}
		for _, port := range []float64{22, 3389, 20, 21} {
			if *p.FromPort <= port && port <= *p.ToPort {
				t.Errorf("%s: admits port %v from 0.0.0.0/0 (CKV_AWS_229–232)", key, port)
			}
		}
	}
}

func TestNATGateways(t *testing.T) {
	cases := map[string]struct {
		env  v1alpha1.Environment
		want map[string]string // private route table → NAT gateway key
	}{
		"DevSharesTheFirstZonesGateway": {v1alpha1.EnvironmentDev, map[string]string{
			"route-private-nat-us-west-2a": "nat-gateway-us-west-2a", "route-private-nat-us-west-2c": "nat-gateway-us-west-2a",
		}},
		"ProdUsesEachZonesOwn": {v1alpha1.EnvironmentProd, map[string]string{
			"route-private-nat-us-west-2a": "nat-gateway-us-west-2a", "route-private-nat-us-west-2c": "nat-gateway-us-west-2c",
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rs := render(t, config(tc.env, "", "us-west-2c", "us-west-2a"))
			for route, nat := range tc.want {
				r, ok := rs[route].(*ec2v1beta2.Route)
				if !ok {
					t.Fatalf("want route %s rendered", route)
				}
				if got := r.Spec.ForProvider.NATGatewayIDSelector.MatchLabels[platform.LabelResource]; got != nat {
					t.Errorf("%s: want the default route via %s, got %s", route, nat, got)
				}
			}
		})
	}
}

func TestFlowLogsWaitForTheAccountAndRecordAllTraffic(t *testing.T) {
	if _, ok := render(t, config(v1alpha1.EnvironmentProd, "", "us-west-2a", "us-west-2b"))[KeyFlowLog]; ok {
		t.Error("the flow log's role and key name the account: nothing of it may render before the account is known")
	}
	rs := render(t, config(v1alpha1.EnvironmentProd, "111122223333", "us-west-2a", "us-west-2b"))
	fl := rs[KeyFlowLog].(*ec2v1beta1.FlowLog).Spec.ForProvider
	if *fl.TrafficType != "ALL" || *fl.LogDestinationType != "cloud-watch-logs" {
		t.Errorf("want ALL traffic to CloudWatch Logs, got %s to %s", *fl.TrafficType, *fl.LogDestinationType)
	}
}
