package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/internal/fakeaws"
)

// examples are the example environments, each with its XR form.
var examples = []string{"dev", "staging", "prod"}

func exampleXR(env string) string { return "../../examples/xrs/" + env + ".yaml" }

func newTestFunction(t testing.TB) *Function {
	t.Helper()
	f, err := NewFunction(logging.NewNopLogger())
	if err != nil {
		t.Fatalf("NewFunction: %v", err)
	}
	// Compliance exceptions and calendars are judged on a fixed day, so
	// golden files and results do not change with the date tests run on.
	f.now = func() time.Time { return testToday }
	return f
}

// testToday is the day the tests judge compliance on.
var testToday = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// readXR reads an XR (or any object) from a YAML file.
// xrNameOf is the name of the XR xr (as readXR returns it).
func xrNameOf(xr map[string]any) string {
	name, _ := xr["metadata"].(map[string]any)["name"].(string)
	return name
}

func readXR(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("cannot parse %s: %v", path, err)
	}
	return m
}

// newRequest is the request Crossplane sends for xr with the observed
// composed resources.
func newRequest(t testing.TB, xr map[string]any, observed map[resource.Name]resource.ObservedComposed) *fnv1.RunFunctionRequest {
	t.Helper()
	s, err := structpb.NewStruct(xr)
	if err != nil {
		t.Fatalf("cannot convert the XR: %v", err)
	}
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}, Resources: map[string]*fnv1.Resource{}}}
	for name, oc := range observed {
		rs, err := structpb.NewStruct(oc.Resource.Object)
		if err != nil {
			t.Fatalf("cannot convert observed %s: %v", name, err)
		}
		req.Observed.Resources[string(name)] = &fnv1.Resource{Resource: rs, Ready: fnv1.Ready_READY_UNSPECIFIED, ConnectionDetails: oc.ConnectionDetails}
	}
	return req
}

func run(t testing.TB, f *Function, req *fnv1.RunFunctionRequest) *fnv1.RunFunctionResponse {
	t.Helper()
	rsp, err := f.RunFunction(context.Background(), req)
	if err != nil {
		t.Fatalf("RunFunction returned an error instead of a result: %v", err)
	}
	return rsp
}

// desiredOf decodes the desired composed resources of a response.
func desiredOf(t testing.TB, rsp *fnv1.RunFunctionResponse) map[resource.Name]*resource.DesiredComposed {
	t.Helper()
	d, err := request.GetDesiredComposedResources(&fnv1.RunFunctionRequest{Desired: rsp.GetDesired()})
	if err != nil {
		t.Fatalf("cannot decode the desired composed resources: %v", err)
	}
	return d
}

func fatalOf(rsp *fnv1.RunFunctionResponse) string {
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			return r.GetMessage()
		}
	}
	return ""
}

// converged is the request for xr once every resource the function renders
// exists in AWS: it reconciles until the set of desired resources stops
// growing, as Crossplane would, with the fake provider observing each pass.
func converged(t testing.TB, f *Function, xr map[string]any) *fnv1.RunFunctionRequest {
	t.Helper()
	region := xr["spec"].(map[string]any)["region"].(string)
	account, _ := xr["spec"].(map[string]any)["accountId"].(string)
	var observed map[resource.Name]resource.ObservedComposed
	for pass := 0; pass < 8; pass++ {
		req := newRequest(t, xr, observed)
		rsp := run(t, f, req)
		if msg := fatalOf(rsp); msg != "" {
			t.Fatalf("pass %d: fatal result: %s", pass, msg)
		}
		next := fakeaws.Observe(desiredOf(t, rsp), region, account)
		if len(next) == len(observed) {
			return req
		}
		observed = next
	}
	t.Fatal("the platform did not converge in 8 reconciles")
	return nil
}
