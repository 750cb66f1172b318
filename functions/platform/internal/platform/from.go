package platform

import (
	"math"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crossplane/function-sdk-go/resource/composed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// From is composed.From: the typed object as an unstructured composed
// resource. composed.From marshals the object to JSON with
// go-json-experiment (whose omitempty the Crossplane types rely on) and
// unmarshals the JSON into a map, which was a fifth of RunFunction's own
// time, paid for each of ~500 rendered resources each call. From builds the
// map the round trip ends with directly from the Go value, following the
// marshal's rules for what the platform's types use (see encoder); an
// object holding anything else is converted by composed.From itself.
func From(o runtime.Object) (*composed.Unstructured, error) {
	if obj, ok := Unstructured(o); ok {
		u := composed.New()
		u.Object = obj
		return u, nil
	}
	return composed.From(o)
}

// Unstructured is the map composed.From makes of o (its kind set from
// composed.Scheme, the metadata cleaned up as composed.From does), and
// whether it could be made without composed.From's JSON round trip.
func Unstructured(o runtime.Object) (map[string]any, bool) {
	if _, ok := o.(interface{ UnstructuredContent() map[string]any }); ok {
		return nil, false
	}
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	if RegisterSchemes() != nil {
		return nil, false
	}
	enc, ok := kindEncoders[v.Elem().Type()]
	if !ok {
		return nil, false
	}
	gvks, _, err := composed.Scheme.ObjectKinds(o)
	if err != nil {
		return nil, false
	}
	for _, gvk := range gvks {
		o.GetObjectKind().SetGroupVersionKind(gvk)
	}
	out, ok := enc.encode(v.Elem())
	if !ok {
		return nil, false
	}
	obj, ok := out.(map[string]any)
	if !ok {
		return nil, false
	}
	// composed.From's cleanupMetadata: ObjectMeta's generation marshals
	// as 0, and metadata left empty is dropped.
	if mo, ok := obj["metadata"].(map[string]any); ok {
		delete(mo, "generation")
		if len(mo) == 0 {
			delete(obj, "metadata")
		}
	}
	return obj, true
}

// An encoder makes, from a Go value of its type, the value
// go-json-experiment's Marshal writes and its Unmarshal into a map reads
// back: JSON objects as map[string]any, arrays as []any, every number a
// float64, null as nil. It follows the marshal
// (github.com/go-json-experiment/json, arshal_default.go and fields.go) for
// bools, strings, integers, float64s, pointers, slices, maps of string keys,
// structs (fields named by their json tag, embedded structs inlined,
// omitempty dropping a member that marshals as null, "", {} or []), the
// empty interface holding JSON's own types, and metav1.Time (its
// MarshalJSON). Anything else (other marshal methods, float32, []byte,
// arrays, tag options other than omitempty and inline, a name two fields
// share) makes the value unsupported, and only when a value of it is met:
// the caller then converts with composed.From, so the result is always
// the round trip's.
type encoder struct {
	typ  reflect.Type
	kind reflect.Kind
	// unsupported: a value of the type is left to composed.From.
	unsupported bool
	time        bool
	elem        *encoder
	fields      []field
}

// field is one member of a struct's JSON object, after inlining.
type field struct {
	index     []int
	name      string
	omitempty bool
	// omitzero drops the member when the Go value is its zero value.
	omitzero bool
	enc      *encoder
}

// kindEncoders are the encoders of the types composed.Scheme knows,
// compiled by RegisterSchemes and only read afterwards, so From stays safe
// to call concurrently.
var kindEncoders map[reflect.Type]*encoder

func compileKindEncoders() {
	building := map[reflect.Type]*encoder{}
	for _, t := range composed.Scheme.AllKnownTypes() {
		compile(t, building)
	}
	kindEncoders = building
}

var (
	metaTimeType = reflect.TypeFor[metav1.Time]()
	// Methods through which go-json-experiment marshals a type instead of
	// by its kind.
	marshalMethods = []string{"MarshalJSONV2", "MarshalJSONTo", "MarshalJSON", "AppendText", "MarshalText"}
)

func hasMarshalMethod(t reflect.Type) bool {
	for _, m := range marshalMethods {
		if _, ok := t.MethodByName(m); ok {
			return true
		}
		if _, ok := reflect.PointerTo(t).MethodByName(m); ok {
			return true
		}
	}
	return false
}

func compile(t reflect.Type, building map[reflect.Type]*encoder) *encoder {
	if e, ok := building[t]; ok {
		return e
	}
	e := &encoder{typ: t, kind: t.Kind()}
	building[t] = e
	if t == metaTimeType {
		e.time = true
		return e
	}
	if e.kind != reflect.Pointer && e.kind != reflect.Interface && hasMarshalMethod(t) {
		e.unsupported = true
		return e
	}
	switch e.kind {
	case reflect.Bool, reflect.String, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	case reflect.Pointer:
		e.elem = compile(t.Elem(), building)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			e.unsupported = true // base64, or a named byte's own rules
			break
		}
		e.elem = compile(t.Elem(), building)
	case reflect.Map:
		if t.Key().Kind() != reflect.String || hasMarshalMethod(t.Key()) {
			e.unsupported = true
			break
		}
		e.elem = compile(t.Elem(), building)
	case reflect.Interface:
		e.unsupported = t.NumMethod() > 0
	case reflect.Struct:
		fields, ok := structFields(t, building)
		e.fields, e.unsupported = fields, !ok
	default:
		e.unsupported = true // float32, arrays, complex, channels, functions
	}
	return e
}

// structFields are t's JSON members, as go-json-experiment's
// makeStructFields finds them, or false where it would find a conflict,
// report an error, or need an option this encoder does not follow.
func structFields(t reflect.Type, building map[reflect.Type]*encoder) ([]field, bool) {
	type queued struct {
		typ   reflect.Type
		index []int
	}
	queue := []queued{{t, nil}}
	seen := map[reflect.Type]bool{t: true}
	var out []field
	names := map[string]bool{}
	for len(queue) > 0 {
		q := queue[0]
		queue = queue[1:]
		hasTag, hasField := false, false
		for i := range q.typ.NumField() {
			sf := q.typ.Field(i)
			tag, tagged := sf.Tag.Lookup("json")
			hasTag = hasTag || tagged
			if tag == "-" {
				continue
			}
			if !sf.IsExported() {
				if sf.Anonymous || tagged {
					return nil, false // the marshal refuses these
				}
				continue
			}
			hasField = true
			name, opts, ok := parseTag(sf.Name, tag)
			if !ok {
				return nil, false
			}
			index := append(append(make([]int, 0, len(q.index)+1), q.index...), i)
			inline := opts.inline || (sf.Anonymous && !opts.named)
			if inline {
				if opts.omitempty {
					return nil, false // the marshal refuses options on inlined fields
				}
				ft := sf.Type
				if ft.Kind() == reflect.Pointer && ft.Name() == "" {
					ft = ft.Elem()
				}
				if ft.Kind() != reflect.Struct || hasMarshalMethod(ft) || seen[ft] {
					return nil, false
				}
				seen[ft] = true
				queue = append(queue, queued{ft, index})
				continue
			}
			if names[name] {
				return nil, false // a conflict the marshal settles by depth and tags
			}
			names[name] = true
			if opts.omitzero && sf.Type != metaTimeType && hasIsZero(sf.Type) {
				return nil, false // the marshal asks the type's IsZero
			}
			out = append(out, field{index: index, name: name, omitempty: opts.omitempty, omitzero: opts.omitzero, enc: compile(sf.Type, building)})
		}
		if q.typ.NumField() > 0 && !hasTag && !hasField {
			return nil, false // "Go struct has no exported fields"
		}
	}
	return out, true
}

type tagOptions struct{ named, omitempty, omitzero, inline bool }

// parseTag reads a json tag as go-json-experiment's parseFieldOptions does,
// for names without quotes or escapes and the options omitempty, omitzero
// and inline; any other option it knows (or one that resembles it) is
// refused.
func parseTag(goName, tag string) (string, tagOptions, bool) {
	var opts tagOptions
	name := goName
	if tag != "" && tag[0] != ',' {
		n := strings.IndexAny(tag, ",\\'\"`")
		if n < 0 {
			n = len(tag)
		}
		if n == 0 || (n < len(tag) && tag[n] != ',') {
			return "", opts, false // a quoted name
		}
		name, opts.named, tag = tag[:n], true, tag[n:]
	}
	if !utf8.ValidString(name) {
		return "", opts, false
	}
	seen := map[string]bool{}
	for tag != "" {
		tag = tag[1:] // the comma
		opt := tag
		if n := strings.IndexByte(tag, ','); n >= 0 {
			opt, tag = tag[:n], tag[n:]
		} else {
			tag = ""
		}
		if seen[opt] {
			return "", opts, false
		}
		seen[opt] = true
		switch opt {
		case "omitempty":
			opts.omitempty = true
		case "omitzero":
			opts.omitzero = true
		case "inline":
			opts.inline = true
		default:
			switch strings.ReplaceAll(strings.ToLower(opt), "_", "") {
			case "", "nocase", "strictcase", "inline", "unknown", "omitzero", "omitempty", "string", "format":
				return "", opts, false
			}
			if strings.ContainsAny(opt, "'\\\"`:") {
				return "", opts, false
			}
		}
	}
	return name, opts, true
}

// encode returns v's value after the round trip, or false when v holds
// something the encoder leaves to composed.From (or the marshal refuses:
// invalid UTF-8, a number JSON cannot hold).
func (e *encoder) encode(v reflect.Value) (any, bool) {
	if e.unsupported {
		return nil, false
	}
	if e.time {
		t := v.Interface().(metav1.Time)
		if t.IsZero() {
			return nil, true
		}
		return t.UTC().Format(time.RFC3339), true
	}
	switch e.kind {
	case reflect.Bool:
		return v.Bool(), true
	case reflect.String:
		s := v.String()
		return s, utf8.ValidString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), true
	case reflect.Float64:
		f := v.Float()
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	case reflect.Pointer:
		if v.IsNil() {
			return nil, true
		}
		return e.elem.encode(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return nil, true
		}
		return jsonValue(v.Elem().Interface())
	case reflect.Slice:
		out := make([]any, v.Len())
		for i := range out {
			x, ok := e.elem.encode(v.Index(i))
			if !ok {
				return nil, false
			}
			out[i] = x
		}
		return out, true
	case reflect.Map:
		out := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key().String()
			if !utf8.ValidString(k) {
				return nil, false
			}
			x, ok := e.elem.encode(iter.Value())
			if !ok {
				return nil, false
			}
			out[k] = x
		}
		return out, true
	case reflect.Struct:
		return e.encodeStruct(v)
	}
	return nil, false
}

func (e *encoder) encodeStruct(v reflect.Value) (any, bool) {
	// Most members of a provider type's structs are unset and omitted:
	// collect what stays (on the stack, up to 32) before sizing the map.
	type member struct {
		name string
		x    any
	}
	var buf [32]member
	kept := buf[:0]
	for i := range e.fields {
		f := &e.fields[i]
		fv, ok := fieldByIndex(v, f.index)
		if !ok {
			continue // under a nil inlined pointer
		}
		if f.omitzero && isZero(fv, f.enc) {
			continue
		}
		x, ok := f.enc.encode(fv)
		if !ok {
			return nil, false
		}
		if f.omitempty && empty(x) {
			continue
		}
		kept = append(kept, member{f.name, x})
	}
	out := make(map[string]any, len(kept))
	for _, m := range kept {
		out[m.name] = m.x
	}
	return out, true
}

// hasIsZero reports whether t or *t has an IsZero method, which the
// marshal's omitzero asks instead of comparing with the zero value.
func hasIsZero(t reflect.Type) bool {
	_, ok := t.MethodByName("IsZero")
	_, pok := reflect.PointerTo(t).MethodByName("IsZero")
	return ok || pok
}

// isZero is omitzero's test for the types it is compiled for: metav1.Time's
// IsZero, else the zero value.
func isZero(v reflect.Value, e *encoder) bool {
	if e.time {
		t := v.Interface().(metav1.Time)
		return t.IsZero()
	}
	return v.IsZero()
}

func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// empty is omitempty's test: the member marshals as null, "", {} or [].
func empty(x any) bool {
	switch t := x.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

// jsonValue is the round trip of a value an empty interface holds, for
// JSON's own types.
func jsonValue(v any) (any, bool) {
	switch t := v.(type) {
	case nil, bool:
		return t, true
	case string:
		return t, utf8.ValidString(t)
	case float64:
		return t, !math.IsNaN(t) && !math.IsInf(t, 0)
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			x, ok := jsonValue(e)
			if !ok || !utf8.ValidString(k) {
				return nil, false
			}
			out[k] = x
		}
		return out, true
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, ok := jsonValue(e)
			if !ok {
				return nil, false
			}
			out[i] = x
		}
		return out, true
	}
	return nil, false
}
