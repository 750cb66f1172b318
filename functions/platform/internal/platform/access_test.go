package platform

import (
	"reflect"
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

// TestReadersAnswerAsTheAccessors: the in-place readers return what the
// copying accessors they stand in for return, for well-formed objects and
// for every malformed shape listed. (A NaN, which GetCondition cannot
// marshal, is not one: request decoding turns it into a string.)
func TestReadersAnswerAsTheAccessors(t *testing.T) {
	ready := func(extra map[string]any) map[string]any {
		c := map[string]any{"type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": "2026-11-30T12:00:00Z"}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	synced := map[string]any{"type": "Synced", "status": "False", "reason": "ReconcileError", "message": "refuse to update", "lastTransitionTime": "2026-11-30T12:00:00Z", "observedGeneration": 3.0}
	objects := map[string]map[string]any{
		"plain":                 {"status": map[string]any{"atProvider": map[string]any{"id": "vpc-1"}, "conditions": []any{ready(nil), synced}}},
		"no status":             {},
		"null status":           {"status": nil},
		"status a string":       {"status": "x"},
		"null conditions":       {"status": map[string]any{"conditions": nil}},
		"no conditions":         {"status": map[string]any{"atProvider": map[string]any{}}},
		"conditions an object":  {"status": map[string]any{"conditions": map[string]any{}}},
		"a condition a string":  {"status": map[string]any{"conditions": []any{ready(nil), "x"}}},
		"type a number":         {"status": map[string]any{"conditions": []any{ready(map[string]any{"type": 1.0})}}},
		"status null":           {"status": map[string]any{"conditions": []any{ready(map[string]any{"status": nil})}}},
		"time not RFC 3339":     {"status": map[string]any{"conditions": []any{ready(map[string]any{"lastTransitionTime": "yesterday"})}}},
		"time null":             {"status": map[string]any{"conditions": []any{ready(map[string]any{"lastTransitionTime": nil})}}},
		"time a number":         {"status": map[string]any{"conditions": []any{ready(map[string]any{"lastTransitionTime": 1.0})}}},
		"generation a fraction": {"status": map[string]any{"conditions": []any{ready(map[string]any{"observedGeneration": 1.5})}}},
		"generation huge":       {"status": map[string]any{"conditions": []any{ready(map[string]any{"observedGeneration": 1e300})}}},
		"generation a string":   {"status": map[string]any{"conditions": []any{ready(map[string]any{"observedGeneration": "1"})}}},
		"Conditions key too":    {"status": map[string]any{"Conditions": []any{}, "conditions": []any{ready(nil)}}},
		"only Conditions key":   {"status": map[string]any{"Conditions": []any{ready(nil)}}},
		"Type key":              {"status": map[string]any{"conditions": []any{map[string]any{"Type": "Ready", "status": "True"}}}},
		"invalid UTF-8":         {"status": map[string]any{"conditions": []any{ready(map[string]any{"message": "a\xffb"})}}},
		"unknown key":           {"status": map[string]any{"conditions": []any{ready(map[string]any{"extra": []any{1.0, "x"}})}}},
		"Ready twice":           {"status": map[string]any{"conditions": []any{ready(nil), ready(map[string]any{"status": "False"})}}},
		"labels": {"metadata": map[string]any{
			"labels":      map[string]any{"a": "1", "b": nil},
			"annotations": map[string]any{"a": "1", "b": 2.0},
		}, "spec": map[string]any{"of": map[string]any{"kind": "Subnet", "resourceSelector": map[string]any{"matchLabels": map[string]any{"a": "1"}}}}},
		"labels not strings":    {"metadata": map[string]any{"labels": map[string]any{"a": true}}, "spec": map[string]any{"of": map[string]any{"kind": 1.0, "resourceSelector": map[string]any{"matchLabels": map[string]any{"a": nil}}}}},
		"metadata not a map":    {"metadata": "x", "spec": "x"},
		"labels null":           {"metadata": map[string]any{"labels": nil}, "spec": map[string]any{"of": nil}},
		"selector labels a map": {"spec": map[string]any{"of": map[string]any{"resourceSelector": map[string]any{"matchLabels": "x"}}}},
	}
	for _, name := range []string{"plain", "null conditions", "no conditions", "time null", "unknown key", "Ready twice"} {
		if !plainConditions(objects[name], []xpv1.ConditionType{xpv1.TypeSynced}, make([]xpv1.Condition, 1)) {
			t.Errorf("%s: want the condition read in place, not through GetCondition", name)
		}
	}
	for name, obj := range objects {
		u := &composed.Unstructured{}
		u.Object = obj
		for _, ct := range []xpv1.ConditionType{xpv1.TypeReady, xpv1.TypeSynced, "Healthy"} {
			if got, want := Condition(u, ct), u.GetCondition(ct); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: Condition(%s) = %#v, GetCondition says %#v", name, ct, got, want)
			}
		}
		ready, synced := ReadyAndSynced(u)
		if want := u.GetCondition(xpv1.TypeReady); !reflect.DeepEqual(ready, want) {
			t.Errorf("%s: ReadyAndSynced's Ready = %#v, GetCondition says %#v", name, ready, want)
		}
		if want := u.GetCondition(xpv1.TypeSynced); !reflect.DeepEqual(synced, want) {
			t.Errorf("%s: ReadyAndSynced's Synced = %#v, GetCondition says %#v", name, synced, want)
		}
		if got, want := copied(Labels(u)), u.GetLabels(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Labels = %v, GetLabels says %v", name, got, want)
		}
		if got, want := copied(Annotations(u)), u.GetAnnotations(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Annotations = %v, GetAnnotations says %v", name, got, want)
		}
		got, ok := String(obj, "spec", "of", "kind")
		want, err := u.GetString("spec.of.kind")
		if got != want || ok != (err == nil) {
			t.Errorf("%s: String = %q, %t; GetString says %q, %v", name, got, ok, want, err)
		}
		m, ok := StringObject(obj, "spec", "of", "resourceSelector", "matchLabels")
		wantM, err := u.GetStringObject("spec.of.resourceSelector.matchLabels")
		if ok != (err == nil) || (ok && !reflect.DeepEqual(copied(m), wantM)) {
			t.Errorf("%s: StringObject = %v, %t; GetStringObject says %v, %v", name, m, ok, wantM, err)
		}
		_, ok = Value(obj, "spec", "of")
		if _, err := u.GetValue("spec.of"); ok != (err == nil) {
			t.Errorf("%s: Value found %t; GetValue says %v", name, ok, err)
		}
	}
}

func copied(m map[string]any) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k := range m {
		out[k] = StringValue(m, k)
	}
	return out
}
