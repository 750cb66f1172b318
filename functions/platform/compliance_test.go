package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/compliance"
)

// renderStream is the response as `crossplane render` prints it: the XR's
// status and each composed resource under its composition resource name,
// which is what make audit reads.
func renderStream(t *testing.T, rsp *fnv1.RunFunctionResponse) []byte {
	t.Helper()
	var b bytes.Buffer
	write := func(obj map[string]any) {
		y, err := yaml.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	write(rsp.GetDesired().GetComposite().GetResource().AsMap())
	for name, dc := range desiredOf(t, rsp) {
		obj := dc.Resource.DeepCopy()
		ann := obj.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann[awsrules.AnnotationCompositionResource] = string(name)
		obj.SetAnnotations(ann)
		write(obj.Object)
	}
	return b.Bytes()
}

// statusOf is the desired XR's status.compliance.
func statusOf(t *testing.T, rsp *fnv1.RunFunctionResponse) *v1alpha1.ComplianceStatus {
	t.Helper()
	var st v1alpha1.PlatformStatus
	raw := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"]
	m, _ := raw.(map[string]any)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &st); err != nil {
		t.Fatalf("cannot read the desired XR status: %v", err)
	}
	if st.Compliance == nil {
		t.Fatal("the desired XR has no status.compliance")
	}
	return st.Compliance
}

// TestComplianceStatusEqualsTheAudit: for every example and held-out claim
// at convergence, the status the function sets is what make audit reports
// from the same render, and the Compliant condition agrees with it.
func TestComplianceStatusEqualsTheAudit(t *testing.T) {
	f := newTestFunction(t)
	for _, file := range renderFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			claim, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			spec, err := compliance.SpecOf(claim)
			if err != nil {
				t.Fatalf("make audit cannot read %s: %v", file, err)
			}
			rsp := run(t, f, converged(t, f, asXR(t, readXR(t, file))))
			rep, err := compliance.AuditStream(spec, renderStream(t, rsp), testToday)
			if err != nil {
				t.Fatalf("make audit cannot read the render: %v", err)
			}
			got := statusOf(t, rsp)
			if diff := cmp.Diff(compliance.StatusOf(rep), got); diff != "" {
				t.Errorf("status.compliance differs from the audit of the same render (-audit +function):\n%s", diff)
			}
			want := fnv1.Status_STATUS_CONDITION_TRUE
			if len(got.Failing) > 0 {
				want = fnv1.Status_STATUS_CONDITION_FALSE
			}
			if c := conditionOf(rsp, ConditionCompliant); c == nil || c.GetStatus() != want {
				t.Errorf("expected the Compliant condition %s with failing controls %v, got %v", want, got.Failing, c)
			}
		})
	}
}

// TestExamplesComplyWithTheirExceptions: the example claims waive only the
// API keys' rotation (Secrets Manager cannot rotate third-party keys
// without the team's own Lambda), and nothing fails.
func TestExamplesComplyWithTheirExceptions(t *testing.T) {
	f := newTestFunction(t)
	for _, env := range examples {
		rsp := run(t, f, converged(t, f, readXR(t, exampleXR(env))))
		st := statusOf(t, rsp)
		if len(st.Failing) > 0 || !cmp.Equal(st.Waived, []string{"secrets-cmk-rotation"}) {
			t.Errorf("%s: expected no failing control and only secrets-cmk-rotation waived, got failing %v, waived %v", env, st.Failing, st.Waived)
		}
		if env == "dev" && len(st.Warnings) == 0 {
			t.Errorf("dev: expected the profile's relaxations as warnings, got none")
		}
		if env != "dev" && len(st.Warnings) > 0 {
			t.Errorf("%s: expected no warnings outside dev, got %v", env, st.Warnings)
		}
	}
}

// TestAFailingControlIsAWarningAndACondition: without its exception the
// prod example fails the API keys' rotation: Compliant=False names it and a
// Warning says which resource fails it.
func TestAFailingControlIsAWarningAndACondition(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("prod"))
	delete(spec(xr)["compliance"].(map[string]any), "exceptions")
	rsp := run(t, f, converged(t, f, xr))
	if got := statusOf(t, rsp).Failing; !cmp.Equal(got, []string{"secrets-cmk-rotation"}) {
		t.Fatalf("expected secrets-cmk-rotation to fail, got %v", got)
	}
	c := conditionOf(rsp, ConditionCompliant)
	if c == nil || c.GetStatus() != fnv1.Status_STATUS_CONDITION_FALSE || !strings.Contains(c.GetMessage(), "failing: secrets-cmk-rotation") {
		t.Errorf("expected Compliant=False naming secrets-cmk-rotation, got %v", c)
	}
	var warned bool
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING && strings.Contains(r.GetMessage(), "secrets-cmk-rotation") && strings.Contains(r.GetMessage(), "secret-api-keys") &&
			r.GetTarget() == fnv1.Target_TARGET_COMPOSITE_AND_CLAIM {
			warned = true
		}
	}
	if !warned {
		t.Errorf("expected a Warning to the XR and claim naming secrets-cmk-rotation and secret-api-keys")
	}
}

// TestAnExceptionForAnUnknownControlIsFatal: the function refuses what the
// XRD's enum would, naming the field, and renders nothing.
func TestAnExceptionForAnUnknownControlIsFatal(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("prod"))
	spec(xr)["compliance"].(map[string]any)["exceptions"] = []any{map[string]any{"control": "no-such-control", "reason": "a reason long enough", "expires": "2027-01-01"}}
	rsp := run(t, f, newRequest(t, xr, nil))
	msg := fatalOf(rsp)
	if !strings.Contains(msg, "spec.compliance.exceptions[0].control") || !strings.Contains(msg, "no-such-control") {
		t.Errorf("expected a Fatal result naming spec.compliance.exceptions[0].control, got %q", msg)
	}
	if n := len(rsp.GetDesired().GetResources()); n > 0 {
		t.Errorf("expected no desired resources with a Fatal result, got %d", n)
	}
}

func conditionOf(rsp *fnv1.RunFunctionResponse, typ string) *fnv1.Condition {
	for _, c := range rsp.GetConditions() {
		if c.GetType() == typ {
			return c
		}
	}
	return nil
}

// TestTheReportIsComposedWhenOpenReportsIsInstalled: the function always
// asks Crossplane for the ClusterReport CRD; without it nothing more is
// composed, with it one ClusterReport scoped to the claim, equal to what
// make audit FORMAT=openreports prints for the same render, and ready once
// it exists.
func TestTheReportIsComposedWhenOpenReportsIsInstalled(t *testing.T) {
	f := newTestFunction(t)
	file := exampleXR("prod")
	req := converged(t, f, readXR(t, file))
	without := run(t, f, req)
	if sel := without.GetRequirements().GetResources()[RequirementReportCRD]; sel.GetKind() != "CustomResourceDefinition" || sel.GetMatchName() != "clusterreports.openreports.io" {
		t.Fatalf("expected the function to require the ClusterReport CRD, got %v", without.GetRequirements())
	}
	if _, ok := desiredOf(t, without)[KeyComplianceReport]; ok {
		t.Fatal("expected no ClusterReport without the OpenReports CRD")
	}

	crd, err := structpb.NewStruct(map[string]any{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": map[string]any{"name": "clusterreports.openreports.io"}})
	if err != nil {
		t.Fatal(err)
	}
	req.RequiredResources = map[string]*fnv1.Resources{RequirementReportCRD: {Items: []*fnv1.Resource{{Resource: crd}}}}
	with := run(t, f, req)
	report, ok := desiredOf(t, with)[KeyComplianceReport]
	if !ok {
		t.Fatal("expected a ClusterReport with the OpenReports CRD installed")
	}
	if report.Ready == resource.ReadyTrue {
		t.Error("expected the report not to be called ready before it exists")
	}
	claim, err := os.ReadFile("../../examples/claims/prod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := compliance.SpecOf(claim)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := compliance.AuditStream(spec, renderStream(t, without), testToday)
	if err != nil {
		t.Fatal(err)
	}
	want, err := composed.From(compliance.ClusterReport(rep, compliance.Judged{Namespace: "payments", Name: "paynext-prod"}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(viaJSON(t, want.Object), viaJSON(t, report.Resource.Object)); diff != "" {
		t.Errorf("the composed ClusterReport differs from make audit's (-audit +function):\n%s", diff)
	}

	observed := req.GetObserved().GetResources()
	observed[KeyComplianceReport] = &fnv1.Resource{Resource: with.GetDesired().GetResources()[KeyComplianceReport].GetResource()}
	if got := desiredOf(t, run(t, f, req))[KeyComplianceReport]; got.Ready != resource.ReadyTrue {
		t.Errorf("expected the report ready once it exists, got %v", got.Ready)
	}
}

// viaJSON is v as JSON decodes it, so numbers compare whatever their Go type.
func viaJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
