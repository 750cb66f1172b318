package main

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// TestCheckAnswersAsTheConverter: Observed.Check no longer decodes what a
// kind's shape shows decodable, so for one observed resource of every kind
// prod renders, damaged at fields across the object (removed, or replaced
// by values of every JSON type, a fraction, a bad time), Check must fail
// exactly when the converter fails, with the converter's error, and Get must
// decode what the converter decodes; and the undamaged resource must be
// vouched for, not decoded.
func TestCheckAnswersAsTheConverter(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes thousands of damaged resources")
	}
	f := newTestFunction(t)
	observed, err := request.GetObservedComposedResources(converged(t, f, readXR(t, exampleXR("prod"))))
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]resource.Name{}
	for _, name := range slices.Sorted(func(yield func(resource.Name) bool) {
		for n := range observed {
			if !yield(n) {
				return
			}
		}
	}) {
		gvk := observed[name].Resource.GroupVersionKind().String()
		if _, ok := byKind[gvk]; !ok {
			byKind[gvk] = name
		}
	}
	garbage := []any{nil, "garbage", "2026-11-30T12:00:00Z", 1.0, 1.5, -1.0, true, map[string]any{}, map[string]any{"x": "y"}, []any{}, []any{"x", 1.0}, []any{map[string]any{}}}
	checks, failures := 0, 0
	for _, name := range byKind {
		orig := observed[name].Resource
		if !platform.Decodable(orig) && converterError(orig) == nil {
			t.Errorf("%s (%s): Check decodes it in full: its kind's shape does not vouch for it", name, orig.GetKind())
		}
		if diff := getDiff(platform.Observed{name: resource.ObservedComposed{Resource: orig}}, name, orig); diff != "" {
			t.Errorf("%s (%s): Get decodes what the converter does not:\n%s", name, orig.GetKind(), diff)
		}
		var paths [][]any
		fzPaths(orig.Object, nil, &paths, 4096)
		// Every path of small objects, a spread of the large ones.
		step := max(1, len(paths)/40)
		for i := 0; i < len(paths); i += step {
			for g := -1; g < len(garbage); g++ {
				obj := runtime.DeepCopyJSON(orig.Object)
				if g < 0 {
					fzAt(obj, paths[i], nil, true)
				} else {
					fzAt(obj, paths[i], runtime.DeepCopyJSONValue(garbage[g]), false)
				}
				u := &composed.Unstructured{}
				u.Object = obj
				observed := platform.Observed{name: resource.ObservedComposed{Resource: u}}
				got := observed.Check()
				want := converterError(u)
				checks++
				if (got == nil) != (want == nil) || (got != nil && got.Error() != fmt.Sprintf("cannot read observed composed resource %q (%s): %v", name, u.GetKind(), want)) {
					failures++
					if failures <= 10 {
						t.Errorf("%s %v = %#v: Check says %v, the converter %v", name, paths[i], garbageOr(garbage, g), got, want)
					}
				}
				if diff := getDiff(observed, name, u); diff != "" {
					failures++
					if failures <= 10 {
						t.Errorf("%s %v = %#v: Get decodes what the converter does not:\n%s", name, paths[i], garbageOr(garbage, g), diff)
					}
				}
			}
		}
	}
	if checks < 1000 {
		t.Errorf("only %d damaged resources checked", checks)
	}
}

func garbageOr(garbage []any, g int) any {
	if g < 0 {
		return "(removed)"
	}
	return garbage[g]
}

// getDiff compares what Get decodes u into with what the converter does,
// when the converter decodes it.
func getDiff(observed platform.Observed, name resource.Name, u *composed.Unstructured) string {
	want, err := composed.Scheme.New(u.GroupVersionKind())
	if err != nil || runtime.DefaultUnstructuredConverter.FromUnstructured(runtime.DeepCopyJSON(u.Object), want) != nil {
		return ""
	}
	got, _ := composed.Scheme.New(u.GroupVersionKind())
	if !observed.Get(string(name), got) {
		return "Get reports it unreadable"
	}
	if !reflect.DeepEqual(got, want) {
		return cmp.Diff(want, got)
	}
	return ""
}

// converterError is what Check returned before shapes: the converter's
// error decoding u into its kind, nil for a kind the scheme does not know.
func converterError(u *composed.Unstructured) error {
	typed, err := composed.Scheme.New(u.GroupVersionKind())
	if err != nil {
		return nil
	}
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed)
}
