// Command audit judges a rendered platform with the compliance engine the
// function runs (internal/compliance) and prints the report. It judges the
// composed resources of a `crossplane render` stream for the platform the
// claim or XR names (its environment, standards and exceptions).
//
//	audit -xr claim.yaml -rendered render.yaml [-format table|json|sarif|html|openreports] [-out file] [-today YYYY-MM-DD]
//
// Exit status: 0 when no control fails for the platform's standards, 1 when
// one does, 2 on bad input.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/internal/compliance"
)

func main() {
	rendered := flag.String("rendered", "-", "the render to judge, a YAML stream (- for stdin)")
	format := flag.String("format", "table", "table, json, sarif, html or openreports (the ClusterReport the function composes)")
	out := flag.String("out", "", "write the report here instead of stdout")
	xr := flag.String("xr", "", "the claim or XR the render is of (SARIF results point at it)")
	version := flag.String("version", "0.0.0-dev", "the platform version (SARIF's tool version)")
	today := flag.String("today", "", "judge exceptions and calendars as of this date, YYYY-MM-DD (default today, UTC)")
	flag.Parse()
	code, err := run(*xr, *rendered, *format, *out, *today, *version)
	if err != nil {
		fmt.Fprintf(os.Stderr, "audit: %v\n", err)
	}
	os.Exit(code)
}

func run(xr, rendered, format, out, today, version string) (int, error) {
	day := time.Now().UTC()
	if today != "" {
		d, err := time.Parse(time.DateOnly, today)
		if err != nil {
			return 2, fmt.Errorf("-today %q is not a date (YYYY-MM-DD)", today)
		}
		day = d
	}
	claim, err := os.ReadFile(xr)
	if err != nil {
		return 2, fmt.Errorf("-xr: cannot read the claim or XR the render is of: %w", err)
	}
	spec, err := compliance.SpecOf(claim)
	if err != nil {
		return 2, fmt.Errorf("%s: %w", xr, err)
	}
	var data []byte
	if rendered == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(rendered)
	}
	if err != nil {
		return 2, fmt.Errorf("cannot read the render: %w", err)
	}
	rep, err := compliance.AuditStream(spec, data, day)
	if err != nil {
		return 2, err
	}
	var b bytes.Buffer
	switch format {
	case "table":
		err = compliance.WriteTable(&b, rep)
	case "json":
		err = compliance.WriteJSON(&b, rep)
	case "html":
		err = compliance.WriteHTML(&b, rep)
	case "openreports":
		judged, jerr := compliance.JudgedOf(claim)
		if jerr != nil {
			return 2, fmt.Errorf("%s: %w", xr, jerr)
		}
		var y []byte
		if y, err = yaml.Marshal(compliance.ClusterReport(rep, judged)); err == nil {
			b.Write(y)
		}
	case "sarif":
		err = compliance.WriteSARIF(&b, rep, xr, version)
	default:
		return 2, fmt.Errorf("unknown format %q: table, json, sarif, html or openreports", format)
	}
	if err != nil {
		return 2, err
	}
	if out == "" {
		_, err = os.Stdout.Write(b.Bytes())
	} else {
		err = os.WriteFile(out, b.Bytes(), 0o644)
		fmt.Fprintf(os.Stderr, "audit: wrote the %s report to %s\n", format, out)
	}
	if err != nil {
		return 2, err
	}
	if !rep.Compliant() {
		fmt.Fprintf(os.Stderr, "audit: failing controls: %s\n", strings.Join(rep.With(compliance.Fail), ", "))
		return 1, nil
	}
	return 0, nil
}
