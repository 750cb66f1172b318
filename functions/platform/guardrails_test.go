package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/paynext/platform/functions/platform/internal/monitoring"
)

// withStatus returns req with the observed XR's status set to what the
// function desired for it in rsp, as Crossplane would apply it.
func withStatus(t *testing.T, req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse) *fnv1.RunFunctionRequest {
	t.Helper()
	xr := req.GetObserved().GetComposite().GetResource().AsMap()
	xr["status"] = rsp.GetDesired().GetComposite().GetResource().AsMap()["status"]
	s, err := structpb.NewStruct(xr)
	if err != nil {
		t.Fatal(err)
	}
	req.Observed.Composite = &fnv1.Resource{Resource: s}
	return req
}

// edited returns req with the observed XR's spec changed by edit.
func edited(t *testing.T, req *fnv1.RunFunctionRequest, edit func(spec map[string]any)) *fnv1.RunFunctionRequest {
	t.Helper()
	xr := req.GetObserved().GetComposite().GetResource().AsMap()
	edit(xr["spec"].(map[string]any))
	s, err := structpb.NewStruct(xr)
	if err != nil {
		t.Fatal(err)
	}
	out := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}, Resources: req.GetObserved().GetResources()}}
	return out
}

// TestTheFunctionRefusesWhatTheXRDRefuses: the function records in
// status.builtWith what the platform was built with, and refuses a spec that
// moves away from it where AWS cannot follow (the XRD's transition rules,
// for an XR that did not pass through them), with a Fatal result naming the
// field and nothing desired. An edit AWS makes in place renders.
// apis/platform/xrdcheck's TestClaimEditsAWSCannotFollowAreRefused holds
// every such check equal to the XRD's, word for word.
func TestTheFunctionRefusesWhatTheXRDRefuses(t *testing.T) {
	f := newTestFunction(t)
	req := converged(t, f, readXR(t, exampleXR("prod")))
	req = withStatus(t, req, run(t, f, req))
	built := req.GetObserved().GetComposite().GetResource().AsMap()["status"].(map[string]any)["builtWith"].(map[string]any)
	if built["environment"] != "prod" || built["kubernetesVersion"] == "" || built["vpcCidr"] == "" {
		t.Fatalf("status.builtWith does not record the spec it was built from: %v", built)
	}
	for name, tc := range map[string]struct {
		edit  func(spec map[string]any)
		field string // "" for an edit that renders
	}{
		"environment":      {func(s map[string]any) { s["environment"] = "staging" }, "spec.environment"},
		"VPC range":        {func(s map[string]any) { net(s)["vpcCidr"] = "10.9.0.0/16" }, "spec.network.vpcCidr"},
		"cluster name":     {func(s map[string]any) { sub(s, "kubernetes")["clusterName"] = "payments" }, "spec.kubernetes.clusterName"},
		"a zone from prod": {func(s map[string]any) { net(s)["availabilityZones"] = []any{"us-west-2a", "us-west-2b"} }, "spec.network.availabilityZones"},
		"a tag":            {func(s map[string]any) { s["tags"] = map[string]any{"CostCenter": "Payments"} }, ""},
	} {
		t.Run(name, func(t *testing.T) {
			rsp := run(t, f, edited(t, req, tc.edit))
			msg := fatalOf(rsp)
			if tc.field == "" {
				if msg != "" {
					t.Fatalf("an edit AWS makes in place was refused: %s", msg)
				}
				return
			}
			if !strings.Contains(msg, tc.field) || !strings.Contains(msg, "status.builtWith") {
				t.Errorf("want a Fatal result naming %s and status.builtWith, got %q", tc.field, msg)
			}
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("a refused edit desired %d resources; Crossplane must change nothing", n)
			}
		})
	}
}

// TestAnXROfAnotherVersionIsRefused: an XR of an API version this build does
// not know is refused by name, not decoded as v1alpha1 (which would drop
// the fields it does not know).
func TestAnXROfAnotherVersionIsRefused(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("dev"))
	xr["apiVersion"] = "platform.paynext.io/v1beta1"
	rsp := run(t, f, newRequest(t, xr, nil))
	if msg := fatalOf(rsp); !strings.Contains(msg, "platform.paynext.io/v1beta1") || !strings.Contains(msg, "v1alpha1") {
		t.Errorf("want a Fatal result naming both versions, got %q", msg)
	}
	if n := len(rsp.GetDesired().GetResources()); n != 0 {
		t.Errorf("an XR of an unknown version desired %d resources", n)
	}
}

// TestAccountServicesHandedOverStayInAWS: turning
// spec.monitoring.accountServices from Managed to External must not delete
// GuardDuty, Security Hub, the Config recorder or AWS Backup's region
// settings from the account. Each one
// still composed is rendered with deletionPolicy Orphan first, and dropped
// (so Crossplane deletes only the managed resource) once observed so.
func TestAccountServicesHandedOverStayInAWS(t *testing.T) {
	f := newTestFunction(t)
	req := converged(t, f, readXR(t, exampleXR("prod")))
	external := func(s map[string]any) { sub(s, "monitoring")["accountServices"] = "External" }
	services := []string{monitoring.KeyDetector, monitoring.KeySecurityHub, monitoring.KeyConfigRecorder, "backup-region-settings"}

	first := run(t, f, edited(t, req, external))
	if msg := fatalOf(first); msg != "" {
		t.Fatal(msg)
	}
	desired := desiredOf(t, first)
	for _, key := range services {
		d, ok := desired[resourceName(key)]
		if !ok {
			t.Errorf("%s was dropped at once: Crossplane would delete it from the account", key)
			continue
		}
		if p, _ := d.Resource.GetString("spec.deletionPolicy"); p != "Orphan" {
			t.Errorf("%s is handed over with deletionPolicy %q, want Orphan", key, p)
		}
	}

	// Crossplane applies the policy; the provider reports it back.
	observed := map[string]*fnv1.Resource{}
	for name, o := range req.GetObserved().GetResources() {
		observed[name] = o
		if d, ok := desired[resourceName(name)]; ok {
			if p, _ := d.Resource.GetString("spec.deletionPolicy"); p == "Orphan" {
				obs := o.GetResource().AsMap()
				obs["spec"].(map[string]any)["deletionPolicy"] = "Orphan"
				s, err := structpb.NewStruct(obs)
				if err != nil {
					t.Fatal(err)
				}
				observed[name] = &fnv1.Resource{Resource: s}
			}
		}
	}
	next := edited(t, req, external)
	next.Observed.Resources = observed
	second := desiredOf(t, run(t, f, next))
	for _, key := range services {
		if _, ok := second[resourceName(key)]; ok {
			t.Errorf("%s is still composed after it was orphaned: the hand-over never finishes", key)
		}
	}
}

func resourceName(key string) resource.Name { return resource.Name(key) }
