package main

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/paynext/platform/functions/platform/internal/cidr"
	"github.com/paynext/platform/internal/awsrules"
)

// TestEachSubnetHoldsItsZonesRange: for every example and held-out claim at
// convergence, every subnet's range is the one cidr.ForZone carves for its
// own zone's letter and tier (so a zone's subnets never move when zones are
// listed differently), and every network ACL rule named for a zone's
// private subnet admits exactly that subnet's range.
func TestEachSubnetHoldsItsZonesRange(t *testing.T) {
	f := newTestFunction(t)
	for _, file := range renderFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			vpc, err := netip.ParsePrefix(spec(asXR(t, readXR(t, file)))["network"].(map[string]any)["vpcCidr"].(string))
			if err != nil {
				t.Fatal(err)
			}
			r := convergedRender(t, f, file)
			private := map[string]string{}
			subnets := r.Of("ec2.aws.upbound.io", "Subnet")
			if len(subnets) == 0 {
				t.Fatal("no subnet rendered")
			}
			for _, s := range subnets {
				zone, _ := awsrules.Dig(s.Object, "spec", "forProvider", "availabilityZone").(string)
				tier, _ := awsrules.Dig(s.Object, "spec", "forProvider", "tags", "paynext:subnet-tier").(string)
				got, _ := awsrules.Dig(s.Object, "spec", "forProvider", "cidrBlock").(string)
				carved, err := cidr.ForZone(vpc, int(zone[len(zone)-1]-'a'))
				if err != nil {
					t.Fatalf("%s: %v", awsrules.Key(s), err)
				}
				want := map[string]netip.Prefix{"public": carved.Public, "private": carved.Private, "database": carved.Database}[tier]
				if got != want.String() {
					t.Errorf("%s (%s, %s tier) holds %s; its zone's letter carves %s", awsrules.Key(s), zone, tier, got, want)
				}
				if tier == "private" {
					private[zone] = got
				}
			}
			checked := 0
			for zone, block := range private {
				for _, rule := range r.Of("ec2.aws.upbound.io", "NetworkACLRule") {
					if key := awsrules.Key(rule); key == "network-acl-database-ingress-postgres-from-private-"+zone {
						checked++
						if got, _ := awsrules.Dig(rule.Object, "spec", "forProvider", "cidrBlock").(string); got != block {
							t.Errorf("%s admits %s; the private subnet of %s is %s", key, got, zone, block)
						}
					}
				}
			}
			if len(r.Of("rds.aws.upbound.io", "Cluster")) > 0 && checked != len(private) {
				t.Errorf("checked %d database ACL rules for %d private subnets", checked, len(private))
			}
		})
	}
}
