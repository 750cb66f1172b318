package main

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/usage"
	"github.com/paynext/platform/internal/compliance"
)

// TestFromIsComposedFrom: RunFunction converts what the tiers render with
// platform.From, which builds the map composed.From's JSON round trip ends
// with directly. For every resource of every example and held-out claim,
// before anything exists and at convergence, their usages and compliance
// reports, the two must agree, and the direct conversion must be the one
// taken.
func TestFromIsComposedFrom(t *testing.T) {
	if testing.Short() {
		t.Skip("converges every example and claim")
	}
	f := newTestFunction(t)
	claims, _ := filepath.Glob("testdata/claims/*.yaml")
	files := append([]string{exampleXR("dev"), exampleXR("staging"), exampleXR("prod")}, claims...)
	compared := 0
	for _, file := range files {
		xr := asXR(t, readXR(t, file))
		var x v1alpha1.XPayNextPlatform
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(xr, &x); err != nil {
			t.Fatal(err)
		}
		observedAtConvergence, err := request.GetObservedComposedResources(converged(t, f, xr))
		if err != nil {
			t.Fatal(err)
		}
		for _, observed := range []platform.Observed{{}, observedAtConvergence} {
			cfg := platform.Resolve(platformName(&x), &x.Spec, accountID(&x, observed))
			desired := map[resource.Name]*resource.DesiredComposed{}
			var objects []runtime.Object
			for _, tier := range f.tiers {
				rendered, err := tier.Render(cfg, observed)
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				for _, r := range rendered {
					objects = append(objects, r.Object)
					cd, err := composed.From(r.Object.DeepCopyObject())
					if err != nil {
						t.Fatal(err)
					}
					desired[resource.Name(r.Key)] = &resource.DesiredComposed{Resource: cd}
				}
			}
			for _, u := range usage.Render(usage.Edges(desired, observed), desired, x.GetName()) {
				objects = append(objects, u.Object)
			}
			in, err := compliance.InputFor(&x.Spec, testToday)
			if err != nil {
				t.Fatal(err)
			}
			objects = append(objects, compliance.ClusterReport(compliance.Evaluate(renderOf(desired, observed), in), compliance.Judged{Name: x.GetName()}))
			for _, o := range objects {
				want, wantErr := composed.From(o.DeepCopyObject())
				if _, direct := platform.Unstructured(o.DeepCopyObject()); !direct {
					t.Errorf("%s: %T is converted through composed.From, not directly", file, o)
				}
				got, gotErr := platform.From(o.DeepCopyObject())
				compared++
				if (gotErr == nil) != (wantErr == nil) || (gotErr == nil && !reflect.DeepEqual(got.Object, want.Object)) {
					t.Errorf("%s: %T: platform.From gives %v, %v; composed.From %v, %v", file, o, show(got), gotErr, show(want), wantErr)
				}
			}
		}
	}
	if compared < 5000 {
		t.Errorf("only %d objects compared", compared)
	}
}

func show(u *composed.Unstructured) string {
	if u == nil {
		return "nil"
	}
	return fmt.Sprintf("%#v", u.Object)
}
