package providerruntime

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// TestUpdatesThatNeedAReplacementAreRefused: like upjet, the fake refuses an
// update of a replace-only field (a node group's capacity type), naming the
// Terraform argument, and lets an in-place one (its scaling) through.
func TestUpdatesThatNeedAReplacementAreRefused(t *testing.T) {
	ng := schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "NodeGroup"}
	err := refuseReplacement(ng, `{"capacityType":"SPOT","scalingConfig":[{"desiredSize":2}]}`, `{"capacityType":"ON_DEMAND","scalingConfig":[{"desiredSize":2}]}`)
	if err == nil || !strings.HasPrefix(err.Error(), "refuse to update the external resource because the following update requires replacing it: ") || !strings.Contains(err.Error(), `"capacity_type" from "SPOT" to "ON_DEMAND"`) {
		t.Errorf("want upjet's refusal naming capacity_type, got %v", err)
	}
	if err := refuseReplacement(ng, `{"capacityType":"SPOT","scalingConfig":[{"desiredSize":2}]}`, `{"capacityType":"SPOT","scalingConfig":[{"desiredSize":3}]}`); err != nil {
		t.Errorf("an in-place update was refused: %v", err)
	}
	if err := refuseReplacement(ng, "", `{"capacityType":"SPOT"}`); err != nil {
		t.Errorf("a resource with no external state yet was refused: %v", err)
	}
}
