package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// moduleDir finds a module in the module cache through the tools module that
// pins Crossplane core v2.4.0, the version whose resolver names packages.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = "../tools/crossplane-core"
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", module, err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		t.Fatalf("go mod download %s gave no directory: %v %s", module, err, out)
	}
	return m.Dir
}

// body prints a function's body without comments, so copies compare by code.
func body(t *testing.T, file, fn string) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == fn {
			var buf bytes.Buffer
			if err := printer.Fprint(&buf, fset, fd.Body); err != nil {
				t.Fatal(err)
			}
			var lines []string // blank lines are layout, not code
			for _, l := range strings.Split(buf.String(), "\n") {
				if strings.TrimSpace(l) != "" {
					lines = append(lines, l)
				}
			}
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("%s has no func %s", file, fn)
	return ""
}

// TestDependencyNameIsCrossplanes: the derivation is Crossplane's. The
// resolver of core v2.4.0 still parses the dependency and names the package
// as DependencyName says, and our toDNSLabel is, statement for statement,
// crossplane-runtime v2.4.0's ToDNSLabel (compared from source: building
// that package pulls sigstore and cloud SDKs into a unit test).
func TestDependencyNameIsCrossplanes(t *testing.T) {
	core := moduleDir(t, "github.com/crossplane/crossplane/v2@v2.4.0")
	resolver, err := os.ReadFile(filepath.Join(core, "internal/controller/pkg/resolver/reconciler.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"ref, err := name.ParseReference(depID)",
		"pack.SetName(xpkg.ToDNSLabel(ref.Context().RepositoryStr()))",
	} {
		if !bytes.Contains(resolver, []byte(line)) {
			t.Errorf("Crossplane v2.4.0's resolver no longer contains %q: re-read how it names dependencies", line)
		}
	}
	runtime := moduleDir(t, "github.com/crossplane/crossplane-runtime/v2@v2.4.0")
	want := body(t, filepath.Join(runtime, "pkg/xpkg/name.go"), "ToDNSLabel")
	if got := body(t, "name.go", "toDNSLabel"); got != want {
		t.Errorf("toDNSLabel differs from crossplane-runtime v2.4.0 ToDNSLabel:\nours:\n%s\ntheirs:\n%s", got, want)
	}
}

// TestDependencyName: the names Crossplane gives the function for registries
// a team might use. The registry host never appears; the organisation does.
func TestDependencyName(t *testing.T) {
	long := "registry.example.com/" + strings.Repeat("org", 20)
	for pkg, want := range map[string]string{
		"xpkg.paynext.io/paynext/function-paynext-platform":             "paynext-function-paynext-platform",
		"ghcr.io/acme/function-paynext-platform":                        "acme-function-paynext-platform",
		"localhost:5000/paynext/function-paynext-platform":              "paynext-function-paynext-platform",
		"registry.example.com/team/sub/function-paynext-platform":       "team-sub-function-paynext-platform",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/paynext/function": "paynext-function",
		// The name is a DNS label: cut at 63 characters.
		long + "/function-paynext-platform": (strings.Repeat("org", 20) + "-fu")[:63],
	} {
		got, err := DependencyName(pkg)
		if err != nil {
			t.Errorf("%s: %v", pkg, err)
			continue
		}
		if got != want {
			t.Errorf("%s: want Crossplane's name %q, got %q", pkg, want, got)
		}
	}
}

// TestSettingsRefuseWhatCrossplaneWouldNot: a REGISTRY without a host and a
// version the resolver ignores are refused, naming the setting.
func TestSettingsRefuseWhatCrossplaneWouldNot(t *testing.T) {
	for _, c := range []struct{ registry, version, want string }{
		{"paynext", "v0.1.0", `REGISTRY "paynext" must be a registry host and organisation`},
		{"ghcr.io/Acme", "v0.1.0", `REGISTRY "ghcr.io/Acme"`},
		{"ghcr.io/acme", "v1", `VERSION "v1" must be a complete semantic version`},
		{"ghcr.io/acme", "0.1.0", `VERSION "0.1.0" must be a complete semantic version`},
		{"ghcr.io/acme", "v0.1.0+build.1", `VERSION "v0.1.0+build.1" must be a complete semantic version`},
	} {
		_, err := settings(c.registry, c.version)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("REGISTRY=%s VERSION=%s: want an error containing %q, got %v", c.registry, c.version, c.want, err)
		}
	}
	for _, v := range []string{"v0.1.0", "v1.2.3-rc.1", "v10.0.0"} {
		if _, err := settings("localhost:5000/paynext", v); err != nil {
			t.Errorf("VERSION=%s: want accepted, got %v", v, err)
		}
	}
}
