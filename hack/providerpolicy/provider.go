package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
)

// TerraformType returns the Terraform resource type behind a provider-aws
// kind: the string its generated GetTerraformResourceType method returns,
// read from apis/<cluster|namespaced>/<group>/<version>/zz_*_terraformed.go
// under providerDir (the provider-aws module's source).
func TerraformType(providerDir string, k Kind) (string, error) {
	group, version, _ := strings.Cut(k.APIVersion, "/")
	dir := ""
	for _, g := range providerGroups {
		if name, ok := strings.CutSuffix(group, g.suffix); ok {
			dir = filepath.Join(providerDir, "apis", g.dir, name, version)
			break
		}
	}
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
			if !ok || fn.Name.Name != "GetTerraformResourceType" || recvType(fn) != k.Kind {
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
	return "", fmt.Errorf("%s: no GetTerraformResourceType for %s in %s", k, k.Kind, dir)
}

// recvType is the receiver's type name of a method ("" for a function).
func recvType(fn *ast.FuncDecl) string {
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
