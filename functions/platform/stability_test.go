package main

import (
	"fmt"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/internal/fakeaws"
)

// immutable are the fields of stateful kinds that AWS can change only by
// replacing the resource (and so losing its data), by kind.
var immutable = map[string][]string{
	"Cluster":         {"engine", "engineMode", "databaseName", "masterUsername", "storageEncrypted", "kmsKeyIdSelector", "dbSubnetGroupNameSelector", "port"},
	"ClusterInstance": {"availabilityZone", "engine", "clusterIdentifierSelector"},
	"Bucket":          {"region", "objectLockEnabled"},
	"Key":             {"region", "keyUsage", "customerMasterKeySpec", "multiRegion"},
	"Group":           {"region", "kmsKeyIdSelector"},
	"Secret":          {"region", "name"},
	"FileSystem":      {"region", "creationToken", "encrypted", "kmsKeyIdSelector", "performanceMode"},
	"Vault":           {"region", "kmsKeyArnSelector"},
	"VPC":             {"cidrBlock", "region"},
	"Subnet":          {"cidrBlock", "availabilityZone", "region"},
}

// TestDataStoresSurviveClaimEdits renders every example at convergence, then
// again after each edit a team makes to a live platform, and fails if any
// stateful resource disappears, changes its key or external name, or has a
// field changed that AWS can only change by replacing it. The platforms
// start in zones b, c and d, so that listing zone a adds a zone that sorts
// first: anything keyed or named by its position in the zone list moves.
func TestDataStoresSurviveClaimEdits(t *testing.T) {
	baseZones := []any{"us-west-2b", "us-west-2c", "us-west-2d"}
	edits := map[string]func(s map[string]any){
		"InstanceClass":  func(s map[string]any) { sub(s, "database")["instanceClass"] = "db.r7g.2xlarge" },
		"ZoneOrder":      func(s map[string]any) { net(s)["availabilityZones"] = []any{"us-west-2d", "us-west-2b", "us-west-2c"} },
		"Tags":           func(s map[string]any) { sub(s, "tags")["DataClassification"] = "PCI" },
		"Retention":      func(s map[string]any) { s["logging"] = map[string]any{"retentionDays": 3653.0} },
		"AddEarlierZone": func(s map[string]any) { net(s)["availabilityZones"] = append([]any{"us-west-2a"}, baseZones...) },
		"BackupWindow":   func(s map[string]any) { sub(s, "database")["backupRetentionDays"] = 30.0 },
	}
	f := newTestFunction(t)
	for _, env := range examples {
		xr := readXR(t, exampleXR(env))
		spec(xr)["accountId"] = fakeaws.AccountID
		net(spec(xr))["availabilityZones"] = baseZones
		req := converged(t, f, xr)
		before := desiredOf(t, run(t, f, req))
		for name, edit := range edits {
			t.Run(env+"/"+name, func(t *testing.T) {
				edited := readXR(t, exampleXR(env))
				spec(edited)["accountId"] = fakeaws.AccountID
				net(spec(edited))["availabilityZones"] = baseZones
				edit(spec(edited))
				req.Observed.Composite = newRequest(t, edited, nil).Observed.Composite
				after := desiredOf(t, run(t, f, req))
				for key, b := range before {
					fields, stateful := immutable[b.Resource.GetKind()]
					if !stateful {
						continue
					}
					a, ok := after[key]
					if !ok {
						t.Errorf("%s: the edit removed stateful resource %s", name, key)
						continue
					}
					if bn, an := b.Resource.GetAnnotations()["crossplane.io/external-name"], a.Resource.GetAnnotations()["crossplane.io/external-name"]; bn != an {
						t.Errorf("%s: %s changed its AWS name %q → %q", name, key, bn, an)
					}
					for _, field := range fields {
						if bv, av := forProvider(b, field), forProvider(a, field); bv != av {
							t.Errorf("%s: %s.%s changed %s → %s, which AWS can only do by replacing it", name, key, field, bv, av)
						}
					}
				}
			})
		}
	}
}

func forProvider(r *resource.DesiredComposed, field string) string {
	fp, _ := r.Resource.Object["spec"].(map[string]any)["forProvider"].(map[string]any)
	return fmt.Sprint(fp[field])
}

// TestNothingIsDroppedWhileAPrecursorIsUnobserved: resources that wait for
// observed state (the cluster for its key, node groups for the launch
// template, IRSA for the issuer, the proxy for the master secret, the WAF
// association for the load balancer, everything for the account) must stay
// desired when that precursor's MR is briefly gone
// (deleted by hand, being recreated): dropping them would delete them.
func TestNothingIsDroppedWhileAPrecursorIsUnobserved(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("prod"))
	req := converged(t, f, xr)
	rsp := run(t, f, req)
	// Crossplane feeds the XR's status back: the learned account lives there.
	xr["status"] = rsp.GetDesired().GetComposite().GetResource().AsMap()["status"]
	req.Observed.Composite = newRequest(t, xr, nil).Observed.Composite
	want := desiredOf(t, rsp)
	precursors := map[string]bool{"Key": true, "LaunchTemplate": true, "Cluster": true, "VPC": true, "LB": true}
	for name, oc := range req.Observed.Resources {
		kind, _ := oc.GetResource().AsMap()["kind"].(string)
		if !precursors[kind] {
			continue
		}
		t.Run(name, func(t *testing.T) {
			removed := req.Observed.Resources[name]
			delete(req.Observed.Resources, name)
			defer func() { req.Observed.Resources[name] = removed }()
			got := desiredOf(t, run(t, f, req))
			for key, d := range want {
				// Alarms carry no state; one may wait for its metric's owner.
				if d.Resource.GetKind() == "MetricAlarm" {
					continue
				}
				if _, ok := got[key]; !ok {
					t.Errorf("with %s unobserved, %s dropped out of the desired state: Crossplane would delete it", name, key)
				}
			}
		})
	}
}

// TestListingAnEarlierZoneMovesNothing: dev keeps one NAT gateway and one
// Aurora instance in a single zone. Listing a zone that sorts before it must
// leave both where they are (moving them replaces them, and the NAT
// gateway's public address with it).
func TestListingAnEarlierZoneMovesNothing(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("dev"))
	spec(xr)["accountId"] = fakeaws.AccountID
	net(spec(xr))["availabilityZones"] = []any{"us-west-2b", "us-west-2c"}
	req := converged(t, f, xr)

	edited := readXR(t, exampleXR("dev"))
	spec(edited)["accountId"] = fakeaws.AccountID
	net(spec(edited))["availabilityZones"] = []any{"us-west-2a", "us-west-2b", "us-west-2c"}
	req.Observed.Composite = newRequest(t, edited, nil).Observed.Composite
	got := desiredOf(t, run(t, f, req))
	for _, key := range []string{"nat-gateway-us-west-2b", "eip-nat-us-west-2b", "aurora-instance-us-west-2b"} {
		if _, ok := got[resource.Name(key)]; !ok {
			t.Errorf("%s dropped after listing us-west-2a: it must stay where it runs", key)
		}
	}
	for _, key := range []string{"nat-gateway-us-west-2a", "aurora-instance-us-west-2a"} {
		if _, ok := got[resource.Name(key)]; ok {
			t.Errorf("%s rendered: dev's single NAT gateway and instance must not move to the new zone", key)
		}
	}
	route := got["route-private-nat-us-west-2a"].Resource.Object["spec"].(map[string]any)["forProvider"].(map[string]any)
	if sel := route["natGatewayIdSelector"].(map[string]any)["matchLabels"].(map[string]any); sel[platform.LabelResource] != "nat-gateway-us-west-2b" {
		t.Errorf("the new zone's private subnet must use the existing shared gateway, got %v", sel)
	}
}
