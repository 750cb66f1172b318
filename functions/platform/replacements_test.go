package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/structpb"
)

func warningsOf(rsp *fnv1.RunFunctionResponse) []string {
	var out []string
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
			out = append(out, r.GetMessage())
		}
	}
	return out
}

func containing(msgs []string, sub string) []string {
	var out []string
	for _, m := range msgs {
		if strings.Contains(m, sub) {
			out = append(out, m)
		}
	}
	return out
}

// TestReplaceOnlyEditsWarnOnTheClaim: a claim edit that changes a field AWS
// can change only by replacing the resource (the node groups' instance
// types: instance_types is ForceNew in the provider's Terraform schema) is
// named in a Warning on the XR and the claim, resource and field, and so is
// a resource the provider already refuses to update; a converged platform
// warns of nothing.
func TestReplaceOnlyEditsWarnOnTheClaim(t *testing.T) {
	f := newTestFunction(t)
	for _, env := range []string{"dev", "staging", "prod"} {
		req := converged(t, f, readXR(t, exampleXR(env)))
		if got := containing(warningsOf(run(t, f, req)), "replacing"); len(got) > 0 {
			t.Errorf("%s: a converged platform warns of replacements: %v", env, got)
		}
	}

	req := converged(t, f, readXR(t, exampleXR("dev")))
	rsp := run(t, f, edited(t, req, func(s map[string]any) { sub(s, "kubernetes")["nodeInstanceType"] = "m6i.large" }))
	var keys []string
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() != fnv1.Severity_SEVERITY_WARNING || !strings.Contains(r.GetMessage(), "spec.forProvider.instanceTypes") {
			continue
		}
		if r.GetTarget() != fnv1.Target_TARGET_COMPOSITE_AND_CLAIM {
			t.Errorf("the warning targets %v, want the XR and the claim", r.GetTarget())
		}
		keys = append(keys, strings.SplitN(r.GetMessage(), " ", 2)[0])
	}
	if diff := cmp.Diff([]string{"eks-node-group-system", "eks-node-group-workload"}, keys); diff != "" {
		t.Errorf("want a warning naming instanceTypes for each node group (-want +got):\n%s", diff)
	}

	// A zone added: the load balancer's subnets follow, which AWS does in
	// place for an application load balancer (the replacement the table
	// marks is conditional on a network load balancer), so no warning.
	withZone := map[string]*fnv1.Resource{}
	for name, o := range req.GetObserved().GetResources() {
		withZone[name] = o
		if name == "alb" {
			obs := o.GetResource().AsMap()
			fp := obs["spec"].(map[string]any)["forProvider"].(map[string]any)
			subnets := fp["subnets"].([]any)
			fp["subnets"] = subnets[:len(subnets)-1]
			s, err := structpb.NewStruct(obs)
			if err != nil {
				t.Fatal(err)
			}
			withZone[name] = &fnv1.Resource{Resource: s}
		}
	}
	if _, ok := withZone["alb"]; !ok {
		t.Fatal("the dev example renders no alb")
	}
	zoneAdded := edited(t, req, func(map[string]any) {})
	zoneAdded.Observed.Resources = withZone
	if got := containing(warningsOf(run(t, f, zoneAdded)), "alb (LB)"); len(got) > 0 {
		t.Errorf("new subnets of an application load balancer were warned as a replacement: %q", got)
	}

	// The edit applied, the provider refusing it: the warning stays.
	stuck := `update failed: refuse to update the external resource because the following update requires replacing it: cannot change the value of the argument "instance_types.0" from "t3.medium" to "m6i.large"`
	observed := map[string]*fnv1.Resource{}
	for name, o := range req.GetObserved().GetResources() {
		observed[name] = o
		if name == "eks-node-group-workload" {
			obs := o.GetResource().AsMap()
			obs["status"].(map[string]any)["conditions"] = []any{map[string]any{"type": "Synced", "status": "False", "reason": "ReconcileError", "message": stuck}}
			s, err := structpb.NewStruct(obs)
			if err != nil {
				t.Fatal(err)
			}
			observed[name] = &fnv1.Resource{Resource: s}
		}
	}
	next := edited(t, req, func(map[string]any) {})
	next.Observed.Resources = observed
	got := containing(warningsOf(run(t, f, next)), "cannot be updated")
	if len(got) != 1 || !strings.HasPrefix(got[0], "eks-node-group-workload (NodeGroup) cannot be updated: "+stuck) {
		t.Errorf("want one warning quoting the provider's refusal for eks-node-group-workload, got %q", got)
	}
}
