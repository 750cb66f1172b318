package main

import (
	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/internal/compliance"
)

const (
	// RequirementReportCRD names the required resource through which the
	// function learns whether OpenReports is installed: the ClusterReport
	// CRD. The Composition declares it as a bootstrap requirement, so
	// Crossplane fetches it before the first call and calls the function
	// once per reconcile.
	RequirementReportCRD = "openreports-clusterreport-crd"
	// KeyComplianceReport is the composed resource key of the report.
	KeyComplianceReport = "compliance-report"
)

// reportCRD selects the OpenReports ClusterReport CRD by name.
var reportCRD = &fnv1.ResourceSelector{
	ApiVersion: "apiextensions.k8s.io/v1",
	Kind:       "CustomResourceDefinition",
	Match:      &fnv1.ResourceSelector_MatchName{MatchName: "clusterreports.openreports.io"},
}

// requireReportCRD asks Crossplane for the ClusterReport CRD (a function
// never guesses what is installed) and says whether it exists.
func requireReportCRD(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse) (bool, error) {
	require(rsp, RequirementReportCRD, reportCRD)
	crds, _, err := request.GetRequiredResource(req, RequirementReportCRD)
	if err != nil {
		return false, errors.Wrap(err, "cannot read the required OpenReports ClusterReport CRD")
	}
	return len(crds) > 0, nil
}

// complianceReport is the platform's OpenReports ClusterReport, scoped to
// its claim (or the XR when unclaimed). A report has no status to wait for:
// it is ready once it exists.
func complianceReport(xr *v1alpha1.XPayNextPlatform, rep compliance.Report, observed platform.Observed) (*resource.DesiredComposed, error) {
	judged := compliance.Judged{Name: xr.GetName()}
	if name := xr.GetLabels()["crossplane.io/claim-name"]; name != "" {
		judged = compliance.Judged{Namespace: xr.GetLabels()["crossplane.io/claim-namespace"], Name: name}
	}
	cd, err := platform.From(compliance.ClusterReport(rep, judged))
	if err != nil {
		return nil, errors.Wrap(err, "cannot convert the compliance ClusterReport")
	}
	dc := &resource.DesiredComposed{Resource: cd}
	if observed.Has(KeyComplianceReport) {
		dc.Ready = resource.ReadyTrue
	}
	return dc, nil
}
