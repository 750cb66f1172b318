package main

import (
	"testing"
	"time"

	"github.com/crossplane/function-sdk-go/response"
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
