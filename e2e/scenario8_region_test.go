//go:build e2e

package e2e

import (
	"context"
	"testing"
	"time"
)

// TestClaimInALongRegionIsAccepted applies a held-out claim in eu-central-1
// (every other scenario's claims are in us-west-2): the region is in the
// names, labels and annotations of hundreds of objects, which `crossplane
// render` never validates and the API server does. It expects the same as the
// example claims: every rendered resource exists as rendered, the claim is
// Ready with the rendered status outputs and its connection secret.
func TestClaimInALongRegionIsAccepted(t *testing.T) {
	t.Parallel() // owns the eu-central-1 claim (see main_test.go)
	ctx := context.Background()
	c := claim(t, "eu-central-1")
	ensureNamespace(ctx, t, c.GetNamespace())
	applied := time.Now()
	if err := env.c.Create(ctx, c); err != nil {
		t.Fatalf("the API server refused the eu-central-1 claim: %v", err)
	}
	expectRenderedPlatform(ctx, t, "eu-central-1", c, applied)
}
