package main

import (
	"context"
	"fmt"
	"maps"
	"time"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	xpresource "github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/response"
	"google.golang.org/protobuf/types/known/durationpb"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/database"
	"github.com/paynext/platform/functions/platform/internal/kubernetes"
	"github.com/paynext/platform/functions/platform/internal/monitoring"
	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
	"github.com/paynext/platform/functions/platform/internal/storage"
	"github.com/paynext/platform/functions/platform/internal/usage"
	"github.com/paynext/platform/internal/compliance"
)

// Function renders a PayNextPlatform. It holds no state between calls, so
// Crossplane may call it concurrently.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	log   logging.Logger
	tiers []platform.Tier
	// ttl is how long Crossplane may go before it calls the function again
	// for a platform: with realtime compositions (on by default in
	// Crossplane v2) the XR is requeued after the response's TTL, not after
	// --poll-interval, so it sets how often every composed resource is
	// applied again while nothing changes (see README, Performance and scale).
	ttl time.Duration
	// readyTTL, when set, replaces ttl once every composed resource is
	// Ready: a platform being created needs the short requeue to render
	// what waits for AWS's answers, a created one only re-applies the same
	// resources. A composed resource's change still requeues at once
	// (realtime compositions watch them).
	readyTTL time.Duration
	// now is the clock compliance exceptions and calendars are judged by.
	now func() time.Time
	// policies keeps the policy documents the compliance engine parsed:
	// each reconcile of a platform renders the same documents.
	policies *compliance.PolicyCache
}

// NewFunction returns the platform function with every tier.
func NewFunction(log logging.Logger) (*Function, error) {
	if err := platform.RegisterSchemes(); err != nil {
		return nil, errors.Wrap(err, "cannot register provider API types")
	}
	return &Function{log: log, ttl: response.DefaultTTL, now: time.Now, policies: &compliance.PolicyCache{}, tiers: []platform.Tier{security.Tier{}, network.Tier{}, database.Tier{}, storage.Tier{}, monitoring.Tier{}, kubernetes.Tier{}}}, nil
}

// RunFunction renders every tier of the platform from the observed XR and its
// observed composed resources. Any error returns a Fatal result with no
// desired state of ours, so Crossplane keeps what exists instead of deleting
// what a half-built response would leave out.
func (f *Function) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	rsp := response.To(req, f.ttl)

	oxr, err := request.GetObservedCompositeResource(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get the observed composite resource"))
		return rsp, nil
	}
	log := f.log.WithValues("xr", oxr.Resource.GetName(), "kind", oxr.Resource.GetKind())
	// A later API version may mean fields this build does not know: decoded
	// as v1alpha1 they would be dropped, and what they render with them.
	if gvk := oxr.Resource.GroupVersionKind(); gvk != v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.CompositeKind) {
		response.Fatal(rsp, errors.Errorf("this function renders %s %s only, not %s %s: install the function version that serves %s", v1alpha1.CompositeKind, v1alpha1.SchemeGroupVersion, gvk.Kind, gvk.GroupVersion(), gvk.GroupVersion()))
		return rsp, nil
	}

	// Decode tolerantly: Crossplane adds fields (compositionRef, claimRef,
	// conditions …) our types do not declare.
	var xr v1alpha1.XPayNextPlatform
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(oxr.Resource.Object, &xr); err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot decode the XPayNextPlatform"))
		return rsp, nil
	}
	if errs := xr.Spec.Validate(field.NewPath("spec")); len(errs) > 0 {
		response.Fatal(rsp, errors.Errorf("invalid %s %q: %s", v1alpha1.CompositeKind, xr.GetName(), errs.ToAggregate().Error()))
		return rsp, nil
	}
	// The XRD refuses these edits; this catches an XR that did not pass
	// through it. Nothing is rendered, so nothing changes in AWS.
	if errs := xr.Spec.ValidateUpdate(xr.Status.BuiltWith, field.NewPath("spec")); len(errs) > 0 {
		response.Fatal(rsp, errors.Errorf("refusing to change %s %q: %s (status.builtWith records what it was built with)", v1alpha1.CompositeKind, xr.GetName(), errs.ToAggregate().Error()))
		return rsp, nil
	}

	observed, unreadable := platform.ObservedFrom(req)
	if unreadable != nil {
		response.Fatal(rsp, unreadable)
		return rsp, nil
	}
	conditions := conditionsOf(observed)

	// Carry forward what earlier pipeline steps desired.
	carried, err := request.GetDesiredComposedResources(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get the desired composed resources"))
		return rsp, nil
	}
	// Sized for what the tiers and the usages add (about as many resources
	// as are observed once the platform exists), so it does not regrow.
	size := len(carried) + max(len(observed), 512)
	desired := make(map[resource.Name]*resource.DesiredComposed, size)
	maps.Copy(desired, carried)

	cfg := platform.Resolve(platformName(&xr), &xr.Spec, accountID(&xr, observed))
	if len(observed) == 0 {
		if err := checkDeploymentFree(req, rsp, &xr, cfg.AccountID); err != nil {
			response.Fatal(rsp, err)
			return rsp, nil
		}
	}
	controls, err := compliance.InputFor(&xr.Spec, f.now())
	if err != nil {
		response.Fatal(rsp, errors.Wrapf(err, "invalid %s %q", v1alpha1.CompositeKind, xr.GetName()))
		return rsp, nil
	}
	controls.Policies = f.policies
	owner := make(map[resource.Name]string, size)
	for _, tier := range f.tiers {
		rendered, err := tier.Render(cfg, observed)
		if err != nil {
			response.Fatal(rsp, errors.Wrapf(err, "cannot render the %s tier", tier.Name()))
			return rsp, nil
		}
		for _, r := range rendered {
			name := resource.Name(r.Key)
			if first, dup := owner[name]; dup {
				response.Fatal(rsp, platform.DuplicateKeyError{Key: r.Key, First: first, Second: tier.Name()})
				return rsp, nil
			}
			owner[name] = tier.Name()
			mr, ok := r.Object.(xpresource.ProviderConfigReferencer)
			if !ok {
				response.Fatal(rsp, errors.Errorf("composed resource %q of the %s tier is not a managed resource", r.Key, tier.Name()))
				return rsp, nil
			}
			// Explicit, not the CRD's default: the ProviderConfig is the
			// account, and the spec chooses it.
			mr.SetProviderConfigReference(&xpv1.Reference{Name: cfg.ProviderConfigName})
			cd, err := platform.From(r.Object)
			if err != nil {
				response.Fatal(rsp, errors.Wrapf(err, "cannot convert composed resource %q of the %s tier", r.Key, tier.Name()))
				return rsp, nil
			}
			// A typed status always marshals observedGeneration: 0; the
			// provider owns status, so desired state carries none.
			delete(cd.Object, "status")
			for _, path := range r.EmptyObjects {
				if err := cd.SetValue(path, map[string]any{}); err != nil {
					response.Fatal(rsp, errors.Wrapf(err, "cannot set %s of composed resource %q", path, r.Key))
					return rsp, nil
				}
			}
			dc := &resource.DesiredComposed{Resource: cd}
			// Never mark a resource not ready: leave it unspecified until
			// its provider reports Ready=True.
			if conditions.ready(r.Key) {
				dc.Ready = resource.ReadyTrue
			}
			desired[name] = dc
		}
	}

	digest, err := specDigest(&xr.Spec)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	if err := checkNothingStatefulDrops(digest, cfg, observed, desired); err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	markStateful(desired, digest)

	// Deletion order, from the references just rendered.
	edges := usage.Edges(desired, observed)
	if _, err := usage.KeepWhatKeptResourcesUse(edges, desired); err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	for _, u := range usage.Render(edges, desired, oxr.Resource.GetName()) {
		cd, err := platform.From(u.Object)
		if err != nil {
			response.Fatal(rsp, errors.Wrapf(err, "cannot convert composed resource %q", u.Key))
			return rsp, nil
		}
		delete(cd.Object, "status")
		dc := &resource.DesiredComposed{Resource: cd}
		if conditions.ready(u.Key) {
			dc.Ready = resource.ReadyTrue
		}
		desired[resource.Name(u.Key)] = dc
	}
	for name, kept := range usage.StillProtected(observed, desired) {
		desired[name] = kept
	}

	dxr, err := request.GetDesiredCompositeResource(req)
	if err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot get the desired composite resource"))
		return rsp, nil
	}
	// Judged on everything desired, so the status says what Crossplane is
	// asked to make, before AWS has it.
	report := compliance.Evaluate(renderOf(desired, observed), controls)
	reports, err := requireReportCRD(req, rsp)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	if reports {
		dc, err := complianceReport(&xr, report, observed)
		if err != nil {
			response.Fatal(rsp, err)
			return rsp, nil
		}
		desired[KeyComplianceReport] = dc
	}
	if err := setStatus(dxr, &xr.Spec, cfg, observed, report); err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	if err := response.SetDesiredComposedResources(rsp, desired); err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot set the desired composed resources"))
		return rsp, nil
	}
	if err := response.SetDesiredCompositeResource(rsp, dxr); err != nil {
		response.Fatal(rsp, errors.Wrap(err, "cannot set the desired composite resource"))
		return rsp, nil
	}

	if f.readyTTL > 0 && allReady(desired) {
		rsp.Meta.Ttl = durationpb.New(f.readyTTL)
	}
	reportCompliance(rsp, report, cfg.AccountID != "")
	for _, w := range replacementWarnings(desired, observed, conditions) {
		response.Warning(rsp, errors.New(w)).TargetCompositeAndClaim()
	}
	if !database.Possible(cfg) {
		response.Warning(rsp, errors.New("spec.network.availabilityZones: a single-zone platform has no database and no EKS cluster: both need subnets in two zones")).
			TargetCompositeAndClaim()
	}
	if cfg.AccountID == "" {
		response.Normal(rsp, "The logs CMK and VPC flow logs render once the AWS account is known: set spec.accountId, or wait for AWS to report the VPC's ARN").
			TargetCompositeAndClaim()
	}
	log.Debug("Rendered the platform", "composed", len(desired))
	return rsp, nil
}

// allReady reports whether every desired composed resource is Ready: what
// Crossplane waits for to mark the XR Ready.
func allReady(desired map[resource.Name]*resource.DesiredComposed) bool {
	for _, d := range desired {
		if d.Ready != resource.ReadyTrue {
			return false
		}
	}
	return len(desired) > 0
}

// platformName is the claim's name when the XR is claimed (stable across a
// re-created XR), else the XR's name.
func platformName(xr *v1alpha1.XPayNextPlatform) string {
	if n := xr.GetLabels()["crossplane.io/claim-name"]; n != "" {
		return n
	}
	return xr.GetName()
}

// accountID is the account the platform lives in: from the spec, else as
// recorded in the XR's status, else learned from the observed VPC. Recording
// it in status keeps the resources that need it rendered even when the VPC
// is briefly not observed.
func accountID(xr *v1alpha1.XPayNextPlatform, observed platform.Observed) string {
	switch {
	case xr.Spec.AccountID != "":
		return xr.Spec.AccountID
	case xr.Status.AccountID != "":
		return xr.Status.AccountID
	}
	return network.AccountID(observed)
}

func setStatus(dxr *resource.Composite, spec *v1alpha1.PlatformSpec, cfg *platform.Config, observed platform.Observed, report compliance.Report) error {
	status := v1alpha1.PlatformStatus{
		AccountID:  cfg.AccountID,
		BuiltWith:  spec.BuiltWith(),
		Network:    network.Status(cfg, observed),
		Security:   security.Status(cfg, observed),
		Database:   database.Status(observed),
		Kubernetes: kubernetes.Status(cfg, observed),
		Compliance: compliance.StatusOf(report),
	}
	// The claim's connection secret: how to reach the database (never its
	// password) and the cluster's endpoint and CA.
	details := database.ConnectionDetails(status.Database)
	if details == nil {
		details = resource.ConnectionDetails{}
	}
	maps.Copy(details, kubernetes.ConnectionDetails(observed))
	if len(details) > 0 {
		dxr.ConnectionDetails = details
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&status)
	if err != nil {
		return errors.Wrap(err, "cannot convert the platform status")
	}
	for k, v := range m {
		if err := dxr.Resource.SetValue("status."+k, v); err != nil {
			return errors.Wrap(err, fmt.Sprintf("cannot set status.%s", k))
		}
	}
	return nil
}

// conditions are each observed resource's Ready and Synced conditions, read
// once a call: every desired resource asks whether it is ready, and every
// observed one whether its provider refuses it.
type conditions map[resource.Name]struct{ ready, synced xpv1.Condition }

func conditionsOf(observed platform.Observed) conditions {
	out := make(conditions, len(observed))
	for name, oc := range observed {
		if oc.Resource == nil {
			continue
		}
		ready, synced := platform.ReadyAndSynced(oc.Resource)
		out[name] = struct{ ready, synced xpv1.Condition }{ready, synced}
	}
	return out
}

// ready is observed.Ready(key): the resource is observed with Ready=True.
func (c conditions) ready(key string) bool {
	return c[resource.Name(key)].ready.Status == corev1.ConditionTrue
}
