// Command claimtoxr prints the XPayNextPlatform that Crossplane makes of a
// PayNextPlatform claim, for `crossplane render` (which takes an XR). An XR
// is printed unchanged. It first validates the input against the XRD as the
// API server would (unknown fields, types, patterns, CEL rules) and exits 1
// naming every field that is wrong.
//
//	go run ./hack/claimtoxr [-xrd apis/platform/definition.yaml] examples/claims/prod.yaml
package main

import (
	"flag"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/apis/platform/xrdcheck"
)

func main() {
	xrd := flag.String("xrd", "apis/platform/definition.yaml", "the XRD to validate the input against")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: claimtoxr [-xrd FILE] CLAIM_OR_XR_FILE")
		os.Exit(2)
	}
	v, err := xrdcheck.Load(*xrd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "claimtoxr:", err)
		os.Exit(2)
	}
	out, err := convert(flag.Arg(0), v)
	if err != nil {
		fmt.Fprintln(os.Stderr, "claimtoxr:", err)
		os.Exit(1)
	}
	fmt.Print(string(out))
}

func convert(path string, v *xrdcheck.Validator) ([]byte, error) {
	b, err := os.ReadFile(path) //nolint:gosec // a path we are given on purpose
	if err != nil {
		return nil, err
	}
	var u unstructured.Unstructured
	if err := yaml.Unmarshal(b, &u.Object); err != nil {
		return nil, fmt.Errorf("cannot parse %s: %w", path, err)
	}
	if errs := v.Validate(u.Object); len(errs) > 0 {
		msg := fmt.Sprintf("%s is not a valid %s (the API server would refuse it):", path, u.GetKind())
		for _, e := range errs {
			msg += "\n  " + e.Error()
		}
		return nil, fmt.Errorf("%s", msg)
	}
	xr, err := ToXR(&u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return yaml.Marshal(xr.Object)
}

// ToXR converts a claim into the XR Crossplane composes for it: same spec,
// cluster scoped, labelled with the claim it serves. Crossplane names the XR
// after the claim with a random suffix; the suffix is left out so renders are
// reproducible.
func ToXR(u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	if u.GetAPIVersion() != v1alpha1.SchemeGroupVersion.String() {
		return nil, fmt.Errorf("apiVersion %q is not %s", u.GetAPIVersion(), v1alpha1.SchemeGroupVersion)
	}
	switch u.GetKind() {
	case v1alpha1.CompositeKind:
		return u, nil
	case v1alpha1.ClaimKind:
	default:
		return nil, fmt.Errorf("kind %q is neither %s nor %s", u.GetKind(), v1alpha1.ClaimKind, v1alpha1.CompositeKind)
	}
	spec, ok := u.Object["spec"]
	if !ok {
		return nil, fmt.Errorf("the claim has no spec")
	}
	xr := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	xr.SetAPIVersion(v1alpha1.SchemeGroupVersion.String())
	xr.SetKind(v1alpha1.CompositeKind)
	xr.SetName(u.GetName())
	xr.SetLabels(map[string]string{
		"crossplane.io/claim-name":      u.GetName(),
		"crossplane.io/claim-namespace": u.GetNamespace(),
	})
	return xr, nil
}
