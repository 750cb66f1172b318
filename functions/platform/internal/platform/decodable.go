package platform

import (
	"encoding/json"
	"math"
	"reflect"
	"time"

	"github.com/crossplane/function-sdk-go/resource/composed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A shape answers, for one Go type, whether
// runtime.DefaultUnstructuredConverter.FromUnstructured decodes an
// unstructured value into it without an error, without building the typed
// value: Check asks it of every observed resource each call, and the full
// decode (reflection, an allocation per field) was a fifth of RunFunction.
//
// It follows the converter (k8s.io/apimachinery/pkg/runtime/converter.go,
// fromUnstructured) case by case, and is conservative: false means "not
// shown decodable", and the caller then runs the converter itself for its
// answer and error. So a shape may say false where the converter succeeds
// (a []byte from base64, a custom type met where the converter would
// convert, a map of another type than JSON's), never true where it fails.
type shape struct {
	typ  reflect.Type
	kind reflect.Kind
	// custom: the type decodes through its UnmarshalJSON (the converter's
	// TypeReflectCacheEntry.CanConvertFromUnstructured, in
	// sigs.k8s.io/structured-merge-diff/v6/value).
	custom bool
	// time: the custom type is metav1.Time, whose UnmarshalJSON accepts an
	// RFC 3339 string (null never reaches a shape).
	time bool
	// never: the converter cannot decode into the type without panicking
	// or failing (an unexported struct field it would set, an interface
	// with methods); the caller's converter says what happens.
	never bool
	// elem is a map's value, a slice's element or a pointer's target.
	elem *shape
	// fields are a struct's fields by JSON name (several when inlined
	// fields share a name), inline its fields without a name, decoded from
	// the whole object.
	fields map[string][]fieldShape
	inline []fieldShape
}

// fieldShape is one field of a struct: its index and its type's shape.
type fieldShape struct {
	index int
	*shape
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
)

// shapes compiles the shape of every type reachable from roots, sharing
// one shape per type (types may be recursive).
type shapes map[reflect.Type]*shape

func (s shapes) of(t reflect.Type) *shape {
	if sh, ok := s[t]; ok {
		return sh
	}
	sh := &shape{typ: t, kind: t.Kind()}
	s[t] = sh
	switch sh.kind {
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Struct, reflect.Interface:
		sh.custom = reflect.PointerTo(t).Implements(jsonUnmarshaler)
		sh.time = t == metaTimeType
	}
	switch sh.kind {
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			sh.never = true
		}
		sh.elem = s.of(t.Elem())
	case reflect.Slice:
		sh.elem = s.of(t.Elem())
	case reflect.Pointer:
		sh.elem = s.of(t.Elem())
	case reflect.Interface:
		sh.never = t.NumMethod() > 0
	case reflect.Struct:
		sh.fields = map[string][]fieldShape{}
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				sh.never = true // the converter sets every field
				continue
			}
			name := jsonName(f)
			if name == "" {
				sh.inline = append(sh.inline, fieldShape{i, s.of(f.Type)})
				continue
			}
			sh.fields[name] = append(sh.fields[name], fieldShape{i, s.of(f.Type)})
		}
	}
	return sh
}

// jsonName is the key the converter reads a struct field from (its
// fieldInfoFromField): the json tag's name, else the Go name, and "" for
// an embedded field without a tag name, which is decoded inline.
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name := tag
	for i := range len(tag) {
		if tag[i] == ',' {
			name = tag[:i]
			break
		}
	}
	if name == "" && !f.Anonymous {
		return f.Name
	}
	return name
}

// decodes reports whether the converter decodes v (a value of a JSON
// object as request.GetObservedComposedResources returns it) into the
// shape's type without an error.
func (sh *shape) decodes(v any) bool {
	if v == nil {
		return true // the converter sets the zero value
	}
	if sh.never {
		return false
	}
	switch sh.kind {
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Struct, reflect.Interface:
	default:
		return sh.decodesScalar(v)
	}
	if sh.custom {
		if sh.time {
			s, ok := v.(string)
			if !ok {
				return false
			}
			_, err := time.Parse(time.RFC3339, s)
			return err == nil
		}
		// What the converter's TypeReflectCacheEntry.FromUnstructured does.
		data, err := json.Marshal(v)
		return err == nil && reflect.New(sh.typ).Interface().(json.Unmarshaler).UnmarshalJSON(data) == nil
	}
	switch sh.kind {
	case reflect.Pointer:
		return sh.elem.decodes(v)
	case reflect.Interface:
		return true
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, e := range m {
			if !sh.elem.decodes(e) {
				return false
			}
		}
		return true
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			return false
		}
		for _, e := range l {
			if !sh.elem.decodes(e) {
				return false
			}
		}
		return true
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, in := range sh.inline {
			if !in.decodes(v) {
				return false
			}
		}
		for k, e := range m {
			for _, f := range sh.fields[k] {
				if !f.decodes(e) {
					return false
				}
			}
		}
		return true
	}
	return false
}

// decodesScalar follows the converter's simple kinds: assignable, or
// convertible within JSON's groups (bools, numbers, strings), a float into
// an integer only when it is whole.
func (sh *shape) decodesScalar(v any) bool {
	// JSON's own types first, as the rules below answer for them.
	switch t := v.(type) {
	case string:
		return sh.kind == reflect.String
	case bool:
		return sh.kind == reflect.Bool
	case float64:
		switch sh.kind {
		case reflect.Float32, reflect.Float64:
			return true
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return t == math.Trunc(t)
		}
		return false
	}
	st := reflect.TypeOf(v)
	if st.AssignableTo(sh.typ) {
		return true
	}
	if !st.ConvertibleTo(sh.typ) {
		return false // the converter's custom or unrecognized-type path
	}
	switch st.Kind() {
	case reflect.String:
		return sh.kind == reflect.String
	case reflect.Bool:
		return sh.kind == reflect.Bool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch sh.kind {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64:
			return true
		}
	case reflect.Float32, reflect.Float64:
		switch sh.kind {
		case reflect.Float32, reflect.Float64:
			return true
		}
		f := reflect.ValueOf(v).Float()
		return f == math.Trunc(f)
	}
	return false
}

// kindShapes are the shapes of the kinds composed.Scheme knows, and
// typeShapes the same by Go type, compiled by RegisterSchemes (tens of
// milliseconds, once, before any request) and only read afterwards, so
// Check and Get stay safe to call concurrently.
var (
	kindShapes map[schema.GroupVersionKind]*shape
	typeShapes shapes
)

func compileKindShapes() {
	s := shapes{}
	types := composed.Scheme.AllKnownTypes()
	kindShapes = make(map[schema.GroupVersionKind]*shape, len(types))
	for gvk, t := range types {
		kindShapes[gvk] = s.of(t)
	}
	typeShapes = s
}

// Decodable reports whether the shape of u's kind shows that u decodes
// into its typed form, without decoding it. False says nothing: decode it
// to know.
func Decodable(u *composed.Unstructured) bool {
	if RegisterSchemes() != nil {
		return false
	}
	sh, ok := kindShapes[GroupVersionKind(u)]
	return ok && sh.decodes(u.Object)
}

// decode sets dv (of the shape's type) to what the converter decodes v
// into, for a v the shape vouches for (decodes(v) is true): the
// converter's fromUnstructured on its successful path, led by the keys v
// has instead of by every field the type has (a provider type's structs
// have dozens of fields, and most are unset).
func (sh *shape) decode(v any, dv reflect.Value) error {
	if v == nil {
		dv.SetZero()
		return nil
	}
	switch sh.kind {
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Struct, reflect.Interface:
	default:
		sv := reflect.ValueOf(v)
		if sv.Type().AssignableTo(sh.typ) {
			dv.Set(sv)
		} else {
			dv.Set(sv.Convert(sh.typ))
		}
		return nil
	}
	if sh.custom {
		if sh.time {
			t, err := time.Parse(time.RFC3339, v.(string))
			if err != nil {
				return err
			}
			dv.Set(reflect.ValueOf(metav1.Time{Time: t.Local()}))
			return nil
		}
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return dv.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(data)
	}
	switch sh.kind {
	case reflect.Pointer:
		p := reflect.New(sh.typ.Elem())
		if err := sh.elem.decode(v, p.Elem()); err != nil {
			return err
		}
		dv.Set(p)
	case reflect.Interface:
		dv.Set(reflect.ValueOf(v))
	case reflect.Map:
		m := v.(map[string]any)
		if m == nil { // as the converter: a nil map stays nil
			dv.SetZero()
			return nil
		}
		out := reflect.MakeMap(sh.typ)
		keyType := sh.typ.Key()
		for k, e := range m {
			value := reflect.New(sh.typ.Elem()).Elem()
			if err := sh.elem.decode(e, value); err != nil {
				return err
			}
			key := reflect.ValueOf(k)
			if key.Type() != keyType {
				key = key.Convert(keyType)
			}
			out.SetMapIndex(key, value)
		}
		dv.Set(out)
	case reflect.Slice:
		l := v.([]any)
		if l == nil { // as the converter: a nil list stays nil
			dv.SetZero()
			return nil
		}
		out := reflect.MakeSlice(sh.typ, len(l), cap(l))
		for i, e := range l {
			if err := sh.elem.decode(e, out.Index(i)); err != nil {
				return err
			}
		}
		dv.Set(out)
	case reflect.Struct:
		m := v.(map[string]any)
		dv.SetZero()
		for _, in := range sh.inline {
			if err := in.decode(v, dv.Field(in.index)); err != nil {
				return err
			}
		}
		for k, e := range m {
			for _, f := range sh.fields[k] {
				if err := f.decode(e, dv.Field(f.index)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
