package plan

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files plan.txt, plan.json and plan.md of each fixture")

type format struct {
	file  string
	write func(*Plan, *bytes.Buffer) error
}

var formats = []format{
	{"plan.txt", func(p *Plan, b *bytes.Buffer) error { return p.WriteText(b, false) }},
	{"plan.json", func(p *Plan, b *bytes.Buffer) error { return p.WriteJSON(b) }},
	{"plan.md", func(p *Plan, b *bytes.Buffer) error { return p.WriteMarkdown(b) }},
}

func TestGolden(t *testing.T) {
	for _, sc := range scenarios {
		p := planOf(t, sc.dir)
		for _, f := range formats {
			var b bytes.Buffer
			if err := f.write(p, &b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(testdata, sc.dir, f.file)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path) //nolint:gosec // our golden file
			if err != nil {
				t.Fatalf("%v (go test ./hack/plan/... -update writes it)", err)
			}
			if d := cmp.Diff(string(want), b.String()); d != "" {
				t.Errorf("%s/%s (-want +got; -update rewrites it after an intended change):\n%s", sc.dir, f.file, d)
			}
		}
	}
}

// Every format ends with, or carries, the summary line and the exit code's
// meaning.
func TestEveryFormatCarriesTheSummary(t *testing.T) {
	for _, sc := range scenarios {
		p := planOf(t, sc.dir)
		sum := p.Summary().String()
		var text, md, js bytes.Buffer
		if err := p.WriteText(&text, false); err != nil {
			t.Fatal(err)
		}
		if err := p.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		if err := p.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(text.String()), "\n")
		if len(lines) < 2 || lines[len(lines)-2] != sum || lines[len(lines)-1] != p.Verdict() {
			t.Errorf("%s: the text does not end with %q and the verdict:\n%s", sc.dir, sum, text.String())
		}
		if !strings.Contains(md.String(), "**"+sum+"**") {
			t.Errorf("%s: the markdown does not carry %q in bold", sc.dir, sum)
		}
		var got struct {
			Summary  Summary
			ExitCode int
			Verdict  string
		}
		if err := json.Unmarshal(js.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(struct {
			Summary  Summary
			ExitCode int
			Verdict  string
		}{p.Summary(), sc.exit, p.Verdict()}, got); d != "" {
			t.Errorf("%s: JSON (-want +got):\n%s", sc.dir, d)
		}
	}
}

func TestTheSummaryLineReadsLikeTerraforms(t *testing.T) {
	s := Summary{Create: 3, Update: 1, Delete: 2, Kept: 1}
	want := "Plan: 3 to create, 1 to update in place, 0 refused, 0 to replace, 2 to delete, 1 kept in AWS."
	if got := s.String(); got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// Colour only on request (a terminal), and then around the flag.
func TestColourOnlyWhenAsked(t *testing.T) {
	p := planOf(t, "delete-stateful")
	var plain, colour bytes.Buffer
	if err := p.WriteText(&plain, false); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteText(&colour, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain text carries ANSI escapes")
	}
	if !strings.Contains(colour.String(), bold+red+"STATEFUL: 1 stateful resource") {
		t.Errorf("the stateful flag is not bold red:\n%q", colour.String())
	}
}

// The markdown flags stateful resources in a caution block and folds the
// updates and creates.
func TestMarkdownFlagsAndFolds(t *testing.T) {
	var b bytes.Buffer
	if err := planOf(t, "delete-stateful").WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, s := range []string{"> [!CAUTION]\n> **1 stateful resource would be deleted, replaced or refused:**\n> - delete `subnet-private-us-west-2c` Subnet", "<details><summary>2 resources</summary>"} {
		if !strings.Contains(md, s) {
			t.Errorf("the markdown lacks %q:\n%s", s, md)
		}
	}
}

// A plan too long for a pull-request comment drops the updates' fields
// first, and is cut at the limit last.
func TestMarkdownFitsAComment(t *testing.T) {
	r := resourceOf(t, planOf(t, "update"), "flow-log-group")
	p := &Plan{Title: "Plan: many updates"}
	for i := range 3000 {
		r.Key = "log-group-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
		r.Fields = []Field{{Path: "spec.forProvider.retentionInDays", Old: float64(i), New: float64(i + 1)}}
		p.Resources = append(p.Resources, r)
	}
	var b bytes.Buffer
	if err := p.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if b.Len() > MarkdownLimit+200 {
		t.Errorf("%d characters, over the limit %d", b.Len(), MarkdownLimit)
	}
	if !strings.Contains(b.String(), "make plan FORMAT=json") {
		t.Error("a shortened comment does not say where the whole plan is")
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		plan *Plan
		want int
	}{
		{"no change", planOf(t, "noop"), ExitNoChange},
		{"changes", planOf(t, "update"), ExitChanges},
		{"a refused update of a stateless resource", planOf(t, "refused"), ExitChanges},
		{"a stateful delete", planOf(t, "delete-stateful"), ExitStateful},
		{"a stateful replacement", planOf(t, "replaced"), ExitStateful},
		// The messages of real runs (README "Previewing a change").
		{"the API server refuses", &Plan{Rejected: []string{"spec.nameSuffix: Forbidden: spec.nameSuffix cannot be added, changed or removed: every AWS name of the platform carries it, so each stateful resource would be replaced"}}, ExitError},
		{"the function refuses", &Plan{FunctionRefusal: `invalid XPayNextPlatform "paynext-dev": spec.network.vpcCidr: Invalid value: "10.0.0.1/16": must be a network address: did you mean 10.0.0.0/16?`}, ExitError},
	} {
		if got := tc.plan.ExitCode(); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}
