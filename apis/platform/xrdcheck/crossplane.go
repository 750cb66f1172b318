package xrdcheck

import extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

// crossplaneSpecProps are the spec fields Crossplane adds to the claim and
// legacy-cluster XR CRDs it generates from an XRD, as crossplane-runtime
// v2.4.0 defines them (pkg/xcrd/schemas.go: CompositeResourceClaimSpecProps
// and CompositeResourceSpecProps for LegacyCluster; that package is not in
// the crossplane-runtime v2.2 our module builds with). One schema serves the
// claim and the XR, so it holds the union; where both declare a field
// (writeConnectionSecretToRef) the XR's adds a namespace.
func crossplaneSpecProps() map[string]extv1.JSONSchemaProps {
	str := extv1.JSONSchemaProps{Type: "string"}
	named := func(fields ...string) extv1.JSONSchemaProps {
		p := extv1.JSONSchemaProps{Type: "object", Required: []string{fields[0]}, Properties: map[string]extv1.JSONSchemaProps{}}
		for _, f := range fields {
			p.Properties[f] = str
		}
		return p
	}
	labels := extv1.JSONSchemaProps{
		Type:     "object",
		Required: []string{"matchLabels"},
		Properties: map[string]extv1.JSONSchemaProps{"matchLabels": {
			Type:                 "object",
			AdditionalProperties: &extv1.JSONSchemaPropsOrBool{Allows: true, Schema: &str},
		}},
	}
	enum := func(values ...string) extv1.JSONSchemaProps {
		p := extv1.JSONSchemaProps{Type: "string"}
		for _, v := range values {
			p.Enum = append(p.Enum, extv1.JSON{Raw: []byte(`"` + v + `"`)})
		}
		return p
	}
	ref := named("apiVersion", "kind", "name")
	return map[string]extv1.JSONSchemaProps{
		"compositionRef":              named("name"),
		"compositionSelector":         labels,
		"compositionRevisionRef":      named("name"),
		"compositionRevisionSelector": labels,
		"compositionUpdatePolicy":     enum("Automatic", "Manual"),
		"compositeDeletePolicy":       enum("Background", "Foreground"),
		"resourceRef":                 ref,
		"resourceRefs": {Type: "array", Items: &extv1.JSONSchemaPropsOrArray{Schema: &ref},
			XListType: ptr("atomic")},
		"claimRef":                   named("apiVersion", "kind", "namespace", "name"),
		"writeConnectionSecretToRef": named("name", "namespace"),
	}
}

func ptr(s string) *string { return &s }
