//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/e2e/providerruntime"
)

// dataKinds hold card data or protect it: a prod delete must never delete
// them in AWS.
var dataKinds = []string{
	"kms.aws.upbound.io/Key",
	"rds.aws.upbound.io/Cluster",
	"s3.aws.upbound.io/Bucket",
	"efs.aws.upbound.io/FileSystem",
	"backup.aws.upbound.io/Vault",
	"secretsmanager.aws.upbound.io/Secret",
}

// TestDeletingTheDevClaimRemovesEverything deletes the dev claim and expects
// every composed resource gone from the API server and deleted in AWS.
func TestDeletingTheDevClaimRemovesEverything(t *testing.T) {
	ctx := context.Background()
	_, live, ops := deleteClaim(ctx, t, "dev")
	deleted := map[string]bool{}
	for _, e := range ops {
		if e.Operation == providerruntime.Delete {
			deleted[e.UID] = true
		}
	}
	for key, r := range live {
		if r.GroupVersionKind() == clusterUsage {
			continue // Crossplane's, not AWS's
		}
		if !deleted[string(r.GetUID())] {
			t.Errorf("%s (%s) left the API server without its external resource being deleted", key, r.GetKind())
		}
	}
}

// TestDeletingTheProdClaimKeepsDataStoresAndKeys deletes the prod claim and
// expects no external delete of any data store or key: prod orphans them.
func TestDeletingTheProdClaimKeepsDataStoresAndKeys(t *testing.T) {
	ctx := context.Background()
	_, live, ops := deleteClaim(ctx, t, "prod")
	present := map[string]int{}
	for _, r := range live {
		present[r.GroupVersionKind().Group+"/"+r.GetKind()]++
	}
	for _, k := range dataKinds {
		if present[k] == 0 {
			t.Errorf("prod composed no %s: the test would prove nothing about it", k)
		}
	}
	deletes := 0
	for _, e := range ops {
		if e.Operation != providerruntime.Delete {
			continue
		}
		deletes++
		for _, k := range dataKinds {
			if e.Kind == k {
				t.Errorf("deleting the prod claim deleted a data store or key in AWS: %s", e)
			}
		}
	}
	// Stateless resources do go: an orphan-everything prod would pass the
	// check above and still be wrong.
	if deletes == 0 {
		t.Errorf("deleting the prod claim deleted nothing in AWS; stateless resources should go")
	}
	t.Logf("prod delete: %d external deletes, none of the %d data stores and keys", deletes, sum(present, dataKinds))
}

func sum(m map[string]int, keys []string) int {
	n := 0
	for _, k := range keys {
		n += m[k]
	}
	return n
}

// deleteClaim deletes a Ready example claim and waits until the claim, its XR
// and every composed resource are gone. It returns what was composed and the
// fake provider's operations meanwhile.
func deleteClaim(ctx context.Context, t *testing.T, name string) (*unstructured.Unstructured, map[string]*unstructured.Unstructured, []providerruntime.Event) {
	t.Helper()
	c, xr, live := readyPlatform(ctx, t, name)
	mark := env.journal.Len()
	if err := env.c.Delete(ctx, c); err != nil {
		t.Fatalf("cannot delete the %s claim: %v", name, err)
	}
	// The garbage collector cascades from the XR to composed resources; it
	// learns new CRDs on a 30 s discovery refresh, hence the margin.
	// Usages hold what is used until its users are gone; Crossplane's usage
	// controller looks every 30 s, so deletion takes a few rounds of that.
	took := eventually(t, 10*time.Minute, "the "+name+" platform is gone", func() error {
		left, err := composedOf(ctx, xr.GetName())
		if err != nil {
			return err
		}
		if len(left) > 0 {
			return fmt.Errorf("%d composed resources remain", len(left))
		}
		if err := env.c.Get(ctx, clientKey(xr), xr.DeepCopy()); err == nil {
			return fmt.Errorf("the XR remains")
		}
		if err := env.c.Get(ctx, clientKey(c), c.DeepCopy()); err == nil {
			return fmt.Errorf("the claim remains")
		}
		return nil
	})
	env.record(fmt.Sprintf("%s: claim deleted → all %d resources gone", name, len(live)), took)
	claimName := c.GetNamespace() + "/" + c.GetName()
	ops := env.journal.Since(mark, func(e providerruntime.Event) bool { return e.Claim == claimName })
	deletedInUsageOrder(t, name, live, ops)
	return c, live, ops
}

// deletedInUsageOrder checks the journal against the usages as Crossplane
// resolved them (spec.by and spec.of resourceRef, filled by its usage
// controller): no resource was deleted in AWS before a resource that uses
// it. A resource kept in AWS (orphaned) has no delete to order.
func deletedInUsageOrder(t *testing.T, name string, live map[string]*unstructured.Unstructured, ops []providerruntime.Event) {
	t.Helper()
	deletedAt := map[string]int{}
	for i, e := range ops {
		if e.Operation == providerruntime.Delete {
			deletedAt[e.Name] = i
		}
	}
	usages, checked := 0, 0
	for key, u := range live {
		if u.GroupVersionKind() != clusterUsage {
			continue
		}
		usages++
		by, _, _ := unstructured.NestedString(u.Object, "spec", "by", "resourceRef", "name")
		of, _, _ := unstructured.NestedString(u.Object, "spec", "of", "resourceRef", "name")
		if by == "" || of == "" {
			t.Errorf("%s: Crossplane never resolved the usage (by %q, of %q)", key, by, of)
			continue
		}
		byAt, byDeleted := deletedAt[by]
		ofAt, ofDeleted := deletedAt[of]
		switch {
		case ofDeleted && !byDeleted:
			// The user was kept in AWS (orphaned) while what it uses went:
			// only a prod data store can be kept, and it uses no deleted kind.
			t.Errorf("%s: %s was deleted in AWS while its user %s was kept", key, of, by)
		case ofDeleted && ofAt < byAt:
			t.Errorf("%s: %s was deleted in AWS before %s, which uses it", key, of, by)
		case ofDeleted:
			checked++
		}
	}
	if usages == 0 {
		t.Errorf("the %s platform composed no usages", name)
	}
	t.Logf("%s delete: %d usages, %d of them ordered two deletes in AWS", name, usages, checked)
}
