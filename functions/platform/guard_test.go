package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// TestAStatefulResourceNeverDropsWhileTheSpecStands: once a spec has been
// rendered (status.renderedSpec), a render of the same spec that leaves out
// a stateful resource it rendered before is refused with a Fatal result
// naming the resources and the missing input, and nothing is desired (so
// Crossplane changes nothing). Here the input is the account: status and
// spec carry none, and the VPC whose ARN would tell it is unobserved, so the
// logs key and the log groups it encrypts would drop out. An edited spec
// may drop resources (a zone removed), and a first render has nothing to
// compare with.
func TestAStatefulResourceNeverDropsWhileTheSpecStands(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("dev"))
	req := converged(t, f, xr)
	rsp := run(t, f, req)
	status := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	if status["renderedSpec"] == "" || status["renderedSpec"] == nil {
		t.Fatal("the render does not record the spec it was rendered from in status.renderedSpec")
	}
	withoutAccount := func(edit func(xr map[string]any)) *fnv1.RunFunctionResponse {
		t.Helper()
		x := readXR(t, exampleXR("dev"))
		x["status"] = map[string]any{"renderedSpec": status["renderedSpec"]}
		if edit != nil {
			edit(x)
		}
		r := newRequest(t, x, nil)
		r.Observed.Resources = req.Observed.Resources
		vpc := r.Observed.Resources["vpc"]
		delete(r.Observed.Resources, "vpc")
		defer func() { r.Observed.Resources["vpc"] = vpc }()
		return run(t, f, r)
	}

	refused := withoutAccount(nil)
	msg := fatalOf(refused)
	for _, want := range []string{"kms-key-logs (Key)", "log-group-audit (Group)", "the AWS account is unknown", "spec.accountId"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the Fatal result does not name %q: %q", want, msg)
		}
	}
	if n := len(refused.GetDesired().GetResources()); n != 0 {
		t.Errorf("a refused render desired %d resources; Crossplane must change nothing", n)
	}

	edited := withoutAccount(func(x map[string]any) {
		spec(x)["tags"] = map[string]any{"CostCenter": "Payments"}
	})
	if msg := fatalOf(edited); msg != "" {
		t.Errorf("an edited spec was refused: %s", msg)
	}

	first := withoutAccount(func(x map[string]any) { delete(x, "status") })
	if msg := fatalOf(first); msg != "" {
		t.Errorf("a first render was refused: %s", msg)
	}
}
