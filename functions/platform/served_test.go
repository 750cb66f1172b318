package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"reflect"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// The field managers of a composed resource on a live control plane, as the
// e2e suite's API server lists them: Crossplane's server-side apply of what
// the function desires, the provider's update of the object (external name,
// finalizer) and of its status.
const (
	managerComposed = "apiextensions.crossplane.io/composed/efbb72970e852126e38b3a7ee15b7a1875c54ce7c57601185ccff1a2cdaae401"
	managerProvider = "provider-aws"
)

// asServed is req with every observed composed resource as Crossplane reads
// it from the API server and sends it: named from the XR's, with a UID, a
// resource version, a controller reference to the XR, the managed resource
// finalizer, Crossplane's labels and the managed fields of the three field
// managers that write it. Crossplane v2.4.0 sends observed resources whole
// (composite/composition_functions.go AsState, xfn.AsStruct); nothing strips
// managedFields from its cache.
func asServed(t testing.TB, req *fnv1.RunFunctionRequest) *fnv1.RunFunctionRequest {
	t.Helper()
	out := proto.Clone(req).(*fnv1.RunFunctionRequest)
	xrMeta := out.GetObserved().GetComposite().GetResource().GetFields()["metadata"].GetStructValue().AsMap()
	xrName, _ := xrMeta["name"].(string)
	for key, r := range out.GetObserved().GetResources() {
		o := r.GetResource().AsMap()
		addServedMetadata(t, o, key, xrName)
		s, err := structpb.NewStruct(o)
		if err != nil {
			t.Fatalf("cannot convert observed %s: %v", key, err)
		}
		r.Resource = s
	}
	return out
}

// addServedMetadata adds to the observed object o (composed resource key of XR xrName)
// what the API server, Crossplane and the provider add to it.
func addServedMetadata(t testing.TB, o map[string]any, key, xrName string) {
	t.Helper()
	meta, _ := o["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		o["metadata"] = meta
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	id := h.Sum64()
	name := fmt.Sprintf("%s-%05x", xrName, id&0xfffff)
	uid := fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(id), uint16(id>>32), uint16(id>>48), uint16(id>>16), id&0xffffffffffff)
	composedFields := fieldsOf(t, map[string]any{"metadata": pick(meta, "labels", "annotations"), "spec": o["spec"]})
	meta["name"] = name
	meta["uid"] = uid
	meta["resourceVersion"] = fmt.Sprint(100000 + id%900000)
	meta["generation"] = float64(2)
	meta["creationTimestamp"] = "2026-11-30T10:00:00Z"
	meta["finalizers"] = []any{"finalizer.managedresource.crossplane.io"}
	meta["ownerReferences"] = []any{map[string]any{
		"apiVersion": "paynext.io/v1alpha1", "kind": "XPayNextPlatform", "name": xrName,
		"uid": "6f1c2a57-3d1b-4c1e-9a43-0b7d7a1f2e11", "controller": true, "blockOwnerDeletion": true,
	}}
	labels := withEntries(meta["labels"], map[string]any{
		"crossplane.io/composite": xrName, "crossplane.io/claim-name": "paynext-prod", "crossplane.io/claim-namespace": "payments",
	})
	meta["labels"] = labels
	annotations := withEntries(meta["annotations"], map[string]any{
		"crossplane.io/composition-resource-name": key,
		"crossplane.io/external-create-pending":   "2026-11-30T10:00:01Z",
		"crossplane.io/external-create-succeeded": "2026-11-30T10:00:02Z",
	})
	meta["annotations"] = annotations
	entry := func(manager, operation, subresource string, fields map[string]any) map[string]any {
		e := map[string]any{"apiVersion": o["apiVersion"], "fieldsType": "FieldsV1", "fieldsV1": fields,
			"manager": manager, "operation": operation, "time": "2026-11-30T10:00:02Z"}
		if subresource != "" {
			e["subresource"] = subresource
		}
		return e
	}
	meta["managedFields"] = []any{
		entry(managerComposed, "Apply", "", composedFields),
		entry(managerProvider, "Update", "", fieldsOf(t, map[string]any{"metadata": map[string]any{
			"annotations": pick(annotations, "crossplane.io/external-name", "crossplane.io/external-create-pending", "crossplane.io/external-create-succeeded"),
			"finalizers":  meta["finalizers"],
		}})),
		entry(managerProvider, "Update", "status", fieldsOf(t, map[string]any{"status": o["status"]})),
		entry("crossplane", "Update", "", fieldsOf(t, map[string]any{"metadata": map[string]any{"ownerReferences": meta["ownerReferences"], "labels": pick(labels, "crossplane.io/composite", "crossplane.io/claim-name", "crossplane.io/claim-namespace")}})),
	}
}

// withEntries is a copy of the map m (nil or not a map: an empty one) with
// entries added.
func withEntries(m any, entries map[string]any) map[string]any {
	out, _ := m.(map[string]any)
	out = maps.Clone(out)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, entries)
	return out
}

// fieldsOf is the FieldsV1 form of every field of o, as the API server
// records a manager's fields.
func fieldsOf(t testing.TB, o map[string]any) map[string]any {
	t.Helper()
	b, err := fieldpath.SetFromValue(value.NewValueInterface(o)).ToJSON()
	if err != nil {
		t.Fatalf("cannot record managed fields: %v", err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func pick(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// TestWhatTheAPIServerAddsChangesNothing: the observed resources as
// Crossplane really sends them (names, UIDs, owner references, finalizers,
// Crossplane's labels, managed fields) render the same response, byte for
// byte, as the bare ones the other tests use, for every example and
// held-out claim at convergence. The function reads none of it, so it may
// skip converting it.
func TestWhatTheAPIServerAddsChangesNothing(t *testing.T) {
	f := newTestFunction(t)
	for _, c := range allClaims(t) {
		t.Run(c.name, func(t *testing.T) {
			req := converged(t, f, c.xr(t))
			bare, served := run(t, f, req), run(t, f, asServed(t, req))
			if diff := cmp.Diff(bare, served, protocmp.Transform()); diff != "" {
				t.Errorf("want the same response whether observed resources carry the API server's metadata or not (-bare +served):\n%s", diff)
			}
		})
	}
}

// TestServedRequestIsLikeALiveOne: the managed fields make up about as much
// of the prod request as they do of the e2e suite's live composed
// resources, where they were 44% of the JSON bytes (2,579,916 bytes of 515
// subnets, keys, Config rules, roles and usages of three platforms).
func TestServedRequestIsLikeALiveOne(t *testing.T) {
	f := newTestFunction(t)
	req := asServed(t, converged(t, f, readXR(t, exampleXR("prod"))))
	var all, managed int
	for _, r := range req.GetObserved().GetResources() {
		o := r.GetResource().AsMap()
		b, _ := json.Marshal(o)
		m, _ := json.Marshal(o["metadata"].(map[string]any)["managedFields"])
		all += len(b)
		managed += len(m)
	}
	share := float64(managed) / float64(all)
	t.Logf("managed fields: %d of %d JSON bytes of observed resources (%.0f%%)", managed, all, 100*share)
	if share < 0.35 || share > 0.55 {
		t.Errorf("managed fields are %.0f%% of the observed resources' bytes, want about the 44%% a live control plane shows", 100*share)
	}
}

// TestAtProviderReadsWhatGetReads: for every observed resource of every
// example and held-out claim at convergence, the ARN and ID AtProvider reads
// are the ones decoding the resource into its kind's typed struct gives.
func TestAtProviderReadsWhatGetReads(t *testing.T) {
	f := newTestFunction(t)
	for _, c := range allClaims(t) {
		t.Run(c.name, func(t *testing.T) {
			observed, unreadable := platform.ObservedFrom(converged(t, f, c.xr(t)))
			if unreadable != nil {
				t.Fatal(unreadable)
			}
			read := 0
			for name, oc := range observed {
				gvk := oc.Resource.GroupVersionKind()
				if !strings.HasSuffix(gvk.Group, ".aws.upbound.io") {
					continue // the fake AWS reports an ARN for anything; only managed resources have one
				}
				typed, err := composed.Scheme.New(gvk)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !observed.Get(string(name), typed) {
					t.Fatalf("%s does not decode", name)
				}
				u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed)
				if err != nil {
					t.Fatal(err)
				}
				for _, field := range []string{"arn", "id"} {
					if !hasJSONField(reflect.TypeOf(typed), "status", "atProvider", field) {
						continue // the fake AWS reports it; the kind's schema has no such field
					}
					want, _ := platform.String(u, "status", "atProvider", field)
					if got := observed.AtProvider(string(name), field); got != want {
						t.Errorf("%s (%s): AtProvider(%q) = %q, the typed struct reads %q", name, oc.Resource.GetKind(), field, got, want)
					}
					if want != "" {
						read++
					}
				}
			}
			if read == 0 {
				t.Error("no observed resource reported an ARN or ID: the test compared nothing")
			}
			if got := observed.AtProvider("not-rendered", "arn"); got != "" {
				t.Errorf("a resource not observed has ARN %q, want none", got)
			}
		})
	}
}

// hasJSONField reports whether the Go type t has the JSON field path.
func hasJSONField(t reflect.Type, path ...string) bool {
	for _, name := range path {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		found := false
		for i := range t.NumField() {
			f := t.Field(i)
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
				t, found = f.Type, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
