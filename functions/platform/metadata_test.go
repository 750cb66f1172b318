package main

import (
	"testing"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/storage/names"
)

// TestRenderedMetadataIsWhatTheAPIServerAccepts runs apimachinery's own
// object-metadata validation, which the API server runs and `crossplane
// render` and `beta validate` do not, on every composed resource of every
// example and held-out claim at convergence: the name or generateName
// (prefix rules), label keys and values, and annotations. Crossplane names a
// composed resource it creates with generateName "<xr name>-" and labels it
// with the XR's and claim's names, so those are set as it sets them.
func TestRenderedMetadataIsWhatTheAPIServerAccepts(t *testing.T) {
	f := newTestFunction(t)
	for _, c := range allClaims(t) {
		t.Run(c.name, func(t *testing.T) {
			xr := c.xr(t)
			xrMeta, _ := xr["metadata"].(map[string]any)
			xrName, _ := xrMeta["name"].(string)
			xrLabels, _ := xrMeta["labels"].(map[string]any)
			for name, d := range desiredOf(t, run(t, f, converged(t, f, xr))) {
				u := d.Resource
				m := metav1.ObjectMeta{Name: u.GetName(), GenerateName: u.GetGenerateName(), Labels: u.GetLabels(), Annotations: u.GetAnnotations()}
				if m.Name == "" && m.GenerateName == "" {
					m.GenerateName = xrName + "-"
				}
				if m.Name == "" {
					// The API server names it from generateName (five random
					// characters, within the length limit) before validating.
					m.Name = names.SimpleNameGenerator.GenerateName(m.GenerateName)
				}
				if m.Labels == nil {
					m.Labels = map[string]string{}
				}
				m.Labels["crossplane.io/composite"] = xrName
				for k, v := range xrLabels {
					m.Labels[k] = v.(string)
				}
				// Managed resources are cluster-scoped custom resources, whose
				// names the API server checks as DNS subdomains.
				for _, err := range apivalidation.ValidateObjectMeta(&m, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata")) {
					t.Errorf("%s (%s): the API server would reject it: %v", name, u.GetKind(), err)
				}
			}
		})
	}
}
