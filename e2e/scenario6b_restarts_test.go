//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/paynext/platform/e2e/providerruntime"
)

const (
	// pipelineStep is the Composition's one step (compositions/).
	pipelineStep = "render-platform"
	// functionOutage is the least time the function stays down: longer than
	// Crossplane's poll of an XR (--poll-interval, 1m), so Crossplane meets
	// the outage on its own as well as on the touch that starts it.
	functionOutage = 90 * time.Second
	// crashPause is how long a crashed Crossplane or API server stays down
	// before it is started again, as a kubelet's first restart waits: long
	// enough for every client to see its connections refused.
	crashPause = 10 * time.Second
	// probeAnnotation is what the scenario writes to show that a component
	// sees changes again after a restart.
	probeAnnotation = "e2e.paynext.io/restart-probe"
)

// TestProdSurvivesComponentRestarts crashes (SIGKILL) and restarts, one after
// another, the function, Crossplane core and kube-apiserver (etcd keeps the
// data) under the Ready prod platform. While the function is down Crossplane
// must delete nothing and say why it cannot compose (the XR's Synced=False
// naming the pipeline step and the function); after each restart the
// platform reconciles again (the claim and XR Ready and Synced, a hand edit
// of a composed VPC put back), and after the API server's the provider
// runtime's informers see a change to every kind. Throughout, no composed
// resource is deleted or replaced (same UIDs) and AWS records no create or
// delete for the claim: only the updates that put the hand edits back.
func TestProdSurvivesComponentRestarts(t *testing.T) {
	ctx := context.Background()
	c, xr, before := readyPlatform(ctx, t, "prod")
	claimName := c.GetNamespace() + "/" + c.GetName()
	watch := watchManaged(ctx, t, c.GetNamespace(), c.GetName())
	defer watch.stop()
	mark := env.journal.Len()
	ofClaim := func(e providerruntime.Event) bool { return e.Claim == claimName }
	// nothingDeleted fails the test with any composed resource deleted or
	// replaced, and any external create or delete, since the mark.
	nothingDeleted := func(when string) {
		t.Helper()
		replaced, deleted := watch.replacedAndDeleted()
		if len(replaced) > 0 {
			t.Errorf("%s: composed resources were replaced (more than one UID): %v", when, replaced)
		}
		if len(deleted) > 0 {
			t.Errorf("%s: composed resources were deleted: %v", when, deleted)
		}
		for _, e := range env.journal.Since(mark, ofClaim) {
			if e.Operation == providerruntime.Delete || e.Operation == providerruntime.Create {
				t.Errorf("%s: an external %s: %s", when, e.Operation, e)
			}
		}
	}
	t.Logf("prod: %d composed resources, XR %s", len(before), xr.GetName())

	// The function crashes. Crossplane calls it with gRPC's wait-for-ready,
	// so a call waits for the function until the reconcile's deadline.
	if err := env.function.Kill(); err != nil {
		t.Fatal(err)
	}
	down := time.Now()
	touch(ctx, t, xr, "function killed")
	var synced string
	took := eventually(t, 5*time.Minute, "the XR's Synced condition names the function that cannot be reached", func() error {
		got := xr.DeepCopy()
		if err := env.c.Get(ctx, clientKey(xr), got); err != nil {
			return err
		}
		s, msg := conditionStatus(got, "Synced")
		if s != "False" || !strings.Contains(msg, `"`+pipelineStep+`"`) || !strings.Contains(msg, functionName) {
			return errorf("Synced is %q: %s", s, msg)
		}
		ready, _ := conditionStatus(got, "Ready")
		synced = fmt.Sprintf("XR Ready=%s, Synced=False: %s", ready, msg)
		return nil
	})
	env.record("restarts: function killed → XR Synced=False naming step and function", took)
	t.Logf("while the function is down: %s", synced)
	for time.Since(down) < functionOutage {
		time.Sleep(5 * time.Second)
	}
	nothingDeleted("while the function was down")
	if err := env.function.Restart(); err != nil {
		t.Fatal(err)
	}
	env.record("restarts: function down (killed → serving again)", time.Since(down))
	recovers(ctx, t, c, xr, before, "function restarted")
	nothingDeleted("after the function's restart")

	// Crossplane core crashes and the kubelet starts it again.
	if err := env.crossplane.KillCore(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(crashPause)
	step := time.Now()
	if err := env.crossplane.RestartCore(); err != nil {
		t.Fatal(err)
	}
	env.record("restarts: Crossplane core restarted → ready (webhook server)", time.Since(step))
	recovers(ctx, t, c, xr, before, "Crossplane core restarted")
	nothingDeleted("after Crossplane's restart")

	// The API server crashes; etcd keeps every object.
	if err := env.kube.KillAPIServer(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(crashPause)
	step = time.Now()
	if err := env.kube.RestartAPIServer(); err != nil {
		t.Fatal(err)
	}
	env.record("restarts: kube-apiserver restarted → ready", time.Since(step))
	informersFollow(ctx, t, before)
	recovers(ctx, t, c, xr, before, "kube-apiserver restarted")
	nothingDeleted("after the API server's restart")

	// Every composed resource is the one it was.
	after, err := composedOf(ctx, xr.GetName())
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for key, r := range before {
		switch a, ok := after[key]; {
		case !ok:
			changed = append(changed, key+" is gone")
		case a.GetUID() != r.GetUID():
			changed = append(changed, fmt.Sprintf("%s has UID %s, was %s", key, a.GetUID(), r.GetUID()))
		}
	}
	for key := range after {
		if before[key] == nil {
			changed = append(changed, key+" is new")
		}
	}
	sort.Strings(changed)
	if len(changed) > 0 {
		t.Errorf("composed resources changed across the restarts: %v", changed)
	}
	ops := map[providerruntime.Operation]int{}
	for _, e := range env.journal.Since(mark, ofClaim) {
		ops[e.Operation]++
	}
	t.Logf("across the restarts: %d composed resources with the UIDs they had; external operations for %s: %d creates, %d updates, %d deletes",
		len(after), claimName, ops[providerruntime.Create], ops[providerruntime.Update], ops[providerruntime.Delete])
}

// recovers waits, after a component's restart, until every component runs,
// the claim and its XR are Ready and Synced, and Crossplane puts back a hand
// edit of a composed resource: it reconciles the platform again, with the
// function, and the provider applies the result.
func recovers(ctx context.Context, t *testing.T, c, xr *unstructured.Unstructured, before map[string]*unstructured.Unstructured, what string) {
	t.Helper()
	for _, component := range []interface{ Running() error }{env.kube, env.crossplane, env.function} {
		if err := component.Running(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	start := time.Now()
	eventually(t, 6*time.Minute, what+": the claim and its XR are Ready and Synced", func() error {
		for _, u := range []*unstructured.Unstructured{c, xr} {
			got := u.DeepCopy()
			if err := env.c.Get(ctx, clientKey(u), got); err != nil {
				return err
			}
			for _, typ := range []string{"Ready", "Synced"} {
				if s, msg := conditionStatus(got, typ); s != "True" {
					return errorf("%s %s: %s is %q: %s", u.GetKind(), u.GetName(), typ, s, msg)
				}
			}
		}
		return nil
	})
	env.record("restarts: "+what+" → claim and XR Ready and Synced", time.Since(start))

	// A hand edit, as in the drift scenario: Crossplane must put back what
	// the function renders.
	key, vpc := firstOfKind(before, "VPC")
	if vpc == nil {
		t.Fatal("prod composes no VPC")
	}
	want, _, _ := unstructured.NestedString(vpc.Object, "spec", "forProvider", "tags", "Owner")
	if want == "" {
		t.Fatalf("%s has no Owner tag to edit", key)
	}
	edited := "someone-else-after-" + strings.ReplaceAll(what, " ", "-")
	eventually(t, time.Minute, what+": edit "+key+" by hand", func() error {
		live := vpc.DeepCopy()
		if err := env.c.Get(ctx, clientKey(vpc), live); err != nil {
			return err
		}
		if err := unstructured.SetNestedField(live.Object, edited, "spec", "forProvider", "tags", "Owner"); err != nil {
			return err
		}
		return env.c.Update(ctx, live, client.FieldOwner("e2e-someone-with-kubectl"))
	})
	took := eventually(t, 5*time.Minute, what+": Crossplane restores "+key, func() error {
		live := vpc.DeepCopy()
		if err := env.c.Get(ctx, clientKey(vpc), live); err != nil {
			return err
		}
		if got, _, _ := unstructured.NestedString(live.Object, "spec", "forProvider", "tags", "Owner"); got != want {
			return errorf("its Owner tag is %q, rendered %q", got, want)
		}
		return nil
	})
	env.record("restarts: "+what+" → a hand edit of "+key+" restored", took)
}

// touch annotates u, so its controller reconciles it now rather than at its
// next poll.
func touch(ctx context.Context, t *testing.T, u *unstructured.Unstructured, why string) {
	t.Helper()
	patch := fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}}}`, probeAnnotation, time.Now().Format(time.RFC3339Nano)+" "+why)
	if err := env.c.Patch(ctx, u.DeepCopy(), client.RawPatch(types.MergePatchType, []byte(patch))); err != nil {
		t.Fatalf("cannot annotate %s %s: %v", u.GetKind(), u.GetName(), err)
	}
}

// informersFollow waits until the provider runtime's informers (its
// controller-runtime cache, which the managed reconcilers and watchManaged
// read) deliver a change made after the API server's restart, on every kind
// the platform composes: each re-listed and watches the new API server.
// The change is an annotation on one managed resource of each kind.
func informersFollow(ctx context.Context, t *testing.T, resources map[string]*unstructured.Unstructured) {
	t.Helper()
	start := time.Now()
	value := start.Format(time.RFC3339Nano) + " kube-apiserver restarted"
	byKind := map[schema.GroupVersionKind]*unstructured.Unstructured{}
	keys := make([]string, 0, len(resources))
	for k := range resources {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := resources[k]
		if gvk := r.GroupVersionKind(); gvk != clusterUsage && byKind[gvk] == nil {
			byKind[gvk] = r
		}
	}
	patch := []byte(fmt.Sprintf(`{"metadata":{"annotations":{%q:%q}}}`, probeAnnotation, value))
	for _, r := range byKind {
		eventually(t, time.Minute, "annotate "+r.GetName(), func() error {
			return env.c.Patch(ctx, r.DeepCopy(), client.RawPatch(types.MergePatchType, patch))
		})
	}
	took := eventually(t, 3*time.Minute, "the provider runtime's informers see the change to every kind", func() error {
		var behind []string
		for gvk, r := range byKind {
			obj, err := env.providerScheme.New(gvk)
			if err != nil {
				return err
			}
			o := obj.(client.Object)
			if err := env.providerCache.Get(ctx, clientKey(r), o); err != nil {
				behind = append(behind, fmt.Sprintf("%s (%v)", gvk.Kind, err))
				continue
			}
			if o.GetAnnotations()[probeAnnotation] != value {
				behind = append(behind, gvk.Kind)
			}
		}
		if len(behind) > 0 {
			sort.Strings(behind)
			return errorf("%d of %d kinds not seen yet: %s", len(behind), len(byKind), strings.Join(behind, ", "))
		}
		return nil
	})
	env.record(fmt.Sprintf("restarts: kube-apiserver restarted → provider informers of %d kinds see a change", len(byKind)), took)
}
