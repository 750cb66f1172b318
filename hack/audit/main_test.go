package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	prodClaim  = "../../examples/claims/prod.yaml"
	devClaim   = "../../examples/claims/dev.yaml"
	prodRender = "../../functions/platform/testdata/golden/prod.yaml"
	devRender  = "../../functions/platform/testdata/golden/dev.yaml"
	day        = "2026-11-30"
)

// withKeyRotationOff is the prod render with rotation turned off by hand on
// the logs key: the one broken control the audit must name.
func withKeyRotationOff(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(prodRender)
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(data), "\n---\n")
	n := 0
	for i, d := range docs {
		if strings.Contains(d, "platform.paynext.io/resource: kms-key-logs\n") && strings.Contains(d, "\nkind: Key\n") {
			docs[i] = strings.Replace(d, "enableKeyRotation: true", "enableKeyRotation: false", 1)
			n++
		}
	}
	if n != 1 {
		t.Fatalf("expected one kms-key-logs Key in the prod render, found %d", n)
	}
	path := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(path, []byte(strings.Join(docs, "\n---\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExitCodes: 0 when nothing fails for the claim's standards, 1 when a
// control fails (naming it and the resource), 2 on bad input (saying what).
func TestExitCodes(t *testing.T) {
	notAClaim := write(t, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
	notYAML := write(t, "bad.yaml", "kind: [unclosed\n")
	nothing := write(t, "empty.yaml", "---\napiVersion: v1\nkind: ConfigMap\n")
	cases := []struct {
		name                        string
		xr, rendered, format, today string
		code                        int
		output, errWant             string
	}{
		{name: "the prod example: nothing fails", xr: prodClaim, rendered: prodRender, format: "table", code: 0, output: "0 fail, 0 warn, 1 waived, 41 pass"},
		{name: "rotation off on one key", xr: prodClaim, rendered: withKeyRotationOff(t), format: "table", code: 1, output: "kms-key-logs spec.forProvider.enableKeyRotation = false"},
		{name: "the same as JSON", xr: prodClaim, rendered: withKeyRotationOff(t), format: "json", code: 1, output: `"compliant": false`},
		{name: "the ClusterReport the function composes", xr: prodClaim, rendered: prodRender, format: "openreports", code: 0, output: "name: paynext.payments.paynext-prod"},
		{name: "dev relaxations warn, not fail", xr: devClaim, rendered: devRender, format: "table", code: 0, output: "WARN  log-groups-kms-retention"},
		{name: "no such claim", xr: "missing.yaml", rendered: prodRender, format: "table", code: 2, errWant: "cannot read the claim or XR"},
		{name: "not a claim", xr: notAClaim, rendered: prodRender, format: "table", code: 2, errWant: `a "ConfigMap", not a PayNextPlatform claim`},
		{name: "a render that is not YAML", xr: prodClaim, rendered: notYAML, format: "table", code: 2, errWant: "not YAML"},
		{name: "a render with no composed resource", xr: prodClaim, rendered: nothing, format: "table", code: 2, errWant: "no composed resource"},
		{name: "an unknown format", xr: prodClaim, rendered: prodRender, format: "xml", code: 2, errWant: `unknown format "xml"`},
		{name: "a bad date", xr: prodClaim, rendered: prodRender, format: "table", today: "30/11/2026", code: 2, errWant: "not a date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "report")
			today := c.today
			if today == "" {
				today = day
			}
			code, err := run(c.xr, c.rendered, c.format, out, today, "v0.1.0")
			if code != c.code {
				t.Fatalf("expected exit %d, got %d (%v)", c.code, code, err)
			}
			if c.errWant != "" && (err == nil || !strings.Contains(err.Error(), c.errWant)) {
				t.Errorf("expected an error saying %q, got %v", c.errWant, err)
			}
			if c.output == "" {
				return
			}
			got, _ := os.ReadFile(out)
			if !strings.Contains(string(got), c.output) {
				t.Errorf("expected the report to contain %q, got:\n%s", c.output, got)
			}
			if c.code == 1 && c.format == "table" && !strings.Contains(string(got), "FAIL  kms-rotation") {
				t.Errorf("expected the table to list kms-rotation as FAIL, got:\n%s", got)
			}
		})
	}
}

// TestSARIFIsValid: the SARIF of a failing prod render (error results) and
// of dev (warnings and a waived note) passes Microsoft's SARIF Multitool
// validation (the SARIF 2.1.0 schema and its rules) with no error or warning.
// make unit installs the validator (hack/install-sarif-multitool.sh).
func TestSARIFIsValid(t *testing.T) {
	tool := os.Getenv("SARIF_MULTITOOL")
	if tool == "" {
		t.Skip("SARIF_MULTITOOL is unset: make unit installs the validator and sets it")
	}
	for _, c := range []struct{ xr, rendered string }{{prodClaim, withKeyRotationOff(t)}, {devClaim, devRender}} {
		sarif := filepath.Join(t.TempDir(), "audit.sarif")
		if code, err := run(c.xr, c.rendered, "sarif", sarif, day, "v0.1.0"); code > 1 {
			t.Fatalf("audit failed: %v", err)
		}
		var log struct {
			Runs []struct {
				Results []struct{ Level string } `json:"results"`
			} `json:"runs"`
		}
		data, _ := os.ReadFile(sarif)
		if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
			t.Fatalf("expected one run with results, got %v (%v)", log, err)
		}
		result := filepath.Join(t.TempDir(), "validation.sarif")
		cmd := exec.Command(tool, "validate", sarif, "--output", result)
		cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the SARIF Multitool could not validate %s: %v\n%s", c.rendered, err, out)
		}
		if s := string(out); strings.Contains(s, ": error ") || strings.Contains(s, ": warning ") {
			t.Errorf("the SARIF of %s is not clean:\n%s", c.rendered, s)
		}
	}
}
