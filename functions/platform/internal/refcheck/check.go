package refcheck

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/paynext/platform/internal/provider"
)

// Rendered is one composed resource at convergence: its desired form with
// the status the provider reports, so the IDs and ARNs resolvers extract
// exist.
type Rendered struct {
	Key    string
	Object *unstructured.Unstructured
}

// Use is one selector of a rendered resource and what it matched.
type Use struct {
	Key      string   // the resource holding the selector
	Path     string   // e.g. spec.forProvider.subnetIdSelector
	Selector Selector // what the CRD says of it
	Matches  []string // keys of the rendered resources of the wanted kind it matches
	Always   bool     // policy.resolve is Always
}

// Result is what Check found.
type Result struct {
	Problems []string
	Uses     []Use
	// Relabelled are the group kinds stored at another version too, as
	// "LB.elbv2.aws.upbound.io v1beta1→v1beta2", marked "(ids only)" where
	// the whole object does not read at the other version.
	Relabelled []string
}

type resolver interface {
	client.Object
	ResolveReferences(ctx context.Context, c client.Reader) error
}

// Check gives every rendered resource a controller reference to one XR (so
// matchControllerRef works as in a cluster), stores them all in a fake API
// server, runs each one's generated ResolveReferences and checks each
// selector and required field against kinds (from LoadKinds).
func Check(ctx context.Context, rendered []Rendered, kinds map[schema.GroupVersionKind]*Kind, tfReq TFRequired) (*Result, error) {
	if err := provider.RegisterResolvers(); err != nil {
		return nil, err
	}
	s := runtime.NewScheme()
	if err := provider.AddToScheme(s); err != nil {
		return nil, err
	}
	owner := metav1.OwnerReference{APIVersion: "platform.paynext.io/v1alpha1", Kind: "XPayNextPlatform", Name: "platform", UID: types.UID("xr-uid"), Controller: ptr.To(true)}

	res := &Result{}
	typed := make([]client.Object, len(rendered))
	var stored []client.Object
	for i, r := range rendered {
		u := r.Object.DeepCopy()
		u.SetOwnerReferences([]metav1.OwnerReference{owner})
		o, err := decode(s, u, u.GroupVersionKind())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Key, err)
		}
		typed[i] = o
		stored = append(stored, o)
		for _, gvk := range versionsOf(s, u.GroupVersionKind()) {
			note := gvk.GroupKind().String() + " " + u.GroupVersionKind().Version + "→" + gvk.Version
			o, err := decode(s, u, gvk)
			if err != nil {
				// The spec's shape differs at gvk (a list became an
				// object): keep what the generated extractors read, the
				// external name and the strings of status.atProvider.
				if o, err = decode(s, idsOnly(u), gvk); err != nil {
					return nil, fmt.Errorf("%s: %w", r.Key, err)
				}
				note += " (ids only)"
			}
			stored = append(stored, o)
			if !slices.Contains(res.Relabelled, note) {
				res.Relabelled = append(res.Relabelled, note)
			}
		}
	}
	slices.Sort(res.Relabelled)
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(stored...).Build()

	for i, r := range rendered {
		gvk := r.Object.GroupVersionKind()
		k, ok := kinds[gvk]
		if !ok {
			return nil, fmt.Errorf("%s: no CRD loaded for %s", r.Key, gvk)
		}
		mg := typed[i].DeepCopyObject()
		// A kind without references has no generated ResolveReferences.
		// The generated method stops at the first field it cannot resolve,
		// so what it left empty after that says nothing more.
		resolvedAll := true
		if rr, ok := mg.(resolver); ok {
			if err := rr.ResolveReferences(ctx, c); err != nil {
				res.Problems = append(res.Problems, fmt.Sprintf("%s (%s): the provider's ResolveReferences fails: %v", r.Key, gvk.Kind, err))
				resolvedAll = false
			}
		}
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(mg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Key, err)
		}
		resolved := &unstructured.Unstructured{Object: m}
		checkSelectors(res, r, resolved, k, rendered, resolvedAll)
		if resolvedAll && mayCreateOrUpdate(r.Object) {
			checkRequired(res, r, resolved, k)
			checkTFRequired(res, r.Key, mg, tfReq)
		}
	}
	return res, nil
}

// versionsOf is every other version of gvk's kind the scheme knows. The
// scheme holds the group versions the resolvers list, and a resolver may list
// a kind at another version than we render (S3 Bucket at v1beta2, say). The
// fake client keys objects by version, so each object is also stored at every
// other version, relabelled: what the API server serves for a CRD whose
// conversion strategy is None (same fields, new apiVersion). Where the spec
// does not read at the other version, see idsOnly.
func versionsOf(s *runtime.Scheme, gvk schema.GroupVersionKind) []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for k := range s.AllKnownTypes() {
		if k.GroupKind() == gvk.GroupKind() && k.Version != gvk.Version {
			out = append(out, k)
		}
	}
	return out
}

// idsOnly is u's metadata with the string fields of status.atProvider: all
// a generated extractor reads (the external name, id, arn and the like), and
// what a converting API server would serve of them at any version.
func idsOnly(u *unstructured.Unstructured) *unstructured.Unstructured {
	out := &unstructured.Unstructured{Object: map[string]any{"apiVersion": u.GetAPIVersion(), "kind": u.GetKind(), "metadata": u.Object["metadata"]}}
	at, _, _ := unstructured.NestedMap(u.Object, "status", "atProvider")
	ids := map[string]any{}
	for k, v := range at {
		if s, ok := v.(string); ok {
			ids[k] = s
		}
	}
	out.Object["status"] = map[string]any{"atProvider": ids}
	return out
}

func decode(s *runtime.Scheme, u *unstructured.Unstructured, gvk schema.GroupVersionKind) (client.Object, error) {
	o, err := s.New(gvk)
	if err != nil {
		return nil, err
	}
	r, ok := o.(client.Object)
	if !ok {
		return nil, fmt.Errorf("%s is not an object", gvk)
	}
	c := u.DeepCopy()
	c.SetGroupVersionKind(gvk)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(c.Object, r); err != nil {
		return nil, fmt.Errorf("cannot read it as %s: %w", gvk, err)
	}
	return r, nil
}

func checkSelectors(res *Result, r Rendered, resolved *unstructured.Unstructured, k *Kind, rendered []Rendered, resolvedAll bool) {
	for _, root := range []string{"forProvider", "initProvider"} {
		for path, sels := range k.Selectors {
			for _, loc := range locate(r.Object.Object, "spec."+root, path) {
				for _, s := range sels {
					sel, ok := loc.obj[s.Name].(map[string]any)
					if !ok {
						continue
					}
					checkSelector(res, r, resolved, loc.path, s, sel, rendered, resolvedAll)
				}
			}
		}
	}
}

func checkSelector(res *Result, r Rendered, resolved *unstructured.Unstructured, path string, s Selector, sel map[string]any, rendered []Rendered, resolvedAll bool) {
	field := path + "." + s.Name
	fail := func(format string, a ...any) {
		res.Problems = append(res.Problems, fmt.Sprintf("%s: %s: ", r.Key, field)+fmt.Sprintf(format, a...))
	}
	if sel["matchControllerRef"] != true {
		fail("want matchControllerRef, so it never picks another platform's resource")
	}
	if strings.Contains(path, "[") {
		// provider-aws's object lists carry no x-kubernetes-list-type, so
		// server-side apply replaces them whole: the provider's resolver
		// writes the resolved ID into the list and Crossplane's next apply
		// of the same list takes it out again.
		fail("a selector inside a list: the list is atomic under server-side apply, so what the provider's resolver writes into it is removed by Crossplane's next apply; set %s from known or observed values instead", s.Field)
	}
	labels, _ := sel["matchLabels"].(map[string]any)
	var wanted, other []string
	for _, o := range rendered {
		if !matches(o.Object.GetLabels(), labels) {
			continue
		}
		g := o.Object.GroupVersionKind()
		if g.Kind == s.Kind && strings.SplitN(g.Group, ".", 2)[0] == s.Group {
			wanted = append(wanted, o.Key)
		} else {
			other = append(other, fmt.Sprintf("%s (%s.%s)", o.Key, g.Kind, strings.SplitN(g.Group, ".", 2)[0]))
		}
	}
	slices.Sort(wanted)
	slices.Sort(other)
	switch {
	case len(wanted) == 0 && len(other) > 0:
		fail("the provider resolves it only against %s, but it matches %s", s.Wanted(), strings.Join(other, ", "))
	case len(wanted) == 0:
		fail("matches no %s (the kind the provider resolves it against)", s.Wanted())
	case len(other) > 0:
		fail("the provider resolves it against %s, but it also matches %s", s.Wanted(), strings.Join(other, ", "))
	}
	if !s.Multi && len(wanted) > 1 {
		fail("%s takes one %s, but the selector matches %d (%s) and the provider silently takes the first", s.Field, s.Wanted(), len(wanted), strings.Join(wanted, ", "))
	}
	if len(wanted) > 0 && resolvedAll {
		if empty(lookup(resolved.Object, path+"."+s.Field)) {
			fail("%s (from a %s) is still empty after the provider's resolution", s.Field, s.Wanted())
		}
	}
	policy, _ := sel["policy"].(map[string]any)
	res.Uses = append(res.Uses, Use{Key: r.Key, Path: field, Selector: s, Matches: wanted, Always: policy["resolve"] == string(xpv1.ResolvePolicyAlways)})
}

func checkRequired(res *Result, r Rendered, resolved *unstructured.Unstructured, k *Kind) {
	for _, f := range k.Required {
		fp, _, _ := unstructured.NestedFieldNoCopy(resolved.Object, "spec", "forProvider", f)
		ip, _, _ := unstructured.NestedFieldNoCopy(resolved.Object, "spec", "initProvider", f)
		if empty(fp) && empty(ip) {
			res.Problems = append(res.Problems, fmt.Sprintf("%s (%s): spec.forProvider.%s is a required parameter (the CRD's validation rule) and is still empty after the provider's resolution", r.Key, r.Object.GetKind(), f))
		}
	}
}

// mayCreateOrUpdate mirrors the CRDs' rule: a field is required only while
// managementPolicies hold *, Create or Update (the default is *).
func mayCreateOrUpdate(u *unstructured.Unstructured) bool {
	p, found, _ := unstructured.NestedStringSlice(u.Object, "spec", "managementPolicies")
	return !found || slices.Contains(p, "*") || slices.Contains(p, "Create") || slices.Contains(p, "Update")
}

func empty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

func matches(labels map[string]string, want map[string]any) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

type located struct {
	obj  map[string]any
	path string
}

// locate returns the objects at schema path (segments joined by ".", a
// trailing "[]" for each element of a list) below root in m, with their
// concrete paths.
func locate(m map[string]any, root, path string) []located {
	segs := strings.Split(root, ".")
	if path != "" {
		segs = append(segs, strings.Split(path, ".")...)
	}
	cur := []located{{obj: m}}
	for _, seg := range segs {
		list := strings.HasSuffix(seg, "[]")
		name := strings.TrimSuffix(seg, "[]")
		var next []located
		for _, l := range cur {
			p := name
			if l.path != "" {
				p = l.path + "." + name
			}
			switch v := l.obj[name].(type) {
			case map[string]any:
				if !list {
					next = append(next, located{v, p})
				}
			case []any:
				if list {
					for i, e := range v {
						if em, ok := e.(map[string]any); ok {
							next = append(next, located{em, fmt.Sprintf("%s[%d]", p, i)})
						}
					}
				}
			}
		}
		cur = next
	}
	return cur
}

// lookup returns the value at a concrete path such as
// spec.forProvider.rule[0].name, or nil.
func lookup(m map[string]any, path string) any {
	var cur any = m
	for _, seg := range strings.Split(path, ".") {
		name, idx, _ := strings.Cut(strings.TrimSuffix(seg, "]"), "[")
		o, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = o[name]
		if idx != "" {
			l, _ := cur.([]any)
			i, err := strconv.Atoi(idx)
			if err != nil || i >= len(l) {
				return nil
			}
			cur = l[i]
		}
	}
	return cur
}
