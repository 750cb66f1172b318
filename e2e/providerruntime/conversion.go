package providerruntime

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// ConversionHandler serves the API server's ConversionReviews for
// provider-aws's multi-version kinds, as the provider's conversion webhook
// does. The provider converts with upjet's RoundTrip and the field
// conversions its config package registers, which need the Terraform AWS
// provider and do not build here. What changes between the versions of the
// kinds the platform's resolvers read (v1beta1 → v1beta2) is upjet's
// singleton-list embedding: a block Terraform allows once is a one-item list
// in v1beta1 and an object in v1beta2. This converts exactly that, guided by
// the destination version's Go types; TestConversionRoundTrips checks it is
// lossless on every rendered object of those kinds.
func ConversionHandler(s *runtime.Scheme) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		review := &extv1.ConversionReview{}
		if err := json.NewDecoder(r.Body).Decode(review); err != nil || review.Request == nil {
			http.Error(w, "not a ConversionReview", http.StatusBadRequest)
			return
		}
		rsp := &extv1.ConversionResponse{UID: review.Request.UID, Result: metav1.Status{Status: metav1.StatusSuccess}}
		for _, raw := range review.Request.Objects {
			out, err := convertRaw(s, raw.Raw, review.Request.DesiredAPIVersion)
			if err != nil {
				rsp.ConvertedObjects = nil
				rsp.Result = metav1.Status{Status: metav1.StatusFailure, Message: err.Error()}
				break
			}
			rsp.ConvertedObjects = append(rsp.ConvertedObjects, runtime.RawExtension{Raw: out})
		}
		review.Response, review.Request = rsp, nil
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(review)
	})
}

func convertRaw(s *runtime.Scheme, raw []byte, apiVersion string) ([]byte, error) {
	obj := map[string]any{}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, errors.Wrap(err, "cannot parse the object to convert")
	}
	if err := Convert(s, obj, apiVersion); err != nil {
		return nil, err
	}
	return json.Marshal(obj)
}

// Convert rewrites obj (a managed resource as JSON) in place to apiVersion.
func Convert(s *runtime.Scheme, obj map[string]any, apiVersion string) error {
	kind, _ := obj["kind"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return errors.Wrapf(err, "cannot parse apiVersion %q", apiVersion)
	}
	obj["apiVersion"] = apiVersion
	typed, err := s.New(gv.WithKind(kind))
	if err != nil {
		// A version no resolver reads (metadata-only readers such as the
		// garbage collector read any served version): relabelled as the
		// API server would without a webhook.
		return nil //nolint:nilerr // See above.
	}
	t := reflect.TypeOf(typed).Elem()
	for _, field := range []string{"Spec", "Status"} {
		f, ok := t.FieldByName(field)
		if !ok {
			continue
		}
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if v, ok := obj[name]; ok {
			obj[name] = fit(v, f.Type)
		}
	}
	return nil
}

// fit reshapes v to the JSON shape of Go type t: a list where t is an object
// becomes its only item, an object where t is a list becomes a one-item list.
func fit(v any, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if list, ok := v.([]any); ok {
			if len(list) == 0 {
				return map[string]any{}
			}
			v = list[0]
		}
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		fitFields(m, t)
		return m
	case reflect.Slice:
		if m, ok := v.(map[string]any); ok {
			v = []any{m}
		}
		if list, ok := v.([]any); ok {
			for i := range list {
				list[i] = fit(list[i], t.Elem())
			}
		}
		return v
	case reflect.Map:
		if m, ok := v.(map[string]any); ok {
			for k := range m {
				m[k] = fit(m[k], t.Elem())
			}
		}
		return v
	default:
		return v
	}
}

func fitFields(m map[string]any, t reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if f.Anonymous && (name == "" || strings.Contains(tag, ",inline")) {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				fitFields(m, ft)
			}
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		if v, ok := m[name]; ok {
			m[name] = fit(v, f.Type)
		}
	}
}
