// Package platformtest helps the tiers' tests render a tier and fabricate
// the observed state provider-aws would report.
package platformtest

import (
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// Render renders tier and indexes its resources by key, failing the test on
// an error or a key rendered twice.
func Render(t *testing.T, tier platform.Tier, cfg *platform.Config, observed platform.Observed) map[string]runtime.Object {
	t.Helper()
	rs, err := platform.RenderIndexed(tier, cfg, observed)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return rs
}

// Observed is the observed state of one composed resource of the given kind
// whose provider reports atProvider.
func Observed(key, apiVersion, kind string, atProvider map[string]any) platform.Observed {
	c := composed.New()
	c.SetAPIVersion(apiVersion)
	c.SetKind(kind)
	if atProvider != nil {
		c.Object["status"] = map[string]any{"atProvider": atProvider}
	}
	return platform.Observed{resource.Name(key): resource.ObservedComposed{Resource: c}}
}

// Merge joins observed states.
func Merge(observed ...platform.Observed) platform.Observed {
	out := platform.Observed{}
	for _, o := range observed {
		for k, v := range o {
			out[k] = v
		}
	}
	return out
}

// Ready is the observed state of one composed resource of the given kind
// with condition Ready=True.
func Ready(key, apiVersion, kind string) platform.Observed {
	o := Observed(key, apiVersion, kind, nil)
	o[resource.Name(key)].Resource.SetConditions(xpv1.Available())
	return o
}

// Rendered is the observed state of one composed resource as Crossplane
// created it, before the provider's first observation: spec.forProvider set,
// no status.
func Rendered(key, apiVersion, kind string, forProvider map[string]any) platform.Observed {
	o := Observed(key, apiVersion, kind, nil)
	o[resource.Name(key)].Resource.Object["spec"] = map[string]any{"forProvider": forProvider}
	return o
}
