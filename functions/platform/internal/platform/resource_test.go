package platform

import (
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/structpb"
)

// TestObservedFromDropsOnlyManagedFields: an observed resource reads as the
// SDK reads it (structpb's AsMap), except metadata.managedFields, which
// nothing reads; an object without them, or without metadata, reads the
// same either way.
func TestObservedFromDropsOnlyManagedFields(t *testing.T) {
	served := map[string]any{
		"apiVersion": "ec2.aws.upbound.io/v1beta1",
		"kind":       "VPC",
		"metadata": map[string]any{
			"name":          "paynext-prod-8k2x1",
			"labels":        map[string]any{"platform.paynext.io/resource": "vpc"},
			"managedFields": []any{map[string]any{"manager": "crossplane", "fieldsV1": map[string]any{"f:spec": map[string]any{}}}},
		},
		"spec":   map[string]any{"forProvider": map[string]any{"cidrBlock": "10.0.0.0/16", "enableDnsSupport": true}},
		"status": map[string]any{"atProvider": map[string]any{"id": "vpc-0a1b"}, "conditions": []any{map[string]any{"type": "Ready", "status": "True"}}},
	}
	bare := map[string]any{"apiVersion": "v1", "kind": "Thing", "spec": map[string]any{"n": float64(3), "none": nil}}
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Resources: map[string]*fnv1.Resource{}}}
	for name, o := range map[string]map[string]any{"served": served, "bare": bare} {
		s, err := structpb.NewStruct(o)
		if err != nil {
			t.Fatal(err)
		}
		req.Observed.Resources[name] = &fnv1.Resource{Resource: s}
	}
	observed, unreadable := ObservedFrom(req)
	if unreadable != nil {
		t.Fatal(unreadable)
	}
	for name, r := range req.Observed.Resources {
		want := r.GetResource().AsMap()
		if meta, ok := want["metadata"].(map[string]any); ok {
			delete(meta, "managedFields")
		}
		if diff := cmp.Diff(want, observed[resource.Name(name)].Resource.Object); diff != "" {
			t.Errorf("%s: want what AsMap reads, less managedFields (-want +got):\n%s", name, diff)
		}
	}
}
