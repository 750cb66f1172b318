package platform

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource/composed"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The readers below answer what the unstructured accessors of
// k8s.io/apimachinery and crossplane-runtime answer (GetLabels, GetString,
// GetStringObject, GetCondition) without copying maps, parsing field paths
// or round-tripping through JSON: RunFunction reads a few fields of every
// one of ~500 resources several times a call. Each says which accessor it
// mirrors; where the mirror would have to reproduce an accessor's handling
// of malformed input, it calls the accessor instead.

// StringMap is the map[string]string at fields of obj as
// unstructured.NestedNullCoercingStringMap reads it (GetLabels,
// GetAnnotations), without the copy: nil when it is absent or holds a value
// that is neither a string nor null. Read a value with StringValue.
func StringMap(obj map[string]any, fields ...string) map[string]any {
	var v any = obj
	for _, f := range fields {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		if v, ok = m[f]; !ok {
			return nil
		}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	for _, e := range m {
		switch e.(type) {
		case string, nil:
		default:
			return nil
		}
	}
	return m
}

// StringValue is m[k] of a StringMap as the copying accessors return it: a
// null value or a missing key is "".
func StringValue(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// Labels are u's labels as u.GetLabels() returns them, not copied.
func Labels(u *composed.Unstructured) map[string]any {
	return StringMap(u.Object, "metadata", "labels")
}

// Annotations are u's annotations as u.GetAnnotations() returns them, not
// copied.
func Annotations(u *composed.Unstructured) map[string]any {
	return StringMap(u.Object, "metadata", "annotations")
}

// Value is the value at fields of obj, and whether every field on the way
// is an object holding the next: fieldpath's GetValue of "a.b.c", with no
// error to build.
func Value(obj map[string]any, fields ...string) (any, bool) {
	var v any = obj
	for _, f := range fields {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[f]; !ok {
			return nil, false
		}
	}
	return v, true
}

// String is the string at fields of obj: what u.GetString("a.b.c") returns
// without an error.
func String(obj map[string]any, fields ...string) (string, bool) {
	v, ok := Value(obj, fields...)
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// StringObject is the object of strings at fields of obj, as
// u.GetStringObject("a.b.c") reads it without an error, not copied: every
// value a string.
func StringObject(obj map[string]any, fields ...string) (map[string]any, bool) {
	v, ok := Value(obj, fields...)
	if !ok {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	for _, e := range m {
		if _, ok := e.(string); !ok {
			return nil, false
		}
	}
	return m, true
}

// Condition is u.GetCondition(ct) for an object of JSON's values, as
// request decoding gives them (structpb turns NaN and the infinities into
// strings, so the status always marshals). GetCondition marshals the whole
// status to JSON and decodes it into a ConditionedStatus; for a status that
// decodes plainly (conditions of strings and RFC 3339 times, no key that
// only case-insensitive matching would bind) the condition is read in
// place. Anything else is left to GetCondition, so the answer is its
// answer.
func Condition(u *composed.Unstructured, ct xpv1.ConditionType) xpv1.Condition {
	var c [1]xpv1.Condition
	if plainConditions(u.Object, []xpv1.ConditionType{ct}, c[:]) {
		return c[0]
	}
	return u.GetCondition(ct)
}

// ReadyAndSynced are u's Ready and Synced conditions as Condition reads
// each, in one pass over its status.
func ReadyAndSynced(u *composed.Unstructured) (ready, synced xpv1.Condition) {
	var c [2]xpv1.Condition
	if plainConditions(u.Object, []xpv1.ConditionType{xpv1.TypeReady, xpv1.TypeSynced}, c[:]) {
		return c[0], c[1]
	}
	return u.GetCondition(xpv1.TypeReady), u.GetCondition(xpv1.TypeSynced)
}

// plainConditions sets out[i] to the condition of type types[i] as
// GetCondition would decode it, or reports false when the status does not
// decode plainly.
func plainConditions(obj map[string]any, types []xpv1.ConditionType, out []xpv1.Condition) bool {
	if len(types) > 2 { // found below holds two: more is GetCondition's to read
		return false
	}
	v, ok := obj["status"]
	if !ok {
		return false
	}
	status, ok := v.(map[string]any)
	if !ok {
		return false
	}
	var conditions []any
	for k, v := range status {
		if k == "conditions" {
			switch t := v.(type) {
			case []any:
				conditions = t
			case nil:
			default:
				return false
			}
			continue
		}
		if strings.EqualFold(k, "conditions") {
			return false
		}
	}
	var found [2]map[string]any
	for _, e := range conditions {
		c, ok := e.(map[string]any)
		if !ok || !plainConditionFields(c) {
			return false
		}
		for i, ct := range types {
			if found[i] == nil && c["type"] == string(ct) {
				found[i] = c
			}
		}
	}
	for i, ct := range types {
		out[i] = conditionOf(ct, found[i])
	}
	return true
}

// conditionOf is the decoded condition of type ct from its JSON object, or
// GetCondition's answer for a type the status does not have.
func conditionOf(ct xpv1.ConditionType, found map[string]any) xpv1.Condition {
	if found == nil {
		return xpv1.Condition{Type: ct, Status: corev1.ConditionUnknown}
	}
	c := xpv1.Condition{
		Type:    ct,
		Status:  corev1.ConditionStatus(StringValue(found, "status")),
		Reason:  xpv1.ConditionReason(StringValue(found, "reason")),
		Message: StringValue(found, "message"),
	}
	if s, ok := found["lastTransitionTime"].(string); ok {
		t, _ := time.Parse(time.RFC3339, s) // parsed by plainConditionFields
		c.LastTransitionTime = metav1.NewTime(t.Local())
	}
	if g, ok := found["observedGeneration"].(float64); ok {
		c.ObservedGeneration = int64(g)
	}
	return c
}

// conditionFields are the JSON names of xpv1.Condition.
var conditionFields = []string{"type", "status", "lastTransitionTime", "reason", "message", "observedGeneration"}

// plainConditionFields reports whether encoding/json decodes c into an
// xpv1.Condition without an error and binding exactly its keys.
func plainConditionFields(c map[string]any) bool {
	for k, v := range c {
		switch k {
		case "type", "status", "lastTransitionTime", "reason", "message", "observedGeneration":
		default:
			for _, f := range conditionFields {
				if strings.EqualFold(k, f) {
					return false
				}
			}
			continue
		}
		if v == nil {
			continue
		}
		switch k {
		case "lastTransitionTime":
			s, ok := v.(string)
			if !ok {
				return false
			}
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return false
			}
		case "observedGeneration":
			f, ok := v.(float64)
			// encoding/json writes integral floats below 1e21 as plain
			// digits, which int64 decodes within its range.
			if !ok || f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
				return false
			}
		default:
			// encoding/json writes invalid UTF-8 as U+FFFD.
			if s, ok := v.(string); !ok || !utf8.ValidString(s) {
				return false
			}
		}
	}
	return true
}

// GroupVersionKind is u.GroupVersionKind(), its apiVersion and kind read
// in place.
func GroupVersionKind(u *composed.Unstructured) schema.GroupVersionKind {
	apiVersion, _ := u.Object["apiVersion"].(string)
	kind, _ := u.Object["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return schema.GroupVersionKind{}
	}
	return gv.WithKind(kind)
}
