package main

import (
	"context"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"google.golang.org/protobuf/proto"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/internal/compliance"
)

// BenchmarkRunFunction renders the prod example with every composed resource
// observed with provider-like status (the steady state Crossplane reconciles
// in): request decoding, all tiers, response encoding as gRPC would.
func BenchmarkRunFunction(b *testing.B) {
	f := newTestFunction(b)
	reqBytes, rspBytes := prodWireBytes(b, f)
	b.SetBytes(int64(len(reqBytes)))
	b.ReportAllocs()
	for b.Loop() {
		rsp, err := f.RunFunction(context.Background(), unmarshalRequest(b, reqBytes))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := proto.Marshal(rsp); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(reqBytes)), "req-bytes")
	b.ReportMetric(float64(len(rspBytes)), "rsp-bytes")
}

// BenchmarkProtoFloor is the least any function could cost on the same
// bytes: unmarshal the request and marshal a response of the same size. The
// ratio RunFunction/ProtoFloor is the function's own overhead.
func BenchmarkProtoFloor(b *testing.B) {
	f := newTestFunction(b)
	reqBytes, rspBytes := prodWireBytes(b, f)
	rsp := &fnv1.RunFunctionResponse{}
	if err := proto.Unmarshal(rspBytes, rsp); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(reqBytes)))
	b.ReportAllocs()
	for b.Loop() {
		unmarshalRequest(b, reqBytes)
		if _, err := proto.Marshal(rsp); err != nil {
			b.Fatal(err)
		}
	}
}

func prodWireBytes(b *testing.B, f *Function) (req, rsp []byte) {
	b.Helper()
	r := converged(b, f, readXR(b, exampleXR("prod")))
	req, err := proto.Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	rsp, err = proto.Marshal(run(b, f, r))
	if err != nil {
		b.Fatal(err)
	}
	return req, rsp
}

func unmarshalRequest(b *testing.B, wire []byte) *fnv1.RunFunctionRequest {
	req := &fnv1.RunFunctionRequest{}
	if err := proto.Unmarshal(wire, req); err != nil {
		b.Fatal(err)
	}
	return req
}

// BenchmarkComplianceEngine is what status.compliance costs RunFunction at
// prod convergence, as every reconcile after the first pays it (the
// function's cache holds the parsed policy documents): the render as the
// engine reads it and every control. Its ratio to BenchmarkRunFunction is
// the engine's share (target ≤ 10%).
func BenchmarkComplianceEngine(b *testing.B) {
	f := newTestFunction(b)
	req := converged(b, f, readXR(b, exampleXR("prod")))
	desired := desiredOf(b, run(b, f, req))
	observed, err := request.GetObservedComposedResources(req)
	if err != nil {
		b.Fatal(err)
	}
	var xr v1alpha1.XPayNextPlatform
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(req.GetObserved().GetComposite().GetResource().AsMap(), &xr); err != nil {
		b.Fatal(err)
	}
	in, err := compliance.InputFor(&xr.Spec, testToday)
	if err != nil {
		b.Fatal(err)
	}
	in.Policies = f.policies
	b.ReportAllocs()
	for b.Loop() {
		rep := compliance.Evaluate(renderOf(desired, platform.Observed(observed)), in)
		if len(rep.Results) == 0 {
			b.Fatal("no results")
		}
	}
}
