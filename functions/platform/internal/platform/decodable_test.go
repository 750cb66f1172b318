package platform

import (
	"encoding/json"
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

// TestShapesVouchForWhatDecodes: a shape must vouch for what the converter
// decodes in the ordinary case (else Check decodes everything again), and
// for nothing the converter refuses. The main package's
// TestCheckAnswersAsTheConverter damages real renders; this pins the cases.
func TestShapesVouchForWhatDecodes(t *testing.T) {
	vpc := &ec2v1beta1.VPC{
		TypeMeta:   metav1.TypeMeta{APIVersion: ec2v1beta1.CRDGroupVersion.String(), Kind: ec2v1beta1.VPC_Kind},
		ObjectMeta: metav1.ObjectMeta{Name: "vpc", Labels: map[string]string{LabelResource: "vpc"}, Annotations: map[string]string{AnnotationExternalName: "vpc-1"}},
	}
	vpc.Spec.ForProvider.CidrBlock = ptr.To("10.0.0.0/16")
	vpc.Spec.ForProvider.EnableDNSSupport = ptr.To(true)
	vpc.Spec.ForProvider.Tags = map[string]*string{"Name": ptr.To("paynext")}
	vpc.Status.AtProvider.ID = ptr.To("vpc-1")
	vpc.Status.SetConditions(xpv1.Available(), xpv1.ReconcileSuccess())
	// As a request carries it: JSON's types, every number a float64.
	b, err := json.Marshal(vpc)
	if err != nil {
		t.Fatal(err)
	}
	var plain map[string]any
	if err := json.Unmarshal(b, &plain); err != nil {
		t.Fatal(err)
	}
	plain["metadata"].(map[string]any)["generation"] = 3.0
	plain["status"].(map[string]any)["conditions"].([]any)[0].(map[string]any)["observedGeneration"] = 3.0

	if err := RegisterSchemes(); err != nil {
		t.Fatal(err)
	}
	sh := kindShapes[ec2v1beta1.VPC_GroupVersionKind]
	if sh == nil {
		t.Fatal("no shape for the VPC kind")
	}
	if !sh.decodes(plain) {
		t.Error("the shape does not vouch for a well-formed VPC")
	}
	for name, damage := range map[string]func(m map[string]any){
		"cidrBlock an object":    func(m map[string]any) { forProviderOf(m)["cidrBlock"] = map[string]any{} },
		"enableDnsSupport a str": func(m map[string]any) { forProviderOf(m)["enableDnsSupport"] = "yes" },
		"a tag a number":         func(m map[string]any) { forProviderOf(m)["tags"] = map[string]any{"Name": 1.0} },
		"tags a list":            func(m map[string]any) { forProviderOf(m)["tags"] = []any{} },
		"generation a fraction":  func(m map[string]any) { m["metadata"].(map[string]any)["generation"] = 1.5 },
		"a time not RFC 3339": func(m map[string]any) {
			m["status"].(map[string]any)["conditions"].([]any)[0].(map[string]any)["lastTransitionTime"] = "today"
		},
		"conditions an object": func(m map[string]any) { m["status"].(map[string]any)["conditions"] = map[string]any{} },
		"spec a string":        func(m map[string]any) { m["spec"] = "x" },
	} {
		m := runtime.DeepCopyJSON(plain)
		damage(m)
		if sh.decodes(m) {
			t.Errorf("%s: the shape vouches for it", name)
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &ec2v1beta1.VPC{}); err == nil {
			t.Errorf("%s: the converter decodes it: the case tests nothing", name)
		}
	}
}

func forProviderOf(m map[string]any) map[string]any {
	return m["spec"].(map[string]any)["forProvider"].(map[string]any)
}

// TestGetDecodesNilMapsAndListsAsTheConverter: an Observed built in code (a
// test, a fuzzer) can hold a nil map or list; Get must leave the typed field
// nil, as the converter does, not make it empty.
func TestGetDecodesNilMapsAndListsAsTheConverter(t *testing.T) {
	if err := RegisterSchemes(); err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{
		"apiVersion": ec2v1beta1.CRDGroupVersion.String(), "kind": ec2v1beta1.VPC_Kind,
		"metadata": map[string]any{"name": "vpc", "labels": map[string]any(nil)},
		"spec":     map[string]any{"forProvider": map[string]any{"tags": map[string]any(nil), "cidrBlock": "10.0.0.0/16"}},
		"status":   map[string]any{"conditions": []any(nil)},
	}
	var want ec2v1beta1.VPC
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(runtime.DeepCopyJSON(obj), &want); err != nil {
		t.Fatal(err)
	}
	var got ec2v1beta1.VPC
	if !(Observed{"vpc": {Resource: &composed.Unstructured{Unstructured: unstructured.Unstructured{Object: obj}}}}).Get("vpc", &got) {
		t.Fatal("Get did not decode the VPC")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get decodes nil maps and lists other than the converter (-converter +Get):\n%s", diff)
	}
}
