package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Headings of each class's section.
var headings = map[Class]string{
	Refused: "Refused by the provider",
	Replace: "To replace (a new AWS resource; see why for the old one)",
	Delete:  "To delete",
	Kept:    "Kept in AWS, no longer managed",
	Update:  "To update in place",
	Create:  "To create",
}

var symbols = map[Class]string{Refused: "!", Replace: "-/+", Delete: "-", Kept: "(-)", Update: "~", Create: "+"}

// Verdict says in one sentence what the exit code means.
func (p *Plan) Verdict() string {
	switch p.ExitCode() {
	case ExitError:
		if len(p.Rejected) > 0 {
			return "The API server would refuse this edit: nothing would change."
		}
		return "The function refuses this change: " + p.FunctionRefusal
	case ExitStateful:
		return resources(len(p.Flagged()), "stateful resource") + " would be deleted, replaced or refused."
	case ExitChanges:
		return "Changes; no stateful resource is deleted, replaced or refused."
	}
	return "No changes: the platform matches this configuration."
}

// resources is "1 thing" or "n things".
func resources(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// WriteJSON writes p with its summary and exit code, for CI.
func (p *Plan) WriteJSON(w io.Writer) error {
	v := struct {
		*Plan
		Summary  Summary `json:"summary"`
		Verdict  string  `json:"verdict"`
		ExitCode int     `json:"exitCode"`
	}{p, p.Summary(), p.Verdict(), p.ExitCode()}
	if v.Resources == nil {
		v.Resources = []Resource{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// groups collects the resources of a class that read alike, in order of
// first appearance: updates with the same field changes (a tag edit changes
// hundreds of resources alike), and resources without field changes that
// share what applying does to them (a run of deletes, of kept resources).
func groups(c Class, rs []Resource) [][]Resource {
	var out [][]Resource
	index := map[string]int{}
	for _, r := range rs {
		sig, ok := signature(c, r)
		if i, seen := index[sig]; ok && seen {
			out[i] = append(out[i], r)
			continue
		}
		if ok {
			index[sig] = len(out)
		}
		out = append(out, []Resource{r})
	}
	return out
}

// signature is what groups r with its like, and whether r groups at all.
func signature(c Class, r Resource) (string, bool) {
	if c == Update {
		b, _ := json.Marshal(r.Fields)
		return string(b), true
	}
	return r.Why + "|" + r.Action, len(r.Fields) == 0
}

// kinds counts a group's resources per kind, most first.
func kinds(g []Resource) string {
	n := map[string]int{}
	var order []string
	for _, r := range g {
		if n[r.Kind] == 0 {
			order = append(order, r.Kind)
		}
		n[r.Kind]++
	}
	sort.SliceStable(order, func(i, j int) bool { return n[order[i]] > n[order[j]] })
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%d %s", n[k], k)
	}
	return strings.Join(parts, ", ")
}

// label is how a listing names a resource: its key, kind and AWS name.
func label(r Resource) string {
	s := r.Key + "  " + r.Kind + " (" + r.APIVersion + ")"
	switch {
	case r.OldKey != "":
		s = r.OldKey + " -> " + s
	}
	switch {
	case r.OldExternalName != "":
		s += "  " + r.OldExternalName + " -> " + r.ExternalName
	case r.ExternalName != "":
		s += "  " + r.ExternalName
	}
	if r.Stateful {
		s += "  [stateful]"
	}
	return s
}

// change shows a changed field: old -> new; of long lists of scalars (subnet
// IDs) what goes and what comes.
func change(f Field, arrow string) string {
	ol, ook := f.Old.([]any)
	nl, nok := f.New.([]any)
	if o, n := show(f.Old), show(f.New); ook && nok && scalars(ol) && scalars(nl) && len(o)+len(n) > 100 {
		var gone, come []any
		for _, v := range ol {
			if !containsValue(nl, v) {
				gone = append(gone, v)
			}
		}
		for _, v := range nl {
			if !containsValue(ol, v) {
				come = append(come, v)
			}
		}
		var parts []string
		if len(come) > 0 {
			parts = append(parts, "adds "+show(come))
		}
		if len(gone) > 0 {
			parts = append(parts, "removes "+show(gone))
		}
		if len(parts) == 0 {
			parts = append(parts, "reordered")
		}
		return fmt.Sprintf("%d items, %s", len(nl), strings.Join(parts, ", "))
	}
	o, n := values(f.Old, f.New)
	return o + " " + arrow + " " + n
}

func containsValue(l []any, v any) bool {
	for _, w := range l {
		if same(v, w) {
			return true
		}
	}
	return false
}

// values shows a changed field's two values; of long strings (policy
// documents) only the part around the first difference.
func values(old, new any) (string, string) {
	o, n := show(old), show(new)
	const width = 100
	if len(o) <= width && len(n) <= width {
		return o, n
	}
	p := 0
	for p < len(o) && p < len(n) && o[p] == n[p] {
		p++
	}
	return window(o, p, width/2), window(n, p, width/2)
}

func window(s string, at, width int) string {
	from := max(0, at-width/3)
	to := min(len(s), from+width)
	out := s[from:to]
	if from > 0 {
		out = "…" + out
	}
	if to < len(s) {
		out += "…"
	}
	return out
}

func show(v any) string {
	if v == nil {
		return "(unset)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// replaceOnly reports whether path is one of r's replace-only fields.
func replaceOnly(r Resource, path string) bool {
	for _, c := range r.ReplaceOnly {
		if within(c.Path, path) || within(path, c.Path) {
			return true
		}
	}
	return false
}

// within reports whether path is parent or a field inside it.
func within(path, parent string) bool {
	return path == parent || strings.HasPrefix(path, parent+".") || strings.HasPrefix(path, parent+"[")
}
