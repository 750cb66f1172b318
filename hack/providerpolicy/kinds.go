package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/paynext/platform/hack/tfprovider"

	"sigs.k8s.io/yaml"
)

// A Kind is one managed resource kind of provider-aws, as a rendered object
// names it: group/version and kind.
type Kind struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

func (k Kind) String() string { return k.Kind + "." + k.APIVersion }

// providerGroups are the API group suffixes of provider-aws's cluster-scoped
// and namespaced (Crossplane v2) managed resources, and the apis/ folder of
// provider-aws that holds each.
var providerGroups = []struct{ suffix, dir string }{
	{".aws.m.upbound.io", "namespaced"},
	{".aws.upbound.io", "cluster"},
}

// isManaged reports whether an apiVersion is one of provider-aws's.
func isManaged(apiVersion string) bool {
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return false
	}
	for _, g := range providerGroups {
		if strings.HasSuffix(group, g.suffix) {
			return true
		}
	}
	return false
}

// KindsOfStream returns the provider-aws kinds of a YAML stream: a golden
// file (composed resources as top-level documents, a status document without
// a kind) or a `crossplane render` output (the XR and composed resources).
// Documents that are not provider-aws managed resources are skipped, so
// comments, the XR, status documents, new top-level fields such as
// spec.providerConfigRef and reordered keys change nothing.
func KindsOfStream(data []byte) (map[Kind]bool, error) {
	kinds := map[Kind]bool{}
	for i, doc := range splitYAML(data) {
		var obj struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		if obj.Kind != "" && isManaged(obj.APIVersion) {
			kinds[Kind{obj.APIVersion, obj.Kind}] = true
		}
	}
	return kinds, nil
}

// splitYAML splits a stream on document separators ("---" alone on a line,
// optionally followed by a comment).
func splitYAML(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	for line := range bytes.Lines(data) {
		t := bytes.TrimRight(line, "\r\n")
		if bytes.Equal(t, []byte("---")) || bytes.HasPrefix(t, []byte("--- ")) {
			docs = append(docs, slices.Clone(cur.Bytes()))
			cur.Reset()
			continue
		}
		cur.Write(line)
	}
	docs = append(docs, cur.Bytes())
	return slices.DeleteFunc(docs, func(d []byte) bool { return len(bytes.TrimSpace(d)) == 0 })
}

// KindsOfFiles is KindsOfStream over files, each kind with the base names
// (without .yaml) of the files that hold it.
func KindsOfFiles(files []string) (map[Kind][]string, error) {
	out := map[Kind][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		kinds, err := KindsOfStream(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if len(kinds) == 0 {
			return nil, fmt.Errorf("%s: no provider-aws managed resource in it: not a render", f)
		}
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		for k := range kinds {
			out[k] = append(out[k], name)
		}
	}
	for k := range out {
		slices.Sort(out[k])
		out[k] = slices.Compact(out[k])
	}
	return out, nil
}

const providerModule = tfprovider.ProviderModule

// KindsConstructed returns every provider-aws kind the Go code under root
// (the function's source) constructs: each composite literal of a type from
// a provider-aws apis package with a Spec field set, e.g.
// &ec2v1beta1.VPC{ObjectMeta: …, Spec: ec2v1beta1.VPCSpec{…}}. Test files are
// skipped. Each kind comes with the files (relative to root's parent) that
// construct it. This is the superset of what any claim can render, held-out
// or not: the function composes no managed resource it does not construct.
func KindsConstructed(root string) (map[Kind][]string, error) {
	out := map[Kind][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		apis := map[string]string{} // import name -> apiVersion
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			rest, ok := strings.CutPrefix(p, providerModule+"/apis/")
			if !ok {
				continue
			}
			parts := strings.Split(rest, "/") // cluster|namespaced, group, version
			if len(parts) != 3 {
				continue
			}
			var suffix string
			for _, g := range providerGroups {
				if g.dir == parts[0] {
					suffix = g.suffix
				}
			}
			if suffix == "" {
				continue
			}
			name := parts[2]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			apis[name] = parts[1] + suffix + "/" + parts[2]
		}
		if len(apis) == 0 {
			return nil
		}
		rel, _ := filepath.Rel(filepath.Dir(root), path)
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			sel, ok := lit.Type.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || apis[pkg.Name] == "" {
				return true
			}
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "Spec" {
						k := Kind{apis[pkg.Name], sel.Sel.Name}
						out[k] = append(out[k], filepath.ToSlash(rel))
					}
				}
			}
			return true
		})
		return nil
	})
	for k := range out {
		slices.Sort(out[k])
		out[k] = slices.Compact(out[k])
	}
	return out, err
}
