// Package fakeprovider is a test double for upbound/provider-aws: a
// controller-runtime controller that plays the provider's part for every
// managed resource kind it is given, without AWS. It adds the provider's
// finalizer, sets the external name, reports the IDs and ARNs AWS would
// (internal/fakeaws derives them from the composition resource name, as in
// `make render-converged`), marks resources Synced and Ready, publishes
// connection secrets, and records each create, update and delete it performs
// on the "external resource" in a Journal. It honours deletionPolicy and
// managementPolicies as crossplane-runtime's managed reconciler does.
package fakeprovider

import (
	"context"
	"reflect"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/paynext/platform/internal/fakeaws"
)

// Finalizer is the one provider-aws adds to every managed resource.
const Finalizer = "finalizer.managedresource.crossplane.io"

const (
	annotationExternalName        = "crossplane.io/external-name"
	annotationCompositionResource = "crossplane.io/composition-resource-name"
	labelClaimName                = "crossplane.io/claim-name"
	labelClaimNamespace           = "crossplane.io/claim-namespace"
)

// Setup registers one controller per managed resource kind with mgr.
func Setup(mgr ctrl.Manager, kinds []schema.GroupVersionKind, j *Journal) error {
	seen := &externalState{generation: map[types.UID]int64{}}
	for _, gvk := range kinds {
		r := &reconciler{client: mgr.GetClient(), gvk: gvk, journal: j, external: seen}
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(gvk)
		err := ctrl.NewControllerManagedBy(mgr).
			Named("fake-" + gvk.Kind + "." + gvk.Group).
			For(u).
			WithOptions(controller.Options{MaxConcurrentReconciles: 4, SkipNameValidation: ptrTrue()}).
			Complete(r)
		if err != nil {
			return errors.Wrapf(err, "cannot set up the fake provider for %s", gvk)
		}
	}
	return nil
}

func ptrTrue() *bool { t := true; return &t }

// externalState is what "AWS" holds: the spec generation each external
// resource was last written from.
type externalState struct {
	mu         sync.Mutex
	generation map[types.UID]int64
}

type reconciler struct {
	client   client.Client
	gvk      schema.GroupVersionKind
	journal  *Journal
	external *externalState
}

func (r *reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(r.gvk)
	if err := r.client.Get(ctx, req.NamespacedName, u); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	policies := managementPolicies(u)

	if u.GetDeletionTimestamp() != nil {
		if !controllerutil.ContainsFinalizer(u, Finalizer) {
			return ctrl.Result{}, nil
		}
		if shouldDelete(u, policies) {
			r.record(Delete, u)
		}
		r.external.forget(u.GetUID())
		controllerutil.RemoveFinalizer(u, Finalizer)
		return ctrl.Result{}, client.IgnoreNotFound(r.client.Update(ctx, u))
	}

	observed := fakeaws.ObserveOne(u.GetAnnotations()[annotationCompositionResource], &composed.Unstructured{Unstructured: *u.DeepCopy()}, "")

	// Metadata first, as the provider does: finalizer, then the external name
	// it learned on create.
	meta := u.DeepCopy()
	controllerutil.AddFinalizer(meta, Finalizer)
	if meta.GetAnnotations()[annotationExternalName] == "" {
		ann := meta.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann[annotationExternalName] = observed.GetAnnotations()[annotationExternalName]
		meta.SetAnnotations(ann)
	}
	if !reflect.DeepEqual(meta.GetFinalizers(), u.GetFinalizers()) || !reflect.DeepEqual(meta.GetAnnotations(), u.GetAnnotations()) {
		if err := r.client.Update(ctx, meta); err != nil {
			return ctrl.Result{}, client.IgnoreNotFound(err)
		}
		// The update triggers another reconcile, which observes.
		return ctrl.Result{}, nil
	}

	switch last, exists := r.external.get(u.GetUID()); {
	case !exists && allows(policies, "Create"):
		r.record(Create, u)
		r.external.set(u.GetUID(), u.GetGeneration())
	case !exists:
		// Observe-only resources are imported, never created.
		r.external.set(u.GetUID(), u.GetGeneration())
	case last != u.GetGeneration() && allows(policies, "Update"):
		r.record(Update, u)
		r.external.set(u.GetUID(), u.GetGeneration())
	}

	if err := r.publishConnectionSecret(ctx, u, observed); err != nil {
		return ctrl.Result{}, err
	}
	if reflect.DeepEqual(u.Object["status"], observed.Object["status"]) {
		return ctrl.Result{}, nil
	}
	u.Object["status"] = observed.Object["status"]
	return ctrl.Result{}, client.IgnoreNotFound(r.client.Status().Update(ctx, u))
}

func (r *reconciler) record(op Operation, u *unstructured.Unstructured) {
	l := u.GetLabels()
	r.journal.Record(Event{
		Operation:    op,
		Kind:         r.gvk.Group + "/" + r.gvk.Kind,
		Name:         u.GetName(),
		UID:          string(u.GetUID()),
		ExternalName: u.GetAnnotations()[annotationExternalName],
		Resource:     u.GetAnnotations()[annotationCompositionResource],
		Claim:        l[labelClaimNamespace] + "/" + l[labelClaimName],
	})
}

// publishConnectionSecret writes the secret spec.writeConnectionSecretToRef
// names, owned by the managed resource so it goes when the resource goes.
func (r *reconciler) publishConnectionSecret(ctx context.Context, u *unstructured.Unstructured, observed *composed.Unstructured) error {
	ref, found, _ := unstructured.NestedStringMap(u.Object, "spec", "writeConnectionSecretToRef")
	if !found || ref["name"] == "" {
		return nil
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: ref["name"], Namespace: ref["namespace"]}}
	_, err := controllerutil.CreateOrUpdate(ctx, r.client, s, func() error {
		s.Type = "connection.crossplane.io/v1alpha1"
		s.Data = map[string][]byte{}
		for k, v := range fakeaws.ConnectionDetails(u.GetAnnotations()[annotationCompositionResource], observed) {
			s.Data[k] = v
		}
		s.OwnerReferences = []metav1.OwnerReference{{
			APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Name: u.GetName(), UID: u.GetUID(),
			Controller: ptrTrue(),
		}}
		return nil
	})
	if kerrors.IsNotFound(err) {
		return errors.Wrapf(err, "cannot publish the connection secret of %s %s: its namespace is missing", u.GetKind(), u.GetName())
	}
	return errors.Wrapf(err, "cannot publish the connection secret of %s %s", u.GetKind(), u.GetName())
}

func (e *externalState) get(uid types.UID) (int64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.generation[uid]
	return g, ok
}

func (e *externalState) set(uid types.UID, generation int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.generation[uid] = generation
}

func (e *externalState) forget(uid types.UID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.generation, uid)
}

// managementPolicies are spec.managementPolicies, defaulted as the CRDs do.
func managementPolicies(u *unstructured.Unstructured) []string {
	p, found, _ := unstructured.NestedStringSlice(u.Object, "spec", "managementPolicies")
	if !found {
		return []string{"*"}
	}
	return p
}

func allows(policies []string, action string) bool {
	return slices.Contains(policies, "*") || slices.Contains(policies, action)
}

// shouldDelete follows crossplane-runtime's ManagementPoliciesResolver: the
// external resource is deleted when deletionPolicy is Delete and the
// policies allow Delete, or when non-default policies name Delete explicitly.
func shouldDelete(u *unstructured.Unstructured, policies []string) bool {
	dp, found, _ := unstructured.NestedString(u.Object, "spec", "deletionPolicy")
	if !found {
		dp = "Delete"
	}
	if dp == "Delete" && allows(policies, "Delete") {
		return true
	}
	isDefault := len(policies) == 1 && policies[0] == "*"
	return !isDefault && slices.Contains(policies, "Delete")
}
