package plan

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fixtures are trimmed from real renders of examples/claims/dev.yaml
// and edits of it (hack/plan/testdata/README.md says how).
const testdata = "../../testdata"

// scenario is what a fixture's plan must say, in words.
type scenario struct {
	dir     string
	classes map[string]Class
	// flagged are the stateful resources deleted, replaced or refused.
	flagged   []string
	unchanged int
	exit      int
}

var scenarios = []scenario{
	{
		dir: "noop", unchanged: 3, exit: ExitNoChange,
	},
	{
		dir:       "update",
		classes:   map[string]Class{"flow-log-group": Update, "s3-bucket-logs-lifecycle": Update},
		unchanged: 1, exit: ExitChanges,
	},
	{
		dir:       "refused",
		classes:   map[string]Class{"eks-node-group-workload": Refused},
		unchanged: 1, exit: ExitChanges,
	},
	{
		dir: "kept",
		classes: map[string]Class{
			"guardduty-detector": Kept, "config-rule-restricted-ssh": Kept,
			"backup-region-settings": Delete, "usage-iam-role-config-recorder-by-config-recorder": Delete,
		},
		exit: ExitChanges,
	},
	{
		dir:     "create",
		classes: map[string]Class{"subnet-private-us-west-2d": Create, "route-table-private-us-west-2d": Create, "network-acl-private": Update},
		exit:    ExitChanges,
	},
	{
		dir: "delete-stateful",
		classes: map[string]Class{
			"subnet-private-us-west-2c": Delete, "route-table-private-us-west-2c": Delete,
			"network-acl-private": Update, "alb": Update, // an application LB: the NLB-only replacement does not fire
		},
		flagged: []string{"subnet-private-us-west-2c"},
		exit:    ExitStateful,
	},
	{
		dir:     "replaced",
		classes: map[string]Class{"eks-cluster": Replace, "eks-log-group": Replace, "eks-node-group-system": Update},
		flagged: []string{"eks-cluster", "eks-log-group"},
		exit:    ExitStateful,
	},
}

func planOf(t *testing.T, dir string) *Plan {
	t.Helper()
	s, err := ReadSides(filepath.Join(testdata, dir))
	if err != nil {
		t.Fatal(err)
	}
	p := &Plan{Title: "Plan: testdata/" + dir}
	p.Resources, p.Unchanged = Classify(s)
	return p
}

func TestEachClassFromRealRenders(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.dir, func(t *testing.T) {
			p := planOf(t, sc.dir)
			got := map[string]Class{}
			var flagged []string
			for _, r := range p.Resources {
				got[r.Key] = r.Class
				if r.Flagged {
					flagged = append(flagged, r.Key)
				}
			}
			want := sc.classes
			if want == nil {
				want = map[string]Class{}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("classes (-want +got):\n%s", d)
			}
			if d := cmp.Diff(sc.flagged, flagged); d != "" {
				t.Errorf("stateful resources flagged (-want +got):\n%s", d)
			}
			if p.Unchanged != sc.unchanged {
				t.Errorf("%d unchanged, want %d", p.Unchanged, sc.unchanged)
			}
			if p.ExitCode() != sc.exit {
				t.Errorf("exit code %d, want %d", p.ExitCode(), sc.exit)
			}
		})
	}
}

func resourceOf(t *testing.T, p *Plan, key string) Resource {
	t.Helper()
	for _, r := range p.Resources {
		if r.Key == key {
			return r
		}
	}
	t.Fatalf("%s is not in the plan", key)
	return Resource{}
}

// An update lists the spec fields that change and leaves out the spec
// digest annotation, which changes with every claim edit.
func TestAnUpdateDiffsTheSpecNotTheDigest(t *testing.T) {
	s, err := ReadSides(filepath.Join(testdata, "update"))
	if err != nil {
		t.Fatal(err)
	}
	if annotation(s.Before["flow-log-group"], DigestAnnotation) == annotation(s.After["flow-log-group"], DigestAnnotation) {
		t.Fatal("the fixture should change the digest annotation, as a real edit does")
	}
	r := resourceOf(t, planOf(t, "update"), "flow-log-group")
	want := []Field{{Path: "spec.forProvider.retentionInDays", Old: float64(30), New: float64(90)}}
	if d := cmp.Diff(want, r.Fields); d != "" {
		t.Errorf("fields (-want +got):\n%s", d)
	}
	if !r.Stateful || r.Flagged {
		t.Errorf("a log group updated in place is stateful (%v) and not flagged (%v)", r.Stateful, r.Flagged)
	}
}

// A refused update names the replace-only field, its values, and what the
// operator must do.
func TestARefusedUpdateNamesTheFieldAndTheWayOut(t *testing.T) {
	r := resourceOf(t, planOf(t, "refused"), "eks-node-group-workload")
	want := []ReplaceOnly{{Path: "spec.forProvider.instanceTypes", Old: []any{"t3.medium"}, New: []any{"t3.large"}}}
	if d := cmp.Diff(want, r.ReplaceOnly); d != "" {
		t.Errorf("replace-only fields (-want +got):\n%s", d)
	}
	for _, s := range []string{"Synced=False", "Ready stays True"} {
		if !strings.Contains(r.Why, s) {
			t.Errorf("why %q does not say %q", r.Why, s)
		}
	}
	for _, s := range []string{"revert", "delete its managed resource"} {
		if !strings.Contains(r.Action, s) {
			t.Errorf("action %q does not say %q", r.Action, s)
		}
	}
}

// A resource the function orphans on the way out (the account services
// handed over to another platform) is kept, although the before side
// would delete it; the before side alone cannot tell.
func TestKeptIsJudgedOnTheLastDesiredState(t *testing.T) {
	s, err := ReadSides(filepath.Join(testdata, "kept"))
	if err != nil {
		t.Fatal(err)
	}
	if orphaned(s.Before["guardduty-detector"]) || !orphaned(s.Last["guardduty-detector"]) {
		t.Fatal("the fixture should orphan the detector only on the after side")
	}
	if got := resourceOf(t, planOf(t, "kept"), "guardduty-detector").Class; got != Kept {
		t.Errorf("the detector is %s, want kept", got)
	}
	s.Last = nil
	rs, _ := Classify(s)
	for _, r := range rs {
		if r.Key == "guardduty-detector" && r.Class != Delete {
			t.Errorf("judged on the before side alone the detector is %s, want delete", r.Class)
		}
	}
}

// A new AWS name under the same key is a replacement, loudly for a stateful
// resource.
func TestANewExternalNameIsAReplacement(t *testing.T) {
	r := resourceOf(t, planOf(t, "replaced"), "eks-cluster")
	if r.OldExternalName != "paynext-cluster-dev" || r.ExternalName != "payments-dev" {
		t.Errorf("names %q -> %q, want paynext-cluster-dev -> payments-dev", r.OldExternalName, r.ExternalName)
	}
	if !r.Flagged || !strings.Contains(r.Why, "unmanaged") {
		t.Errorf("flagged %v, why %q: want flagged, saying the old cluster is left unmanaged", r.Flagged, r.Why)
	}
}

// A deleted and a created resource of one kind naming one AWS resource are
// a replacement under another key; an orphaned old one is adopted.
func TestAKeyChangeIsAReplacementOrAnAdoption(t *testing.T) {
	s, err := ReadSides(filepath.Join(testdata, "update"))
	if err != nil {
		t.Fatal(err)
	}
	before := s.Before["flow-log-group"]
	after := deepCopy(s.After["flow-log-group"])
	after["metadata"].(map[string]any)["annotations"].(map[string]any)[KeyAnnotation] = "vpc-flow-log-group"
	sides := Sides{Before: map[string]Object{"flow-log-group": before}, After: map[string]Object{"vpc-flow-log-group": after}}

	rs, _ := Classify(sides)
	want := []Resource{{
		Class: Replace, Key: "vpc-flow-log-group", OldKey: "flow-log-group", APIVersion: "cloudwatchlogs.aws.upbound.io/v1beta1", Kind: "Group",
		ExternalName: "/aws/paynext/dev/vpc-flow-logs", Stateful: true, Flagged: true,
	}}
	if d := cmp.Diff(want, rs, cmp.FilterPath(func(p cmp.Path) bool {
		n := p.Last().String()
		return n == ".Why" || n == ".Action" || n == ".Fields"
	}, cmp.Ignore())); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}

	orphan := deepCopy(before)
	orphan["spec"].(map[string]any)["deletionPolicy"] = "Orphan"
	sides.Before["flow-log-group"] = orphan
	rs, _ = Classify(sides)
	if len(rs) != 1 || rs[0].Flagged || !strings.Contains(rs[0].Why, "adopts") {
		t.Errorf("an orphaned old resource is adopted, not flagged: %+v", rs)
	}
}

func TestManagementPoliciesWithoutDeleteOrphan(t *testing.T) {
	for _, tc := range []struct {
		spec map[string]any
		want bool
	}{
		{map[string]any{}, false},
		{map[string]any{"deletionPolicy": "Delete"}, false},
		{map[string]any{"deletionPolicy": "Orphan"}, true},
		{map[string]any{"managementPolicies": []any{"*"}}, false},
		{map[string]any{"managementPolicies": []any{"Observe", "Create", "Update", "Delete"}}, false},
		{map[string]any{"managementPolicies": []any{"Observe", "Create", "Update", "LateInitialize"}}, true},
		{map[string]any{"managementPolicies": []any{"Observe"}}, true},
	} {
		if got := orphaned(Object{"spec": tc.spec}); got != tc.want {
			t.Errorf("orphaned(%v) = %v, want %v", tc.spec, got, tc.want)
		}
	}
}

func deepCopy(o Object) Object {
	out := Object{}
	for k, v := range o {
		out[k] = copyValue(v)
	}
	return out
}

func copyValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return deepCopy(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}
