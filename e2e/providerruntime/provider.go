// Package providerruntime runs provider-aws v2.4.0's runtime without AWS: per
// managed kind, crossplane-runtime's managed reconciler with the options the
// provider's generated controllers use (its reference resolution through the
// generated ResolveReferences, its initializers, connection publishing,
// management and deletion policies, poll interval and rate limits). Only the
// external client is a double: it works on an in-memory AWS (AWS), which
// journals every external create, update and delete and can inject AWS
// errors.
package providerruntime

import (
	"reflect"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpresource "github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	upjetconfig "github.com/crossplane/upjet/v2/pkg/config"

	"github.com/paynext/platform/internal/provider"
)

// Options are the provider's command-line settings that shape its
// controllers.
type Options struct {
	// PollInterval is --poll (the provider's default is 10m); each poll is
	// jittered by 5%, as the provider does.
	PollInterval time.Duration
	// MaxReconcileRate is --max-reconcile-rate (default 100): the global
	// rate of reconciles per second and each controller's concurrency.
	MaxReconcileRate int
	Logger           logr.Logger
}

// Setup registers one managed reconciler per kind with mgr, whose scheme must
// hold the kinds (provider.AddToScheme). It fills the provider's resolver
// scheme first, as the provider's main does.
func Setup(mgr ctrl.Manager, kinds []schema.GroupVersionKind, aws *AWS, o Options) error {
	if err := provider.RegisterResolvers(); err != nil {
		return errors.Wrap(err, "cannot register provider-aws's resolver scheme")
	}
	global := ratelimiter.NewGlobal(o.MaxReconcileRate)
	for _, gvk := range kinds {
		obj, err := mgr.GetScheme().New(gvk)
		if err != nil {
			return errors.Wrapf(err, "%s is not registered with the provider's scheme", gvk)
		}
		mg, ok := obj.(xpresource.Managed)
		if !ok {
			return errors.Errorf("%s is not a managed resource", gvk)
		}
		name := managed.ControllerName(gvk.String())
		r := managed.NewReconciler(mgr, xpresource.ManagedKind(gvk), reconcilerOptions(mgr, gvk, mg, aws, o, name)...)
		err = ctrl.NewControllerManagedBy(mgr).
			Named(name).
			WithOptions(controller.Options{MaxConcurrentReconciles: o.MaxReconcileRate, RateLimiter: ratelimiter.NewController(), RecoverPanic: ptr.To(true)}).
			WithEventFilter(xpresource.DesiredStateChanged()).
			For(mg).
			Complete(ratelimiter.NewReconciler(name, r, global))
		if err != nil {
			return errors.Wrapf(err, "cannot set up the controller of %s", gvk)
		}
	}
	return nil
}

// reconcilerOptions mirror the provider's zz_controller.go of the kind
// (upjet's controller template).
func reconcilerOptions(mgr ctrl.Manager, gvk schema.GroupVersionKind, mg xpresource.Managed, aws *AWS, o Options, name string) []managed.ReconcilerOption {
	log := logging.NewLogrLogger(o.Logger.WithValues("controller", name))
	//nolint:staticcheck // The provider's controllers use this recorder.
	recorder := event.NewAPIRecorder(mgr.GetEventRecorderFor(name))
	conn := &connector{aws: aws, gvk: gvk, nonTerraform: nonTerraformFields(forProviderType(mg))}
	var initializers managed.InitializerChain
	// provider-aws's AddExternalTagsField: every kind with a tags map gets
	// upjet's tagger (crossplane-kind, -name, -providerconfig tags).
	if hasTags(mg) {
		initializers = append(initializers, upjetconfig.TagInitializer(mgr.GetClient()))
	}
	if nameAsExternalName[gvk.Group+"/"+gvk.Kind] {
		initializers = append(initializers, managed.NewNameAsExternalName(mgr.GetClient()))
	}
	return []managed.ReconcilerOption{
		managed.WithExternalConnector(conn),
		managed.WithLogger(log),
		managed.WithRecorder(recorder),
		managed.WithFinalizer(xpresource.NewAPIFinalizer(mgr.GetClient(), managed.FinalizerName)),
		managed.WithTimeout(3 * time.Minute),
		managed.WithInitializers(initializers),
		managed.WithPollInterval(o.PollInterval),
		managed.WithPollJitterHook(time.Duration(float64(o.PollInterval) * 0.05)),
		// The provider's default, --enable-management-policies=true.
		managed.WithManagementPolicies(),
		// The default, named: the generated ResolveReferences of the kind.
		managed.WithReferenceResolver(managed.NewAPISimpleReferenceResolver(mgr.GetClient())),
	}
}

// hasTags is true when the kind's spec.forProvider has a tags map, the
// generated form of a Terraform schema's "tags" TypeMap that
// AddExternalTagsField looks for.
func hasTags(mg xpresource.Managed) bool {
	v := reflect.ValueOf(mg).Elem().FieldByName("Spec")
	if !v.IsValid() {
		return false
	}
	fp := v.FieldByName("ForProvider")
	if !fp.IsValid() {
		return false
	}
	f, ok := fp.Type().FieldByName("Tags")
	return ok && f.Type.Kind() == reflect.Map && strings.HasPrefix(f.Tag.Get("json"), "tags,")
}
