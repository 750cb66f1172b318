package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

type rendered struct {
	Configuration struct {
		Spec struct {
			Crossplane struct{ Version string }
			DependsOn  []struct{ Provider, Function, Version string }
		}
	}
	Composition struct {
		Spec struct {
			Pipeline []struct {
				FunctionRef struct{ Name string } `json:"functionRef"`
			}
		}
	}
	Function struct {
		Metadata struct{ Name string }
		Spec     struct{ Package string }
	}
}

func renderFor(t *testing.T, registry, version string) rendered {
	t.Helper()
	s, err := settings(registry, version)
	if err != nil {
		t.Fatal(err)
	}
	files, err := render(s)
	if err != nil {
		t.Fatal(err)
	}
	var r rendered
	for path, into := range map[string]any{
		"package/crossplane.yaml":    &r.Configuration,
		"compositions/platform.yaml": &r.Composition,
		"examples/functions.yaml":    &r.Function,
	} {
		if err := yaml.Unmarshal(files[path], into); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return r
}

// TestOneNameForTheFunction: for any registry, the Configuration depends on
// the function at exactly the version built, the Composition calls it by
// the name Crossplane installs that dependency under, and `crossplane
// render`'s Function carries the same name and package.
func TestOneNameForTheFunction(t *testing.T) {
	for _, c := range []struct{ registry, version, name string }{
		{"xpkg.paynext.io/paynext", "v0.1.0", "paynext-function-paynext-platform"},
		{"ghcr.io/acme", "v1.4.2-rc.1", "acme-function-paynext-platform"},
	} {
		r := renderFor(t, c.registry, c.version)
		var fn []string
		for _, d := range r.Configuration.Spec.DependsOn {
			if d.Function != "" {
				fn = append(fn, d.Function+":"+d.Version)
			}
		}
		wantPkg := c.registry + "/function-paynext-platform:" + c.version
		if len(fn) != 1 || fn[0] != wantPkg {
			t.Errorf("REGISTRY=%s: want one function dependency %s, got %v", c.registry, wantPkg, fn)
		}
		if len(r.Composition.Spec.Pipeline) != 1 || r.Composition.Spec.Pipeline[0].FunctionRef.Name != c.name {
			t.Errorf("REGISTRY=%s: want the Composition to call %s, got %+v", c.registry, c.name, r.Composition.Spec.Pipeline)
		}
		if r.Function.Metadata.Name != c.name || r.Function.Spec.Package != wantPkg {
			t.Errorf("REGISTRY=%s: want examples/functions.yaml to be %s from %s, got %+v", c.registry, c.name, wantPkg, r.Function)
		}
	}
}

// bounded is a range from a version up to, not including, the next major,
// with the comma both semver libraries read as "and": Masterminds/semver v1,
// which the Crossplane CLI v2.2.1 lints crossplane.version with (a space is
// "improperly formatted" there), and v3, which Crossplane core v2.4.0 uses.
var bounded = regexp.MustCompile(`^>=v(\d+)\.\d+\.\d+, <v(\d+)\.0\.0$`)

// TestEveryRangeIsBounded: no dependency admits a new major version (a
// provider-aws v3 or a Crossplane v3 may drop what the platform renders).
func TestEveryRangeIsBounded(t *testing.T) {
	r := renderFor(t, "xpkg.paynext.io/paynext", "v0.1.0")
	check := func(what, constraint string) {
		m := bounded.FindStringSubmatch(constraint)
		if m == nil || fmt.Sprint(atoi(m[1])+1) != m[2] {
			t.Errorf("%s: want >=vX.Y.Z, <v(X+1).0.0, got %q", what, constraint)
		}
	}
	check("crossplane.version", r.Configuration.Spec.Crossplane.Version)
	providers := 0
	for _, d := range r.Configuration.Spec.DependsOn {
		if d.Provider != "" {
			providers++
			check(d.Provider, d.Version)
			if !strings.HasPrefix(d.Version, ">=v2.4.0,") {
				t.Errorf("%s: want at least v2.4.0, the provider-aws go.mod pins, got %q", d.Provider, d.Version)
			}
		}
	}
	var fn struct {
		Spec struct{ Crossplane struct{ Version string } }
	}
	raw, err := os.ReadFile("../../package/function/crossplane.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &fn); err != nil {
		t.Fatal(err)
	}
	check("package/function crossplane.version", fn.Spec.Crossplane.Version)
	if providers == 0 {
		t.Error("want the provider dependencies, found none")
	}
}

func atoi(s string) (n int) {
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
