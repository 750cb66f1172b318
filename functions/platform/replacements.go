package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crossplane/function-sdk-go/resource"
	corev1 "k8s.io/api/core/v1"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/internal/forcenew"
	"github.com/paynext/platform/internal/stateful"
)

// refusedByProvider is how upjet-based providers (provider-aws among them)
// begin the error of an update that only a replacement could make: they
// never replace, so the resource stays Synced=False, retried for ever, while
// Ready stays True.
const refusedByProvider = "refuse to update the external resource because the following update requires replacing it"

// replacementWarnings names each existing resource whose desired state
// changes a field AWS can change only by replacing it (internal/forcenew,
// from the provider's own Terraform schema), and each one the provider is
// already refusing to update: otherwise the team would find out from a
// stuck resource deep under a claim that still says Ready.
func replacementWarnings(desired map[resource.Name]*resource.DesiredComposed, observed platform.Observed, conditions conditions) []string {
	var out []string
	for name, oc := range observed {
		if oc.Resource == nil {
			continue
		}
		what := func() string {
			w := fmt.Sprintf("%s (%s)", name, oc.Resource.GetKind())
			if stateful.Kind(platform.GroupVersionKind(oc.Resource).GroupKind()) {
				w += ", which holds data,"
			}
			return w
		}
		if c := conditions[name].synced; c.Status == corev1.ConditionFalse && strings.Contains(c.Message, refusedByProvider) {
			out = append(out, fmt.Sprintf("%s cannot be updated: %s. Revert the claim edit that changed it, or replace the resource deliberately (README \"Changing a platform\")", what(), c.Message))
			continue
		}
		d, ok := desired[name]
		if !ok {
			continue
		}
		gvk := platform.GroupVersionKind(oc.Resource)
		if platform.GroupVersionKind(d.Resource) != gvk {
			continue
		}
		var said []string
		for _, c := range forcenew.Changes(gvk, d.Resource.Object, oc.Resource.Object) {
			if c.Fires(d.Resource.Object) {
				said = append(said, forcenew.Describe(c))
			}
		}
		if len(said) > 0 {
			out = append(out, fmt.Sprintf("%s: %s. Revert the claim edit that changed it, or replace the resource deliberately (README \"Changing a platform\")", what(), strings.Join(said, "; ")))
		}
	}
	slices.Sort(out)
	return out
}
