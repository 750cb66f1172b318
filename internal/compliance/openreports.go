package compliance

import (
	"strings"

	orv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/paynext/platform/apis/platform/v1alpha1"
)

// ReportSource names this engine in OpenReports results.
const ReportSource = "paynext-compliance"

// openReportsResult maps a result onto OpenReports' pass, fail, warn and
// skip; a waived control is a skip that says so in its properties, as
// policy engines report exceptions.
var openReportsResult = map[Status]orv1alpha1.Result{Pass: "pass", Fail: "fail", Warn: "warn", Waived: "skip", Skip: "skip"}

// Judged names what a report is about: a PayNextPlatform claim (Namespace
// set) or an unclaimed XPayNextPlatform.
type Judged struct {
	Namespace, Name string
}

// ClusterReport is the report as an OpenReports ClusterReport, scoped to the
// claim (or XR) it judges, so Policy Reporter and the tools that read
// OpenReports show it beside their own. It is named paynext.<namespace>.<name>
// (paynext.<name> for an XR): a namespace has no dot, so no two platforms
// share a name. Results carry no timestamp: the same render gives the same
// report.
func ClusterReport(rep Report, judged Judged) *orv1alpha1.ClusterReport {
	name := "paynext." + judged.Name
	scope := &corev1.ObjectReference{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: v1alpha1.CompositeKind, Name: judged.Name}
	if judged.Namespace != "" {
		name = "paynext." + judged.Namespace + "." + judged.Name
		scope = &corev1.ObjectReference{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: "PayNextPlatform", Namespace: judged.Namespace, Name: judged.Name}
	}
	cr := &orv1alpha1.ClusterReport{
		TypeMeta:   metav1.TypeMeta{APIVersion: orv1alpha1.SchemeGroupVersion.String(), Kind: "ClusterReport"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app.kubernetes.io/managed-by": "paynext-platform"}},
		Source:     ReportSource,
		Scope:      scope,
	}
	for _, g := range groups(rep) {
		for _, r := range g.Results {
			c := r.Control
			props := map[string]string{"status": string(r.Status)}
			add := func(k string, v []string) {
				if len(v) > 0 {
					props[k] = strings.Join(v, ", ")
				}
			}
			add("pciDss", c.Refs.PCI)
			add("checkov", c.Refs.Checkov)
			add("sox", c.Refs.SOX)
			add("gdpr", c.Refs.GDPR)
			add("hipaa", c.Refs.HIPAA)
			if c.Refs.CIS != "" {
				props["cis"] = c.Refs.CIS
			}
			if c.Refs.ConfigRule != "" {
				props["awsConfigRule"] = c.Refs.ConfigRule
			}
			var failing []string
			for _, e := range r.Evidence {
				if !e.OK {
					failing = append(failing, e.Resource+" "+e.Field+"="+e.Value)
				}
			}
			add("failing", failing)
			msg := c.Title
			if r.Detail != "" {
				msg += ": " + r.Detail
			}
			cr.Results = append(cr.Results, orv1alpha1.ReportResult{
				Source: ReportSource, Policy: c.ID, Category: g.Title, Severity: orv1alpha1.ResultSeverity(c.Severity),
				Result: openReportsResult[r.Status], Description: msg, Properties: props,
			})
			switch openReportsResult[r.Status] {
			case "pass":
				cr.Summary.Pass++
			case "fail":
				cr.Summary.Fail++
			case "warn":
				cr.Summary.Warn++
			default:
				cr.Summary.Skip++
			}
		}
	}
	return cr
}
