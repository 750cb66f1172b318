package main

import (
	"go/ast"
	"strings"
)

// A found is one attribute whose change replaces the resource.
type found struct {
	tf          string // Terraform attribute path, blocks joined by "."
	conditional bool
	reason      string
}

// walker collects what one resource's schema and diff customisation force.
type walker struct {
	s          *src
	found      []found
	unresolved []string
	seen       map[ast.Node]bool
}

func (w *walker) add(path string, conditional bool, reason string) {
	// Index segments (compute_config.0.node_role_arn) name the block.
	var segs []string
	for _, p := range strings.Split(path, ".") {
		if p != "0" && p != "*" && p != "#" {
			segs = append(segs, p)
		}
	}
	w.found = append(w.found, found{strings.Join(segs, "."), conditional, reason})
}

func (w *walker) miss(c at, what string, e ast.Node) {
	w.unresolved = append(w.unresolved, what+" at "+w.s.pos(e))
}

// follow calls walk on what a function-valued or call expression yields:
// the results of the function called, or a variable's value.
func (w *walker) follow(c at, e ast.Expr, walk func(at, ast.Expr)) bool {
	switch x := unwrap(e).(type) {
	case *ast.CallExpr:
		fc, fd := w.s.fn(c, x.Fun)
		if fd == nil || fd.Body == nil {
			vc, v := w.s.value(c, x.Fun)
			if fl, ok := v.(*ast.FuncLit); ok {
				for _, r := range returns(fl.Body) {
					walk(vc, r)
				}
				return true
			}
			return false
		}
		if w.seen[fd] {
			return true
		}
		w.seen[fd] = true
		defer delete(w.seen, fd)
		for _, r := range returns(fd.Body) {
			walk(fc, r)
		}
		return true
	case *ast.Ident:
		if fd := c.p.funcs[x.Name]; fd != nil && fd.Body != nil { // SchemaFunc: resourceXSchema
			for _, r := range returns(fd.Body) {
				walk(at{c.p, c.p.fileOf[fd]}, r)
			}
			return true
		}
		if v := c.p.vars[x.Name]; v != nil {
			walk(at{c.p, c.p.fileOf[v]}, v)
			return true
		}
	case *ast.FuncLit:
		for _, r := range returns(x.Body) {
			walk(c, r)
		}
		return true
	}
	return false
}

// sdkResource walks a *schema.Resource: its Schema (or SchemaFunc), each
// attribute's ForceNew, nested blocks' Elem resources.
func (w *walker) sdkResource(c at, e ast.Expr, prefix string) {
	lit, ok := unwrap(e).(*ast.CompositeLit)
	if !ok || !strings.HasSuffix(typeName(lit), ".Resource") {
		if !w.follow(c, e, func(c at, e ast.Expr) { w.sdkResource(c, e, prefix) }) {
			w.miss(c, "schema.Resource "+prefix, e)
		}
		return
	}
	m := kv(lit, "Schema")
	if m == nil {
		m = kv(lit, "SchemaFunc")
	}
	if m != nil {
		w.sdkMap(c, m, prefix)
	}
}

func (w *walker) sdkMap(c at, e ast.Expr, prefix string) {
	lit, ok := unwrap(e).(*ast.CompositeLit)
	if !ok || typeName(lit) != "map" {
		if !w.follow(c, e, func(c at, e ast.Expr) { w.sdkMap(c, e, prefix) }) {
			w.miss(c, "schema map "+prefix, e)
		}
		return
	}
	for _, el := range lit.Elts {
		k, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		name, ok := w.s.str(c, k.Key)
		if !ok {
			w.miss(c, "attribute name under "+prefix, k.Key)
			continue
		}
		w.sdkSchema(c, k.Value, prefix+name)
	}
}

func (w *walker) sdkSchema(c at, e ast.Expr, path string) {
	lit, ok := unwrap(e).(*ast.CompositeLit)
	if !ok || (lit.Type != nil && !strings.HasSuffix(typeName(lit), ".Schema")) { // a map value's type may be elided
		if !w.follow(c, e, func(c at, e ast.Expr) { w.sdkSchema(c, e, path) }) {
			w.miss(c, "schema of "+path, e)
		}
		return
	}
	if v, ok := kv(lit, "ForceNew").(*ast.Ident); ok && v.Name == "true" {
		w.add(path, false, "")
	}
	if el := kv(lit, "Elem"); el != nil {
		w.sdkElem(c, el, path)
	}
}

func (w *walker) sdkElem(c at, e ast.Expr, path string) {
	lit, ok := unwrap(e).(*ast.CompositeLit)
	if ok && strings.HasSuffix(typeName(lit), ".Schema") {
		return // a list or set of primitives
	}
	if ok {
		w.sdkResource(c, e, path+".")
		return
	}
	if !w.follow(c, e, func(c at, e ast.Expr) { w.sdkElem(c, e, path) }) {
		w.miss(c, "Elem of "+path, e)
	}
}

// customizeDiff walks a CustomizeDiff value: customdiff combinators, the
// ForceNewIf… helpers, and any function calling ResourceDiff.ForceNew.
func (w *walker) customizeDiff(c at, e ast.Expr) {
	switch x := unwrap(e).(type) {
	case *ast.CallExpr:
		name := ""
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			name = sel.Sel.Name
		}
		switch name {
		case "Sequence", "All":
			for _, a := range x.Args {
				w.customizeDiff(c, a)
			}
			return
		case "ForceNewIf", "ForceNewIfChange":
			if len(x.Args) == 2 {
				if attr, ok := w.s.str(c, x.Args[0]); ok {
					w.add(attr, true, "customdiff."+name+" with "+w.s.describe(c, x.Args[1]))
					return
				}
			}
			w.miss(c, "customdiff."+name, x)
			return
		}
		fc, fd := w.s.fn(c, x.Fun)
		if fd != nil && fd.Body != nil {
			w.forceNewCalls(fc, fd.Body, fc.p.dir+"."+fd.Name.Name, 0)
		}
	case *ast.Ident:
		if fd := c.p.funcs[x.Name]; fd != nil && fd.Body != nil {
			w.forceNewCalls(at{c.p, c.p.fileOf[fd]}, fd.Body, c.p.dir+"."+fd.Name.Name, 0)
		}
	case *ast.SelectorExpr:
		fc, fd := w.s.fn(c, x)
		if fd != nil && fd.Body != nil {
			w.forceNewCalls(fc, fd.Body, fc.p.dir+"."+fd.Name.Name, 0)
		}
	case *ast.FuncLit:
		w.forceNewCalls(c, x.Body, "the inline CustomizeDiff function at "+w.s.pos(x), 0)
	}
}

// forceNewCalls finds diff.ForceNew("attr") calls in a function body and in
// the provider functions it calls (a few levels deep).
func (w *walker) forceNewCalls(c at, body ast.Node, reason string, depth int) {
	if depth > 3 || w.seen[body] {
		return
	}
	w.seen[body] = true
	defer delete(w.seen, body)
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "ForceNewIf" || sel.Sel.Name == "ForceNewIfChange") {
			w.customizeDiff(c, call)
			return false
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "ForceNew" && len(call.Args) == 1 {
			if attr, ok := w.s.str(c, call.Args[0]); ok {
				w.add(attr, true, reason)
			} else {
				w.miss(c, "ForceNew argument in "+reason, call)
			}
			return true
		}
		if fc, fd := w.s.fn(c, call.Fun); fd != nil && fd.Body != nil {
			w.forceNewCalls(fc, fd.Body, fc.p.dir+"."+fd.Name.Name, depth+1)
		}
		return true
	})
}

// fwObject walks a Plugin Framework schema, block or nested object: its
// Attributes and Blocks.
func (w *walker) fwObject(c at, lit *ast.CompositeLit, prefix string) {
	for _, key := range []string{"Attributes", "Blocks"} {
		m := kv(lit, key)
		if m == nil {
			continue
		}
		w.fwMap(c, m, prefix)
	}
}

func (w *walker) fwMap(c at, e ast.Expr, prefix string) {
	ml, ok := unwrap(e).(*ast.CompositeLit)
	if !ok || typeName(ml) != "map" {
		if !w.follow(c, e, func(c at, e ast.Expr) { w.fwMap(c, e, prefix) }) {
			w.miss(c, "attribute map "+prefix, e)
		}
		return
	}
	for _, el := range ml.Elts {
		k, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		name, ok := w.s.str(c, k.Key)
		if !ok {
			w.miss(c, "attribute name under "+prefix, k.Key)
			continue
		}
		w.fwAttr(c, k.Value, prefix+name)
	}
}

// fwAttr walks one attribute or block: RequiresReplace* plan modifiers, and
// its nested object.
func (w *walker) fwAttr(c at, e ast.Expr, path string) {
	lit, ok := unwrap(e).(*ast.CompositeLit)
	if !ok {
		if !w.follow(c, e, func(c at, e ast.Expr) { w.fwAttr(c, e, path) }) {
			w.miss(c, "attribute "+path, e)
		}
		return
	}
	if pm := kv(lit, "PlanModifiers"); pm != nil {
		ast.Inspect(pm, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !strings.HasPrefix(sel.Sel.Name, "RequiresReplace") {
				return true
			}
			pkgName := ""
			if id, ok := sel.X.(*ast.Ident); ok {
				pkgName = id.Name + "."
			}
			switch sel.Sel.Name {
			case "RequiresReplace":
				w.add(path, false, "")
			case "RequiresReplaceIfConfigured":
				w.add(path, true, pkgName+"RequiresReplaceIfConfigured: only while the attribute is set in the configuration")
			default:
				r := pkgName + sel.Sel.Name
				if len(call.Args) > 0 {
					r += " with " + w.s.describe(c, call.Args[0])
				}
				w.add(path, true, r)
			}
			return false
		})
	}
	if no := kv(lit, "NestedObject"); no != nil {
		if nl, ok := unwrap(no).(*ast.CompositeLit); ok {
			w.fwObject(c, nl, path+".")
		} else {
			w.follow(c, no, func(c at, e ast.Expr) {
				if nl, ok := unwrap(e).(*ast.CompositeLit); ok {
					w.fwObject(c, nl, path+".")
				}
			})
		}
	}
	if kv(lit, "Attributes") != nil || kv(lit, "Blocks") != nil { // single nested
		w.fwObject(c, lit, path+".")
	}
}

// fwModifyPlan finds resp.RequiresReplace = …path.Root("attr")… in a
// resource's ModifyPlan.
func (w *walker) fwModifyPlan(c at, fd *ast.FuncDecl, reason string) {
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 {
			return true
		}
		sel, ok := as.Lhs[0].(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "RequiresReplace" {
			return true
		}
		ast.Inspect(as.Rhs[0], func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if s, ok := call.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "Root" && len(call.Args) == 1 {
				if attr, ok := w.s.str(c, call.Args[0]); ok {
					w.add(attr, true, reason)
				} else if attrs := w.returnedStrings(c, fd, call.Args[0]); len(attrs) > 0 {
					for _, a := range attrs {
						w.add(a, true, reason)
					}
				} else {
					w.miss(c, "RequiresReplace path in "+reason, call)
				}
			}
			return true
		})
		return false
	})
}

// returnedStrings: for a variable in fd assigned the result of a method
// call (old := state.sourceAttributeName()), the string constants any
// package method of that name returns.
func (w *walker) returnedStrings(c at, fd *ast.FuncDecl, e ast.Expr) []string {
	id, ok := e.(*ast.Ident)
	if !ok {
		return nil
	}
	var method string
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, l := range as.Lhs {
			if li, ok := l.(*ast.Ident); ok && li.Name == id.Name && i < len(as.Rhs) {
				if call, ok := as.Rhs[i].(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
						method = sel.Sel.Name
					}
				}
			}
		}
		return true
	})
	var out []string
	for _, ms := range c.p.methods {
		if m := ms[method]; m != nil && m.Body != nil {
			for _, r := range returnsAll(m.Body) {
				if v, ok := w.s.str(at{c.p, c.p.fileOf[m]}, r); ok && v != "" {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

func returnsAll(body *ast.BlockStmt) []ast.Expr {
	var out []ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) > 0 {
			out = append(out, r.Results[0])
		}
		_, lit := n.(*ast.FuncLit)
		return !lit
	})
	return out
}
