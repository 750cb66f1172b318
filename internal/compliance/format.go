package compliance

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// pciRequirements are PCI DSS v4.0's twelve principal requirements.
var pciRequirements = map[string]string{
	"1":  "Install and maintain network security controls",
	"2":  "Apply secure configurations to all system components",
	"3":  "Protect stored account data",
	"4":  "Protect cardholder data with strong cryptography during transmission",
	"5":  "Protect all systems and networks from malicious software",
	"6":  "Develop and maintain secure systems and software",
	"7":  "Restrict access to system components and cardholder data by business need to know",
	"8":  "Identify users and authenticate access to system components",
	"9":  "Restrict physical access to cardholder data",
	"10": "Log and monitor all access to system components and cardholder data",
	"11": "Test security of systems and networks regularly",
	"12": "Support information security with organizational policies and programs",
}

// requirementOf is the principal PCI DSS requirement a control is listed
// under: that of its first PCI id, "" for controls other standards state.
func requirementOf(c *Control) string {
	if len(c.Refs.PCI) == 0 {
		return ""
	}
	n, _, _ := strings.Cut(c.Refs.PCI[0], ".")
	return n
}

// group is the controls listed under one PCI DSS requirement.
type group struct {
	Title   string
	Results []Result
}

// groups are the results by principal PCI DSS requirement: groups with a
// failure first, then by number; in each, failures first, then by status.
func groups(rep Report) []group {
	byReq := map[string][]Result{}
	var order []string
	for _, r := range rep.Results {
		req := requirementOf(r.Control)
		if _, ok := byReq[req]; !ok {
			order = append(order, req)
		}
		byReq[req] = append(byReq[req], r)
	}
	failing := func(req string) int {
		if slices.ContainsFunc(byReq[req], func(r Result) bool { return r.Status == Fail }) {
			return 0
		}
		return 1
	}
	num := func(req string) int {
		n, err := strconv.Atoi(req)
		if err != nil {
			return 99
		}
		return n
	}
	slices.SortStableFunc(order, func(a, b string) int {
		if d := failing(a) - failing(b); d != 0 {
			return d
		}
		return num(a) - num(b)
	})
	out := make([]group, 0, len(order))
	for _, req := range order {
		title := "Other standards (SOX, GDPR, HIPAA)"
		if req != "" {
			title = "PCI DSS " + req + ": " + pciRequirements[req]
		}
		rs := slices.Clone(byReq[req])
		slices.SortStableFunc(rs, func(a, b Result) int { return slices.Index(Statuses, a.Status) - slices.Index(Statuses, b.Status) })
		out = append(out, group{Title: title, Results: rs})
	}
	return out
}

// WriteTable prints the report grouped by PCI DSS requirement, failing
// groups and failing controls first, with the evidence of what fails.
func WriteTable(w io.Writer, rep Report) error {
	c := rep.Counts()
	fmt.Fprintf(w, "PayNext compliance audit: %s, held to %s\n", rep.Environment, joinStandards(rep.Standards))
	fmt.Fprintf(w, "%d controls: %d fail, %d warn, %d waived, %d pass, %d skip\n", len(rep.Results), c[Fail], c[Warn], c[Waived], c[Pass], c[Skip])
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, g := range groups(rep) {
		fmt.Fprintf(tw, "\n%s\n", g.Title)
		for _, r := range g.Results {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", strings.ToUpper(string(r.Status)), r.Control.ID, strings.Join(r.Control.Refs.PCI, ", "), r.Control.Title)
			if r.Status == Pass {
				continue
			}
			if r.Detail != "" {
				fmt.Fprintf(tw, "  \t\t\t%s\n", r.Detail)
			}
			for _, e := range r.Evidence {
				if !e.OK {
					fmt.Fprintf(tw, "  \t\t\t%s %s = %s%s\n", e.Resource, e.Field, e.Value, suffix(e.Why))
				}
			}
		}
	}
	return tw.Flush()
}

func suffix(why string) string {
	if why == "" {
		return ""
	}
	return " (" + why + ")"
}

// jsonReport is the stable, machine-readable form of a report.
type jsonReport struct {
	Environment string         `json:"environment"`
	Standards   []Standard     `json:"standards"`
	Compliant   bool           `json:"compliant"`
	Counts      map[Status]int `json:"counts"`
	Controls    []jsonControl  `json:"controls"`
}

type jsonControl struct {
	ID            string     `json:"id"`
	Title         string     `json:"title"`
	Severity      Severity   `json:"severity"`
	Status        Status     `json:"status"`
	Detail        string     `json:"detail,omitempty"`
	Refs          Refs       `json:"refs"`
	DevRelaxation string     `json:"devRelaxation,omitempty"`
	URL           string     `json:"url,omitempty"`
	Evidence      []Evidence `json:"evidence"`
}

// WriteJSON writes the report as JSON with stable field names.
func WriteJSON(w io.Writer, rep Report) error {
	out := jsonReport{Environment: rep.Environment, Standards: rep.Standards, Compliant: rep.Compliant(), Counts: map[Status]int{}}
	for _, s := range Statuses {
		out.Counts[s] = rep.Counts()[s]
	}
	for _, r := range rep.Results {
		ev := r.Evidence
		if ev == nil {
			ev = []Evidence{}
		}
		out.Controls = append(out.Controls, jsonControl{ID: r.Control.ID, Title: r.Control.Title, Severity: r.Control.Severity, Status: r.Status,
			Detail: r.Detail, Refs: r.Control.Refs, DevRelaxation: r.Control.DevRelaxation, URL: r.Control.URL, Evidence: ev})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
