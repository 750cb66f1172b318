//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestDriftOnComposedResourcesIsRestored edits composed resources by hand,
// as someone with kubectl edit would, and expects Crossplane to put back
// what the function renders.
func TestDriftOnComposedResourcesIsRestored(t *testing.T) {
	ctx := context.Background()
	_, xr, _ := readyPlatform(ctx, t, "dev")
	cases := []struct {
		name  string
		kind  string
		path  []string
		value any
	}{
		{"key rotation turned off", "Key", []string{"spec", "forProvider", "enableKeyRotation"}, false},
		{"an owner tag rewritten", "VPC", []string{"spec", "forProvider", "tags", "Owner"}, "someone-else"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			live, err := composedOf(ctx, xr.GetName())
			if err != nil {
				t.Fatal(err)
			}
			key, r := firstOfKind(live, tc.kind)
			if r == nil {
				t.Fatalf("dev composes no %s", tc.kind)
			}
			want := env.rendered["dev"].resources[key]
			if err := unstructured.SetNestedField(r.Object, tc.value, tc.path...); err != nil {
				t.Fatal(err)
			}
			if err := env.c.Update(ctx, r, client.FieldOwner("e2e-someone-with-kubectl")); err != nil {
				t.Fatalf("cannot edit %s: %v", key, err)
			}
			took := eventually(t, 2*time.Minute, "Crossplane restores "+key, func() error {
				got := r.DeepCopy()
				if err := env.c.Get(ctx, client.ObjectKeyFromObject(r), got); err != nil {
					return err
				}
				if d := specDiff(want, got); d != "" {
					return fmt.Errorf("still drifted (-rendered +live):\n%s", d)
				}
				return nil
			})
			env.record("drift: "+tc.name+" → restored", took)
		})
	}
}

// firstOfKind returns the resource of a kind with the smallest key, so the
// choice is stable from run to run.
func firstOfKind(resources map[string]*unstructured.Unstructured, kind string) (string, *unstructured.Unstructured) {
	best := ""
	for k, r := range resources {
		if r.GetKind() == kind && (best == "" || k < best) {
			best = k
		}
	}
	if best == "" {
		return "", nil
	}
	return best, resources[best]
}
