// Package tfprovider finds the source the generators under hack/ read: the
// provider-aws module go.mod requires and the Terraform provider fork it
// pins, both in the Go module cache (downloaded with `go mod download` when
// allowed; go.mod is not touched), and the Terraform resource type behind a
// provider-aws kind. hack/providerpolicy and hack/forcenew share it.
package tfprovider

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ProviderModule is provider-aws's module path.
const ProviderModule = "github.com/upbound/provider-aws/v2"

// TFModule is the Terraform provider's own module path; the fork keeps it
// (provider-aws replaces it with github.com/upbound/terraform-provider-aws).
const TFModule = "github.com/hashicorp/terraform-provider-aws"

// Groups are the API group suffixes of provider-aws's cluster-scoped and
// namespaced (Crossplane v2) managed resources, and the apis/ folder of
// provider-aws that holds each.
var Groups = []struct{ Suffix, Dir string }{
	{".aws.m.upbound.io", "namespaced"},
	{".aws.upbound.io", "cluster"},
}

// Provenance names the Terraform provider source a table was derived from.
type Provenance struct {
	Module  string `json:"module"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Sum     string `json:"sum"`
}

// Sources are the two modules' directories in the module cache.
type Sources struct {
	ProviderVersion string // provider-aws's version, from go.mod
	ProviderDir     string
	TFDir           string
	TF              Provenance
}

// ErrNotCached is returned by Locate with cacheOnly when a module is not in
// the module cache (so finding it would mean downloading it).
var ErrNotCached = errors.New("not in the Go module cache")

// Locate finds provider-aws at the version gomod requires and the Terraform
// provider fork its go.mod pins, checking the fork's hash against
// provider-aws's go.sum (the fork is not in the checksum database). With
// cacheOnly, nothing is downloaded (GOPROXY=off) and a module missing from
// the cache is ErrNotCached. tfDir, when set, is used as the fork's source
// instead (its hash is then not checked).
func Locate(gomod string, cacheOnly bool, tfDir string) (Sources, error) {
	var s Sources
	var env []string
	if cacheOnly {
		env = []string{"GOPROXY=off"}
	}
	providerVersion, err := RequiredVersion(gomod, ProviderModule)
	if err != nil {
		return s, err
	}
	provider, err := download(ProviderModule+"@"+providerVersion, env)
	if err != nil {
		return s, err
	}
	tfMod, tfVersion, err := replacement(filepath.Join(provider.Dir, "go.mod"), TFModule)
	if err != nil {
		return s, err
	}
	wantSum, err := goSum(filepath.Join(provider.Dir, "go.sum"), tfMod, tfVersion)
	if err != nil {
		return s, err
	}
	s = Sources{ProviderVersion: providerVersion, ProviderDir: provider.Dir, TFDir: tfDir,
		TF: Provenance{Module: tfMod, Version: tfVersion, Sum: wantSum}}
	if tfDir == "" {
		tf, err := download(tfMod+"@"+tfVersion, append([]string{"GONOSUMDB=" + tfMod, "GOFLAGS=-mod=mod"}, env...))
		if err != nil {
			return s, err
		}
		if tf.Sum != wantSum {
			return s, fmt.Errorf("%s@%s: downloaded hash %s, provider-aws's go.sum says %s", tfMod, tfVersion, tf.Sum, wantSum)
		}
		s.TFDir = tf.Dir
		s.TF.Commit = tf.Origin.Hash
		if s.TF.Commit == "" {
			// A module extracted from a proxy zip names its commit only in
			// its pseudo-version; record the short hash it carries.
			if i := strings.LastIndex(tfVersion, "-"); i >= 0 {
				s.TF.Commit = tfVersion[i+1:]
			}
		}
	}
	return s, nil
}

type moduleInfo struct {
	Dir    string
	Sum    string
	Error  string
	Origin struct{ Hash string }
}

// download runs go mod download -json for one module (into the module
// cache; go.mod is not touched).
func download(mod string, env []string) (moduleInfo, error) {
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	runErr := cmd.Run()
	os.Stderr.Write(stderr.Bytes())
	var m moduleInfo
	if err := json.Unmarshal(stdout.Bytes(), &m); err != nil {
		return m, fmt.Errorf("go mod download %s: %v (%v)", mod, runErr, err)
	}
	if m.Error != "" || m.Dir == "" {
		if slices.Contains(env, "GOPROXY=off") {
			return m, fmt.Errorf("%s: %w (%s)", mod, ErrNotCached, m.Error)
		}
		return m, fmt.Errorf("go mod download %s: %s", mod, m.Error)
	}
	return m, nil
}

// RequiredVersion is the version go.mod requires of a module.
func RequiredVersion(gomod, mod string) (string, error) {
	return scanGoMod(gomod, func(f []string) string {
		if (len(f) >= 2 && f[0] == mod) || (len(f) >= 3 && f[0] == "require" && f[1] == mod) {
			return f[len(f)-1]
		}
		return ""
	}, mod)
}

// replacement is the module and version a go.mod replaces a module with.
func replacement(gomod, mod string) (string, string, error) {
	var repl string
	v, err := scanGoMod(gomod, func(f []string) string {
		if len(f) == 5 && f[0] == "replace" && f[1] == mod && f[2] == "=>" {
			repl = f[3]
			return f[4]
		}
		return ""
	}, mod)
	return repl, v, err
}

func scanGoMod(gomod string, match func([]string) string, mod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(strings.SplitN(sc.Text(), "//", 2)[0])
		if v := match(f); v != "" {
			return v, nil
		}
	}
	return "", fmt.Errorf("%s names no version of %s", gomod, mod)
}

// goSum is the h1: hash a go.sum records for a module's zip.
func goSum(path, mod, version string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == mod && f[1] == version {
			return f[2], nil
		}
	}
	return "", fmt.Errorf("%s has no hash for %s %s", path, mod, version)
}

// APIDir is the folder of provider-aws's source holding an apiVersion's
// types (apis/<cluster|namespaced>/<group>/<version>), or "" when the
// apiVersion is not provider-aws's.
func APIDir(providerDir, apiVersion string) string {
	group, version, _ := strings.Cut(apiVersion, "/")
	for _, g := range Groups {
		if name, ok := strings.CutSuffix(group, g.Suffix); ok {
			return filepath.Join(providerDir, "apis", g.Dir, name, version)
		}
	}
	return ""
}

// TerraformType returns the Terraform resource type behind a provider-aws
// kind: the string its generated GetTerraformResourceType method returns,
// read from apis/<cluster|namespaced>/<group>/<version>/zz_*_terraformed.go
// under providerDir (the provider-aws module's source).
func TerraformType(providerDir, apiVersion, kind string) (string, error) {
	k := kind + "." + apiVersion
	dir := APIDir(providerDir, apiVersion)
	if dir == "" {
		return "", fmt.Errorf("%s is not a provider-aws kind", k)
	}
	files, err := filepath.Glob(filepath.Join(dir, "zz_*_terraformed.go"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("%s: no zz_*_terraformed.go in %s", k, dir)
	}
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			return "", err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "GetTerraformResourceType" || RecvType(fn) != kind {
				continue
			}
			for _, s := range fn.Body.List {
				if ret, ok := s.(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
					if lit, ok := ret.Results[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						return strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	return "", fmt.Errorf("%s: no GetTerraformResourceType for %s in %s", k, kind, dir)
}

// RecvType is the receiver's type name of a method ("" for a function).
func RecvType(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return ""
	}
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch t := t.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr: // generic receiver
		if id, ok := t.X.(*ast.Ident); ok {
			return id.Name
		}
	case *ast.IndexListExpr:
		if id, ok := t.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}
