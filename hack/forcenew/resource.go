package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

type registration struct {
	pkgDir    string
	factory   string
	framework bool
	region    bool // the provider injects a top-level region attribute
}

// registrations reads every service package's service_package_gen.go.
func (s *src) registrations() (map[string]registration, error) {
	gens, err := filepath.Glob(filepath.Join(s.dir, "internal/service/*/service_package_gen.go"))
	if err != nil {
		return nil, err
	}
	out := map[string]registration{}
	for _, gen := range gens {
		f, err := parser.ParseFile(s.fset, gen, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(s.dir, filepath.Dir(gen))
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
				if id, ok := kv(lit, "Factory").(*ast.Ident); ok {
					r.factory = id.Name
				}
				if b, ok := kv(lit, "TypeName").(*ast.BasicLit); ok {
					typeName, _ = strconv.Unquote(b.Value)
				}
				if reg := kv(lit, "Region"); reg != nil {
					ast.Inspect(reg, func(n ast.Node) bool {
						if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "ResourceRegionDefault" {
							r.region = true
						}
						return true
					})
				}
				if typeName != "" && r.factory != "" {
					out[typeName] = r
					return false
				}
				return true
			})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s does not look like terraform-provider-aws: no resource registrations", s.dir)
	}
	return out, nil
}

// analyze finds every attribute of a Terraform resource type whose change
// replaces the resource.
func (s *src) analyze(reg registration) (impl string, fs []found, unresolved []string, err error) {
	p, err := s.pkg(reg.pkgDir)
	if err != nil {
		return "", nil, nil, err
	}
	factory := p.funcs[reg.factory]
	if factory == nil {
		return "", nil, nil, fmt.Errorf("factory %s not found in %s", reg.factory, reg.pkgDir)
	}
	w := &walker{s: s, seen: map[ast.Node]bool{}}
	c := at{p, p.fileOf[factory]}
	if reg.framework {
		impl = reg.pkgDir + "." + reg.factory + " (Plugin Framework)"
		var types []string
		ast.Inspect(factory.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.CompositeLit); ok {
				if id, ok := lit.Type.(*ast.Ident); ok && p.methods[id.Name] != nil && !slices.Contains(types, id.Name) {
					types = append(types, id.Name)
				}
			}
			return true
		})
		for i := 0; i < len(types); i++ {
			for _, e := range p.embeds[types[i]] {
				if !slices.Contains(types, e) {
					types = append(types, e)
				}
			}
		}
		var schemaFound bool
		for _, t := range types {
			if d := p.methods[t]["Schema"]; d != nil && !schemaFound {
				schemaFound = true
				dc := at{p, p.fileOf[d]}
				ast.Inspect(d.Body, func(n ast.Node) bool {
					if lit, ok := n.(*ast.CompositeLit); ok && strings.HasSuffix(typeName(lit), ".Schema") {
						w.fwObject(dc, lit, "")
						return false
					}
					return true
				})
			}
			if d := p.methods[t]["ModifyPlan"]; d != nil {
				w.fwModifyPlan(at{p, p.fileOf[d]}, d, reg.pkgDir+"."+t+".ModifyPlan")
			}
		}
		if !schemaFound {
			return "", nil, nil, fmt.Errorf("no Schema method on %v", types)
		}
		if reg.region {
			w.add("region", true, "internal/provider/framework.resourceForceNewIfRegionChanges: when the region changes, unless between unset and the provider's region")
		}
	} else {
		impl = reg.pkgDir + "." + reg.factory + " (SDKv2)"
		var res *ast.CompositeLit
		for _, r := range returns(factory.Body) {
			if lit, ok := unwrap(r).(*ast.CompositeLit); ok && strings.HasSuffix(typeName(lit), ".Resource") {
				res = lit
				break
			}
		}
		if res == nil {
			return "", nil, nil, fmt.Errorf("%s returns no schema.Resource literal", reg.factory)
		}
		w.sdkResource(c, res, "")
		if cd := kv(res, "CustomizeDiff"); cd != nil {
			w.customizeDiff(c, cd)
		}
		// CustomizeDiff set after the literal (r.CustomizeDiff = …).
		ast.Inspect(factory.Body, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
				if sel, ok := as.Lhs[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "CustomizeDiff" {
					w.customizeDiff(c, as.Rhs[0])
				}
			}
			return true
		})
		if reg.region {
			w.add("region", true, "internal/provider/sdkv2.forceNewIfRegionChanges: when the region changes, unless between unset and the provider's region")
		}
	}
	// One row per attribute: unconditional wins; conditional reasons join.
	byPath := map[string]*found{}
	var order []string
	for _, f := range w.found {
		if g, ok := byPath[f.tf]; ok {
			switch {
			case !f.conditional:
				g.conditional, g.reason = false, ""
			case g.conditional && !strings.Contains(g.reason, f.reason):
				g.reason += "; " + f.reason
			}
			continue
		}
		f := f
		byPath[f.tf] = &f
		order = append(order, f.tf)
	}
	slices.Sort(order)
	for _, p := range order {
		fs = append(fs, *byPath[p])
	}
	slices.Sort(w.unresolved)
	return impl, fs, slices.Compact(w.unresolved), nil
}
