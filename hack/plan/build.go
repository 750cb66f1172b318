package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/xrdcheck"
	"github.com/paynext/platform/hack/plan/internal/plan"
)

// build renders both sides and classifies every composed resource.
func build(o options, log io.Writer) (*plan.Plan, error) {
	root := repoRoot()
	work, err := os.MkdirTemp("", "plan-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work) //nolint:errcheck // best effort
	ctx := o.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	r := &renderer{ctx: ctx, root: root, bin: bin(), log: log, work: work}
	afterIn, beforeIn := abs(o.xr), abs(o.xr)
	if o.base != "" {
		beforeIn = abs(o.base)
		rejected, err := validateEdit(filepath.Join(root, "apis/platform/definition.yaml"), afterIn, beforeIn)
		if err != nil {
			return nil, err
		}
		if len(rejected) > 0 {
			return &plan.Plan{Title: o.title(""), Rejected: rejected}, nil
		}
	}
	fn, commit := "", ""
	if o.from != "" {
		fmt.Fprintf(log, "plan: building the function at %s in a temporary worktree\n", o.from)
		if fn, commit, err = r.buildAt(o.from, work); err != nil {
			return nil, err
		}
	}
	p := &plan.Plan{Title: o.title(commit)}

	fmt.Fprintf(log, "plan: before: rendering %s to convergence with %s\n", pick(o.base, o.xr), pick(fn, "the working tree's function"))
	before, raw, err := r.converged(beforeIn, fn)
	if err != nil {
		return nil, err
	}
	region, account, err := where(beforeIn)
	if err != nil {
		return nil, err
	}
	observed, err := r.observe(raw, region, account)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "plan: before: %d composed resources, observed by the fake provider (the live platform)\n", len(before.Composed))

	fmt.Fprintf(log, "plan: after: rendering %s to convergence from that platform with the working tree's function\n", o.xr)
	after, last, warnings, refusal, err := r.after(afterIn, before.XR, observed.Composed)
	if err != nil {
		return nil, err
	}
	if refusal != "" {
		p.FunctionRefusal = refusal
		return p, nil
	}
	sides := plan.Sides{Before: before.Composed, Observed: observed.Composed, After: after.Composed, Last: last}
	if o.dump != "" {
		if err := plan.WriteSides(o.dump, sides); err != nil {
			return nil, err
		}
	}
	p.Resources, p.Unchanged = plan.Classify(sides)
	p.Warnings = warnings
	return p, nil
}

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// after renders input from the live platform (the before side's XR status
// and observed resources) until the number of composed resources holds.
// Each pass sees what the previous one desired as it would exist: a
// resource the platform had keeps its observed state (IDs, ARNs) under the
// spec Crossplane applied; a new one is observed by the fake provider. It
// also returns each resource's last desired state over the passes, and the
// function's warnings of every pass.
func (r *renderer) after(input string, beforeXR plan.Object, live map[string]plan.Object) (*plan.Render, map[string]plan.Object, []string, string, error) {
	xr, err := r.xr(input)
	if err != nil {
		return nil, nil, nil, "", err
	}
	region, account, err := where(input)
	if err != nil {
		return nil, nil, nil, "", err
	}
	v, err := xrdcheck.Load(filepath.Join(r.root, "apis/platform/definition.yaml"))
	if err != nil {
		return nil, nil, nil, "", err
	}
	status := functionStatus(beforeXR)
	observed, prev, last := live, -1, map[string]plan.Object{}
	var warnings []string
	for pass := 1; pass <= 9; pass++ {
		if status != nil {
			xr["status"] = status
			pruneStatus(v, xr)
		}
		rendered, raw, passWarnings, refusal, err := r.once(xr, observed, pass)
		if err != nil || refusal != "" {
			return nil, nil, nil, refusal, err
		}
		// Every pass's: the first sees the edit against AWS's state (a
		// replace-only change), later ones what the provider made of it.
		for _, w := range passWarnings {
			if !slices.Contains(warnings, w) {
				warnings = append(warnings, w)
			}
		}
		maps.Copy(last, rendered.Composed)
		fmt.Fprintf(r.log, "  after, render %d: %d composed resources\n", pass, len(rendered.Composed))
		if len(rendered.Composed) == prev {
			return rendered, last, warnings, "", nil
		}
		prev, status = len(rendered.Composed), functionStatus(rendered.XR)
		fresh, err := r.observe(raw, region, account)
		if err != nil {
			return nil, nil, nil, "", err
		}
		observed = map[string]plan.Object{}
		for k, desired := range rendered.Composed {
			if o, ok := live[k]; ok {
				observed[k] = applied(o, desired)
			} else {
				observed[k] = fresh.Composed[k]
			}
		}
	}
	return nil, nil, nil, "", fmt.Errorf("%s still grew after 9 renders", input)
}

// functionStatus is the status the function wrote into an XR: without the
// conditions Crossplane keeps there (the XRD, which claimtoxr checks an XR
// against, declares only the function's fields; Crossplane adds the rest).
func functionStatus(xr plan.Object) any {
	status, ok := xr["status"].(map[string]any)
	if !ok {
		return nil
	}
	status = maps.Clone(status)
	delete(status, "conditions")
	return status
}

// pruneStatus drops the status fields the XRD does not declare, as the API
// server prunes them: a function upgrade's new XRD may drop a field the old
// function wrote (HEAD~5 wrote status.renderedSpec).
func pruneStatus(v *xrdcheck.Validator, xr plan.Object) {
	for _, e := range v.Validate(xr) {
		if e.Type != field.ErrorTypeForbidden || !strings.HasPrefix(e.Field, "status.") || !strings.Contains(e.Detail, "unknown field") {
			continue
		}
		parts := strings.Split(e.Field, ".")
		m := xr
		for _, p := range parts[:len(parts)-1] {
			if m, _ = m[p].(map[string]any); m == nil {
				break
			}
		}
		if m != nil {
			delete(m, parts[len(parts)-1])
		}
	}
}

// applied is an existing resource's observed state once Crossplane applied
// desired to it: desired's spec, labels and annotations, and what the
// provider reported (its external name, status.atProvider).
func applied(observed, desired plan.Object) plan.Object {
	out := maps.Clone(observed)
	out["spec"] = desired["spec"]
	meta, _ := observed["metadata"].(map[string]any)
	meta = maps.Clone(meta)
	dmeta, _ := desired["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	ann = maps.Clone(ann)
	if ann == nil {
		ann = map[string]any{}
	}
	if da, ok := dmeta["annotations"].(map[string]any); ok {
		maps.Copy(ann, da)
	}
	meta["annotations"], meta["labels"] = ann, dmeta["labels"]
	out["metadata"] = meta
	return out
}

// where is the region and account (empty when the claim names none) a claim
// or XR names.
func where(path string) (string, string, error) {
	b, err := os.ReadFile(path) //nolint:gosec // a file we are given
	if err != nil {
		return "", "", err
	}
	var obj struct {
		Spec struct {
			Region    string `json:"region"`
			AccountID string `json:"accountId"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &obj); err != nil {
		return "", "", fmt.Errorf("%s: %w", path, err)
	}
	return obj.Spec.Region, obj.Spec.AccountID, nil
}

// validateEdit is the API server's judgement of an edit from old to new:
// the XRD's schema and CEL rules, transition rules (oldSelf) included.
func validateEdit(xrd, newPath, oldPath string) ([]string, error) {
	v, err := xrdcheck.Load(xrd)
	if err != nil {
		return nil, err
	}
	objs := make([]map[string]any, 2)
	for i, p := range []string{newPath, oldPath} {
		b, err := os.ReadFile(p) //nolint:gosec // a file we are given
		if err != nil {
			return nil, err
		}
		if err := yaml.Unmarshal(b, &objs[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	var out []string
	for _, e := range v.ValidateUpdate(objs[0], objs[1]) {
		out = append(out, e.Error())
	}
	return out, nil
}
