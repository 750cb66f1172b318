package providerruntime

import (
	"testing"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

// networkACLCRD is the part of provider-aws's NetworkACL CRD that matters
// here: subnetIds is a set, egress a list (of objects, whose own
// cidrBlocks-like fields may be sets too).
func networkACLCRD() *extv1.CustomResourceDefinition {
	str := extv1.JSONSchemaProps{Type: "string"}
	forProvider := extv1.JSONSchemaProps{Type: "object", Properties: map[string]extv1.JSONSchemaProps{
		"region":    str,
		"subnetIds": {Type: "array", XListType: ptr.To("set"), Items: &extv1.JSONSchemaPropsOrArray{Schema: &str}},
		"egress": {Type: "array", Items: &extv1.JSONSchemaPropsOrArray{Schema: &extv1.JSONSchemaProps{Type: "object", Properties: map[string]extv1.JSONSchemaProps{
			"ports": {Type: "array", XListType: ptr.To("set"), Items: &extv1.JSONSchemaPropsOrArray{Schema: &str}},
			"rule":  str,
		}}}},
	}}
	return &extv1.CustomResourceDefinition{Spec: extv1.CustomResourceDefinitionSpec{
		Group: "ec2.aws.upbound.io", Names: extv1.CustomResourceDefinitionNames{Kind: "NetworkACL"},
		Versions: []extv1.CustomResourceDefinitionVersion{{Name: "v1beta1", Schema: &extv1.CustomResourceValidation{OpenAPIV3Schema: &extv1.JSONSchemaProps{
			Type: "object", Properties: map[string]extv1.JSONSchemaProps{"spec": {Type: "object", Properties: map[string]extv1.JSONSchemaProps{"forProvider": forProvider}}},
		}}}},
	}}
}

// A set-typed list in another order is the same external state, also inside
// a list of objects; an ordered list in another order is not.
func TestSetsCompareWithoutOrder(t *testing.T) {
	sets := SetFields{}
	sets.AddCRD(networkACLCRD())
	gvk := schema.GroupVersionKind{Group: "ec2.aws.upbound.io", Version: "v1beta1", Kind: "NetworkACL"}
	spec := func(subnets, ports []any, rules ...string) any {
		var egress []any
		for _, r := range rules {
			egress = append(egress, map[string]any{"rule": r, "ports": ports})
		}
		return map[string]any{"region": "us-west-2", "subnetIds": subnets, "egress": egress}
	}
	state := func(v any) string {
		t.Helper()
		s, err := sets.canonical(gvk, v)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := state(spec([]any{"subnet-a", "subnet-b"}, []any{"443", "80"}, "100", "200"))
	cases := map[string]struct {
		spec any
		same bool
	}{
		"SubnetsReordered":     {spec([]any{"subnet-b", "subnet-a"}, []any{"443", "80"}, "100", "200"), true},
		"NestedSetReordered":   {spec([]any{"subnet-a", "subnet-b"}, []any{"80", "443"}, "100", "200"), true},
		"AnotherSubnet":        {spec([]any{"subnet-a", "subnet-c"}, []any{"443", "80"}, "100", "200"), false},
		"OrderedListReordered": {spec([]any{"subnet-a", "subnet-b"}, []any{"443", "80"}, "200", "100"), false},
		"ASubnetLess":          {spec([]any{"subnet-a"}, []any{"443", "80"}, "100", "200"), false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := state(tc.spec) == base; got != tc.same {
				t.Errorf("same external state: got %v, want %v", got, tc.same)
			}
		})
	}
}
