package providerruntime

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/paynext/platform/internal/fakeaws"
)

const (
	annotationCompositionResource = "crossplane.io/composition-resource-name"
	labelComposite                = "crossplane.io/composite"
	labelClaimName                = "crossplane.io/claim-name"
	labelClaimNamespace           = "crossplane.io/claim-namespace"
)

// connector hands the managed reconciler of one kind an external client on
// the fake AWS, as the provider's Terraform connector does on the real one.
type connector struct {
	aws *AWS
	gvk schema.GroupVersionKind
	// nonTerraform are the kind's forProvider fields Terraform never sees.
	nonTerraform [][]string
}

func (c *connector) Connect(_ context.Context, _ resource.Managed) (managed.ExternalClient, error) {
	return &externalClient{aws: c.aws, gvk: c.gvk, nonTerraform: c.nonTerraform}, nil
}

// externalClient is the external client of one kind. Like the provider's, it finds
// the external resource by its external name, fills status.atProvider with
// what AWS reports (internal/fakeaws derives it), and reports the resource up
// to date when AWS holds the spec the managed resource asks for.
type externalClient struct {
	aws          *AWS
	gvk          schema.GroupVersionKind
	nonTerraform [][]string
}

func (c *externalClient) Observe(_ context.Context, mg resource.Managed) (managed.ExternalObservation, error) {
	s := c.subject(mg)
	if err := c.aws.fault(s, "observe", Throttling); err != nil {
		return managed.ExternalObservation{}, err
	}
	id := c.id(mg)
	ext, exists := c.aws.get(id)
	if id.name == "" || !exists || c.aws.notYetVisible(id, s) {
		return managed.ExternalObservation{ResourceExists: false}, nil
	}
	spec, err := c.forProvider(mg)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	observed, err := c.observe(mg)
	if err != nil {
		return managed.ExternalObservation{}, err
	}
	mg.SetConditions(xpv1.Available())
	return managed.ExternalObservation{
		ResourceExists:    true,
		ResourceUpToDate:  ext.spec == spec,
		ConnectionDetails: managed.ConnectionDetails(fakeaws.ConnectionDetails(mg.GetAnnotations()[annotationCompositionResource], observed)),
	}, nil
}

func (c *externalClient) Create(_ context.Context, mg resource.Managed) (managed.ExternalCreation, error) {
	s := c.subject(mg)
	if err := c.aws.fault(s, "create", Throttling); err != nil {
		return managed.ExternalCreation{}, err
	}
	observed, err := c.observe(mg)
	if err != nil {
		return managed.ExternalCreation{}, err
	}
	// Kinds whose identifier AWS assigns learn their external name on
	// create; the reconciler persists it.
	if meta.GetExternalName(mg) == "" {
		meta.SetExternalName(mg, meta.GetExternalName(observed))
	}
	spec, err := c.forProvider(mg)
	if err != nil {
		return managed.ExternalCreation{}, err
	}
	id := c.id(mg)
	c.aws.put(id, external{spec: spec})
	c.aws.journal.record(c.event(Create, mg))
	c.aws.markCreated(id, s)
	return managed.ExternalCreation{ConnectionDetails: managed.ConnectionDetails(fakeaws.ConnectionDetails(s.resource, observed))}, nil
}

func (c *externalClient) Update(_ context.Context, mg resource.Managed) (managed.ExternalUpdate, error) {
	if err := c.aws.fault(c.subject(mg), "update", ServerError); err != nil {
		return managed.ExternalUpdate{}, err
	}
	spec, err := c.forProvider(mg)
	if err != nil {
		return managed.ExternalUpdate{}, err
	}
	id := c.id(mg)
	before, _ := c.aws.get(id)
	if err := refuseReplacement(c.gvk, before.spec, spec); err != nil {
		return managed.ExternalUpdate{}, err
	}
	c.aws.put(id, external{spec: spec})
	e := c.event(Update, mg)
	e.Changed = changedPaths(before.spec, spec)
	c.aws.journal.record(e)
	return managed.ExternalUpdate{}, nil
}

func (c *externalClient) Delete(_ context.Context, mg resource.Managed) (managed.ExternalDelete, error) {
	// AWS refuses to delete a resource whose deletion protection is on.
	if err := c.aws.refuseProtectedDelete(c.subject(mg), c.id(mg), atProviderARN(mg)); err != nil {
		return managed.ExternalDelete{}, err
	}
	mg.SetConditions(xpv1.Deleting())
	c.aws.remove(c.id(mg))
	c.aws.journal.record(c.event(Delete, mg))
	return managed.ExternalDelete{}, nil
}

func (c *externalClient) Disconnect(context.Context) error { return nil }

func (c *externalClient) subject(mg resource.Managed) subject {
	l := mg.GetLabels()
	return subject{
		kind:     c.gvk.Group + "/" + c.gvk.Kind,
		name:     mg.GetName(),
		resource: mg.GetAnnotations()[annotationCompositionResource],
		claim:    l[labelClaimNamespace] + "/" + l[labelClaimName],
	}
}

func (c *externalClient) id(mg resource.Managed) externalID {
	var region string
	if obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(mg); err == nil {
		region, _, _ = unstructured.NestedString(obj, "spec", "forProvider", "region")
	}
	return externalID{composite: mg.GetLabels()[labelComposite], kind: c.gvk.Group + "/" + c.gvk.Kind, region: region, name: meta.GetExternalName(mg)}
}

func (c *externalClient) event(op Operation, mg resource.Managed) Event {
	s := c.subject(mg)
	return Event{Operation: op, Kind: s.kind, Name: s.name, UID: string(mg.GetUID()), ExternalName: meta.GetExternalName(mg), Resource: s.resource, Claim: s.claim}
}

// observe fills mg's status.atProvider with what AWS reports for it and
// returns the observed form (with the external name AWS would assign).
func (c *externalClient) observe(mg resource.Managed) (*composed.Unstructured, error) {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(mg)
	if err != nil {
		return nil, errors.Wrap(err, "cannot convert the managed resource")
	}
	u := &composed.Unstructured{Unstructured: unstructured.Unstructured{Object: obj}}
	u.SetGroupVersionKind(c.gvk)
	observed := fakeaws.ObserveOneIn(mg.GetAnnotations()[annotationCompositionResource], u, "", c.aws.account(c.subject(mg).claim))
	atProvider, _, _ := unstructured.NestedMap(observed.Object, "status", "atProvider")
	if err := unstructured.SetNestedMap(u.Object, atProvider, "status", "atProvider"); err != nil {
		return nil, errors.Wrap(err, "cannot set status.atProvider")
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, mg); err != nil {
		return nil, errors.Wrap(err, "cannot read status.atProvider into the managed resource")
	}
	return observed, nil
}

// forProvider is the spec AWS is asked to hold, as JSON: two specs are the
// same external state when their JSON is, set-typed lists compared without
// order (SetFields) and fields Terraform never sees left out
// (nonTerraformFields).
func (c *externalClient) forProvider(mg resource.Managed) (string, error) {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(mg)
	if err != nil {
		return "", errors.Wrap(err, "cannot convert the managed resource")
	}
	fp, _, _ := unstructured.NestedFieldNoCopy(obj, "spec", "forProvider")
	for _, path := range c.nonTerraform {
		dropAt(fp, path)
	}
	spec, err := c.aws.setFields().canonical(c.gvk, fp)
	return spec, errors.Wrap(err, "cannot serialise spec.forProvider")
}

// atProviderARN is the ARN AWS reports for mg (status.atProvider.arn), "" if
// none.
func atProviderARN(mg resource.Managed) string {
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(mg)
	if err != nil {
		return ""
	}
	arn, _, _ := unstructured.NestedString(obj, "status", "atProvider", "arn")
	return arn
}
