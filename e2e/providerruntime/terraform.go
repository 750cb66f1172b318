package providerruntime

import (
	"reflect"
	"strings"
)

// nonTerraformFields are the spec.forProvider fields of a managed kind that
// upjet never hands to Terraform (struct tag tf:"-": references, selectors,
// password generation). The provider finds a resource up to date by
// Terraform's plan, which cannot see them, so changing one alone (Crossplane
// replacing a selector by the IDs it resolved to) updates nothing in AWS.
// Each path is a list of JSON field names, "*" for any list item.
func nonTerraformFields(forProvider reflect.Type) [][]string {
	if forProvider == nil {
		return nil
	}
	return tfDashPaths(forProvider, nil, map[reflect.Type]bool{})
}

func tfDashPaths(t reflect.Type, at []string, seen map[reflect.Type]bool) [][]string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return tfDashPaths(t.Elem(), append(at, "*"), seen)
	case reflect.Struct:
	default:
		return nil
	}
	if seen[t] {
		return nil // a recursive schema: its fields were walked above
	}
	seen[t] = true
	defer delete(seen, t)
	var out [][]string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		path := append(append([]string(nil), at...), name)
		if f.Tag.Get("tf") == "-" {
			out = append(out, path)
			continue
		}
		out = append(out, tfDashPaths(f.Type, path, seen)...)
	}
	return out
}

// forProviderType is the Go type of mg's spec.forProvider, nil if it has none.
func forProviderType(mg any) reflect.Type {
	t := reflect.TypeOf(mg)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	spec, ok := t.FieldByName("Spec")
	if !ok {
		return nil
	}
	fp, ok := spec.Type.FieldByName("ForProvider")
	if !ok {
		return nil
	}
	return fp.Type
}

// dropAt removes the field at path from v (maps and lists as JSON decodes
// them).
func dropAt(v any, path []string) {
	switch c := v.(type) {
	case map[string]any:
		if len(path) == 1 {
			delete(c, path[0])
			return
		}
		dropAt(c[path[0]], path[1:])
	case []any:
		if path[0] == "*" {
			for _, item := range c {
				dropAt(item, path[1:])
			}
		}
	}
}
