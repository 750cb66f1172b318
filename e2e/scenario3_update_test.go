//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/e2e/providerruntime"
)

// TestClaimEditsUpdateInPlace edits the staging claim (database instance
// class, a tag, the order of the availability zones) and expects every
// change to land on the existing resources: no composed resource deleted or
// recreated (same UIDs), no external resource deleted or created.
func TestClaimEditsUpdateInPlace(t *testing.T) {
	ctx := context.Background()
	c, xr, before := readyPlatform(ctx, t, "staging")
	mark := env.journal.Len()

	const instanceClass, owner = "db.r6g.xlarge", "Payments Platform Team"
	zones, _, _ := unstructured.NestedStringSlice(c.Object, "spec", "network", "availabilityZones")
	slices.Reverse(zones)
	_ = unstructured.SetNestedField(c.Object, instanceClass, "spec", "database", "instanceClass")
	_ = unstructured.SetNestedField(c.Object, owner, "spec", "tags", "Owner")
	_ = unstructured.SetNestedStringSlice(c.Object, zones, "spec", "network", "availabilityZones")
	edited := time.Now()
	if err := env.c.Update(ctx, c); err != nil {
		t.Fatalf("cannot edit the staging claim: %v", err)
	}

	took := eventually(t, 5*time.Minute, "the edits reach every composed resource", func() error {
		live, err := composedOf(ctx, xr.GetName())
		if err != nil {
			return err
		}
		instances := 0
		for key, r := range live {
			if r.GetKind() == "ClusterInstance" {
				instances++
				if got, _, _ := unstructured.NestedString(r.Object, "spec", "forProvider", "instanceClass"); got != instanceClass {
					return fmt.Errorf("%s has instance class %q", key, got)
				}
			}
			if tags, found, _ := unstructured.NestedStringMap(r.Object, "spec", "forProvider", "tags"); found && tags["Owner"] != owner {
				return fmt.Errorf("%s is tagged Owner=%q", key, tags["Owner"])
			}
		}
		if instances == 0 {
			return fmt.Errorf("no Aurora instances")
		}
		return nil
	})
	env.record("update: claim edited → every resource updated", took)
	if err := waitConditions(ctx, env.c, c, 2*time.Minute, "Ready", "Synced"); err != nil {
		t.Fatalf("the edited claim is not Ready: %v", err)
	}
	claimName := c.GetNamespace() + "/" + c.GetName()
	ofClaim := func(e providerruntime.Event) bool { return e.Claim == claimName }
	settles(t, mark, claimName, "the staging platform")

	after, err := composedOf(ctx, xr.GetName())
	if err != nil {
		t.Fatal(err)
	}
	for key, b := range before {
		a, ok := after[key]
		switch {
		case !ok:
			t.Errorf("%s (%s) was removed by an in-place edit", key, b.GetKind())
		case a.GetUID() != b.GetUID():
			t.Errorf("%s (%s) was recreated: UID %s became %s", key, b.GetKind(), b.GetUID(), a.GetUID())
		}
	}
	for key, a := range after {
		if _, ok := before[key]; !ok {
			t.Errorf("%s (%s) appeared from an in-place edit", key, a.GetKind())
		}
	}
	ops := env.journal.Since(mark, ofClaim)
	updated := 0
	for _, e := range ops {
		switch e.Operation {
		case providerruntime.Update:
			updated++
		default:
			t.Errorf("an in-place edit caused an external %s", e)
		}
	}
	if updated == 0 {
		t.Errorf("the provider runtime recorded no external update after the edit")
	}
	t.Logf("edit applied in place: %d resources kept their UIDs, %d external updates, in %s", len(before), updated, time.Since(edited).Round(time.Second))
}

// TestEditsAWSCannotFollowAreRefusedOrNamed edits the live staging claim
// the ways AWS cannot follow. The API server refuses the edits the XRD's
// transition rules forbid (environment, VPC range, a Kubernetes downgrade),
// naming the field, and nothing changes. An edit of a field AWS can change
// only by replacing the resource (the workload node group's capacity type)
// is admitted; the provider runtime refuses the update as upjet does
// (Synced=False, retried, Ready still True), and the function names the
// resource and the field in a Warning event on the claim. Reverting the edit
// brings the node group back to Synced.
func TestEditsAWSCannotFollowAreRefusedOrNamed(t *testing.T) {
	ctx := context.Background()
	c, xr, _ := readyPlatform(ctx, t, "staging")
	for _, tc := range []struct {
		field string
		value any
		path  []string
	}{
		{"spec.environment", "prod", []string{"spec", "environment"}},
		{"spec.network.vpcCidr", "10.9.0.0/16", []string{"spec", "network", "vpcCidr"}},
		{"spec.kubernetes.version", "1.31", []string{"spec", "kubernetes", "version"}},
	} {
		e := c.DeepCopy()
		_ = unstructured.SetNestedField(e.Object, tc.value, tc.path...)
		err := env.c.Update(ctx, e)
		switch {
		case err == nil:
			t.Errorf("the API server admitted %s = %v on a live claim", tc.field, tc.value)
			c = liveClaim(ctx, t, "staging")
			_ = unstructured.SetNestedField(c.Object, claimValue(t, tc.path), tc.path...)
			if err := env.c.Update(ctx, c); err != nil {
				t.Fatalf("cannot revert %s: %v", tc.field, err)
			}
		case !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), tc.field):
			t.Errorf("%s = %v: want Invalid naming %s, got %v", tc.field, tc.value, tc.field, err)
		default:
			t.Logf("refused as it should be: %v", err)
		}
	}

	const key = "eks-node-group-workload"
	c = liveClaim(ctx, t, "staging")
	_ = unstructured.SetNestedField(c.Object, "ON_DEMAND", "spec", "kubernetes", "workloadCapacityType")
	if err := env.c.Update(ctx, c); err != nil {
		t.Fatalf("cannot set spec.kubernetes.workloadCapacityType: %v", err)
	}
	took := eventually(t, 5*time.Minute, key+" refused by the provider and named on the claim", func() error {
		live, err := composedOf(ctx, xr.GetName())
		if err != nil {
			return err
		}
		ng, ok := live[key]
		if !ok {
			return fmt.Errorf("no %s", key)
		}
		if s, msg := conditionStatus(ng, "Synced"); s != "False" || !strings.Contains(msg, "requires replacing it") || !strings.Contains(msg, "capacity_type") {
			return fmt.Errorf("%s is Synced=%s: %s", key, s, msg)
		}
		if s, _ := conditionStatus(ng, "Ready"); s != "True" {
			return fmt.Errorf("%s is Ready=%s; upjet leaves it True", key, s)
		}
		for _, m := range warningEvents(ctx, t)[c.GetName()] {
			if strings.Contains(m, key+" (NodeGroup)") && strings.Contains(m, "spec.forProvider.capacityType") {
				return nil
			}
		}
		return fmt.Errorf("no Warning event on claim %s names %s and spec.forProvider.capacityType", c.GetName(), key)
	})
	env.record("guardrails: replace-only edit → provider refuses, claim warned", took)

	c = liveClaim(ctx, t, "staging")
	unstructured.RemoveNestedField(c.Object, "spec", "kubernetes", "workloadCapacityType")
	if err := env.c.Update(ctx, c); err != nil {
		t.Fatalf("cannot revert spec.kubernetes.workloadCapacityType: %v", err)
	}
	eventually(t, 5*time.Minute, key+" Synced again once the edit is reverted", func() error {
		live, err := composedOf(ctx, xr.GetName())
		if err != nil {
			return err
		}
		if s, msg := conditionStatus(live[key], "Synced"); s != "True" {
			return fmt.Errorf("%s is Synced=%s: %s", key, s, msg)
		}
		return nil
	})
	if err := waitConditions(ctx, env.c, c, 5*time.Minute, "Ready", "Synced"); err != nil {
		t.Errorf("the staging claim is not Ready after the revert: %v", err)
	}
	t.Logf("replace-only edit refused by the provider and named on the claim %s after the edit", took.Round(time.Second))
}

// claimValue is the example claim's value at path.
func claimValue(t *testing.T, path []string) any {
	v, _, _ := unstructured.NestedFieldCopy(claim(t, "staging").Object, path...)
	return v
}
