package forcenew

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ExternalNamePath is the table's path for a kind whose AWS name provider-aws
// takes from the crossplane.io/external-name annotation.
const ExternalNamePath = "metadata.annotations[crossplane.io/external-name]"

// Change is one replace-only field a desired object sets to another value
// than an existing object of the same kind holds.
type Change struct {
	// Path is the concrete field (list elements by index).
	Path string
	// Terraform is the Terraform argument the field maps to.
	Terraform string
	Desired   any
	Observed  any
	// Conditional is true when the provider replaces only in cases one of
	// its functions decides (Reason names it).
	Conditional bool
	Reason      string
}

func (c Change) String() string {
	return fmt.Sprintf("%s: %s -> %s", c.Path, show(c.Observed), show(c.Desired))
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}

// Changes lists the replace-only fields of gvk (the table's) that desired
// sets and observed holds with another value, sorted by path. A field only
// one side has is no change this can judge: desired leaving it out lets the
// provider keep what AWS has, and observed lacking it means the field was
// never set. Values are compared as JSON decodes them (a number of either
// side's type compares by value); lists of scalars compare as sets, as
// Terraform compares the set attributes most of them are.
func Changes(gvk schema.GroupVersionKind, desired, observed map[string]any) []Change {
	paths, ok := table[gvk]
	if !ok {
		return nil
	}
	var out []Change
	if p, ok := paths[ExternalNamePath]; ok {
		d, dok := externalName(desired)
		o, ook := externalName(observed)
		if dok && ook && d != o {
			out = append(out, Change{Path: ExternalNamePath, Terraform: p.Terraform, Desired: d, Observed: o, Conditional: p.Conditional, Reason: p.Reason})
		}
	}
	dfp, _ := dig(desired, "spec", "forProvider")
	ofp, _ := dig(observed, "spec", "forProvider")
	w := walker{paths: paths, sorted: sortedPaths[gvk], out: &out}
	w.walk("spec.forProvider", "spec.forProvider", dfp, ofp)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// walker compares the fields of one kind. It only descends where a
// replace-only path can be: RunFunction asks it of every observed resource
// each call, and most fields of most kinds replace nothing.
type walker struct {
	paths map[string]Path
	// sorted are the kind's replace-only paths, sorted.
	sorted []string
	out    *[]Change
}

// under reports whether a replace-only path begins with prefix: only then
// can normal or a field under it be one.
func (w walker) under(prefix string) bool {
	i, _ := slices.BinarySearch(w.sorted, prefix)
	return i < len(w.sorted) && strings.HasPrefix(w.sorted[i], prefix)
}

func (w walker) walk(concrete, normal string, d, o any) {
	if d == nil || o == nil {
		return
	}
	if p, ok := w.paths[normal]; ok && p.Path == normal {
		if !equal(d, o) {
			*w.out = append(*w.out, Change{Path: concrete, Terraform: p.Terraform, Desired: d, Observed: o, Conditional: p.Conditional, Reason: p.Reason})
		}
		return
	}
	switch dv := d.(type) {
	case map[string]any:
		ov, ok := o.(map[string]any)
		if !ok {
			return
		}
		for k, v := range dv {
			if n := normal + "." + k; w.under(n) {
				w.walk(concrete+"."+k, n, v, ov[k])
			}
		}
	case []any:
		ov, ok := o.([]any)
		if !ok {
			return
		}
		n := normal + "[*]"
		if !w.under(n) {
			return
		}
		for i := range min(len(dv), len(ov)) {
			w.walk(fmt.Sprintf("%s[%d]", concrete, i), n, dv[i], ov[i])
		}
	}
}

func equal(d, o any) bool {
	if dn, ok := number(d); ok {
		on, ok := number(o)
		return ok && dn == on
	}
	dl, dok := d.([]any)
	ol, ook := o.([]any)
	if dok && ook && scalars(dl) && scalars(ol) {
		return reflect.DeepEqual(sortedStrings(dl), sortedStrings(ol))
	}
	return reflect.DeepEqual(d, o)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func scalars(l []any) bool {
	for _, v := range l {
		switch v.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

func sortedStrings(l []any) []string {
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = fmt.Sprint(v)
	}
	slices.Sort(s)
	return s
}

func externalName(obj map[string]any) (string, bool) {
	v, ok := dig(obj, "metadata", "annotations")
	if !ok {
		return "", false
	}
	a, _ := v.(map[string]any)
	n, ok := a["crossplane.io/external-name"].(string)
	return n, ok && n != ""
}

func dig(obj map[string]any, keys ...string) (any, bool) {
	var cur any = obj
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// Describe says in words what the provider does with a change.
func Describe(c Change) string {
	if c.Path == ExternalNamePath {
		return fmt.Sprintf("the AWS name changes from %s to %s: the provider would manage (or create) another AWS resource and leave the existing one unmanaged", show(c.Observed), show(c.Desired))
	}
	s := fmt.Sprintf("%s changes from %s to %s, which AWS can only do by replacing the resource: the provider refuses the update and the resource stays Synced=False", c.Path, show(c.Observed), show(c.Desired))
	if c.Conditional {
		s += " (conditional: " + strings.TrimSpace(c.Reason) + ")"
	}
	return s
}

// Fires reports whether the change replaces the resource desired: true for
// an unconditional entry, and for a conditional one unless its condition is
// known not to hold. Known: the Terraform provider's
// customizeDiffLoadBalancerNLB (internal/service/elbv2, load_balancer.go)
// forces a new load balancer for a subnet change only when
// load_balancer_type is "network"; an application load balancer's subnets
// AWS changes in place ("Enables the Availability Zones for the specified
// public subnets for the specified Application Load Balancer":
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSubnets.html).
// Other conditions are not read, so their entries count as replacing.
func (c Change) Fires(desired map[string]any) bool {
	if !c.Conditional || c.Path != "spec.forProvider.subnets" || strings.TrimSpace(c.Reason) != "internal/service/elbv2.customizeDiffLoadBalancerNLB" {
		return true
	}
	fp, _ := dig(desired, "spec", "forProvider")
	m, _ := fp.(map[string]any)
	return m["loadBalancerType"] == "network"
}
