package refcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// terraformed is what upjet generates on every provider kind: its Terraform
// resource and its parameters under their Terraform names.
type terraformed interface {
	GetTerraformResourceType() string
	GetMergedParameters(shouldMergeInitProvider bool) (map[string]any, error)
}

// TFRequired are, per Terraform resource type, the top-level attributes the
// provider's Terraform schema (config/schema.json in the provider module)
// marks required. The CRDs drop the validation rule of a required field that
// a reference can fill (WebACLLoggingConfiguration's logDestinationConfigs
// has none), so the CRD alone cannot say such a field must end up set.
type TFRequired map[string][]string

// LoadTFRequired reads config/schema.json next to the CRD dir. It is large:
// callers load it once and keep the result.
func LoadTFRequired(crdDir string) (TFRequired, error) {
	b, err := os.ReadFile(filepath.Join(crdDir, "..", "..", "config", "schema.json"))
	if err != nil {
		return nil, err
	}
	var s struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas map[string]struct {
				Block struct {
					Attributes map[string]struct {
						Required bool `json:"required"`
					} `json:"attributes"`
				} `json:"block"`
			} `json:"resource_schemas"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	tfReq := TFRequired{}
	for _, p := range s.ProviderSchemas {
		for name, r := range p.ResourceSchemas {
			for a, v := range r.Block.Attributes {
				if v.Required {
					tfReq[name] = append(tfReq[name], a)
				}
			}
		}
	}
	return tfReq, nil
}

// checkTFRequired reports each Terraform-required attribute of mg's kind that
// its forProvider declares (upjet leaves out the ones it fills from the
// external name) and that is still unset after resolution.
func checkTFRequired(res *Result, key string, mg any, req TFRequired) {
	tr, ok := mg.(terraformed)
	if !ok || req == nil {
		return
	}
	params, err := tr.GetMergedParameters(true)
	if err != nil {
		res.Problems = append(res.Problems, fmt.Sprintf("%s: cannot read its Terraform parameters: %v", key, err))
		return
	}
	declared := forProviderTFNames(mg)
	for _, a := range req[tr.GetTerraformResourceType()] {
		if json, ok := declared[a]; ok && empty(params[a]) {
			res.Problems = append(res.Problems, fmt.Sprintf("%s (%s): spec.forProvider.%s is required by the provider's Terraform schema (%s.%s) and is still empty after the provider's resolution", key, reflect.TypeOf(mg).Elem().Name(), json, tr.GetTerraformResourceType(), a))
		}
	}
}

// forProviderTFNames maps the Terraform names of mg's spec.forProvider
// fields to their JSON names.
func forProviderTFNames(mg any) map[string]string {
	out := map[string]string{}
	spec := reflect.ValueOf(mg).Elem().FieldByName("Spec")
	if !spec.IsValid() {
		return out
	}
	fp, ok := spec.Type().FieldByName("ForProvider")
	if !ok {
		return out
	}
	for i := 0; i < fp.Type.NumField(); i++ {
		f := fp.Type.Field(i)
		tf, _, _ := strings.Cut(f.Tag.Get("tf"), ",")
		js, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tf != "" && tf != "-" {
			out[tf] = js
		}
	}
	return out
}
