package platform

import (
	"fmt"
	"reflect"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"google.golang.org/protobuf/types/known/structpb"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Resource is one composed resource a tier wants, as a typed provider object.
type Resource struct {
	Key    string
	Object runtime.Object
	// EmptyObjects are field paths that must be present as {} (for example
	// WAF's defaultAction.allow). composed.From omits empty objects, so typed
	// structs cannot say "present but empty"; these paths are set after it.
	EmptyObjects []string
}

// Observed gives typed access to the observed composed resources.
type Observed map[resource.Name]resource.ObservedComposed

// Get decodes the observed resource key into out (a typed provider object).
// It reports false when the resource is not observed or does not decode.
// What the shape of out's type vouches for is decoded without the
// converter's walk over every field of the type, to the same value.
func (o Observed) Get(key string, out runtime.Object) bool {
	oc, ok := o[resource.Name(key)]
	if !ok || oc.Resource == nil {
		return false
	}
	if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() && RegisterSchemes() == nil {
		if sh, ok := typeShapes[v.Elem().Type()]; ok && sh.decodes(oc.Resource.Object) {
			if sh.decode(oc.Resource.Object, v.Elem()) == nil {
				return true
			}
			// What the shape vouched for did not decode after all: the
			// converter's answer stands.
			v.Elem().SetZero()
		}
	}
	return runtime.DefaultUnstructuredConverter.FromUnstructured(oc.Resource.Object, out) == nil
}

// Check decodes every observed resource of a kind the platform renders into
// its typed form. A resource the function cannot read must be an error (a
// Fatal result, which changes nothing) rather than look unobserved: Get would
// report it missing, and what waits for it would drop out of the desired
// state and be deleted. What the kind's shape shows decodable is not
// decoded; anything else is, and its error returned.
func (o Observed) Check() error {
	for name, oc := range o {
		if err := check(name, oc.Resource); err != nil {
			return err
		}
	}
	return nil
}

func check(name resource.Name, u *composed.Unstructured) error {
	if u == nil || Decodable(u) {
		return nil
	}
	gvk := u.GroupVersionKind()
	typed, err := composed.Scheme.New(gvk)
	if err != nil {
		return nil // a kind only another pipeline step composes
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
		return fmt.Errorf("cannot read observed composed resource %q (%s): %w", name, gvk.Kind, err)
	}
	return nil
}

// ObservedFrom is request.GetObservedComposedResources(req), without each
// resource's managedFields (see observedObject), followed by Check,
// resource by resource: each resource is checked as soon as it is
// decoded from the request, while it is still in the CPU's caches, instead
// of in a second pass over all of them (~500 for prod). The error is Check's,
// for one resource it cannot read; the resources are returned with it.
func ObservedFrom(req *fnv1.RunFunctionRequest) (o Observed, unreadable error) {
	resources := req.GetObserved().GetResources()
	o = make(Observed, len(resources))
	for name, r := range resources {
		// As request.GetObservedComposedResources builds each one.
		ocd := resource.ObservedComposed{Resource: composed.New(), ConnectionDetails: r.GetConnectionDetails()}
		if ocd.ConnectionDetails == nil {
			ocd.ConnectionDetails = make(resource.ConnectionDetails)
		}
		ocd.Resource.Object = observedObject(r.GetResource())
		o[resource.Name(name)] = ocd
		if unreadable == nil {
			unreadable = check(resource.Name(name), ocd.Resource)
		}
	}
	return o, unreadable
}

// observedObject is s.AsMap() (what resource.AsObject makes of an observed
// resource) without metadata.managedFields. Crossplane sends each observed
// resource as it reads it from the API server, managed fields and all; on
// the e2e suite's live control plane they were 44% of a composed resource's
// bytes, and nothing the function does reads them.
func observedObject(s *structpb.Struct) map[string]any {
	out := make(map[string]any, len(s.GetFields()))
	for k, v := range s.GetFields() {
		if meta := v.GetStructValue(); k == "metadata" && meta != nil {
			out[k] = mapWithout(meta, "managedFields")
			continue
		}
		out[k] = v.AsInterface()
	}
	return out
}

// mapWithout is s.AsMap() without the field skip.
func mapWithout(s *structpb.Struct, skip string) map[string]any {
	out := make(map[string]any, len(s.GetFields()))
	for k, v := range s.GetFields() {
		if k != skip {
			out[k] = v.AsInterface()
		}
	}
	return out
}

// AtProvider is the string AWS reported as status.atProvider.<field> of the
// observed resource key, "" until it has. It reads what Get into the kind's
// typed struct would read for that one field, without decoding the whole
// resource: the tiers ask for a key's ARN or a subnet's ID hundreds of times
// a call. Whether the resource decodes at all is Check's (a Fatal result).
func (o Observed) AtProvider(key, field string) string {
	oc, ok := o[resource.Name(key)]
	if !ok || oc.Resource == nil {
		return ""
	}
	s, _ := String(oc.Resource.Object, "status", "atProvider", field)
	return s
}

// Has reports whether the resource key is observed.
func (o Observed) Has(key string) bool {
	oc, ok := o[resource.Name(key)]
	return ok && oc.Resource != nil
}

// Ready reports whether the observed resource key has condition Ready=True.
func (o Observed) Ready(key string) bool {
	oc, ok := o[resource.Name(key)]
	if !ok || oc.Resource == nil {
		return false
	}
	return Condition(oc.Resource, xpv1.TypeReady).Status == corev1.ConditionTrue
}

// Tier renders one tier: a pure function of the resolved config and the
// observed state.
type Tier interface {
	Name() string
	Render(cfg *Config, observed Observed) ([]Resource, error)
}

// DuplicateKeyError reports two tiers rendering the same key.
type DuplicateKeyError struct{ Key, First, Second string }

func (e DuplicateKeyError) Error() string {
	return fmt.Sprintf("composed resource %q is rendered by both the %s and the %s tier", e.Key, e.First, e.Second)
}

// RenderIndexed renders tier and indexes its resources by key.
func RenderIndexed(tier Tier, cfg *Config, observed Observed) (map[string]runtime.Object, error) {
	rs, err := tier.Render(cfg, observed)
	if err != nil {
		return nil, err
	}
	return Index(rs)
}

// Index maps a tier's resources by key, failing on a key rendered twice.
func Index(rs []Resource) (map[string]runtime.Object, error) {
	out := make(map[string]runtime.Object, len(rs))
	for _, r := range rs {
		if _, dup := out[r.Key]; dup {
			return nil, fmt.Errorf("composed resource %q is rendered twice", r.Key)
		}
		out[r.Key] = r.Object
	}
	return out, nil
}
