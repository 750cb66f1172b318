package main

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/fakeaws"
)

// knownRuleViolations are the violations of AWS's documented rules that
// today's tier code renders, keyed "rule resource", each with the finding it
// is. Fixing the tier code makes a line stop occurring, and then the test
// fails until the line is removed: the list can only shrink.
var knownRuleViolations = map[string]string{}

// renderFiles are every example and held-out claim.
func renderFiles(t *testing.T) []string {
	t.Helper()
	claims, _ := filepath.Glob("testdata/claims/*.yaml")
	if len(claims) == 0 {
		t.Fatal("no held-out claims in testdata/claims")
	}
	return append([]string{exampleXR("dev"), exampleXR("staging"), exampleXR("prod")}, claims...)
}

// convergedRender is the desired composed resources of file at convergence.
func convergedRender(t *testing.T, f *Function, file string) *awsrules.Render {
	t.Helper()
	xr := asXR(t, readXR(t, file))
	var objs []*unstructured.Unstructured
	// With the status AWS reports: a rule that follows literal IDs (a subnet
	// list) finds the resources by the IDs in their status.
	region := spec(xr)["region"].(string)
	account, _ := spec(xr)["accountId"].(string)
	desired := desiredOf(t, run(t, f, converged(t, f, xr)))
	observed := fakeaws.Observe(desired, region, account)
	for name, dc := range desired {
		u := dc.Resource.Unstructured.DeepCopy()
		if status, ok := observed[name].Resource.Object["status"]; ok {
			u.Object["status"] = status
		}
		ann := u.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann[awsrules.AnnotationCompositionResource] = string(name)
		u.SetAnnotations(ann)
		objs = append(objs, u)
	}
	r := awsrules.NewRender(objs)
	if uid, _ := xr["metadata"].(map[string]any)["uid"].(string); uid != "" {
		r.InstanceIDs = []string{uid}
	}
	return r
}

// TestRenderKeepsAWSServiceRules renders every example and held-out claim to
// convergence and runs every rule of the catalogue: a violation not in
// knownRuleViolations fails, and so does a listed one that no longer occurs.
func TestRenderKeepsAWSServiceRules(t *testing.T) {
	start := time.Now()
	f := newTestFunction(t)
	rules := awsrules.All()
	if len(rules) == 0 {
		t.Fatal("the catalogue has no rules")
	}
	seen := map[string][]string{} // "rule resource" -> file: violation
	resources, judged := 0, map[string]int{}
	// The teardown rules (final snapshot, its key) judge only clusters the
	// claim's delete deletes: without one among the renders (dev's, and the
	// held-out staging claim with allowDeletion) they would pass for want of
	// a candidate.
	deletedClusters := map[string]int{}
	for _, file := range renderFiles(t) {
		r := convergedRender(t, f, file)
		if r.Len() == 0 {
			t.Fatalf("%s rendered nothing", file)
		}
		resources += r.Len()
		for _, c := range r.Of("rds.aws.upbound.io", "Cluster") {
			if p, _ := awsrules.Dig(c.Object, "spec", "deletionPolicy").(string); p == "" || p == "Delete" {
				env, _ := awsrules.Dig(c.Object, "spec", "forProvider", "tags", "Environment").(string)
				deletedClusters[env]++
			}
		}
		for _, rule := range rules {
			for _, k := range rule.Kinds {
				g, kind, _ := strings.Cut(k, "/")
				judged[rule.ID] += len(r.Of(g, kind))
			}
			for _, v := range rule.Check(r) {
				id := v.Rule + " " + v.Resource
				seen[id] = append(seen[id], filepath.Base(file)+": "+v.String())
			}
		}
	}
	for _, env := range []string{"dev", "staging"} {
		if deletedClusters[env] == 0 {
			t.Errorf("no render has a %s Aurora cluster deleted with its claim: the teardown rules judged none", env)
		}
	}
	for _, rule := range rules {
		if judged[rule.ID] == 0 {
			t.Errorf("rule %s found no resource of its kinds %v in any render: the rule or the render is broken", rule.ID, rule.Kinds)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(seen)) {
		if finding, ok := knownRuleViolations[id]; ok {
			t.Logf("known (%s):\n  %s", finding, strings.Join(seen[id], "\n  "))
			continue
		}
		t.Errorf("AWS would refuse or not honour this render:\n  %s", strings.Join(seen[id], "\n  "))
	}
	for _, id := range slices.Sorted(maps.Keys(knownRuleViolations)) {
		if seen[id] == nil {
			t.Errorf("%q is listed as a known violation (%s) but no longer occurs: remove it from knownRuleViolations", id, knownRuleViolations[id])
		}
	}
	t.Logf("%d renders, %d resources, %d rules, %d distinct violations, in %s",
		len(renderFiles(t)), resources, len(rules), len(seen), time.Since(start).Round(time.Millisecond))
}
