package compliance

import (
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/paynext/platform/apis/platform/v1alpha1"
)

// InputFor is what the engine needs from a platform's spec, judged on
// today. It refuses an exception for a control the catalogue does not
// know, naming the field (the XRD's enum refuses it first).
func InputFor(spec *v1alpha1.PlatformSpec, today time.Time) (Input, error) {
	in := Input{Environment: string(spec.Environment), Today: today}
	standards := spec.Compliance.Standards
	if len(standards) == 0 {
		standards = v1alpha1.DefaultComplianceStandards
	}
	for _, s := range standards {
		in.Standards = append(in.Standards, Standard(s))
	}
	known := IDs()
	for i, e := range spec.Compliance.Exceptions {
		path := field.NewPath("spec", "compliance", "exceptions").Index(i)
		if !slices.Contains(known, string(e.Control)) {
			return in, field.NotSupported(path.Child("control"), e.Control, known)
		}
		expires, err := e.ExpiresOn()
		if err != nil {
			return in, field.Invalid(path.Child("expires"), e.Expires, "must be a date, YYYY-MM-DD")
		}
		in.Exceptions = append(in.Exceptions, Exception{Control: string(e.Control), Reason: e.Reason, Expires: expires})
	}
	return in, nil
}

// StatusOf is the report as status.compliance shows it: counts and
// ids, no timestamps, so the same render gives the same status.
func StatusOf(rep Report) *v1alpha1.ComplianceStatus {
	counts := rep.Counts()
	st := &v1alpha1.ComplianceStatus{
		Counts: v1alpha1.ComplianceCounts{
			Pass: counts[Pass], Fail: counts[Fail], Warn: counts[Warn],
			Waived: counts[Waived], Skip: counts[Skip],
		},
		Failing:  rep.With(Fail),
		Warnings: rep.With(Warn),
		Waived:   rep.With(Waived),
	}
	for _, s := range rep.Standards {
		st.Standards = append(st.Standards, v1alpha1.ComplianceStandard(s))
	}
	return st
}
