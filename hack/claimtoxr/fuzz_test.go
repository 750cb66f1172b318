package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/apis/platform/xrdcheck"
)

// FuzzConvert runs the command's whole path (read, parse, validate against
// the XRD, convert, print) on any file content: it never panics; what it
// accepts comes out as an XPayNextPlatform with the input's spec unchanged,
// labelled with the claim it serves when the input was a claim.
// Seeds are the example claims and their XRs, which the fuzzer mutates.
func FuzzConvert(f *testing.F) {
	v, err := xrdcheck.Load("../../apis/platform/definition.yaml")
	if err != nil {
		f.Fatal(err)
	}
	seeds, _ := filepath.Glob("../../examples/claims/*.yaml")
	xrs, _ := filepath.Glob("../../examples/xrs/*.yaml")
	for _, s := range append(seeds, xrs...) {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("apiVersion: platform.paynext.io/v1alpha1\nkind: PayNextPlatform\nmetadata: {name: x}\n"))
	f.Add([]byte("kind: [\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content []byte) {
		path := filepath.Join(dir, "input.yaml")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := convert(path, v)
		if err != nil {
			return // refused, naming why
		}
		var in, xr unstructured.Unstructured
		if err := yaml.Unmarshal(content, &in.Object); err != nil {
			t.Fatalf("convert accepted input that does not parse: %v", err)
		}
		if err := yaml.Unmarshal(out, &xr.Object); err != nil {
			t.Fatalf("convert printed YAML that does not parse: %v\n%s", err, out)
		}
		if xr.GetKind() != v1alpha1.CompositeKind || xr.GetAPIVersion() != v1alpha1.SchemeGroupVersion.String() {
			t.Fatalf("convert printed a %s %s, want an %s", xr.GetAPIVersion(), xr.GetKind(), v1alpha1.CompositeKind)
		}
		if !reflect.DeepEqual(xr.Object["spec"], in.Object["spec"]) {
			t.Fatalf("the XR's spec differs from the input's:\n in: %v\nout: %v", in.Object["spec"], xr.Object["spec"])
		}
		if in.GetKind() == v1alpha1.ClaimKind {
			if l := xr.GetLabels(); l["crossplane.io/claim-name"] != in.GetName() || l["crossplane.io/claim-namespace"] != in.GetNamespace() {
				t.Fatalf("the XR's claim labels %v do not name the claim %s/%s", l, in.GetNamespace(), in.GetName())
			}
		}
	})
}
