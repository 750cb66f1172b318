package platform

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/crossplane/function-sdk-go/resource/composed"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

// fromTestObject has a field of every shape the encoder follows, and some
// it leaves to composed.From.
type fromTestObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              fromTestSpec `json:"spec"`
}

type fromTestSpec struct {
	FromTestEmbedded
	*FromTestPointerEmbedded `json:",inline"`

	S        string  `json:"s"`
	SO       string  `json:"so"`
	SE       string  `json:"se,omitempty"`
	PS       *string `json:"ps,omitempty"`
	PSNil    *string `json:"psNil"`
	B        bool    `json:"b,omitempty"`
	I        int64   `json:"i,omitempty"`
	U        uint16  `json:"u"`
	F        float64 `json:"f"`
	PF       *float64
	L        []string          `json:"l"`
	LO       []string          `json:"lo,omitempty"`
	LP       []*string         `json:"lp,omitempty"`
	M        map[string]string `json:"m"`
	MO       map[string]string `json:"mo,omitempty"`
	MP       map[string]*string
	Nested   fromTestNested   `json:"nested,omitempty"`
	NestedP  *fromTestNested  `json:"nestedP,omitempty"`
	Nesteds  []fromTestNested `json:"nesteds,omitempty"`
	Any      any              `json:"any,omitempty"`
	T        metav1.Time      `json:"t,omitempty,omitzero"`
	TP       *metav1.Time     `json:"tp,omitempty"`
	Z        int              `json:"z,omitzero"`
	Ignored  string           `json:"-"`
	Named    fromTestString   `json:"named,omitempty"`
	Other    string           `json:"other,omitempty,someOption"`
	unexport string
}

type FromTestEmbedded struct {
	E string `json:"e,omitempty"`
}

type FromTestPointerEmbedded struct {
	PE string `json:"pe"`
}

type fromTestNested struct {
	A *string `json:"a,omitempty"`
	B []int   `json:"b,omitempty"`
}

type fromTestString string

func (o *fromTestObject) DeepCopyObject() runtime.Object { c := *o; return &c }

var fromTestGVK = schema.GroupVersionKind{Group: "test.paynext.io", Version: "v1", Kind: "FromTest"}

// TestUnstructuredIsTheRoundTrip: for values of every shape the encoder
// follows, Unstructured gives what composed.From's JSON round trip gives;
// for what it leaves to composed.From (invalid UTF-8, a NaN, an interface
// holding a Go type), it says so.
func TestUnstructuredIsTheRoundTrip(t *testing.T) {
	if err := RegisterSchemes(); err != nil {
		t.Fatal(err)
	}
	composed.Scheme.AddKnownTypeWithName(fromTestGVK, &fromTestObject{})
	enc := compile(reflect.TypeFor[fromTestObject](), map[reflect.Type]*encoder{})
	convert := func(o *fromTestObject) (map[string]any, bool) {
		v, ok := enc.encode(reflect.ValueOf(o).Elem())
		if !ok {
			return nil, false
		}
		m := v.(map[string]any)
		if mo, ok := m["metadata"].(map[string]any); ok {
			delete(mo, "generation")
			if len(mo) == 0 {
				delete(m, "metadata")
			}
		}
		return m, true
	}
	when := metav1.NewTime(time.Date(2026, 11, 30, 12, 0, 0, 5, time.FixedZone("X", 3600)))
	for name, o := range map[string]*fromTestObject{
		"zero": {},
		"full": {
			TypeMeta:   metav1.TypeMeta{APIVersion: "test.paynext.io/v1", Kind: "FromTest"},
			ObjectMeta: metav1.ObjectMeta{Name: "n", Labels: map[string]string{"a": "b"}, Annotations: map[string]string{}, Generation: 3},
			Spec: fromTestSpec{
				FromTestEmbedded:        FromTestEmbedded{E: "e"},
				FromTestPointerEmbedded: &FromTestPointerEmbedded{PE: "pe"},
				S:                       "s", SO: "so", PS: ptr.To(""), B: false, I: -1 << 60, U: 7, F: -0.0, PF: ptr.To(1e300),
				L: []string{}, LO: []string{"x"}, LP: []*string{nil, ptr.To("")},
				M: nil, MO: map[string]string{}, MP: map[string]*string{"k": nil, "é": ptr.To("\u2028<>&")},
				Nested: fromTestNested{A: ptr.To("")}, NestedP: &fromTestNested{B: []int{}}, Nesteds: []fromTestNested{{}, {B: []int{1, 2}}},
				Any: map[string]any{"a": []any{1, "x", nil, true, 2.5, map[string]any{}}}, T: when, TP: &when, Z: 0,
				Ignored: "ignored", Named: "named", Other: "o", unexport: "u",
			},
		},
		"empty any":    {Spec: fromTestSpec{Any: map[string]any{}, PS: ptr.To("x"), Z: 2, TP: &metav1.Time{}}},
		"large number": {Spec: fromTestSpec{I: 1<<62 + 1, PF: ptr.To(math.SmallestNonzeroFloat64)}},
	} {
		got, ok := convert(o.DeepCopyObject().(*fromTestObject))
		if !ok {
			t.Errorf("%s: not converted directly", name)
			continue
		}
		want, err := composed.From(o.DeepCopyObject())
		if err != nil {
			t.Fatalf("%s: composed.From: %v", name, err)
		}
		if name != "zero" {
			// composed.From sets the kind from the scheme; the direct
			// conversion is given it by Unstructured.
			delete(got, "apiVersion")
			delete(got, "kind")
			delete(want.Object, "apiVersion")
			delete(want.Object, "kind")
		} else {
			delete(want.Object, "apiVersion")
			delete(want.Object, "kind")
		}
		if !reflect.DeepEqual(got, want.Object) {
			t.Errorf("%s:\nconverted   %#v\ncomposed.From %#v", name, got, want.Object)
		}
	}
	for name, o := range map[string]*fromTestObject{
		"invalid UTF-8":        {Spec: fromTestSpec{S: "\xff"}},
		"invalid UTF-8 key":    {Spec: fromTestSpec{M: map[string]string{"\xff": ""}}},
		"NaN":                  {Spec: fromTestSpec{F: math.NaN()}},
		"infinite":             {Spec: fromTestSpec{PF: ptr.To(math.Inf(-1))}},
		"an interface of a Go": {Spec: fromTestSpec{Any: map[string]string{}}},
	} {
		if _, ok := convert(o); ok {
			t.Errorf("%s: converted directly; composed.From must decide", name)
		}
	}
}
