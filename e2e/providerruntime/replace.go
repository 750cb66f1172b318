package providerruntime

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/paynext/platform/internal/forcenew"
)

// refuseReplacement refuses an update that changes a field the Terraform
// provider can change only by replacing the resource, as upjet's external
// client does (assertNoForceNew in upjet's Terraform plugin SDK client): it
// never replaces, so the managed resource stays Synced=False and the update
// is retried for ever. Conditional replacements (decided by a CustomizeDiff
// or the region) are let through: the fake cannot run their conditions.
func refuseReplacement(gvk schema.GroupVersionKind, before, after string) error {
	if before == "" {
		return nil
	}
	var was, is map[string]any
	if err := json.Unmarshal([]byte(before), &was); err != nil {
		return errors.Wrap(err, "cannot read the external state")
	}
	if err := json.Unmarshal([]byte(after), &is); err != nil {
		return errors.Wrap(err, "cannot read spec.forProvider")
	}
	wrap := func(fp map[string]any) map[string]any {
		return map[string]any{"spec": map[string]any{"forProvider": fp}}
	}
	var args []string
	for _, c := range forcenew.Changes(gvk, wrap(is), wrap(was)) {
		if c.Conditional || !strings.HasPrefix(c.Path, "spec.forProvider.") {
			continue
		}
		args = append(args, fmt.Sprintf("cannot change the value of the argument %q from %s to %s", c.Terraform, value(c.Observed), value(c.Desired)))
	}
	if len(args) == 0 {
		return nil
	}
	return errors.Wrap(errors.New(strings.Join(args, "; ")), "refuse to update the external resource because the following update requires replacing it")
}

func value(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
