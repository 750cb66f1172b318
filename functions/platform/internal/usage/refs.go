package usage

import (
	"strconv"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// graph is the desired resources by key, their keys sorted, and the
// identifiers AWS reported for the observed ones.
type graph struct {
	byKey map[string]*composed.Unstructured
	keys  []string
	ids   map[string][]string
}

// reference is one field of a rendered resource that may name another: a
// selector's labels, or a literal ID, ARN or name.
type reference struct {
	matchLabels map[string]any
	literal     string
}

// resolve returns the keys of the resources ref names: what a selector's
// labels match (every platform selector also matches the controller
// reference, so only this XR's resources), or the resources AWS knows by the
// literal.
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
	var out []string
	for _, key := range g.keys {
		labels := g.byKey[key].GetLabels()
		match := len(ref.matchLabels) > 0
		for k, v := range ref.matchLabels {
			if s, _ := v.(string); labels[k] != s {
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
// …Selector with matchLabels) and string literals. Tags are left out: a
// Name tag repeats names, it does not use anything.
func walk(v any, path string, visit func(path string, ref reference)) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			switch child := t[k]; {
			case k == "tags" || k == "tagsAll":
			case len(k) > len("Selector") && k[len(k)-len("Selector"):] == "Selector":
				if sel, ok := child.(map[string]any); ok {
					if ml, ok := sel["matchLabels"].(map[string]any); ok {
						visit(path+"."+k, reference{matchLabels: ml})
					}
				}
			default:
				walk(child, path+"."+k, visit)
			}
		}
	case []any:
		for i, child := range t {
			walk(child, path+"["+strconv.Itoa(i)+"]", visit)
		}
	case string:
		visit(path, reference{literal: t})
	}
}

// identifiers maps every ID, ARN and name AWS reported for an observed
// resource (its external name, status.atProvider id, arn and name) to the
// keys of the resources it names. A name two resources share (an IAM role
// and a launch template both called paynext-prod-eks-nodes) names both; the
// pair table keeps the one the referring kind can use.
func identifiers(observed platform.Observed) map[string][]string {
	out := map[string][]string{}
	for _, key := range sortedKeys(observed) {
		oc := observed[resource.Name(key)]
		if oc.Resource == nil {
			continue
		}
		values := map[string]bool{}
		if en := oc.Resource.GetAnnotations()[platform.AnnotationExternalName]; en != "" {
			values[en] = true
		}
		for _, f := range []string{"status.atProvider.id", "status.atProvider.arn", "status.atProvider.name", "spec.forProvider.name"} {
			if s, err := oc.Resource.GetString(f); err == nil && s != "" {
				values[s] = true
			}
		}
		for v := range values {
			out[v] = append(out[v], key)
		}
	}
	return out
}

// forProvider is u's spec.forProvider, or nil for an object without one.
func forProvider(u *composed.Unstructured) map[string]any {
	spec, _ := u.Object["spec"].(map[string]any)
	fp, _ := spec["forProvider"].(map[string]any)
	return fp
}
