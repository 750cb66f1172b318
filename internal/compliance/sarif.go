package compliance

import (
	"encoding/json"
	"io"
	"strings"
)

// SARIF 2.1.0, the subset a code-scanning UI shows: one rule per control,
// one result per failing (error), warning (warning) or waived (note,
// suppressed with the exception's reason) control, located at the claim
// that renders it and, logically, at the resource and field.
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	ShortDescription sarifText      `json:"shortDescription"`
	HelpURI          string         `json:"helpUri,omitempty"`
	Properties       map[string]any `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation struct {
		URI string `json:"uri"`
	} `json:"artifactLocation"`
	Region struct {
		StartLine int `json:"startLine"`
	} `json:"region"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

// securitySeverity is the CVSS-like score code-scanning UIs rank by.
var securitySeverity = map[Severity]string{Critical: "9.0", High: "7.0", Medium: "5.0", Low: "3.0"}

// WriteSARIF writes the report as SARIF 2.1.0; artifact is the claim (or
// XR) file the results point at, relative to the repository root, and
// version the platform version that judged it.
func WriteSARIF(w io.Writer, rep Report, artifact, version string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "paynext-audit", Version: strings.TrimPrefix(version, "v"), InformationURI: "https://github.com/paynext/platform#compliance-evidence"}}, Results: []sarifResult{}}
	for i, r := range rep.Results {
		c := r.Control
		tags := []string{"security", "compliance"}
		for _, id := range c.Refs.PCI {
			tags = append(tags, "PCI-DSS-"+id)
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: c.ID, ShortDescription: sarifText{c.Title}, HelpURI: c.URL,
			Properties: map[string]any{"tags": tags, "security-severity": securitySeverity[c.Severity], "pciDss": c.Refs.PCI, "checkov": c.Refs.Checkov, "awsConfigRule": c.Refs.ConfigRule}})
		level := map[Status]string{Fail: "error", Warn: "warning", Waived: "note"}[r.Status]
		if level == "" {
			continue
		}
		res := sarifResult{RuleID: c.ID, RuleIndex: i, Level: level, Message: sarifText{c.Title + ": " + r.Detail}}
		loc := sarifLocation{}
		loc.PhysicalLocation.ArtifactLocation.URI = artifact
		loc.PhysicalLocation.Region.StartLine = 1
		for _, e := range r.Evidence {
			if !e.OK {
				loc.LogicalLocations = append(loc.LogicalLocations, sarifLogical{Name: e.Resource, FullyQualifiedName: e.Resource + "/" + e.Field + "=" + e.Value, Kind: "resource"})
			}
		}
		res.Locations = []sarifLocation{loc}
		if r.Status == Waived {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: strings.TrimSpace(r.Detail)}}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}
