//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/paynext/platform/e2e/providerruntime"
)

// TestASecondPlatformOfTheSameAWSNamesIsRefused applies a copy of the live
// dev claim in another namespace: the same environment through the same
// ProviderConfig, so the same paynext-dev AWS names in the same account.
// Crossplane hands the function every XPayNextPlatform; the copy's XR is
// Synced=False with the function's error naming the dev claim, it composes
// nothing and reaches nothing in AWS, and the dev platform stays Ready with
// none of its resources deleted or replaced.
func TestASecondPlatformOfTheSameAWSNamesIsRefused(t *testing.T) {
	ctx := context.Background()
	first, _, before := readyPlatform(ctx, t, "dev")
	firstName := first.GetNamespace() + "/" + first.GetName()
	mark := env.journal.Len()

	c := claim(t, "dev")
	c.SetNamespace("payments-copy")
	ensureNamespace(ctx, t, c.GetNamespace())
	if err := env.c.Create(ctx, c); err != nil {
		t.Fatalf("cannot apply the copy of the dev claim: %v", err)
	}
	defer func() { _ = env.c.Delete(ctx, c) }()

	took := eventually(t, 2*time.Minute, "the copy's XR reports the function's refusal naming "+firstName, func() error {
		live := c.DeepCopy()
		if err := env.c.Get(ctx, client.ObjectKeyFromObject(c), live); err != nil {
			return err
		}
		xr, err := xrOf(ctx, live)
		if err != nil {
			return err
		}
		status, msg := conditionStatus(xr, "Synced")
		if status != "False" || !strings.Contains(msg, "platform "+firstName+" ") || !strings.Contains(msg, "paynext-dev") {
			return errorf("the copy's XR is Synced=%q: %s", status, msg)
		}
		composed, err := composedOf(ctx, xr.GetName())
		if err != nil {
			return err
		}
		if len(composed) > 0 {
			t.Errorf("the refused copy composed %d resources", len(composed))
		}
		return nil
	})
	env.record("second platform of paynext-dev refused", took)

	if err := waitConditions(ctx, env.c, first, time.Minute, "Ready", "Synced"); err != nil {
		t.Errorf("the dev claim is no longer Ready beside the refused copy: %v", err)
	}
	_, _, after := readyPlatform(ctx, t, "dev")
	for key, r := range before {
		if a, ok := after[key]; !ok || a.GetUID() != r.GetUID() {
			t.Errorf("the dev platform's %s was deleted or replaced", key)
		}
	}
	copyName := c.GetNamespace() + "/" + c.GetName()
	for _, e := range env.journal.Since(mark, nil) {
		switch {
		case e.Claim == copyName:
			t.Errorf("the refused copy reached AWS: %s", e)
		case e.Claim == firstName && e.Operation == providerruntime.Delete:
			t.Errorf("the dev platform lost a resource in AWS beside the refused copy: %s", e)
		}
	}
}
