//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const (
	refusedResource   = "flow-log-role"
	dependentResource = "flow-log"
	refusePolicy      = "e2e-refuse-sandbox-flow-log-role"
)

// TestUnresolvableSelectorNamesTheResource proves what a user sees when a
// composed resource's selector matches nothing: the resource stays
// Synced=False with the provider's reference error, and the XR's Ready
// condition names it.
//
// How a selector comes to match nothing on a live platform: the function
// renders every target it selects, so the honest way is to stop a target
// from existing, as an organisation's admission policy can. A
// ValidatingAdmissionPolicy (evaluated by the API server itself) refuses to
// create the sandbox claim's flow-log IAM role, so Crossplane can never
// create it and the VPC flow log's iamRoleArnSelector finds no Role. Only
// that one object of that one claim is refused; nothing is faked in the
// provider, and the other claims are untouched.
func TestUnresolvableSelectorNamesTheResource(t *testing.T) {
	t.Parallel() // owns the sandbox claim (see main_test.go)
	ctx := context.Background()
	refuse(ctx, t)
	defer func() {
		_ = env.c.Delete(ctx, object("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "", refusePolicy))
	}()
	defer func() {
		_ = env.c.Delete(ctx, object("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "", refusePolicy))
	}()

	c := claim(t, "sandbox")
	// A dev platform like the dev example, which runs beside it: in one
	// account the two would hold the same AWS names, and the function
	// refuses the younger. The sandbox team has its own account.
	_ = unstructured.SetNestedField(c.Object, "sandbox-account", "spec", "providerConfigRef", "name")
	ensureNamespace(ctx, t, c.GetNamespace())
	applied := time.Now()
	if err := env.c.Create(ctx, c); err != nil && !kerrors.IsAlreadyExists(err) {
		t.Fatalf("cannot apply the sandbox claim: %v", err)
	}
	defer func() { _ = env.c.Delete(ctx, c) }()

	var xr *unstructured.Unstructured
	eventually(t, time.Minute, "the claim's XR exists", func() error {
		live := c.DeepCopy()
		if err := env.c.Get(ctx, client.ObjectKeyFromObject(c), live); err != nil {
			return err
		}
		var err error
		xr, err = xrOf(ctx, live)
		return err
	})

	var synced string
	eventually(t, 5*time.Minute, "the flow log is Synced=False with the provider's reference error", func() error {
		live, err := composedOf(ctx, xr.GetName())
		if err != nil {
			return err
		}
		if _, ok := live[refusedResource]; ok {
			return fmt.Errorf("the refused %s exists", refusedResource)
		}
		fl, ok := live[dependentResource]
		if !ok {
			return fmt.Errorf("no %s yet", dependentResource)
		}
		status, msg := conditionStatus(fl, "Synced")
		if status != "False" || !strings.Contains(msg, "cannot resolve references") || !strings.Contains(msg, "no resources matched selector") {
			return fmt.Errorf("%s is Synced=%q: %s", dependentResource, status, msg)
		}
		synced = msg
		return nil
	})
	env.record("unresolvable selector: claim applied → reference error on Synced", time.Since(applied))

	var ready string
	eventually(t, 5*time.Minute, "the XR's Ready condition names the flow log", func() error {
		live := xr.DeepCopy()
		if err := env.c.Get(ctx, clientKey(xr), live); err != nil {
			return err
		}
		status, msg := conditionStatus(live, "Ready")
		if status != "False" || !slices.Contains(unreadyNames(msg), dependentResource) {
			return fmt.Errorf("XR Ready=%q: %s", status, msg)
		}
		ready = msg
		return nil
	})
	_, xrSynced := conditionStatus(xr, "Synced")

	// It stays so: a poll later (the provider re-resolves on every
	// reconcile) the flow log still cannot resolve its role.
	time.Sleep(providerPollInterval + 10*time.Second)
	live, err := composedOf(ctx, xr.GetName())
	if err != nil {
		t.Fatal(err)
	}
	if status, msg := conditionStatus(live[dependentResource], "Synced"); status != "False" || !strings.Contains(msg, "no resources matched selector") {
		t.Errorf("a poll later, %s is Synced=%q: %s; want it still unable to resolve", dependentResource, status, msg)
	}
	t.Logf("%s Synced=False: %q", dependentResource, synced)
	t.Logf("XR Ready=False: %q", ready)
	t.Logf("XR Synced: %q", xrSynced)
}

// unreadyNames reads Crossplane's "Unready resources: a, b, and 3 more".
func unreadyNames(msg string) []string {
	_, list, ok := strings.Cut(msg, "Unready resources: ")
	if !ok {
		return nil
	}
	var out []string
	for _, n := range strings.Split(list, ", ") {
		out = append(out, strings.TrimPrefix(n, "and "))
	}
	return out
}

// refuse installs the admission policy that refuses the sandbox claim's
// flow-log role and waits until the API server enforces it (a dry-run
// create of such a role is refused).
func refuse(ctx context.Context, t *testing.T) {
	t.Helper()
	policy := object("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "", refusePolicy)
	policy.Object["spec"] = map[string]any{
		"failurePolicy": "Fail",
		"matchConstraints": map[string]any{"resourceRules": []any{map[string]any{
			"apiGroups": []any{"iam.aws.upbound.io"}, "apiVersions": []any{"*"},
			"operations": []any{"CREATE"}, "resources": []any{"roles"},
		}}},
		"validations": []any{map[string]any{
			"expression": "!has(object.metadata.labels) || " +
				"!('crossplane.io/claim-name' in object.metadata.labels) || " +
				"!('platform.paynext.io/resource' in object.metadata.labels) || " +
				"object.metadata.labels['crossplane.io/claim-name'] != 'sandbox' || " +
				"object.metadata.labels['platform.paynext.io/resource'] != '" + refusedResource + "'",
			"message": "the sandbox platform may not have a flow-log role (e2e: a selector that matches nothing)",
		}},
	}
	binding := object("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "", refusePolicy)
	binding.Object["spec"] = map[string]any{"policyName": refusePolicy, "validationActions": []any{"Deny"}}
	for _, o := range []*unstructured.Unstructured{policy, binding} {
		if err := env.c.Create(ctx, o); err != nil && !kerrors.IsAlreadyExists(err) {
			t.Fatalf("cannot create %s %s: %v", o.GetKind(), o.GetName(), err)
		}
	}
	probe := object("iam.aws.upbound.io/v1beta1", "Role", "", "e2e-refusal-probe")
	probe.SetLabels(map[string]string{"crossplane.io/claim-name": "sandbox", "platform.paynext.io/resource": refusedResource})
	probe.Object["spec"] = map[string]any{"forProvider": map[string]any{"assumeRolePolicy": "{}"}}
	eventually(t, time.Minute, "the API server enforces the admission policy", func() error {
		err := env.c.Create(ctx, probe.DeepCopy(), client.DryRunAll)
		if err == nil {
			return fmt.Errorf("a flow-log role of the sandbox claim is still admitted")
		}
		if !strings.Contains(err.Error(), "ValidatingAdmissionPolicy") {
			return fmt.Errorf("refused, but not by the policy: %v", err)
		}
		return nil
	})
}
