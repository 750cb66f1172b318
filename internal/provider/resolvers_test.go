package provider

import (
	"context"
	"strings"
	"testing"

	wafv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/wafv2/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

// TestResolversReachTheProviderScheme proves the linkname fills the scheme the
// generated resolvers read: without it every ResolveReferences fails before
// looking at a selector.
func TestResolversReachTheProviderScheme(t *testing.T) {
	if err := RegisterResolvers(); err != nil {
		t.Fatalf("RegisterResolvers: %v", err)
	}
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(s).Build()
	mg := &wafv2v1beta1.WebACLAssociation{}
	err := mg.ResolveReferences(context.Background(), c)
	if err != nil && strings.Contains(err.Error(), "runtime scheme") {
		t.Fatalf("want the resolver to find its target kinds in the provider's scheme, got %v", err)
	}
}
