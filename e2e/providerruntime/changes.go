package providerruntime

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// changedPaths compares two serialised forProvider specs and returns each
// leaf path whose value differs, with both values, e.g.
// `tags.Owner: "a" → "b"`. Lists are compared whole: a set's members are
// what matters, and the canonical form has them sorted already.
func changedPaths(before, after string) []string {
	var b, a any
	if json.Unmarshal([]byte(before), &b) != nil || json.Unmarshal([]byte(after), &a) != nil {
		return []string{"forProvider (not comparable)"}
	}
	var out []string
	diffValues("", b, a, &out)
	sort.Strings(out)
	return out
}

func diffValues(at string, b, a any, out *[]string) {
	bm, bok := b.(map[string]any)
	am, aok := a.(map[string]any)
	if !bok || !aok {
		if !reflect.DeepEqual(b, a) {
			*out = append(*out, fmt.Sprintf("%s: %s → %s", at, compact(b), compact(a)))
		}
		return
	}
	keys := map[string]bool{}
	for k := range bm {
		keys[k] = true
	}
	for k := range am {
		keys[k] = true
	}
	for k := range keys {
		p := k
		if at != "" {
			p = at + "." + k
		}
		diffValues(p, bm[k], am[k], out)
	}
}

// compact is v as JSON, cut short: enough to tell two values apart in a
// failure message.
func compact(v any) string {
	if v == nil {
		return "(none)"
	}
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}
