package main

import (
	"context"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"google.golang.org/protobuf/proto"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/internal/compliance"
)

// BenchmarkRunFunction renders the prod example with every composed resource
// observed with provider-like status and the API server's metadata (the
// steady state Crossplane reconciles in): request decoding, all tiers,
// response encoding as gRPC would.
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

// BenchmarkRunFunctionVsFloor times one protobuf floor call and one
// RunFunction call in turn, each iteration, on the same bytes: on a shared
// machine the load changes between two benchmarks run one after the other,
// so the ratio of the two (run/floor) is taken here, under the same load.
// GC work one half's garbage causes may land in the other half's time.
func BenchmarkRunFunctionVsFloor(b *testing.B) {
	f := newTestFunction(b)
	reqBytes, rspBytes := prodWireBytes(b, f)
	runVsFloor(b, f, reqBytes, rspBytes)
}

// BenchmarkRunFunctionVsFloorBare is BenchmarkRunFunctionVsFloor on the
// request the benchmarks used before they sent observed resources as
// Crossplane does: without the API server's metadata and managed fields
// (half the observed bytes, which the function does not convert).
func BenchmarkRunFunctionVsFloorBare(b *testing.B) {
	f := newTestFunction(b)
	reqBytes, rspBytes := wireBytes(b, f, converged(b, f, readXR(b, exampleXR("prod"))))
	runVsFloor(b, f, reqBytes, rspBytes)
}

func runVsFloor(b *testing.B, f *Function, reqBytes, rspBytes []byte) {
	floorRsp := &fnv1.RunFunctionResponse{}
	if err := proto.Unmarshal(rspBytes, floorRsp); err != nil {
		b.Fatal(err)
	}
	var run, floor time.Duration
	for b.Loop() {
		start := time.Now()
		unmarshalRequest(b, reqBytes)
		if _, err := proto.Marshal(floorRsp); err != nil {
			b.Fatal(err)
		}
		floored := time.Now()
		rsp, err := f.RunFunction(context.Background(), unmarshalRequest(b, reqBytes))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := proto.Marshal(rsp); err != nil {
			b.Fatal(err)
		}
		run += time.Since(floored)
		floor += floored.Sub(start)
	}
	b.ReportMetric(float64(run.Nanoseconds())/float64(b.N), "run-ns/op")
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "floor-ns/op")
	b.ReportMetric(float64(run)/float64(floor), "run/floor")
}

// BenchmarkRunFunctionParallel is BenchmarkRunFunction with 16 calls in
// flight at once, as Crossplane calls one function for many XRs: ns/op is
// wall time over calls, and peak-RSS-MB the process's peak resident memory
// (VmHWM) while they run. The peak is reset after the setup where the
// kernel allows it (/proc/self/clear_refs); memory the setup's heap still
// holds counts either way.
func BenchmarkRunFunctionParallel(b *testing.B) {
	const callers = 16
	f := newTestFunction(b)
	reqBytes, _ := prodWireBytes(b, f)
	goruntime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	b.SetBytes(int64(len(reqBytes)))
	b.ReportAllocs()
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				req := &fnv1.RunFunctionRequest{}
				if err := proto.Unmarshal(reqBytes, req); err != nil {
					b.Error(err)
					return
				}
				rsp, err := f.RunFunction(context.Background(), req)
				if err != nil {
					b.Error(err)
					return
				}
				if _, err := proto.Marshal(rsp); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(peakRSSMB(b), "peak-RSS-MB")
}

// peakRSSMB is the process's VmHWM in MB.
func peakRSSMB(b *testing.B) float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Logf("no peak RSS: %v", err)
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				b.Logf("no peak RSS: %v", err)
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}

// prodWireBytes is the prod example's request at convergence as Crossplane
// sends it (observed resources with the API server's metadata and managed
// fields, see asServed) and the function's response to it.
func prodWireBytes(b *testing.B, f *Function) (req, rsp []byte) {
	b.Helper()
	return wireBytes(b, f, asServed(b, converged(b, f, readXR(b, exampleXR("prod")))))
}

func wireBytes(b *testing.B, f *Function, r *fnv1.RunFunctionRequest) (req, rsp []byte) {
	b.Helper()
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
