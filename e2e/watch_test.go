//go:build e2e

package e2e

import (
	"context"
	"sort"
	"sync"
	"testing"

	toolscache "k8s.io/client-go/tools/cache"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	xpresource "github.com/crossplane/crossplane-runtime/v2/pkg/resource"
)

// mrWatch records, from the API server's watch events (through the fake
// provider's informers), what happened to one claim's managed resources:
// every UID each composition resource name had, which were deleted, and every
// Synced=False message each managed resource showed.
type mrWatch struct {
	claim string

	mu          sync.Mutex
	uids        map[string]map[string]bool
	deleted     map[string]bool
	syncedFalse map[string][]string

	remove []func()
}

// watchManaged starts recording; stop it with stop.
func watchManaged(ctx context.Context, t *testing.T, claimNamespace, claimName string) *mrWatch {
	t.Helper()
	w := &mrWatch{claim: claimNamespace + "/" + claimName, uids: map[string]map[string]bool{}, deleted: map[string]bool{}, syncedFalse: map[string][]string{}}
	handler := toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { w.see(obj, false) },
		UpdateFunc: func(_, obj any) { w.see(obj, false) },
		DeleteFunc: func(obj any) { w.see(obj, true) },
	}
	for _, gvk := range env.kinds {
		if gvk == clusterUsage {
			// Crossplane's kind, not a managed resource: the provider runtime
			// has no informer for it. Scenarios that follow usages list them
			// (composedOf).
			continue
		}
		obj, err := env.providerScheme.New(gvk)
		if err != nil {
			t.Fatalf("%s is not in the provider's scheme: %v", gvk, err)
		}
		inf, err := env.providerCache.GetInformer(ctx, obj.(xpresource.Managed))
		if err != nil {
			t.Fatalf("cannot watch %s: %v", gvk, err)
		}
		reg, err := inf.AddEventHandler(handler)
		if err != nil {
			t.Fatalf("cannot watch %s: %v", gvk, err)
		}
		w.remove = append(w.remove, func() { _ = inf.RemoveEventHandler(reg) })
	}
	return w
}

func (w *mrWatch) see(obj any, deleted bool) {
	if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj, deleted = d.Obj, true
	}
	mg, ok := obj.(xpresource.Managed)
	if !ok {
		return
	}
	l := mg.GetLabels()
	if l["crossplane.io/claim-namespace"]+"/"+l["crossplane.io/claim-name"] != w.claim {
		return
	}
	key := mg.GetAnnotations()[annotationCompositionResource]
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.uids[key] == nil {
		w.uids[key] = map[string]bool{}
	}
	w.uids[key][string(mg.GetUID())] = true
	if deleted || mg.GetDeletionTimestamp() != nil {
		w.deleted[key] = true
	}
	if c := mg.GetCondition(xpv1.TypeSynced); c.Status == "False" {
		msgs := w.syncedFalse[mg.GetName()]
		if len(msgs) == 0 || msgs[len(msgs)-1] != c.Message {
			w.syncedFalse[mg.GetName()] = append(msgs, c.Message)
		}
	}
}

func (w *mrWatch) stop() {
	for _, r := range w.remove {
		r()
	}
}

// replaced are the composition resource names that had more than one UID,
// and deleted those that were deleted.
func (w *mrWatch) replacedAndDeleted() (replaced, deleted []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for key, uids := range w.uids {
		if len(uids) > 1 {
			replaced = append(replaced, key)
		}
	}
	for key := range w.deleted {
		deleted = append(deleted, key)
	}
	sort.Strings(replaced)
	sort.Strings(deleted)
	return replaced, deleted
}

// messages returns the Synced=False messages a managed resource showed.
func (w *mrWatch) messages(name string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.syncedFalse[name]...)
}
