package plan

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Diff lists the fields of the spec, and of the labels and annotations the
// function owns, that differ between old and new, sorted by path. Lists of
// scalars compare whole (an instance type list is one field); lists of
// objects compare element by element.
func Diff(old, new Object) []Field {
	var out []Field
	diff("spec", dig(old, "spec"), dig(new, "spec"), &out)
	for _, m := range []string{"labels", "annotations"} {
		diff("metadata."+m, owned(dig(old, "metadata", m)), owned(dig(new, "metadata", m)), &out)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// owned keeps the labels or annotations the function sets: Crossplane sets
// those under crossplane.io/ (the key and the external name are judged
// apart), and the spec digest changes with every edit without reaching AWS.
func owned(v any) any {
	m, _ := v.(map[string]any)
	out := map[string]any{}
	for k, v := range m {
		if !strings.HasPrefix(k, "crossplane.io/") && k != DigestAnnotation {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func diff(path string, o, n any, out *[]Field) {
	if same(o, n) {
		return
	}
	om, ook := o.(map[string]any)
	nm, nok := n.(map[string]any)
	if ook && nok {
		keys := map[string]bool{}
		for k := range om {
			keys[k] = true
		}
		for k := range nm {
			keys[k] = true
		}
		for k := range keys {
			diff(child(path, k), om[k], nm[k], out)
		}
		return
	}
	ol, ook := o.([]any)
	nl, nok := n.([]any)
	if ook && nok && !scalars(ol) && !scalars(nl) {
		for i := range max(len(ol), len(nl)) {
			var oe, ne any
			if i < len(ol) {
				oe = ol[i]
			}
			if i < len(nl) {
				ne = nl[i]
			}
			diff(fmt.Sprintf("%s[%d]", path, i), oe, ne, out)
		}
		return
	}
	*out = append(*out, Field{Path: path, Old: o, New: n})
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// child is path's field k: .k, or [k] for a key such as a tag or label key
// with dots, slashes or colons.
func child(path, k string) string {
	if plainKey.MatchString(k) {
		return path + "." + k
	}
	return path + "[" + k + "]"
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

// same compares decoded values, numbers by value whatever their Go type.
func same(a, b any) bool {
	if an, ok := number(a); ok {
		bn, ok := number(b)
		return ok && an == bn
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k, v := range av {
			w, ok := bv[k]
			if !ok || !same(v, w) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !same(av[i], bv[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
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
