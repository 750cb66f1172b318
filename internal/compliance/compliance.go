// Package compliance judges a rendered platform against the controls PayNext
// platforms are held to (../shared/reference/controls.md, plus the AWS service
// rules that carry a requirement). It reads the rendered managed resources
// only, never the claim's intent, so the function (status.compliance), the
// offline audit (make audit) and the tests all report the same results for
// the same render.
package compliance

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paynext/platform/internal/awsrules"
)

// Status of one control on one platform.
type Status string

// Statuses, in the order a report lists them.
const (
	// Fail: a rendered resource breaks the control (or an exception for it
	// has expired).
	Fail Status = "fail"
	// Warn: the control fails in dev, where the environment profile
	// documents the relaxation (Control.DevRelaxation).
	Warn Status = "warn"
	// Waived: the control fails and an unexpired exception in the claim
	// accepts it.
	Waived Status = "waived"
	// Pass: every resource the control judges meets it.
	Pass Status = "pass"
	// Skip: nothing in the render is subject to it (no database in a
	// single-zone platform, a standard the claim does not hold).
	Skip Status = "skip"
)

// Statuses in report order.
var Statuses = []Status{Fail, Warn, Waived, Pass, Skip}

// Severity of a control's failure.
type Severity string

// Severities.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Standard a platform is assessed against (spec.compliance.standards).
type Standard string

// Standards.
const (
	PCIDSS Standard = "pci-dss"
	SOX    Standard = "sox"
	GDPR   Standard = "gdpr"
	HIPAA  Standard = "hipaa"
)

// Refs are where a control is stated: the public ids an assessor looks up.
type Refs struct {
	// PCI are PCI DSS v4.0 requirement ids.
	PCI []string `json:"pciDss,omitempty"`
	// CIS is the CIS AWS Foundations Benchmark v5 recommendation.
	CIS        string   `json:"cis,omitempty"`
	Checkov    []string `json:"checkov,omitempty"`
	ConfigRule string   `json:"awsConfigRule,omitempty"`
	SOX        []string `json:"sox,omitempty"`
	GDPR       []string `json:"gdpr,omitempty"`
	HIPAA      []string `json:"hipaa,omitempty"`
}

// Standards are the standards that state the control.
func (r Refs) Standards() []Standard {
	var out []Standard
	for _, s := range []struct {
		std  Standard
		refs []string
	}{{PCIDSS, r.PCI}, {SOX, r.SOX}, {GDPR, r.GDPR}, {HIPAA, r.HIPAA}} {
		if len(s.refs) > 0 {
			out = append(out, s.std)
		}
	}
	return out
}

// Control is one requirement on the render.
type Control struct {
	ID       string
	Title    string
	Severity Severity
	Refs     Refs
	// DevRelaxation names what the dev environment profile relaxes, which
	// turns the control's failure in dev into a warning; "" when dev is held
	// to it too.
	DevRelaxation string
	// URL documents the requirement (AWS's page for a service rule).
	URL string
	// check judges the render; skip says why nothing is subject to it.
	check func(*scope) (evidence []Evidence, skip string)
}

// Evidence is one field value the control judged, on one composed resource.
type Evidence struct {
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Value    string `json:"value"`
	OK       bool   `json:"ok"`
	// Why explains a failure (or a pass that needs a reason).
	Why string `json:"why,omitempty"`
}

// Exception accepts a failing control until it expires.
type Exception struct {
	Control string
	Reason  string
	// Expires is the last day the exception holds (UTC).
	Expires time.Time
}

// Input is what the controls need besides the render.
type Input struct {
	// Environment is dev, staging or prod.
	Environment string
	// Standards the platform is held to; none means every standard.
	Standards  []Standard
	Exceptions []Exception
	// Today decides which exceptions hold (only its date counts).
	Today time.Time
	// Policies parses policy documents; nil parses each anew for this
	// evaluation.
	Policies *PolicyCache
}

// Result of one control.
type Result struct {
	Control  *Control
	Status   Status
	Evidence []Evidence
	// Detail says why the control skipped, was waived or failed.
	Detail string
}

// Report is every control's result on one render, in catalogue order.
type Report struct {
	Environment string
	Standards   []Standard
	Results     []Result
}

// Evaluate judges the render against every control.
func Evaluate(r *awsrules.Render, in Input) Report {
	standards := in.Standards
	if len(standards) == 0 {
		standards = []Standard{PCIDSS, SOX, GDPR, HIPAA}
	}
	s := &scope{Render: r, env: in.Environment, today: in.Today, policies: in.Policies}
	if s.policies == nil {
		s.policies = &PolicyCache{}
	}
	rep := Report{Environment: in.Environment, Standards: standards}
	for i := range catalogue {
		c := &catalogue[i]
		rep.Results = append(rep.Results, judge(s, c, standards, in))
	}
	return rep
}

func judge(s *scope, c *Control, standards []Standard, in Input) Result {
	res := Result{Control: c}
	if !slices.ContainsFunc(c.Refs.Standards(), func(st Standard) bool { return slices.Contains(standards, st) }) {
		res.Status, res.Detail = Skip, "not required by "+joinStandards(standards)
		return res
	}
	evidence, skip := c.check(s)
	res.Evidence = evidence
	var failed []string
	for _, e := range evidence {
		if !e.OK {
			failed = append(failed, e.Resource)
		}
	}
	switch {
	case len(failed) == 0 && len(evidence) == 0:
		res.Status, res.Detail = Skip, skip
		if skip == "" {
			res.Detail = "no rendered resource is subject to it"
		}
	case len(failed) == 0:
		res.Status = Pass
	case c.DevRelaxation != "" && in.Environment == "dev":
		res.Status, res.Detail = Warn, "dev relaxes it: "+c.DevRelaxation
	default:
		res.Status, res.Detail = Fail, "fails on "+strings.Join(slices.Compact(failed), ", ")
	}
	for _, ex := range in.Exceptions {
		if ex.Control != c.ID {
			continue
		}
		// An expired exception waives nothing: the failure stands and says
		// so; on a control that no longer fails it is only stale.
		switch {
		case !expired(ex, in.Today) && res.Status == Fail:
			res.Status, res.Detail = Waived, fmt.Sprintf("exception until %s: %s (%s)", ex.Expires.Format(time.DateOnly), ex.Reason, res.Detail)
		case expired(ex, in.Today) && res.Status == Fail:
			res.Detail = fmt.Sprintf("its exception expired on %s; %s", ex.Expires.Format(time.DateOnly), res.Detail)
		case expired(ex, in.Today):
			res.Detail = strings.TrimPrefix(res.Detail+"; ", "; ") + fmt.Sprintf("its exception expired on %s and can go", ex.Expires.Format(time.DateOnly))
		}
	}
	return res
}

// expired is whether the exception's last day is before today.
func expired(ex Exception, today time.Time) bool {
	y, m, d := today.UTC().Date()
	return ex.Expires.UTC().Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

func joinStandards(ss []Standard) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// Controls is the catalogue, in report order.
func Controls() []*Control {
	out := make([]*Control, len(catalogue))
	for i := range catalogue {
		out[i] = &catalogue[i]
	}
	return out
}

// IDs are the control ids, in catalogue order.
func IDs() []string {
	out := make([]string, len(catalogue))
	for i, c := range catalogue {
		out[i] = c.ID
	}
	return out
}

// Counts of results by status.
func (r Report) Counts() map[Status]int {
	out := map[Status]int{}
	for _, res := range r.Results {
		out[res.Status]++
	}
	return out
}

// With returns the ids of the controls with status st, in catalogue order.
func (r Report) With(st Status) []string {
	var out []string
	for _, res := range r.Results {
		if res.Status == st {
			out = append(out, res.Control.ID)
		}
	}
	return out
}

// Compliant is whether no control fails.
func (r Report) Compliant() bool { return len(r.With(Fail)) == 0 }
