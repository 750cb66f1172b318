package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apimachinery/pkg/runtime"
)

// fzObservedBase is a platform at convergence: its request, whose observed
// composed resources the mutations damage, and their keys in order.
type fzObservedBase struct {
	name string
	req  *fnv1.RunFunctionRequest
	keys []string
}

var (
	fzObservedOnce  sync.Once
	fzObservedBases []fzObservedBase
)

// fzObservedSetup converges the dev and prod examples once per process
// (seconds each).
func fzObservedSetup(t testing.TB, fn *Function) []fzObservedBase {
	t.Helper()
	fzObservedOnce.Do(func() {
		bases, _ := fzSetup(t)
		for _, b := range bases {
			// Two bases keep the seeds within the unit tests' budget: dev
			// (single NAT, no protection) and prod (every tier, multi-AZ).
			if !slices.Contains([]string{"dev.yaml", "prod.yaml"}, b.name) {
				continue
			}
			req := converged(t, fn, b.xr)
			var keys []string
			for k := range req.GetObserved().GetResources() {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			fzObservedBases = append(fzObservedBases, fzObservedBase{name: b.name, req: req, keys: keys})
		}
	})
	return fzObservedBases
}

// fzGarbage are the values observed fields are replaced with: missing,
// empty, of another JSON type, huge, and not what AWS reports.
var fzGarbage = []any{nil, "", "garbage", 0.0, -1.0, 1e308, true, false, map[string]any{}, []any{}, []any{"x", 1.0}, map[string]any{"x": 1.0},
	strings.Repeat("x", 4096), "ünïcödé", "arn:aws:::", "arn:aws:ec2:us-west-2:111122223333:vpc/", "vpc-", "\x00", "True"}

// fzPaths lists the path of every map entry and list element of v, in a
// stable order, up to limit.
func fzPaths(v any, prefix []any, out *[][]any, limit int) {
	if len(*out) >= limit {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := append(slices.Clone(prefix), k)
			*out = append(*out, p)
			fzPaths(t[k], p, out, limit)
		}
	case []any:
		for i, e := range t {
			p := append(slices.Clone(prefix), i)
			*out = append(*out, p)
			fzPaths(e, p, out, limit)
		}
	}
}

// fzAt sets (or, with remove, deletes) the value at path in root.
func fzAt(root map[string]any, path []any, v any, remove bool) {
	var parent any = root
	for _, p := range path[:len(path)-1] {
		switch t := parent.(type) {
		case map[string]any:
			parent = t[p.(string)]
		case []any:
			parent = t[p.(int)]
		}
	}
	switch t := parent.(type) {
	case map[string]any:
		if remove {
			delete(t, path[len(path)-1].(string))
		} else {
			t[path[len(path)-1].(string)] = v
		}
	case []any:
		// A list element cannot be removed in place; it becomes null.
		t[path[len(path)-1].(int)] = v
	}
}

// FuzzRunFunctionObserved: whatever the observed composed resources of a
// converged platform hold (fields missing, extra, wrongly typed, garbage,
// resources gone or of another kind), RunFunction returns a response, never
// an error or a panic, and a Fatal result names the composed resource it
// cannot read.
func FuzzRunFunctionObserved(f *testing.F) {
	fn := newTestFunction(f)
	bases := fzObservedSetup(f, fn)
	f.Add([]byte{0, 0, 1, 0, 0})                   // dev: a field of the first resource removed
	f.Add([]byte{2, 7, 2, 30, 3})                  // prod: a status field of another type
	f.Add([]byte{1, 50, 0, 0, 0})                  // staging: a resource gone
	f.Add([]byte{3, 9, 5, 0, 1})                   // GovCloud: a resource of another kind
	f.Add([]byte{2, 3, 4, 0, 11, 2, 200, 2, 5, 6}) // prod: status replaced, a list garbled
	f.Fuzz(func(t *testing.T, data []byte) {
		b := &fzBytes{data: data}
		base := bases[b.pick(len(bases))]
		req := proto.Clone(base.req).(*fnv1.RunFunctionRequest)
		var edits []string
		mutated := map[string]bool{}
		for i := 0; i < 6 && b.more(); i++ {
			key := base.keys[b.pick(len(base.keys))]
			res := req.Observed.Resources[key]
			if res == nil {
				continue
			}
			obj := res.GetResource().AsMap()
			mutated[key] = true
			var paths [][]any
			fzPaths(obj, nil, &paths, 4096)
			op, path, garbage := b.pick(7), paths[b.pick(len(paths))], fzGarbage[b.pick(len(fzGarbage))]
			switch op {
			case 0:
				delete(req.Observed.Resources, key)
				edits = append(edits, key+" gone")
				continue
			case 1:
				fzAt(obj, path, nil, true)
				edits = append(edits, fmt.Sprintf("%s %v removed", key, path))
			case 2:
				fzAt(obj, path, runtime.DeepCopyJSONValue(garbage), false)
				edits = append(edits, fmt.Sprintf("%s %v=%.40v", key, path, garbage))
			case 3:
				fzAt(obj, append(slices.Clone(path[:len(path)-1]), "fuzzExtra"), runtime.DeepCopyJSONValue(garbage), false)
				edits = append(edits, fmt.Sprintf("%s extra field beside %v", key, path))
			case 4:
				obj["status"] = runtime.DeepCopyJSONValue(garbage)
				edits = append(edits, fmt.Sprintf("%s status=%.40v", key, garbage))
			case 5:
				other := base.req.Observed.Resources[base.keys[b.pick(len(base.keys))]].GetResource().AsMap()
				obj["apiVersion"], obj["kind"] = other["apiVersion"], other["kind"]
				edits = append(edits, fmt.Sprintf("%s as %v", key, other["kind"]))
			case 6:
				obj = map[string]any{}
				edits = append(edits, key+" empty")
			}
			s, err := structpb.NewStruct(obj)
			if err != nil {
				t.Fatalf("cannot encode the mutated %s: %v", key, err)
			}
			req.Observed.Resources[key] = &fnv1.Resource{Resource: s, Ready: res.GetReady(), ConnectionDetails: res.GetConnectionDetails()}
		}
		rsp := run(t, fn, req)
		msg := fatalOf(rsp)
		if msg == "" {
			return
		}
		if n := len(rsp.GetDesired().GetResources()); n != 0 {
			t.Fatalf("a Fatal result carries %d desired resources; edits %v; fatal: %s", n, edits, msg)
		}
		for k := range mutated {
			if strings.Contains(msg, `"`+k+`"`) {
				return
			}
		}
		t.Fatalf("the Fatal result names none of the mutated composed resources %v; edits %v; fatal: %s", slices.Sorted(maps.Keys(mutated)), edits, msg)
	})
}
