package compliance

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/internal/awsrules"
)

// SpecOf reads the spec of a PayNextPlatform claim or XPayNextPlatform: the
// environment, standards and exceptions a render is judged by. (A
// `crossplane render` stream carries the XR's status, not its spec.)
func SpecOf(doc []byte) (*v1alpha1.PlatformSpec, error) {
	var m map[string]any
	if err := yaml.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("not YAML: %w", err)
	}
	u := &unstructured.Unstructured{Object: m}
	if k := u.GetKind(); k != v1alpha1.CompositeKind && k != "PayNextPlatform" {
		return nil, fmt.Errorf("a %q, not a PayNextPlatform claim or %s", k, v1alpha1.CompositeKind)
	}
	spec, _, _ := unstructured.NestedMap(m, "spec")
	var ps v1alpha1.PlatformSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(spec, &ps); err != nil {
		return nil, fmt.Errorf("cannot read its spec: %w", err)
	}
	if ps.Environment == "" {
		return nil, errors.New("its spec names no environment")
	}
	return &ps, nil
}

// JudgedOf names the claim (or XR) a document is, as ClusterReport scopes it.
func JudgedOf(doc []byte) (Judged, error) {
	var m map[string]any
	if err := yaml.Unmarshal(doc, &m); err != nil {
		return Judged{}, fmt.Errorf("not YAML: %w", err)
	}
	u := &unstructured.Unstructured{Object: m}
	if u.GetKind() == "PayNextPlatform" {
		return Judged{Namespace: u.GetNamespace(), Name: u.GetName()}, nil
	}
	return Judged{Name: u.GetName()}, nil
}

// AuditStream judges the composed resources of a `crossplane render` stream
// (named by their composition resource name annotation) for the platform
// spec, as of today.
func AuditStream(spec *v1alpha1.PlatformSpec, stream []byte, today time.Time) (Report, error) {
	var composed []*unstructured.Unstructured
	for i, doc := range bytes.Split(stream, []byte("\n---")) {
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return Report{}, fmt.Errorf("document %d of the render is not YAML: %w", i+1, err)
		}
		u := &unstructured.Unstructured{Object: m}
		if m != nil && strings.HasSuffix(u.GroupVersionKind().Group, ".aws.upbound.io") {
			composed = append(composed, u)
		}
	}
	return AuditObjects(spec, composed, today)
}

// AuditObjects judges composed resources for the platform spec as of today.
func AuditObjects(spec *v1alpha1.PlatformSpec, composed []*unstructured.Unstructured, today time.Time) (Report, error) {
	if len(composed) == 0 {
		return Report{}, errors.New("the render holds no composed resource")
	}
	in, err := InputFor(spec, today)
	if err != nil {
		return Report{}, err
	}
	return Evaluate(awsrules.NewRender(composed), in), nil
}
