//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

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
