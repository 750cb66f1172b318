package usage

import (
	"slices"
	"strconv"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// graph is the desired resources by key, their keys sorted, their labels
// indexed once, and the identifiers AWS reported for the observed ones.
type graph struct {
	byKey map[string]*composed.Unstructured
	keys  []string
	// labels are each desired resource's labels as GetLabels reads them,
	// not copied (nil when they do not read as strings).
	labels map[string]map[string]any
	// byLabel lists, for each label name and non-empty value, the keys of
	// the desired resources that carry it, sorted.
	byLabel map[string]map[string][]string
	ids     map[string][]string
}

func newGraph(desired map[resource.Name]*resource.DesiredComposed, observed platform.Observed) *graph {
	g := &graph{
		byKey:   make(map[string]*composed.Unstructured, len(desired)),
		labels:  make(map[string]map[string]any, len(desired)),
		byLabel: map[string]map[string][]string{},
		ids:     identifiers(observed),
	}
	for name, d := range desired {
		g.byKey[string(name)] = d.Resource
	}
	g.keys = sortedKeys(g.byKey)
	for _, key := range g.keys {
		labels := platform.Labels(g.byKey[key])
		g.labels[key] = labels
		for k, v := range labels {
			s, _ := v.(string)
			if s == "" {
				continue
			}
			values, ok := g.byLabel[k]
			if !ok {
				values = make(map[string][]string, len(desired))
				g.byLabel[k] = values
			}
			values[s] = append(values[s], key)
		}
	}
	return g
}

// reference is one field of a rendered resource that may name another: a
// selector's labels, or a literal ID, ARN or name.
type reference struct {
	matchLabels map[string]any
	literal     string
}

// resolve returns the keys of the resources ref names, sorted: what a
// selector's labels match (every platform selector also matches the
// controller reference, so only this XR's resources), or the resources AWS
// knows by the literal.
func (ref reference) resolve(g *graph) []string {
	if ref.matchLabels == nil {
		var out []string
		for _, key := range g.ids[ref.literal] {
			if _, ok := g.byKey[key]; ok {
				out = append(out, key)
			}
		}
		return out
	}
	if len(ref.matchLabels) == 0 {
		return nil
	}
	// The candidates are the resources carrying one of the wanted labels
	// (a wanted value that is not a non-empty string also matches a
	// resource without the label: then every resource is a candidate).
	candidates := g.keys
	for k, v := range ref.matchLabels {
		if s, _ := v.(string); s != "" && k != platform.LabelComposite {
			candidates = g.byLabel[k][s]
			break
		}
	}
	var out []string
	for _, key := range candidates {
		labels := g.labels[key]
		match := true
		for k, v := range ref.matchLabels {
			// Crossplane labels what it composes with the XR's name; what is
			// desired here is this XR's, and does not carry it yet.
			if k == platform.LabelComposite {
				continue
			}
			if s, _ := v.(string); platform.StringValue(labels, k) != s {
				match = false
				break
			}
		}
		if match {
			out = append(out, key)
		}
	}
	return out
}

// targets resolves the references under field (a selector, or the literal it
// replaces: bucketSelector or bucket) of u's forProvider.
func targets(u *composed.Unstructured, field string, g *graph) []string {
	fp := forProvider(u)
	if sel, ok := fp[field].(map[string]any); ok {
		if ml, ok := sel["matchLabels"].(map[string]any); ok {
			return reference{matchLabels: ml}.resolve(g)
		}
	}
	if lit, ok := fp[trimSelector(field)].(string); ok {
		return reference{literal: lit}.resolve(g)
	}
	return nil
}

func trimSelector(field string) string {
	const suffix = "Selector"
	if len(field) > len(suffix) && field[len(field)-len(suffix):] == suffix {
		return field[:len(field)-len(suffix)]
	}
	return field
}

// walk calls visit for every reference under v: selectors (fields named
// …Selector with matchLabels) and string literals, in the order of sorted
// map keys. Tags are left out: a Name tag repeats names, it does not use
// anything. visit is given the reference's path (path, then .key and [i]
// segments) as a function, since most references name nothing and their
// paths are never read.
func walk(v any, path string, visit func(path func() string, ref reference)) {
	w := &walker{visit: visit, path: append(make([]byte, 0, 128), path...)}
	w.pathString = func() string { return string(w.path) }
	w.walk(v)
}

type walker struct {
	visit      func(path func() string, ref reference)
	path       []byte
	pathString func() string
	// keys holds the sorted keys of every map being walked, the deepest
	// last.
	keys []string
}

func (w *walker) walk(v any) {
	switch t := v.(type) {
	case map[string]any:
		start := len(w.keys)
		for k := range t {
			w.keys = append(w.keys, k)
		}
		slices.Sort(w.keys[start:])
		n := len(w.keys)
		for i := start; i < n; i++ {
			k := w.keys[i]
			pathLen := len(w.path)
			w.path = append(append(w.path, '.'), k...)
			switch child := t[k]; {
			case k == "tags" || k == "tagsAll":
			case len(k) > len("Selector") && k[len(k)-len("Selector"):] == "Selector":
				if sel, ok := child.(map[string]any); ok {
					if ml, ok := sel["matchLabels"].(map[string]any); ok {
						w.visit(w.pathString, reference{matchLabels: ml})
					}
				}
			default:
				w.walk(child)
			}
			w.path = w.path[:pathLen]
		}
		w.keys = w.keys[:start]
	case []any:
		for i, child := range t {
			pathLen := len(w.path)
			w.path = append(strconv.AppendInt(append(w.path, '['), int64(i), 10), ']')
			w.walk(child)
			w.path = w.path[:pathLen]
		}
	case string:
		w.visit(w.pathString, reference{literal: t})
	}
}

// identifiers maps every ID, ARN and name AWS reported for an observed
// resource (its external name, status.atProvider id, arn and name) to the
// keys of the resources it names. A name two resources share (an IAM role
// and a launch template both called paynext-prod-eks-nodes) names both; the
// pair table keeps the one the referring kind can use.
func identifiers(observed platform.Observed) map[string][]string {
	out := make(map[string][]string, 4*len(observed))
	var values []string
	add := func(s string) {
		if s != "" && !slices.Contains(values, s) {
			values = append(values, s)
		}
	}
	for name, oc := range observed {
		if oc.Resource == nil {
			continue
		}
		key := string(name)
		values = values[:0]
		add(platform.StringValue(platform.Annotations(oc.Resource), platform.AnnotationExternalName))
		for _, f := range reportedFields {
			if s, ok := platform.String(oc.Resource.Object, f...); ok {
				add(s)
			}
		}
		for _, v := range values {
			out[v] = append(out[v], key)
		}
	}
	// Sorted, so a literal's resources resolve in a stable order.
	for _, keys := range out {
		slices.Sort(keys)
	}
	return out
}

// reportedFields are where an observed resource holds its ID, ARN and name.
var reportedFields = [][]string{
	{"status", "atProvider", "id"},
	{"status", "atProvider", "arn"},
	{"status", "atProvider", "name"},
	{"spec", "forProvider", "name"},
}

// forProvider is u's spec.forProvider, or nil for an object without one.
func forProvider(u *composed.Unstructured) map[string]any {
	spec, _ := u.Object["spec"].(map[string]any)
	fp, _ := spec["forProvider"].(map[string]any)
	return fp
}
