package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/protobuf/types/known/structpb"
)

// TestAStatefulResourceNeverDropsWhileTheSpecStands: each stateful resource
// is annotated with the digest of the spec it was rendered from. A render of
// that same spec that leaves out a stateful resource is refused with a Fatal
// result naming the resources and the missing input, and nothing is desired
// (so Crossplane changes nothing). Here the input is the account of a dev
// platform: status and spec carry none, and the VPC whose ARN would tell it
// is unobserved, so the logs key and the log groups it encrypts would drop
// out. An edited spec may drop what was rendered from the old one (a zone
// removed), and a resource never annotated has nothing to compare with.
func TestAStatefulResourceNeverDropsWhileTheSpecStands(t *testing.T) {
	f := newTestFunction(t)
	req := converged(t, f, readXR(t, exampleXR("dev")))
	// Crossplane applies the annotations; the provider reports them back.
	rsp := run(t, f, req)
	for name, d := range rsp.GetDesired().GetResources() {
		if o, ok := req.Observed.Resources[name]; ok {
			meta := d.GetResource().AsMap()["metadata"].(map[string]any)
			obs := o.GetResource().AsMap()
			obs["metadata"].(map[string]any)["annotations"] = meta["annotations"]
			s, err := structpb.NewStruct(obs)
			if err != nil {
				t.Fatal(err)
			}
			req.Observed.Resources[name] = &fnv1.Resource{Resource: s}
		}
	}
	without := func(edit func(xr map[string]any), strip bool) *fnv1.RunFunctionResponse {
		t.Helper()
		x := readXR(t, exampleXR("dev"))
		if edit != nil {
			edit(x)
		}
		r := newRequest(t, x, nil)
		for name, o := range req.Observed.Resources {
			if name == "vpc" {
				continue
			}
			if strip {
				obs := o.GetResource().AsMap()
				delete(obs["metadata"].(map[string]any), "annotations")
				s, err := structpb.NewStruct(obs)
				if err != nil {
					t.Fatal(err)
				}
				o = &fnv1.Resource{Resource: s}
			}
			r.Observed.Resources[name] = o
		}
		return run(t, f, r)
	}

	refused := without(nil, false)
	msg := fatalOf(refused)
	for _, want := range []string{"kms-key-logs (Key)", "log-group-audit (Group)", "the AWS account is unknown", "spec.accountId"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the Fatal result does not name %q: %q", want, msg)
		}
	}
	if n := len(refused.GetDesired().GetResources()); n != 0 {
		t.Errorf("a refused render desired %d resources; Crossplane must change nothing", n)
	}

	edited := without(func(x map[string]any) {
		spec(x)["tags"] = map[string]any{"CostCenter": "Payments"}
	}, false)
	if msg := fatalOf(edited); msg != "" {
		t.Errorf("an edited spec was refused: %s", msg)
	}

	if msg := fatalOf(without(nil, true)); msg != "" {
		t.Errorf("resources never annotated were refused: %s", msg)
	}
}
