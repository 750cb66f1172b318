package main

import (
	"fmt"
	"maps"
	"strings"

	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/response"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/compliance"
)

// ConditionCompliant is the XR and claim condition that says whether every
// control passes (or is waived).
const ConditionCompliant = "Compliant"

// renderOf is the desired composed resources as the engine reads them: each
// under its composition resource name, with the status its observed
// counterpart reports (a literal key ARN then names its Key). Only the top
// level and metadata are copied; the engine never writes.
func renderOf(desired map[resource.Name]*resource.DesiredComposed, observed platform.Observed) *awsrules.Render {
	objs := make([]*unstructured.Unstructured, 0, len(desired))
	for name, dc := range desired {
		obj := maps.Clone(dc.Resource.Object)
		meta, _ := obj["metadata"].(map[string]any)
		meta = maps.Clone(meta)
		if meta == nil {
			meta = map[string]any{}
		}
		annotations, _ := meta["annotations"].(map[string]any)
		annotations = maps.Clone(annotations)
		if annotations == nil {
			annotations = map[string]any{}
		}
		annotations[awsrules.AnnotationCompositionResource] = string(name)
		meta["annotations"] = annotations
		obj["metadata"] = meta
		if oc, ok := observed[name]; ok && oc.Resource != nil {
			if status, ok := oc.Resource.Object["status"]; ok {
				obj["status"] = status
			}
		}
		objs = append(objs, &unstructured.Unstructured{Object: obj})
	}
	return awsrules.NewRender(objs)
}

// reportCompliance sets the Compliant condition on the XR and the claim,
// and a Warning per failing control naming the resources that fail it.
// While the account is unknown the render is knowingly partial (the
// account-dependent resources wait), so the condition is Unknown and no
// control is called failing yet.
func reportCompliance(rsp *fnv1.RunFunctionResponse, rep compliance.Report, accountKnown bool) {
	c := rep.Counts()
	summary := fmt.Sprintf("%d controls: %d pass, %d fail, %d warn, %d waived, %d skip", len(rep.Results), c[compliance.Pass], c[compliance.Fail], c[compliance.Warn], c[compliance.Waived], c[compliance.Skip])
	failing := rep.With(compliance.Fail)
	if !accountKnown {
		response.ConditionUnknown(rsp, ConditionCompliant, "WaitingForTheAccount").
			WithMessage("the resources that need the AWS account are not rendered yet; so far " + summary).TargetCompositeAndClaim()
		return
	}
	if len(failing) == 0 {
		response.ConditionTrue(rsp, ConditionCompliant, "NoControlFails").WithMessage(summary).TargetCompositeAndClaim()
		return
	}
	response.ConditionFalse(rsp, ConditionCompliant, "ControlsFail").WithMessage(summary + "; failing: " + strings.Join(failing, ", ")).TargetCompositeAndClaim()
	for _, r := range rep.Results {
		if r.Status == compliance.Fail {
			response.Warning(rsp, errors.Errorf("compliance control %s fails (%s): %s", r.Control.ID, r.Control.Title, r.Detail)).TargetCompositeAndClaim()
		}
	}
}
