package plan

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/yaml"

	"github.com/paynext/platform/internal/stateful"
)

// Object is a decoded Kubernetes object.
type Object = map[string]any

// Annotations the plan reads.
const (
	KeyAnnotation          = "crossplane.io/composition-resource-name"
	ExternalNameAnnotation = "crossplane.io/external-name"
	// DigestAnnotation records the spec a stateful resource was rendered
	// from (the function's drop guard): it changes with every claim edit
	// and never reaches AWS, so the diff leaves it out.
	DigestAnnotation = stateful.AnnotationRenderedSpec
)

// Render is one decoded render: the XR and the composed resources by key.
type Render struct {
	XR       Object
	Composed map[string]Object
}

// Decode reads a YAML stream of a render or of observed resources. The
// object without a composition resource name of the XR's kind is the XR;
// Result documents are skipped.
func Decode(data []byte) (*Render, error) {
	r := &Render{Composed: map[string]Object{}}
	dec := yaml.NewYAMLOrJSONDecoder(bufio.NewReader(bytes.NewReader(data)), 4096)
	for {
		obj := Object{}
		if err := dec.Decode(&obj); err == io.EOF {
			return r, nil
		} else if err != nil {
			return nil, err
		}
		if len(obj) == 0 {
			continue
		}
		key := annotation(obj, KeyAnnotation)
		switch {
		case key != "":
			if _, dup := r.Composed[key]; dup {
				return nil, fmt.Errorf("two composed resources are named %q", key)
			}
			r.Composed[key] = obj
		case str(obj, "kind") == "XPayNextPlatform" && r.XR == nil:
			r.XR = obj
		}
	}
}

func str(obj Object, keys ...string) string {
	s, _ := dig(obj, keys...).(string)
	return s
}

func dig(obj Object, keys ...string) any {
	var cur any = obj
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func annotation(obj Object, name string) string {
	return str(obj, "metadata", "annotations", name)
}

func gvk(obj Object) schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(str(obj, "apiVersion"), str(obj, "kind"))
}

// orphaned reports whether deleting obj's managed resource leaves its AWS
// resource: deletionPolicy Orphan, or management policies without Delete.
func orphaned(obj Object) bool {
	if str(obj, "spec", "deletionPolicy") == "Orphan" {
		return true
	}
	policies, ok := dig(obj, "spec", "managementPolicies").([]any)
	if !ok || len(policies) == 0 {
		return false // the default, ["*"]
	}
	return !slices.ContainsFunc(policies, func(p any) bool { return p == "Delete" || p == "*" })
}
