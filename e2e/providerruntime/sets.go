package providerruntime

import (
	"encoding/json"
	"fmt"
	"sort"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SetFields are, per kind and version, the spec.forProvider lists the CRD
// marks x-kubernetes-list-type: set. Terraform holds those attributes as sets
// and plans no change when only their order differs, so AWS is not updated
// by a reorder (the provider's resolvers list references in cache order,
// which varies). Each path is a list of field names, "*" for any list item.
type SetFields map[schema.GroupVersionKind][][]string

// AddCRD records the set-typed lists of every version of crd.
func (s SetFields) AddCRD(crd *extv1.CustomResourceDefinition) {
	for _, v := range crd.Spec.Versions {
		if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			continue
		}
		fp, ok := v.Schema.OpenAPIV3Schema.Properties["spec"].Properties["forProvider"]
		if !ok {
			continue
		}
		gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
		s[gvk] = append(s[gvk], setPaths(fp, nil)...)
	}
}

func setPaths(p extv1.JSONSchemaProps, at []string) [][]string {
	var out [][]string
	switch p.Type {
	case "array":
		if p.XListType != nil && *p.XListType == "set" {
			out = append(out, append([]string(nil), at...))
		}
		if p.Items != nil && p.Items.Schema != nil {
			out = append(out, setPaths(*p.Items.Schema, append(at, "*"))...)
		}
	case "object":
		for name, child := range p.Properties {
			out = append(out, setPaths(child, append(append([]string(nil), at...), name))...)
		}
	}
	return out
}

// canonical is forProvider as JSON with every set-typed list sorted: two
// specs that differ only in a set's order are the same external state.
func (s SetFields) canonical(gvk schema.GroupVersionKind, forProvider any) (string, error) {
	for _, path := range s[gvk] {
		sortAt(forProvider, path)
	}
	b, err := json.Marshal(forProvider)
	return string(b), err
}

func sortAt(v any, path []string) {
	if len(path) == 0 {
		if list, ok := v.([]any); ok {
			sort.SliceStable(list, func(i, j int) bool { return fmt.Sprint(list[i]) < fmt.Sprint(list[j]) })
		}
		return
	}
	switch c := v.(type) {
	case map[string]any:
		if path[0] != "*" {
			sortAt(c[path[0]], path[1:])
		}
	case []any:
		if path[0] == "*" {
			for _, item := range c {
				sortAt(item, path[1:])
			}
		}
	}
}
