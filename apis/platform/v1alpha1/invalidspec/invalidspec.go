// Package invalidspec loads the bad-input matrix (invalid-specs.yaml beside
// this file): edits that make a valid platform spec invalid, and the field
// path each rejection must name. The XRD test, the function test and the
// end-to-end suite all run it, so the API server and the function are held to
// the same rules.
package invalidspec

import (
	_ "embed"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

//go:embed invalid-specs.yaml
var matrix []byte

// Case is one row of the matrix.
type Case struct {
	Name  string         `json:"name"`
	Field string         `json:"field"`
	Set   map[string]any `json:"set"`
	// Remove lists dotted paths under spec to delete.
	Remove []string `json:"remove"`
	// XRD is false for rules only the function can check.
	XRD *bool `json:"xrd"`
	// XRDField and FnField override Field where the XRD's CEL rule and the
	// function name the field at different depths.
	XRDField string `json:"xrdField"`
	FnField  string `json:"fnField"`
}

// Cases returns the matrix.
func Cases() ([]Case, error) {
	var cases []Case
	if err := yaml.UnmarshalStrict(matrix, &cases); err != nil {
		return nil, fmt.Errorf("cannot parse invalid-specs.yaml: %w", err)
	}
	return cases, nil
}

// CheckedByXRD reports whether the API server rejects this case.
func (c Case) CheckedByXRD() bool { return c.XRD == nil || *c.XRD }

// FieldForXRD is the field the API server's error names.
func (c Case) FieldForXRD() string {
	if c.XRDField != "" {
		return c.XRDField
	}
	return c.Field
}

// FieldForFunction is the field the function's Fatal result names.
func (c Case) FieldForFunction() string {
	if c.FnField != "" {
		return c.FnField
	}
	return c.Field
}

// Apply edits spec in place.
func (c Case) Apply(spec map[string]any) {
	merge(spec, c.Set)
	for _, p := range c.Remove {
		keys := strings.Split(p, ".")
		m := spec
		for _, k := range keys[:len(keys)-1] {
			m, _ = m[k].(map[string]any)
		}
		delete(m, keys[len(keys)-1])
	}
}

func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}
