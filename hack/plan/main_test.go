package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/paynext/platform/apis/platform/xrdcheck"
	"github.com/paynext/platform/hack/plan/internal/plan"
)

const xrd = "../../apis/platform/definition.yaml"

func TestRunNeedsSomethingToCompareWith(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(options{xr: "../../examples/claims/dev.yaml", format: "text"}, &out, &errb)
	if code != plan.ExitError || !strings.Contains(errb.String(), "BASE=") || !strings.Contains(errb.String(), "FROM=") {
		t.Errorf("exit %d, stderr %q: want 1 naming BASE and FROM", code, errb.String())
	}
	code = run(options{xr: "../../examples/claims/dev.yaml", base: "../../examples/claims/dev.yaml", format: "yaml"}, &out, &errb)
	if code != plan.ExitError {
		t.Errorf("FORMAT=yaml: exit %d, want 1", code)
	}
}

// Replaying a fixture runs the whole path after the renders: the exit code
// and the format.
func TestRunReplaysAFixture(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(options{replay: "testdata/delete-stateful", format: "json"}, &out, &errb)
	if code != plan.ExitStateful {
		t.Fatalf("exit %d, want 3; stderr:\n%s", code, errb.String())
	}
	var got struct {
		ExitCode int
		Summary  plan.Summary
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(plan.Summary{Update: 2, Delete: 2}, got.Summary); d != "" || got.ExitCode != 3 {
		t.Errorf("exit code %d, summary (-want +got):\n%s", got.ExitCode, d)
	}
	if !strings.HasPrefix(errb.String(), "plan: Plan: 0 to create") {
		t.Errorf("the last line on stderr does not say what the plan found: %q", errb.String())
	}
}

// The API server's judgement of a claim edit, transition rules included.
func TestValidateEditRunsTheXRDsTransitionRules(t *testing.T) {
	dir := t.TempDir()
	dev, err := os.ReadFile("../../examples/claims/dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	suffixed := filepath.Join(dir, "suffixed.yaml")
	if err := os.WriteFile(suffixed, bytes.Replace(dev, []byte("  environment: dev\n"), []byte("  environment: dev\n  nameSuffix: two\n"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := validateEdit(xrd, suffixed, "../../examples/claims/dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !strings.Contains(got[0], "spec.nameSuffix cannot be added, changed or removed") {
		t.Errorf("adding a name suffix: %q, want the XRD's nameSuffix rule", got)
	}
	got, err = validateEdit(xrd, "testdata/claims/dev-retention.yaml", "../../examples/claims/dev.yaml")
	if err != nil || len(got) != 0 {
		t.Errorf("a retention edit is refused: %q, %v", got, err)
	}
}

// A Fatal result in a real render's stderr is the function's refusal.
func TestFatalReadsTheFunctionsRefusal(t *testing.T) {
	stderr, err := os.ReadFile("testdata/render-fatal.stderr")
	if err != nil {
		t.Fatal(err)
	}
	want := `invalid XPayNextPlatform "paynext-dev": spec.network.vpcCidr: Invalid value: "10.0.0.1/16": must be a network address: did you mean 10.0.0.0/16?`
	if got := fatal(stderr); got != want {
		t.Errorf("fatal = %q, want %q", got, want)
	}
	if got := fatal([]byte("render: rendering x\nrender: rendered 3 objects from x\n")); got != "" {
		t.Errorf("a render without a Fatal result: %q", got)
	}
}

// The after side's XR carries the before side's status as the API server
// keeps it: a field the XRD no longer declares (the function at HEAD~5
// wrote status.renderedSpec) is pruned, the rest kept.
func TestPruneStatusDropsWhatTheXRDDoesNotDeclare(t *testing.T) {
	v, err := xrdcheck.Load(xrd)
	if err != nil {
		t.Fatal(err)
	}
	xr := plan.Object{
		"apiVersion": "platform.paynext.io/v1alpha1", "kind": "XPayNextPlatform",
		"metadata": map[string]any{"name": "paynext-dev"},
		"spec": map[string]any{
			"environment": "dev", "region": "us-west-2", "drRegion": "us-east-1",
			"network":  map[string]any{"vpcCidr": "10.0.0.0/16", "availabilityZones": []any{"us-west-2a"}},
			"contacts": map[string]any{"securityEmail": "a@b.io", "complianceEmail": "a@b.io"},
		},
		"status": map[string]any{"accountId": "111122223333", "renderedSpec": "3f2a"},
	}
	pruneStatus(v, xr)
	if d := cmp.Diff(map[string]any{"accountId": "111122223333"}, xr["status"]); d != "" {
		t.Errorf("status (-want +got):\n%s", d)
	}
}

// An existing resource, once Crossplane applied the new desired state,
// has the new spec and labels and keeps what the provider reported.
func TestAppliedKeepsWhatTheProviderReported(t *testing.T) {
	observed := plan.Object{
		"metadata": map[string]any{"annotations": map[string]any{"crossplane.io/external-name": "vpc-38fa"}, "labels": map[string]any{"a": "1"}},
		"spec":     map[string]any{"forProvider": map[string]any{"cidrBlock": "10.0.0.0/16"}},
		"status":   map[string]any{"atProvider": map[string]any{"id": "vpc-38fa"}},
	}
	desired := plan.Object{
		"metadata": map[string]any{"annotations": map[string]any{"crossplane.io/composition-resource-name": "vpc"}, "labels": map[string]any{"a": "2"}},
		"spec":     map[string]any{"forProvider": map[string]any{"cidrBlock": "10.1.0.0/16"}},
	}
	want := plan.Object{
		"metadata": map[string]any{
			"annotations": map[string]any{"crossplane.io/external-name": "vpc-38fa", "crossplane.io/composition-resource-name": "vpc"},
			"labels":      map[string]any{"a": "2"},
		},
		"spec":   map[string]any{"forProvider": map[string]any{"cidrBlock": "10.1.0.0/16"}},
		"status": map[string]any{"atProvider": map[string]any{"id": "vpc-38fa"}},
	}
	if d := cmp.Diff(want, applied(observed, desired)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if observed["spec"].(map[string]any)["forProvider"].(map[string]any)["cidrBlock"] != "10.0.0.0/16" {
		t.Error("applied changed the observed object it was given")
	}
}
