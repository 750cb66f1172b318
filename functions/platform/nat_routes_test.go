package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/structpb"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// TestPrivateRoutesFollowTheNATGatewayMode: switching
// spec.network.natGateways between Single and PerZone must move every
// private route to the gateway it should use. crossplane-runtime resolves a
// selector only while its field is empty, so the routes name their gateway
// by its observed ID; a gateway not yet observed leaves the route on the one
// it holds.
func TestPrivateRoutesFollowTheNATGatewayMode(t *testing.T) {
	f := newTestFunction(t)
	natOf := func(rsp *fnv1.RunFunctionResponse, observed map[string]*fnv1.Resource) map[string]string {
		t.Helper()
		ids := map[string]string{}
		for key, o := range observed {
			m := o.GetResource().AsMap()
			if m["kind"] == "NATGateway" {
				ids[m["status"].(map[string]any)["atProvider"].(map[string]any)["id"].(string)] = key
			}
		}
		out := map[string]string{}
		for _, z := range []string{"us-west-2a", "us-west-2b", "us-west-2c"} {
			d, ok := desiredOf(t, rsp)[resourceName("route-private-nat-"+z)]
			if !ok {
				t.Fatalf("no private route in %s", z)
			}
			id, _ := d.Resource.GetString("spec.forProvider.natGatewayId")
			if id == "" {
				sel, _ := d.Resource.GetString("spec.forProvider.natGatewayIdSelector.matchLabels[platform.paynext.io/resource]")
				out[z] = "selector " + sel
				continue
			}
			out[z] = ids[id]
		}
		return out
	}
	single := converged(t, f, readXR(t, exampleXR("dev")))
	all := map[string]string{"us-west-2a": "nat-gateway-us-west-2a", "us-west-2b": "nat-gateway-us-west-2a", "us-west-2c": "nat-gateway-us-west-2a"}
	if diff := cmp.Diff(all, natOf(run(t, f, single), single.Observed.Resources)); diff != "" {
		t.Fatalf("dev (Single): every private route should use the shared gateway (-want +got):\n%s", diff)
	}

	perZone := readXR(t, exampleXR("dev"))
	net(spec(perZone))["natGateways"] = "PerZone"
	s, err := structpb.NewStruct(perZone)
	if err != nil {
		t.Fatal(err)
	}
	// The edit before the new gateways exist: routes stay where they are.
	edit := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}, Resources: single.Observed.Resources}}
	if diff := cmp.Diff(all, natOf(run(t, f, edit), single.Observed.Resources)); diff != "" {
		t.Errorf("PerZone, new gateways not yet observed: routes should stay on the shared gateway (-want +got):\n%s", diff)
	}
	// Converged: each zone's route uses its own gateway.
	after := converged(t, f, perZone)
	own := map[string]string{"us-west-2a": "nat-gateway-us-west-2a", "us-west-2b": "nat-gateway-us-west-2b", "us-west-2c": "nat-gateway-us-west-2c"}
	if diff := cmp.Diff(own, natOf(run(t, f, after), after.Observed.Resources)); diff != "" {
		t.Errorf("PerZone: each private route should use its zone's gateway (-want +got):\n%s", diff)
	}
}
