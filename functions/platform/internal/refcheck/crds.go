// Package refcheck resolves the references of a rendered platform as
// provider-aws v2.4.0 resolves them, and checks the result against what the
// provider's CRDs say each selector targets and which fields it requires.
package refcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/internal/provider/crd"
)

// ProviderModule is the provider whose CRDs state the rules checked here.
const ProviderModule = "github.com/upbound/provider-aws/v2@v2.4.0"

// CRDDir is the provider module's package/crds, found as
// hack/provider-crds.sh finds it.
func CRDDir() (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", ProviderModule).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", ProviderModule, err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		return "", fmt.Errorf("go mod download %s gave no Dir: %v", ProviderModule, err)
	}
	return filepath.Join(m.Dir, "package", "crds"), nil
}

// A Selector is one selector field of a kind, as the provider's CRD
// describes it: "Selector for a DeliveryStream in firehose to populate
// logDestinationConfigs."
type Selector struct {
	Name  string // the selector's field name, e.g. logDestinationConfigsSelector
	Kind  string // the kind the provider resolves it against
	Group string // the kind's API group, short form (firehose)
	Field string // the sibling field it populates
	Multi bool   // the populated field is a list
}

// Wanted is the kind the provider resolves the selector against.
func (s Selector) Wanted() string { return s.Kind + "." + s.Group }

// Kind is what the CRD of one rendered kind at one version says.
type Kind struct {
	// Selectors by the schema path of the object holding them, relative to
	// spec.forProvider (and spec.initProvider), "" for the top level and
	// "a[].b" for nested ones.
	Selectors map[string][]Selector
	// Required are spec.forProvider fields the CRD's validation rules
	// require while the resource may be created or updated.
	Required []string
	schema   *extv1.JSONSchemaProps
}

var (
	selectorDesc = regexp.MustCompile(`^Selector for (?:a list of |an? )(\w+) in (\w+) to populate (\w+)\.`)
	requiredMsg  = regexp.MustCompile(`^spec\.forProvider\.(\w+) is a required parameter$`)
)

// LoadKinds reads from dir the CRD of every group kind in gvks and returns
// what it says at each requested version.
func LoadKinds(dir string, gvks []schema.GroupVersionKind) (map[schema.GroupVersionKind]*Kind, error) {
	out := map[schema.GroupVersionKind]*Kind{}
	for _, gvk := range gvks {
		crd, err := findCRD(dir, gvk.GroupKind())
		if err != nil {
			return nil, err
		}
		var v *extv1.CustomResourceDefinitionVersion
		for i := range crd.Spec.Versions {
			if crd.Spec.Versions[i].Name == gvk.Version {
				v = &crd.Spec.Versions[i]
			}
		}
		if v == nil || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
			return nil, fmt.Errorf("the CRD of %s has no schema for version %s", gvk.GroupKind(), gvk.Version)
		}
		spec := v.Schema.OpenAPIV3Schema.Properties["spec"]
		k := &Kind{Selectors: map[string][]Selector{}}
		for _, rule := range spec.XValidations {
			if m := requiredMsg.FindStringSubmatch(rule.Message); m != nil {
				k.Required = append(k.Required, m[1])
			}
		}
		fp := spec.Properties["forProvider"]
		k.schema = &fp
		collect(&fp, "", k.Selectors)
		out[gvk] = k
	}
	return out, nil
}

// collect records the selectors of s and of every object nested in it.
func collect(s *extv1.JSONSchemaProps, path string, into map[string][]Selector) {
	for name, p := range s.Properties {
		if m := selectorDesc.FindStringSubmatch(strings.Join(strings.Fields(p.Description), " ")); m != nil && strings.HasSuffix(name, "Selector") {
			target := s.Properties[m[3]]
			into[path] = append(into[path], Selector{Name: name, Kind: m[1], Group: m[2], Field: m[3], Multi: target.Type == "array"})
			continue
		}
		child := join(path, name)
		switch {
		case p.Type == "object" && len(p.Properties) > 0:
			collect(&p, child, into)
		case p.Type == "array" && p.Items != nil && p.Items.Schema != nil && len(p.Items.Schema.Properties) > 0:
			collect(p.Items.Schema, child+"[]", into)
		}
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// findCRD returns the CRD of gk: the one of its group's files that names
// the kind (file names carry the plural, which we do not know).
func findCRD(dir string, gk schema.GroupKind) (*extv1.CustomResourceDefinition, error) {
	f, err := crd.File(dir, gk.Group, gk.Kind)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(f) //nolint:gosec // provider-aws's CRDs.
	if err != nil {
		return nil, err
	}
	out := &extv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return out, nil
}
