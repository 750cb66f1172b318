package main

import (
	"maps"
	"slices"
	"testing"
	"time"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// TestResponseTTLIsTheConfiguredOne: Crossplane requeues an XR after the
// response's TTL, so the one --ttl sets is the one every response carries,
// a Fatal one included; without the flag it is the SDK's default minute.
func TestResponseTTLIsTheConfiguredOne(t *testing.T) {
	cases := []struct {
		name  string
		ttl   time.Duration
		xr    map[string]any
		fatal bool
	}{
		{"the default, on the dev example", 0, readXR(t, exampleXR("dev")), false},
		{"ten minutes, on the prod example", 10 * time.Minute, readXR(t, exampleXR("prod")), false},
		{"five minutes, on an XR refused as Fatal", 5 * time.Minute, map[string]any{"apiVersion": "platform.paynext.io/v1alpha1", "kind": "XPayNextPlatform", "metadata": map[string]any{"name": "broken"}, "spec": map[string]any{"environment": "nope"}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newTestFunction(t)
			want := response.DefaultTTL
			if c.ttl != 0 {
				f.ttl, want = c.ttl, c.ttl
			}
			rsp := run(t, f, newRequest(t, c.xr, nil))
			if fatal := fatalOf(rsp) != ""; fatal != c.fatal {
				t.Fatalf("expected a Fatal result: %t, got %q", c.fatal, fatalOf(rsp))
			}
			if got := rsp.GetMeta().GetTtl().AsDuration(); got != want {
				t.Errorf("expected the response to carry a TTL of %s, got %s", want, got)
			}
		})
	}
}

// TestReadyTTLOnceEveryResourceIsReady: with --ready-ttl, a platform whose
// composed resources are all observed Ready gets the longer TTL; one being
// created, or with any resource not Ready, keeps --ttl, so what waits for
// AWS's answers is rendered as soon as before. Without the flag every
// response carries --ttl.
func TestReadyTTLOnceEveryResourceIsReady(t *testing.T) {
	const ttl, readyTTL = 30 * time.Second, 10 * time.Minute
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("prod"))
	converged := converged(t, f, xr)
	notReady := proto.Clone(converged).(*fnv1.RunFunctionRequest)
	keys := slices.Sorted(maps.Keys(notReady.GetObserved().GetResources()))
	notReady.GetObserved().GetResources()[keys[0]].GetResource().GetFields()["status"] = structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{
		"conditions": structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{
			"type": structpb.NewStringValue("Ready"), "status": structpb.NewStringValue("False"), "reason": structpb.NewStringValue("Creating"),
		}})}}),
	}})
	cases := []struct {
		name     string
		readyTTL time.Duration
		req      *fnv1.RunFunctionRequest
		want     time.Duration
	}{
		{"every resource Ready", readyTTL, converged, readyTTL},
		{"first render, nothing observed", readyTTL, newRequest(t, xr, nil), ttl},
		{"one resource not Ready (" + keys[0] + ")", readyTTL, notReady, ttl},
		{"every resource Ready, no --ready-ttl", 0, converged, ttl},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.ttl, f.readyTTL = ttl, c.readyTTL
			rsp := run(t, f, c.req)
			if msg := fatalOf(rsp); msg != "" {
				t.Fatal(msg)
			}
			if got := rsp.GetMeta().GetTtl().AsDuration(); got != c.want {
				t.Errorf("expected a TTL of %s, got %s", c.want, got)
			}
		})
	}
}
