// Package usage renders Crossplane ClusterUsages for the "cannot be deleted
// while A uses it" edges of the platform that matter in AWS, so that deleting
// a claim deletes its resources in dependency order: users first, then what
// they use. The edges are read from the rendered resources themselves (their
// selectors, and the literal IDs and names of observed resources they carry),
// so a usage exists exactly where a reference does; a table of kind pairs
// says which references are deletion dependencies worth the object.
package usage

import (
	"cmp"
	"fmt"
	"slices"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	protectionv1beta1 "github.com/crossplane/crossplane/apis/v2/protection/v1beta1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// TierUsage labels the usages, which belong to no AWS tier.
const TierUsage = "usage"

// Edge says User uses Used: Used must not be deleted while User exists.
type Edge struct {
	User, Used string
	// Field is the path in User (or, for a configuration resource, in the
	// resource it configures) that references Used.
	Field string
	// Reason is why AWS needs the order, from the pair table.
	Reason string
	// released is set for a usage whose used resource is no longer
	// desired while its user is: it is rendered without spec.by.
	released *released
}

// released is what an observed usage said of the resource it protected.
type released struct{ key, apiVersion, kind, label string }

// Key is the edge's composition resource name: stable, since it is made of
// the two stable keys.
func (e Edge) Key() string {
	if e.released != nil {
		return e.released.key
	}
	return "usage-" + e.Used + "-by-" + e.User
}

// Edges returns the deletion dependencies among the desired resources, sorted
// by key. observed supplies the IDs, ARNs and names AWS reported, through
// which literal references (multi-subnet lists, key ARNs) are followed.
func Edges(desired map[resource.Name]*resource.DesiredComposed, observed platform.Observed) []Edge {
	g := newGraph(desired, observed)
	seen := make(map[string]Edge, len(desired))
	for _, key := range g.keys {
		u := g.byKey[key]
		user, skip := key, ""
		if field, ok := configures[groupKind(u)]; ok {
			owners := targets(u, field, g)
			if len(owners) != 1 {
				continue
			}
			user, skip = owners[0], field
		}
		userKind := groupKind(g.byKey[user])
		skipped := func(path string) bool {
			return skip != "" && (path == "spec.forProvider."+skip || path == "spec.forProvider."+trimSelector(skip))
		}
		walk(forProvider(u), "spec.forProvider", func(path func() string, ref reference) {
			for _, used := range ref.resolve(g) {
				if used == user || used == key {
					continue
				}
				reason, ok := protects[pair{userKind, groupKind(g.byKey[used])}]
				if !ok || skipped(path()) {
					continue
				}
				e := Edge{User: user, Used: used, Reason: reason}
				if _, dup := seen[e.Key()]; !dup {
					e.Field = path()
					seen[e.Key()] = e
				}
			}
		})
	}
	// A usage that exists keeps existing while both its ends are desired,
	// even when the literal it was read from names a resource that is
	// briefly unobserved (being recreated): dropping it would delete it.
	for _, e := range observedEdges(observed, g) {
		if _, ok := seen[e.Key()]; !ok {
			seen[e.Key()] = e
		}
	}
	out := make([]Edge, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Edge) int { return cmp.Compare(a.Key(), b.Key()) })
	return out
}

// Render returns one ClusterUsage per edge. Both ends are selected by their
// composition resource label under the same XR, so the usage follows the
// resources Crossplane names. replayDeletion: Kubernetes' garbage collector
// backs off after the webhook refuses a delete; Crossplane replays the
// delete of the used resource once the usage goes.
//
// composite is the XR's name. Crossplane's usage controller resolves a
// selector by LISTing its kind from the API server with the selector's
// labels and only then checks the controller reference
// (internal/controller/protection/usage/selector.go, v2.4.0). The resource
// label is the same in every platform, so without the XR's own label each
// list returns that resource of every platform on the cluster: make scale
// measured 2,292 such lists of KMS keys in 11 minutes at 25 platforms.
func Render(edges []Edge, desired map[resource.Name]*resource.DesiredComposed, composite string) []platform.Resource {
	out := make([]platform.Resource, 0, len(edges))
	for _, e := range edges {
		u := &protectionv1beta1.ClusterUsage{
			TypeMeta: metav1.TypeMeta{APIVersion: protectionv1beta1.SchemeGroupVersion.String(), Kind: protectionv1beta1.ClusterUsageKind},
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{
				platform.LabelTier:     TierUsage,
				platform.LabelResource: platform.ResourceLabel(e.Key()),
			}},
			Spec: protectionv1beta1.ClusterUsageSpec{ReplayDeletion: ptr.To(true)},
		}
		if r := e.released; r != nil {
			u.Spec.Of = protectionv1beta1.Resource{APIVersion: r.apiVersion, Kind: r.kind, ResourceSelector: &protectionv1beta1.ResourceSelector{
				MatchControllerRef: ptr.To(true),
				MatchLabels:        matchLabels(r.label, composite),
			}}
			u.Spec.Reason = ptr.To(e.Reason)
		} else {
			u.Spec.Of = selectorOf(desired[resource.Name(e.Used)].Resource, e.Used, composite)
			u.Spec.By = ptr.To(selectorOf(desired[resource.Name(e.User)].Resource, e.User, composite))
		}
		out = append(out, platform.Resource{Key: e.Key(), Object: u})
	}
	return out
}

func selectorOf(u *composed.Unstructured, key, composite string) protectionv1beta1.Resource {
	return protectionv1beta1.Resource{
		APIVersion: u.GetAPIVersion(),
		Kind:       u.GetKind(),
		ResourceSelector: &protectionv1beta1.ResourceSelector{
			MatchControllerRef: ptr.To(true),
			MatchLabels:        matchLabels(platform.ResourceLabel(key), composite),
		},
	}
}

// matchLabels selects the resource labelled label among the XR composite's
// (all of them when composite is unknown).
func matchLabels(label, composite string) map[string]string {
	if composite == "" {
		return map[string]string{platform.LabelResource: label}
	}
	return map[string]string{platform.LabelResource: label, platform.LabelComposite: composite}
}

func groupKind(u *composed.Unstructured) schema.GroupKind {
	return platform.GroupVersionKind(u).GroupKind()
}

func sortedKeys[K ~string, V any](m map[K]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	return keys
}

// observedEdges are the observed usages the references no longer give:
//   - both ends still desired: kept, as the literal it was read from may name
//     a resource that is briefly unobserved (being recreated), and dropping
//     the usage would delete it;
//   - the user still desired, the used resource not (a removed zone's
//     subnet): released, by dropping spec.by. Crossplane's usage controller
//     holds a composed usage that names a user until the user is deleted
//     (crossplane v2.4.0 internal/controller/protection/usage), so deleting
//     it now would block the used resource's delete for the user's life; a
//     released usage is dropped at the next reconcile and replays the
//     delete;
//   - the user not desired: dropped, and Crossplane deletes it once the user
//     is gone, which is the order it exists for.
func observedEdges(observed platform.Observed, g *graph) []Edge {
	var out []Edge
	// Each edge found is keyed by the observed usage's own name, so the
	// order they are found in changes nothing.
	for name, oc := range observed {
		key := string(name)
		if oc.Resource == nil || oc.Resource.Object["kind"] != protectionv1beta1.ClusterUsageKind ||
			platform.GroupVersionKind(oc.Resource) != protectionv1beta1.ClusterUsageGroupVersionKind {
			continue
		}
		end := func(side string) string {
			ml, ok := platform.StringObject(oc.Resource.Object, "spec", side, "resourceSelector", "matchLabels")
			if !ok {
				return ""
			}
			if keys := (reference{matchLabels: ml}).resolve(g); len(keys) == 1 {
				return keys[0]
			}
			return ""
		}
		user, used := end("by"), end("of")
		switch {
		case user != "" && used != "":
			if e := (Edge{User: user, Used: used, Field: "(observed usage)", Reason: "rendered before; kept while both ends are desired"}); e.Key() == key {
				out = append(out, e)
			}
		case user != "" && used == "":
			apiVersion, _ := platform.String(oc.Resource.Object, "spec", "of", "apiVersion")
			kind, _ := platform.String(oc.Resource.Object, "spec", "of", "kind")
			ofLabels, _ := platform.StringObject(oc.Resource.Object, "spec", "of", "resourceSelector", "matchLabels")
			label := platform.StringValue(ofLabels, platform.LabelResource)
			if _, ok := platform.Value(oc.Resource.Object, "spec", "by"); !ok || label == "" {
				continue // already released: let it go
			}
			out = append(out, Edge{User: user, Field: "(observed usage)", Reason: user + " no longer uses it: released, so it can be deleted",
				released: &released{key: key, apiVersion: apiVersion, kind: kind, label: label}})
		}
	}
	return out
}

// KeepWhatKeptResourcesUse orphans every resource a kept (orphaned)
// resource uses, and what that uses in turn: deleting it would fail in AWS
// for as long as the kept resource stands (a subnet group's subnets, a
// cluster's security group, their VPC), and the claim's delete would never
// finish. It returns the keys it changed, sorted, or an error naming the
// resource it could not orphan: left deletable, AWS would refuse its delete.
func KeepWhatKeptResourcesUse(edges []Edge, desired map[resource.Name]*resource.DesiredComposed) ([]string, error) {
	kept := func(key string) bool {
		d, ok := desired[resource.Name(key)]
		if !ok {
			return false
		}
		p, _ := platform.String(d.Resource.Object, "spec", "deletionPolicy")
		return p == string(xpv1.DeletionOrphan)
	}
	var changed []string
	for again := true; again; {
		again = false
		for _, e := range edges {
			if e.released != nil || !kept(e.User) || kept(e.Used) {
				continue
			}
			if err := desired[resource.Name(e.Used)].Resource.SetString("spec.deletionPolicy", string(xpv1.DeletionOrphan)); err != nil {
				return nil, fmt.Errorf("cannot keep %s, which the kept %s uses: %w", e.Used, e.User, err)
			}
			changed = append(changed, e.Used)
			again = true
		}
	}
	slices.Sort(changed)
	return changed, nil
}

// StillProtected returns, as desired, the observed resources no longer
// rendered that an observed usage still protects. Crossplane deletes what
// is no longer desired before it applies anything (crossplane v2.4.0
// FunctionComposer.Compose), and the usage webhook refuses that delete
// while a usage stands, which fails the whole reconcile, so neither the
// released usage nor any other change would ever be applied. Kept until its
// usages are gone, the resource is then deleted cleanly. It is kept as
// observed: its spec and metadata, without the rendered-spec digest being
// renewed, so it may go once nothing protects it.
func StillProtected(observed platform.Observed, desired map[resource.Name]*resource.DesiredComposed) map[resource.Name]*resource.DesiredComposed {
	out := map[resource.Name]*resource.DesiredComposed{}
	byLabel := make(map[string]resource.Name, len(observed))
	for name, oc := range observed {
		if oc.Resource != nil {
			byLabel[platform.StringValue(platform.Labels(oc.Resource), platform.LabelResource)] = name
		}
	}
	for _, oc := range observed {
		if oc.Resource == nil || platform.GroupVersionKind(oc.Resource) != protectionv1beta1.ClusterUsageGroupVersionKind {
			continue
		}
		labels, ok := platform.StringObject(oc.Resource.Object, "spec", "of", "resourceSelector", "matchLabels")
		if !ok {
			continue
		}
		name, ok := byLabel[platform.StringValue(labels, platform.LabelResource)]
		if !ok {
			continue
		}
		if _, rendered := desired[name]; rendered {
			continue
		}
		o := observed[name].Resource
		kept := composed.New()
		kept.SetAPIVersion(o.GetAPIVersion())
		kept.SetKind(o.GetKind())
		kept.SetLabels(o.GetLabels())
		kept.SetAnnotations(o.GetAnnotations())
		if spec, ok := o.Object["spec"]; ok {
			kept.Object["spec"] = spec
		}
		out[name] = &resource.DesiredComposed{Resource: kept, Ready: resource.ReadyTrue}
	}
	return out
}
