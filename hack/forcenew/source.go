package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paynext/platform/hack/tfprovider"
)

// src is the Terraform provider's source, parsed a package at a time.
type src struct {
	dir   string
	fset  *token.FileSet
	pkgs  map[string]*pkg // by directory relative to dir
	names map[string]string
}

type pkg struct {
	dir     string
	funcs   map[string]*ast.FuncDecl
	methods map[string]map[string]*ast.FuncDecl
	embeds  map[string][]string
	consts  map[string]string
	vars    map[string]ast.Expr
	// localFuncs are function literals assigned to a variable inside a
	// function (networkACLRuleSetNestedBlock := func() *schema.Schema {…}).
	localFuncs map[string]*ast.FuncLit
	fileOf     map[ast.Node]*ast.File
}

// at is an expression's context: its package and file (for imports).
type at struct {
	p *pkg
	f *ast.File
}

func newSrc(dir string) (*src, error) {
	s := &src{dir: dir, fset: token.NewFileSet(), pkgs: map[string]*pkg{}}
	n, err := s.pkg("names")
	if err != nil {
		return nil, err
	}
	s.names = n.consts
	return s, nil
}

func (s *src) pkg(dir string) (*pkg, error) {
	if p, ok := s.pkgs[dir]; ok {
		return p, nil
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, dir))
	if err != nil {
		return nil, err
	}
	p := &pkg{dir: dir, funcs: map[string]*ast.FuncDecl{}, methods: map[string]map[string]*ast.FuncDecl{},
		embeds: map[string][]string{}, consts: map[string]string{}, vars: map[string]ast.Expr{}, localFuncs: map[string]*ast.FuncLit{}, fileOf: map[ast.Node]*ast.File{}}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(s.fset, filepath.Join(s.dir, dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				p.fileOf[d] = f
				if d.Body != nil {
					ast.Inspect(d.Body, func(n ast.Node) bool {
						if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
							for i, l := range as.Lhs {
								if id, ok := l.(*ast.Ident); ok && i < len(as.Rhs) {
									if fl, ok := as.Rhs[i].(*ast.FuncLit); ok {
										p.localFuncs[id.Name] = fl
										p.fileOf[fl] = f
									}
								}
							}
						}
						return true
					})
				}
				if t := tfprovider.RecvType(d); t != "" {
					if p.methods[t] == nil {
						p.methods[t] = map[string]*ast.FuncDecl{}
					}
					p.methods[t][d.Name.Name] = d
				} else {
					p.funcs[d.Name.Name] = d
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.ValueSpec:
						for i, name := range sp.Names {
							if i >= len(sp.Values) {
								continue
							}
							if b, ok := sp.Values[i].(*ast.BasicLit); ok && b.Kind == token.STRING && d.Tok == token.CONST {
								p.consts[name.Name], _ = strconv.Unquote(b.Value)
							}
							p.vars[name.Name] = sp.Values[i]
							p.fileOf[sp.Values[i]] = f
						}
					case *ast.TypeSpec:
						st, ok := sp.Type.(*ast.StructType)
						if !ok {
							continue
						}
						for _, fld := range st.Fields.List {
							if len(fld.Names) != 0 {
								continue
							}
							t := fld.Type
							if s, ok := t.(*ast.StarExpr); ok {
								t = s.X
							}
							if id, ok := t.(*ast.Ident); ok {
								p.embeds[sp.Name.Name] = append(p.embeds[sp.Name.Name], id.Name)
							}
						}
					}
				}
			}
		}
	}
	s.pkgs[dir] = p
	return p, nil
}

func importPath(f *ast.File, name string) string {
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		n := path.Base(p)
		if imp.Name != nil {
			n = imp.Name.Name
		}
		if n == name {
			return p
		}
	}
	return ""
}

// str resolves a string-valued expression: a literal, a package constant,
// a names.Attr… constant, or a concatenation of these.
func (s *src) str(c at, e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			v, err := strconv.Unquote(e.Value)
			return v, err == nil
		}
	case *ast.Ident:
		v, ok := c.p.consts[e.Name]
		return v, ok
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			ip := importPath(c.f, id.Name)
			if ip == tfprovider.TFModule+"/names" {
				v, ok := s.names[e.Sel.Name]
				return v, ok
			}
			if d, ok := strings.CutPrefix(ip, tfprovider.TFModule+"/"); ok {
				if p, err := s.pkg(d); err == nil {
					v, ok := p.consts[e.Sel.Name]
					return v, ok
				}
			}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := s.str(c, e.X)
			b, ok2 := s.str(c, e.Y)
			return a + b, ok1 && ok2
		}
	case *ast.ParenExpr:
		return s.str(c, e.X)
	}
	return "", false
}

// fn resolves a function reference (a local or another provider package's
// function) to its declaration.
func (s *src) fn(c at, e ast.Expr) (at, *ast.FuncDecl) {
	switch e := e.(type) {
	case *ast.Ident:
		if d := c.p.funcs[e.Name]; d != nil {
			return at{c.p, c.p.fileOf[d]}, d
		}
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			if d, ok := strings.CutPrefix(importPath(c.f, id.Name), tfprovider.TFModule+"/"); ok {
				if p, err := s.pkg(d); err == nil {
					if fd := p.funcs[e.Sel.Name]; fd != nil {
						return at{p, p.fileOf[fd]}, fd
					}
				}
			}
		}
	case *ast.IndexExpr: // generic instantiation
		return s.fn(c, e.X)
	}
	return c, nil
}

// value resolves an identifier naming a package variable (here or in another
// provider package) or a local function literal to what it holds, with
// sync.OnceValue(func…) unwrapped to the function.
func (s *src) value(c at, e ast.Expr) (at, ast.Expr) {
	var v ast.Expr
	vc := c
	switch e := e.(type) {
	case *ast.Ident:
		if fl := c.p.localFuncs[e.Name]; fl != nil {
			return at{c.p, c.p.fileOf[fl]}, fl
		}
		v = c.p.vars[e.Name]
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			if d, ok := strings.CutPrefix(importPath(c.f, id.Name), tfprovider.TFModule+"/"); ok {
				if p, err := s.pkg(d); err == nil {
					v = p.vars[e.Sel.Name]
					vc = at{p, nil}
				}
			}
		}
	}
	if v == nil {
		return c, nil
	}
	vc.f = vc.p.fileOf[v]
	if call, ok := v.(*ast.CallExpr); ok && len(call.Args) == 1 {
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "OnceValue") {
			if fl, ok := call.Args[0].(*ast.FuncLit); ok {
				return vc, fl
			}
			// sync.OnceValue(factory(…)): the function factory returns.
			if inner, ok := call.Args[0].(*ast.CallExpr); ok {
				if fc, fd := s.fn(vc, inner.Fun); fd != nil && fd.Body != nil {
					for _, r := range returns(fd.Body) {
						if fl, ok := r.(*ast.FuncLit); ok {
							return fc, fl
						}
					}
				}
			}
		}
	}
	return vc, v
}

// returns are the expressions a function returns (its first result), with
// returned local variables replaced by what they are assigned.
func returns(body *ast.BlockStmt) []ast.Expr {
	var out []ast.Expr
	assigned := map[string][]ast.Expr{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && i < len(n.Rhs) {
					assigned[id.Name] = append(assigned[id.Name], n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if i < len(n.Values) {
					assigned[id.Name] = append(assigned[id.Name], n.Values[i])
				}
			}
		}
		return true
	})
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) > 0 {
				if id, ok := n.Results[0].(*ast.Ident); ok && assigned[id.Name] != nil {
					out = append(out, assigned[id.Name]...)
				} else {
					out = append(out, n.Results[0])
				}
			}
		}
		return true
	})
	return out
}

func unwrap(e ast.Expr) ast.Expr {
	for {
		switch x := e.(type) {
		case *ast.UnaryExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return e
		}
	}
}

// typeName is a composite literal's type as pkg.Name or Name.
func typeName(lit *ast.CompositeLit) string {
	switch t := lit.Type.(type) {
	case *ast.SelectorExpr:
		if id, ok := t.X.(*ast.Ident); ok {
			return id.Name + "." + t.Sel.Name
		}
	case *ast.Ident:
		return t.Name
	case *ast.MapType:
		return "map"
	}
	return ""
}

func kv(lit *ast.CompositeLit, key string) ast.Expr {
	for _, e := range lit.Elts {
		if k, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := k.Key.(*ast.Ident); ok && id.Name == key {
				return k.Value
			}
		}
	}
	return nil
}

func (s *src) pos(n ast.Node) string {
	p := s.fset.Position(n.Pos())
	rel, _ := filepath.Rel(s.dir, p.Filename)
	return fmt.Sprintf("%s:%d", filepath.ToSlash(rel), p.Line)
}

// describe names a function expression for a reason: its name, or where an
// inline function is.
func (s *src) describe(c at, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return c.p.dir + "." + e.Name
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			return id.Name + "." + e.Sel.Name
		}
	case *ast.FuncLit:
		return "an inline function at " + s.pos(e)
	case *ast.CallExpr:
		return s.describe(c, e.Fun) + "(…)"
	}
	return "an expression at " + s.pos(e)
}
