// Package awsrules is a catalogue of the constraints AWS documents for the
// kinds the platform renders, each checked over a whole converged render.
// Each rule cites the page and the sentence it encodes, so a violation is a
// request AWS would refuse, or a configuration AWS says does not work.
package awsrules

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	// AnnotationCompositionResource names a composed resource in its composite.
	AnnotationCompositionResource = "crossplane.io/composition-resource-name"
	// LabelResource names a composed resource in the platform's selectors.
	LabelResource          = "platform.paynext.io/resource"
	annotationExternalName = "crossplane.io/external-name"
)

// Violation is one resource field whose value AWS's documentation rules out.
type Violation struct {
	Rule     string // the rule's ID
	Resource string // the composed resource's key
	Field    string // the field judged, as a path under the object
	Value    string // the value judged
	Detail   string // why, in words
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: %s %s=%q: %s", v.Rule, v.Resource, v.Field, v.Value, v.Detail)
}

// Rule is one documented constraint.
type Rule struct {
	ID    string
	Kinds []string // "group/Kind" of the resources it judges
	URL   string   // the AWS page that documents it
	Doc   string   // the sentence it encodes (quoted or closely paraphrased)
	Check func(*Render) []Violation
}

// Render is a converged render: every composed resource, addressable by the
// key the platform's selectors use.
type Render struct {
	objs []*unstructured.Unstructured
	// byLabel indexes by the resource label selectors match, which differs
	// from the key for keys longer than a label value (platform.ResourceLabel).
	byLabel map[string]*unstructured.Unstructured
	// byKind indexes by "group/Kind", each list in key order.
	byKind map[string][]*unstructured.Unstructured
	// InstanceIDs are values that differ every time the composite is created
	// (its metadata.uid, say). A name that must never repeat across
	// teardowns is unique only if it contains one of them.
	InstanceIDs []string
}

// NewRender indexes objs by the resource label the platform's selectors
// match and by kind, in key order.
func NewRender(objs []*unstructured.Unstructured) *Render {
	type keyed struct {
		key string
		obj *unstructured.Unstructured
	}
	ks := make([]keyed, 0, len(objs))
	r := &Render{byLabel: map[string]*unstructured.Unstructured{}, byKind: map[string][]*unstructured.Unstructured{}}
	for _, o := range objs {
		ks = append(ks, keyed{Key(o), o})
		if l := metaString(o, "labels", LabelResource); l != "" {
			r.byLabel[l] = o
		}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for _, k := range ks {
		r.objs = append(r.objs, k.obj)
		gvk := k.obj.GroupVersionKind()
		r.byKind[gvk.Group+"/"+gvk.Kind] = append(r.byKind[gvk.Group+"/"+gvk.Kind], k.obj)
	}
	return r
}

// Objects are every resource of the render, in key order.
func (r *Render) Objects() []*unstructured.Unstructured { return slices.Clone(r.objs) }

// Len is the number of resources in the render.
func (r *Render) Len() int { return len(r.objs) }

// Key is the composed resource key of o.
func Key(o *unstructured.Unstructured) string {
	if k := metaString(o, "annotations", AnnotationCompositionResource); k != "" {
		return k
	}
	return metaString(o, "labels", LabelResource)
}

// metaString reads metadata.<field>[key] without copying the map (the
// accessors of unstructured.Unstructured copy it on every call).
func metaString(o *unstructured.Unstructured, field, key string) string {
	m, _ := Dig(o.Object, "metadata", field).(map[string]any)
	s, _ := m[key].(string)
	return s
}

// Of is every resource of the API group and kind, in key order.
func (r *Render) Of(group, kind string) []*unstructured.Unstructured {
	return slices.Clip(r.byKind[group+"/"+kind])
}

// Selected is the resource a selector at path (under spec.forProvider)
// selects by the platform's resource label, or nil.
func (r *Render) Selected(o *unstructured.Unstructured, path ...any) *unstructured.Unstructured {
	sel, _ := Dig(o.Object, append([]any{"spec", "forProvider"}, path...)...).(map[string]any)
	if sel == nil {
		return nil
	}
	ml, _ := sel["matchLabels"].(map[string]any)
	l, _ := ml[LabelResource].(string)
	return r.byLabel[l]
}

// SelectingThis is every resource of group/kind whose selector at path
// selects target.
func (r *Render) SelectingThis(target *unstructured.Unstructured, group, kind string, path ...any) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range r.Of(group, kind) {
		if r.Selected(o, path...) == target {
			out = append(out, o)
		}
	}
	return out
}

// Dig walks a JSON-like value: maps by string keys, lists by int indices;
// nil where the path leads nowhere.
func Dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// FP is a value under spec.forProvider.
func FP(o *unstructured.Unstructured, path ...any) any {
	return Dig(o.Object, append([]any{"spec", "forProvider"}, path...)...)
}

func FPString(o *unstructured.Unstructured, path ...any) string {
	s, _ := FP(o, path...).(string)
	return s
}

func FPBool(o *unstructured.Unstructured, path ...any) bool {
	b, _ := FP(o, path...).(bool)
	return b
}

// FPInt reads a number the way JSON and YAML decode it.
func FPInt(o *unstructured.Unstructured, path ...any) (int64, bool) {
	switch n := FP(o, path...).(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}

// externalName is the name AWS knows the resource by, where the platform
// sets it through crossplane.io/external-name.
func externalName(o *unstructured.Unstructured) string {
	return o.GetAnnotations()[annotationExternalName]
}

// deletionPolicy is Crossplane's: Delete unless the resource says Orphan.
func deletionPolicy(o *unstructured.Unstructured) string {
	if p, _ := Dig(o.Object, "spec", "deletionPolicy").(string); p != "" {
		return p
	}
	return "Delete"
}

func violation(rule string, o *unstructured.Unstructured, field, value, detail string) Violation {
	return Violation{Rule: rule, Resource: Key(o), Field: field, Value: value, Detail: detail}
}

// Check runs every rule over r.
func Check(r *Render, rules []Rule) []Violation {
	var out []Violation
	for _, rule := range rules {
		out = append(out, rule.Check(r)...)
	}
	return out
}
