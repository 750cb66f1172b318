package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/paynext/platform/internal/fakeaws"
	"github.com/paynext/platform/internal/forcenew"
	"github.com/paynext/platform/internal/stateful"
)

// replaceOnlyFields are the spec.forProvider fields (and the …Ref and
// …Selector fields that set them) whose change replaces a resource of gvk,
// conditional ones included: a test cannot tell whether the provider's
// condition holds, so it treats them as replacing.
func replaceOnlyFields(t *testing.T, gvk schema.GroupVersionKind) []string {
	t.Helper()
	paths, ok := forcenew.Paths(gvk)
	if !ok {
		t.Fatalf("%s is stateful but internal/forcenew has no entry for it: run make forcenew", gvk)
	}
	var out []string
	for _, p := range paths {
		if strings.HasPrefix(p.Path, "spec.forProvider.") { // the external name is compared on its own
			out = append(out, p.Path)
			out = append(out, p.References...)
		}
	}
	return out
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
					gvk := schema.FromAPIVersionAndKind(b.Resource.GetAPIVersion(), b.Resource.GetKind())
					if !stateful.Kind(gvk.GroupKind()) {
						continue
					}
					fields := replaceOnlyFields(t, gvk)
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

// forProvider is the value at a field path (spec.forProvider.a[*].b: every
// element of list a) of a resource, printed.
func forProvider(r *resource.DesiredComposed, path string) string {
	vals := []any{r.Resource.Object}
	for _, seg := range strings.Split(path, ".") {
		name, each := strings.CutSuffix(seg, "[*]")
		var next []any
		for _, v := range vals {
			m, _ := v.(map[string]any)
			f, ok := m[name]
			if !ok {
				continue
			}
			if l, isList := f.([]any); each && isList {
				next = append(next, l...)
			} else {
				next = append(next, f)
			}
		}
		vals = next
	}
	return fmt.Sprint(vals)
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
	shared := req.Observed.Resources["nat-gateway-us-west-2b"].GetResource().AsMap()["status"].(map[string]any)["atProvider"].(map[string]any)["id"]
	if route["natGatewayId"] != shared {
		t.Errorf("the new zone's private subnet must use the existing shared gateway %v, got %v", shared, route)
	}
}
