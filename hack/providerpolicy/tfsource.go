package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/paynext/platform/hack/tfprovider"
)

// The Terraform provider's own module path; the fork keeps it (provider-aws
// replaces it with github.com/upbound/terraform-provider-aws).
const tfModule = tfprovider.TFModule

const sdkServicePrefix = "github.com/aws/aws-sdk-go-v2/service/"

// TFSource is the Terraform provider's source tree, parsed a service package
// at a time as the analysis reaches it.
type TFSource struct {
	Dir   string
	fset  *token.FileSet
	pkgs  map[string]*tfPackage // by directory relative to Dir
	conns map[string]string     // conns.AWSClient method -> SDK service package ("EC2Client" -> "ec2")
	types map[string]registration
}

// A registration is one resource of a service package's
// service_package_gen.go: its factory and whether transparent tagging wraps it.
type registration struct {
	pkgDir    string // internal/service/<svc>
	factory   string
	framework bool
	tags      bool
	// tagType is the ResourceType of its Tags registration: the case of the
	// package's ListTags/UpdateTags switch that serves it.
	tagType string
}

type tfPackage struct {
	dir     string
	files   []*ast.File
	funcs   map[string]*ast.FuncDecl
	methods map[string]map[string]*ast.FuncDecl // type -> method -> decl
	embeds  map[string][]string                 // type -> embedded package-local types
	fileOf  map[ast.Node]*ast.File
}

// LoadTFSource indexes the registrations of every service package and the
// AWS client accessors of internal/conns.
func LoadTFSource(dir string) (*TFSource, error) {
	s := &TFSource{Dir: dir, fset: token.NewFileSet(), pkgs: map[string]*tfPackage{}, conns: map[string]string{}, types: map[string]registration{}}
	f, err := parser.ParseFile(s.fset, filepath.Join(dir, "internal/conns/awsclient_gen.go"), nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	imports := importNames(f)
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || recvType(fn) != "AWSClient" || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 {
			continue
		}
		if svc := sdkClientType(fn.Type.Results.List[0].Type, imports); svc != "" {
			s.conns[fn.Name.Name] = svc
		}
	}
	gens, err := filepath.Glob(filepath.Join(dir, "internal/service/*/service_package_gen.go"))
	if err != nil {
		return nil, err
	}
	for _, gen := range gens {
		f, err := parser.ParseFile(s.fset, gen, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(gen))
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || (fn.Name.Name != "SDKResources" && fn.Name.Name != "FrameworkResources") {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				lit, ok := n.(*ast.CompositeLit)
				if !ok {
					return true
				}
				r := registration{pkgDir: filepath.ToSlash(rel), framework: fn.Name.Name == "FrameworkResources"}
				var typeName string
				for _, e := range lit.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch key, _ := kv.Key.(*ast.Ident); {
					case key == nil:
					case key.Name == "Factory":
						if id, ok := kv.Value.(*ast.Ident); ok {
							r.factory = id.Name
						}
					case key.Name == "TypeName":
						if b, ok := kv.Value.(*ast.BasicLit); ok {
							typeName, _ = strconv.Unquote(b.Value)
						}
					case key.Name == "Tags":
						r.tags = true
						ast.Inspect(kv.Value, func(n ast.Node) bool {
							if kv, ok := n.(*ast.KeyValueExpr); ok {
								if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ResourceType" {
									if b, ok := kv.Value.(*ast.BasicLit); ok {
										r.tagType, _ = strconv.Unquote(b.Value)
									}
								}
							}
							return true
						})
					}
				}
				if typeName != "" && r.factory != "" {
					s.types[typeName] = r
					return false
				}
				return true
			})
		}
	}
	if len(s.types) == 0 || len(s.conns) == 0 {
		return nil, fmt.Errorf("%s does not look like terraform-provider-aws: no resource registrations or AWS clients found", dir)
	}
	return s, nil
}

func importNames(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := path.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		m[name] = p
	}
	return m
}

// sdkClientType is the SDK service of a *<svc>.Client type expression.
func sdkClientType(t ast.Expr, imports map[string]string) string {
	star, ok := t.(*ast.StarExpr)
	if !ok {
		return ""
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Client" {
		return ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	svc, ok := strings.CutPrefix(imports[id.Name], sdkServicePrefix)
	if !ok {
		return ""
	}
	return svc
}

func (s *TFSource) pkg(dir string) (*tfPackage, error) {
	if p, ok := s.pkgs[dir]; ok {
		return p, nil
	}
	entries, err := os.ReadDir(filepath.Join(s.Dir, dir))
	if err != nil {
		return nil, err
	}
	p := &tfPackage{dir: dir, funcs: map[string]*ast.FuncDecl{}, methods: map[string]map[string]*ast.FuncDecl{}, embeds: map[string][]string{}, fileOf: map[ast.Node]*ast.File{}}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(s.fset, filepath.Join(s.Dir, dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(f.Name.Name, "_test") {
			continue
		}
		p.files = append(p.files, f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				p.fileOf[d] = f
				if t := recvType(d); t != "" {
					if p.methods[t] == nil {
						p.methods[t] = map[string]*ast.FuncDecl{}
					}
					p.methods[t][d.Name.Name] = d
				} else {
					p.funcs[d.Name.Name] = d
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					ts, ok := sp.(*ast.TypeSpec)
					if !ok {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
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
							p.embeds[ts.Name.Name] = append(p.embeds[ts.Name.Name], id.Name)
						}
					}
				}
			}
		}
	}
	s.pkgs[dir] = p
	return p, nil
}

// Analysis is what the call graph of one resource reaches.
type Analysis struct {
	Implementation string   // e.g. "internal/service/s3.resourceBucket (SDKv2)"
	Operations     []string // "<sdk service>.<Operation>", sorted
	// Unfollowed are calls the analysis saw pass an AWS client out of the
	// service packages (so what they call is not in Operations), and SDK
	// waiters, which call operations of their own.
	Unfollowed []string
}

// The entry points: what the Terraform plugin SDK v2 and the Plugin
// Framework call for plan, create, read, update and delete (upjet drives a
// resource through exactly these; it never imports).
var sdkv2Entries = []string{"Create", "Read", "Update", "Delete", "CreateContext", "ReadContext", "UpdateContext", "DeleteContext",
	"CreateWithoutTimeout", "ReadWithoutTimeout", "UpdateWithoutTimeout", "DeleteWithoutTimeout", "CustomizeDiff"}
var frameworkEntries = []string{"Create", "Read", "Update", "Delete", "ModifyPlan"}

// The tagging entry points transparent tagging calls (internal/provider's
// interceptors) for a resource registered with Tags.
var tagEntries = []string{"ListTags", "UpdateTags"}

type workItem struct {
	pkg   *tfPackage
	file  *ast.File
	node  ast.Node
	types []string // the resource's concrete type and what it embeds (Plugin Framework)
	// tagType, for the tagging entry points, picks the case of a
	// `switch resourceType` that serves this resource (S3 and IAM tag
	// buckets and objects, roles and users, through one method).
	tagType string
}

var paginator = regexp.MustCompile(`^New(\w+)Paginator$`)
var waiter = regexp.MustCompile(`^New(\w+)Waiter$`)

// Analyze walks the package-local call graph of a Terraform resource type
// from its entry points and collects the AWS SDK v2 operations it calls.
func (s *TFSource) Analyze(typeName string) (*Analysis, error) {
	reg, ok := s.types[typeName]
	if !ok {
		return nil, fmt.Errorf("%s: no resource registration in %s/internal/service/*/service_package_gen.go", typeName, s.Dir)
	}
	p, err := s.pkg(reg.pkgDir)
	if err != nil {
		return nil, err
	}
	factory := p.funcs[reg.factory]
	if factory == nil {
		return nil, fmt.Errorf("%s: factory %s not found in %s", typeName, reg.factory, reg.pkgDir)
	}
	a := &Analysis{}
	var queue []workItem
	var types []string
	if reg.framework {
		a.Implementation = reg.pkgDir + "." + reg.factory + " (Plugin Framework)"
		// The resource's type: the package-local struct the factory builds.
		ast.Inspect(factory.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.CompositeLit); ok {
				if id, ok := lit.Type.(*ast.Ident); ok && p.methods[id.Name] != nil && !slices.Contains(types, id.Name) {
					types = append(types, id.Name)
				}
			}
			return true
		})
		if len(types) == 0 {
			return nil, fmt.Errorf("%s: cannot find the resource type %s builds", typeName, reg.factory)
		}
		for i := 0; i < len(types); i++ {
			for _, e := range p.embeds[types[i]] {
				if !slices.Contains(types, e) {
					types = append(types, e)
				}
			}
		}
		for _, t := range types {
			for _, m := range frameworkEntries {
				if d := p.methods[t][m]; d != nil {
					queue = append(queue, workItem{p, p.fileOf[d], d, types, ""})
				}
			}
		}
	} else {
		a.Implementation = reg.pkgDir + "." + reg.factory + " (SDKv2)"
		entry := func(v ast.Expr) {
			queue = append(queue, workItem{p, p.fileOf[factory], v, nil, ""})
		}
		ast.Inspect(factory.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if key, ok := n.Key.(*ast.Ident); ok && slices.Contains(sdkv2Entries, key.Name) {
					entry(n.Value)
					return false
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && slices.Contains(sdkv2Entries, sel.Sel.Name) && i < len(n.Rhs) {
						entry(n.Rhs[i])
					}
				}
			}
			return true
		})
	}
	if reg.tags {
		for _, m := range tagEntries {
			if d := p.methods["servicePackage"][m]; d != nil {
				queue = append(queue, workItem{p, p.fileOf[d], d, nil, reg.tagType})
			}
		}
	}
	if len(queue) == 0 {
		return nil, fmt.Errorf("%s: no create/read/update/delete entry points found from %s", typeName, reg.factory)
	}
	ops, unfollowed := map[string]bool{}, map[string]bool{}
	type key struct {
		node    ast.Node
		tagType string
	}
	seen := map[key]bool{}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if seen[key{it.node, it.tagType}] {
			continue
		}
		seen[key{it.node, it.tagType}] = true
		next, err := s.visit(it, ops, unfollowed)
		if err != nil {
			return nil, err
		}
		queue = append(queue, next...)
	}
	a.Operations = sortedKeys(ops)
	a.Unfollowed = sortedKeys(unfollowed)
	return a, nil
}

// visit records the SDK operations one function (or expression) calls and
// returns the package-local functions and methods it calls or refers to,
// and the functions of other service packages it calls.
func (s *TFSource) visit(it workItem, ops, unfollowed map[string]bool) ([]workItem, error) {
	imports := importNames(it.file)
	p := it.pkg
	// Which identifiers hold an SDK client: parameters typed *<svc>.Client,
	// and variables assigned from an AWSClient accessor (c.EC2Client(ctx)).
	clients := map[string]string{}
	ast.Inspect(it.node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncType:
			if n.Params != nil {
				for _, fld := range n.Params.List {
					if svc := sdkClientType(fld.Type, imports); svc != "" {
						for _, name := range fld.Names {
							clients[name.Name] = svc
						}
					}
				}
			}
		case *ast.AssignStmt:
			for i, r := range n.Rhs {
				if svc := s.accessor(r); svc != "" && i < len(n.Lhs) {
					if id, ok := n.Lhs[i].(*ast.Ident); ok {
						clients[id.Name] = svc
					}
				}
			}
		case *ast.ValueSpec:
			for i, r := range n.Values {
				if svc := s.accessor(r); svc != "" && i < len(n.Names) {
					clients[n.Names[i].Name] = svc
				}
			}
			if svc := sdkClientType(n.Type, imports); svc != "" {
				for _, name := range n.Names {
					clients[name.Name] = svc
				}
			}
		}
		return true
	})
	clientOf := func(e ast.Expr) string {
		if id, ok := e.(*ast.Ident); ok {
			return clients[id.Name]
		}
		return s.accessor(e)
	}
	var next []workItem
	var walk func(n ast.Node) bool
	walk = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SwitchStmt:
			if id, ok := n.Tag.(*ast.Ident); ok && id.Name == "resourceType" && it.tagType != "" {
				var chosen, def *ast.CaseClause
				for _, c := range n.Body.List {
					cc := c.(*ast.CaseClause)
					if cc.List == nil {
						def = cc
					}
					for _, e := range cc.List {
						if b, ok := e.(*ast.BasicLit); ok && b.Value == strconv.Quote(it.tagType) {
							chosen = cc
						}
					}
				}
				if chosen == nil {
					chosen = def
				}
				if n.Init != nil {
					ast.Inspect(n.Init, walk)
				}
				if chosen != nil {
					for _, st := range chosen.Body {
						ast.Inspect(st, walk)
					}
				}
				return false
			}
		case *ast.CallExpr:
			// A client passed to a function outside the service packages.
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					ip := imports[id.Name]
					if !strings.HasPrefix(ip, sdkServicePrefix) && !strings.HasPrefix(ip, tfModule+"/internal/service/") {
						for _, arg := range n.Args {
							if svc := clientOf(arg); svc != "" {
								unfollowed[fmt.Sprintf("%s.%s (passed the %s client)", ip, sel.Sel.Name, svc)] = true
							}
						}
					}
				}
			}
		case *ast.SelectorExpr:
			name := n.Sel.Name
			if id, ok := n.X.(*ast.Ident); ok {
				if ip, isImport := imports[id.Name]; isImport && p.funcs[id.Name] == nil && clients[id.Name] == "" {
					switch {
					case strings.HasPrefix(ip, sdkServicePrefix):
						if m := paginator.FindStringSubmatch(name); m != nil {
							ops[strings.TrimPrefix(ip, sdkServicePrefix)+"."+m[1]] = true
						} else if waiter.MatchString(name) {
							unfollowed[strings.TrimPrefix(ip, sdkServicePrefix)+"."+name+" (an SDK waiter)"] = true
						}
					case strings.HasPrefix(ip, tfModule+"/internal/service/"):
						dir := strings.TrimPrefix(ip, tfModule+"/")
						op, err := s.pkg(dir)
						if err != nil {
							return false
						}
						if d := op.funcs[name]; d != nil {
							next = append(next, workItem{op, op.fileOf[d], d, nil, ""})
						}
					}
					return false
				}
			}
			if svc := clientOf(n.X); svc != "" {
				if ast.IsExported(name) && name != "Options" {
					ops[svc+"."+name] = true
				}
				ast.Inspect(n.X, walk)
				return false
			}
			for _, t := range it.types {
				if d := p.methods[t][name]; d != nil {
					next = append(next, workItem{p, p.fileOf[d], d, it.types, it.tagType})
				}
			}
			ast.Inspect(n.X, walk)
			return false
		case *ast.Ident:
			if d := p.funcs[n.Name]; d != nil {
				next = append(next, workItem{p, p.fileOf[d], d, it.types, it.tagType})
			}
		}
		return true
	}
	if fd, ok := it.node.(*ast.FuncDecl); ok {
		if fd.Body != nil {
			ast.Inspect(fd.Body, walk)
		}
	} else {
		ast.Inspect(it.node, walk)
	}
	return next, nil
}

// accessor is the SDK service of an AWSClient accessor call
// (meta.(*conns.AWSClient).EC2Client(ctx), c.S3Client(ctx), r.Meta().LogsClient(ctx)).
func (s *TFSource) accessor(e ast.Expr) string {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	return s.conns[sel.Sel.Name]
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
