package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/paynext/platform/hack/tfprovider"
)

type field struct {
	json, tf string
	typ      ast.Expr
	ref      bool // a Reference or Selector (tf:"-")
}

// apiTypes are the structs of one provider-aws API package.
type apiTypes map[string][]field

func loadAPITypes(providerDir, apiVersion string) (apiTypes, error) {
	dir := tfprovider.APIDir(providerDir, apiVersion)
	files, err := filepath.Glob(filepath.Join(dir, "zz_*_types.go"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("%s: no zz_*_types.go in %s", apiVersion, dir)
	}
	out := apiTypes{}
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return false
			}
			var fs []field
			for _, fl := range st.Fields.List {
				if fl.Tag == nil || len(fl.Names) == 0 {
					continue
				}
				tag, _ := strconv.Unquote(fl.Tag.Value)
				st := reflect.StructTag(tag)
				j, _, _ := strings.Cut(st.Get("json"), ",")
				t, _, _ := strings.Cut(st.Get("tf"), ",")
				isRef := false
				if sel, ok := unwrap(elemType(fl.Type)).(*ast.SelectorExpr); ok && (sel.Sel.Name == "Reference" || sel.Sel.Name == "Selector") {
					isRef = true
				}
				fs = append(fs, field{json: j, tf: t, typ: fl.Type, ref: isRef})
			}
			out[ts.Name.Name] = fs
			return false
		})
	}
	return out, nil
}

func elemType(t ast.Expr) ast.Expr {
	if a, ok := t.(*ast.ArrayType); ok {
		return a.Elt
	}
	return t
}

// forProvider is the name of the kind's spec.forProvider struct.
func (a apiTypes) forProvider(kind string) (string, error) {
	for _, f := range a[kind+"Spec"] {
		if f.json == "forProvider" {
			if id, ok := unwrap(f.typ).(*ast.Ident); ok {
				return id.Name, nil
			}
		}
	}
	return "", fmt.Errorf("no %sSpec.ForProvider", kind)
}

// mapPath maps a Terraform attribute path to its spec.forProvider JSON
// path (a list's elements as [*]) and the reference and selector fields
// that set it, or says which segment provider-aws has no field for.
func (a apiTypes) mapPath(root, tfPath string) (string, []string, error) {
	out := "spec.forProvider"
	st := root
	segs := strings.Split(tfPath, ".")
	for i, seg := range segs {
		var f *field
		for j := range a[st] {
			if a[st][j].tf == seg {
				f = &a[st][j]
				break
			}
		}
		if f == nil {
			return "", nil, fmt.Errorf("%s has no field with tf:%q", st, seg)
		}
		out += "." + f.json
		if i == len(segs)-1 {
			var refs []string
			for _, r := range a[st] {
				if r.ref && refBase(r.json, f.json) {
					refs = append(refs, strings.TrimSuffix(out, f.json)+r.json)
				}
			}
			return out, refs, nil
		}
		t := f.typ
		if arr, ok := t.(*ast.ArrayType); ok {
			out += "[*]"
			t = arr.Elt
		}
		id, ok := unwrap(t).(*ast.Ident)
		if !ok || a[id.Name] == nil {
			return "", nil, fmt.Errorf("%s.%s is not a block in provider-aws", st, f.json)
		}
		st = id.Name
	}
	return out, nil, nil
}

// refBase: ref (kmsKeyIdRef, subnetIdRefs, subnetIdSelector) sets field
// (kmsKeyId, subnetIds).
func refBase(ref, field string) bool {
	for _, suf := range []string{"Refs", "Ref", "Selector"} {
		if b, ok := strings.CutSuffix(ref, suf); ok {
			return b == field || b+"s" == field
		}
	}
	return false
}

// externalNameParams reads provider-aws's config/externalname.go: for each
// Terraform type, the argument upjet turns into the external name (and so
// drops from spec.forProvider), where its configuration names one.
func externalNameParams(providerDir string) (map[string]string, error) {
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, file := range []string{"config/externalname.go", "config/externalnamenottested.go"} {
		f, err := parser.ParseFile(fset, filepath.Join(providerDir, file), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			k, ok := n.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			b, ok := k.Key.(*ast.BasicLit)
			if !ok || b.Kind != token.STRING {
				return true
			}
			tt, _ := strconv.Unquote(b.Value)
			if !strings.HasPrefix(tt, "aws_") {
				return true
			}
			switch v := k.Value.(type) {
			case *ast.SelectorExpr:
				if v.Sel.Name == "NameAsIdentifier" {
					out[tt] = "name"
				}
			case *ast.CallExpr:
				if sel, ok := v.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "ParameterAsIdentifier" || sel.Sel.Name == "TemplatedStringAsIdentifier") && len(v.Args) > 0 {
					if s, ok := v.Args[0].(*ast.BasicLit); ok {
						if p, _ := strconv.Unquote(s.Value); p != "" {
							out[tt] = p
						}
					}
				}
			}
			return false
		})
	}
	return out, nil
}
