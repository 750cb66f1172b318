//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/paynext/platform/apis/platform/v1alpha1/invalidspec"
)

// TestInvalidClaimsAreRejectedNamingTheField submits every claim of the
// bad-input matrix (each a prod claim with one thing wrong). The API server
// rejects those the XRD can check, naming the field; the others it admits,
// and the function's Fatal result names the field in the XR's Synced
// condition while nothing is composed.
func TestInvalidClaimsAreRejectedNamingTheField(t *testing.T) {
	ctx := context.Background()
	cases, err := invalidspec.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			c := claim(t, "prod")
			c.SetName("invalid-" + strings.ToLower(tc.Name))
			spec, _, _ := unstructured.NestedMap(c.Object, "spec")
			tc.Apply(spec)
			c.Object["spec"] = spec

			err := env.c.Create(ctx, c)
			if tc.CheckedByXRD() {
				if err == nil {
					_ = env.c.Delete(ctx, c)
					t.Fatalf("the API server admitted a claim with a bad %s", tc.FieldForXRD())
				}
				if !strings.Contains(err.Error(), tc.FieldForXRD()) {
					t.Errorf("the API server's rejection does not name %s:\n%v", tc.FieldForXRD(), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("the API server rejected a claim only the function checks: %v", err)
			}
			defer func() { _ = env.c.Delete(ctx, c) }()
			eventually(t, 2*time.Minute, "the claim reports the function's error naming "+tc.FieldForFunction(), func() error {
				got := c.DeepCopy()
				if err := env.c.Get(ctx, client.ObjectKeyFromObject(c), got); err != nil {
					return err
				}
				// The claim itself syncs; the XR carries the function's
				// Fatal result in its Synced condition.
				xr, err := xrOf(ctx, got)
				if err != nil {
					return err
				}
				status, msg := conditionStatus(xr, "Synced")
				if status != "False" || !strings.Contains(msg, tc.FieldForFunction()) {
					return errorf("the XR's Synced is %q: %s", status, msg)
				}
				live, err := composedOf(ctx, xr.GetName())
				if err != nil {
					return err
				}
				if len(live) > 0 {
					t.Errorf("an invalid claim composed %d resources", len(live))
				}
				return nil
			})
		})
	}
}
