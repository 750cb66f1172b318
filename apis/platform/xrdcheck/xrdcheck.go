// Package xrdcheck validates a PayNextPlatform claim or XR against the XRD as
// the API server validates the CRD Crossplane generates from it: unknown
// fields (kubectl's default strict field validation refuses them), OpenAPI
// types, patterns, enums and limits, list sets and CEL rules. `make render`
// runs it first, so a typo or a wrong type is named before anything renders
// instead of being dropped on the way.
package xrdcheck

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"
)

// Validator checks objects against one XRD version's schema.
type Validator struct {
	schema     *apiextensions.JSONSchemaProps
	structural *structuralschema.Structural
	schemaVal  validation.SchemaValidator
	cel        *cel.Validator
}

// Load reads an XRD file (apis/platform/definition.yaml).
func Load(path string) (*Validator, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the XRD we are pointed at
	if err != nil {
		return nil, err
	}
	v, err := New(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// New builds a Validator from an XRD's YAML; it uses the XRD's first
// (referenceable) version, the only one this XRD has.
func New(definition []byte) (*Validator, error) {
	var d struct {
		Spec struct {
			Versions []struct {
				Schema struct {
					OpenAPIV3Schema extv1.JSONSchemaProps `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(definition, &d); err != nil {
		return nil, fmt.Errorf("cannot parse the XRD: %w", err)
	}
	if len(d.Spec.Versions) == 0 {
		return nil, fmt.Errorf("the XRD has no versions")
	}
	v1 := d.Spec.Versions[0].Schema.OpenAPIV3Schema
	// The API server serves these itself; a structural schema declares them.
	v1.Properties["metadata"] = extv1.JSONSchemaProps{Type: "object"}
	v1.Properties["apiVersion"] = extv1.JSONSchemaProps{Type: "string"}
	v1.Properties["kind"] = extv1.JSONSchemaProps{Type: "string"}
	if spec, ok := v1.Properties["spec"]; ok {
		for name, p := range crossplaneSpecProps() {
			spec.Properties[name] = p
		}
		v1.Properties["spec"] = spec
	}
	internal := &apiextensions.JSONSchemaProps{}
	if err := extv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(&v1, internal, nil); err != nil {
		return nil, err
	}
	s, err := structuralschema.NewStructural(internal)
	if err != nil {
		return nil, fmt.Errorf("the XRD's schema is not structural: %w", err)
	}
	sv, _, err := validation.NewSchemaValidator(internal)
	if err != nil {
		return nil, err
	}
	return &Validator{schema: internal, structural: s, schemaVal: sv, cel: cel.NewValidator(s, true, celconfig.PerCallLimit)}, nil
}

// Validate returns every error the API server would report for obj (a claim
// or an XR as a JSON-compatible map), each naming its field.
func (v *Validator) Validate(obj map[string]any) field.ErrorList { return v.ValidateUpdate(obj, nil) }

// ValidateUpdate is Validate for an update of old (nil for a create): the
// XRD's transition rules (oldSelf) see old.
func (v *Validator) ValidateUpdate(obj, old map[string]any) field.ErrorList {
	// A JSON round trip gives the value types the API server decodes into
	// (int64, float64), whatever built obj.
	b, err := json.Marshal(obj)
	if err != nil {
		return field.ErrorList{field.Invalid(field.NewPath("spec"), nil, err.Error())}
	}
	obj = map[string]any{}
	if err := kjson.Unmarshal(b, &obj); err != nil {
		return field.ErrorList{field.Invalid(field.NewPath("spec"), nil, err.Error())}
	}
	var errs field.ErrorList
	pruned := runtime.DeepCopyJSON(obj)
	unknown := structuralpruning.PruneWithOptions(pruned, v.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	sort.Strings(unknown)
	for _, path := range unknown {
		errs = append(errs, field.Forbidden(field.NewPath(path), "unknown field: the XRD has no such field (the API server refuses it; check the spelling)"))
	}
	errs = append(errs, validation.ValidateCustomResource(nil, obj, v.schemaVal)...)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, v.structural, obj)...)
	var oldObj any
	if old != nil {
		b, err := json.Marshal(old)
		if err != nil {
			return append(errs, field.Invalid(field.NewPath("spec"), nil, err.Error()))
		}
		o := map[string]any{}
		if err := kjson.Unmarshal(b, &o); err != nil {
			return append(errs, field.Invalid(field.NewPath("spec"), nil, err.Error()))
		}
		oldObj = o
	}
	celErrs, _ := v.cel.Validate(context.Background(), nil, v.structural, obj, oldObj, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}
