package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/paynext/platform/internal/forcenew"
	"github.com/paynext/platform/internal/stateful"
)

// Sides are the objects a plan compares, each by composition resource name.
type Sides struct {
	// Before is the desired state as the function last rendered it,
	// Observed the same resources as the provider reports them.
	Before, Observed map[string]Object
	// After is the desired state once the change converged.
	After map[string]Object
	// Last is each resource's last desired state during the after side's
	// convergence: the function may orphan a resource before it drops it.
	Last map[string]Object
}

// Classify compares the before side with the after side. It returns the
// resources the change touches, in listing order, and how many it leaves
// as they are.
func Classify(s Sides) ([]Resource, int) {
	before, observed, after := s.Before, s.Observed, s.After
	var out []Resource
	unchanged := 0
	var created, deleted []string
	for k, a := range after {
		b, ok := before[k]
		if !ok {
			created = append(created, k)
			continue
		}
		if r, changed := compare(k, b, observed[k], a); changed {
			out = append(out, r)
		} else {
			unchanged++
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			deleted = append(deleted, k)
		}
	}
	sort.Strings(created)
	sort.Strings(deleted)

	// A deleted and a created resource of one kind naming the same AWS
	// resource are a replacement under another key.
	byName := map[string]string{}
	for _, k := range created {
		if n := annotation(after[k], ExternalNameAnnotation); n != "" {
			byName[gvk(after[k]).GroupKind().String()+"/"+n] = k
		}
	}
	paired := map[string]bool{}
	for _, d := range deleted {
		n := annotation(before[d], ExternalNameAnnotation)
		c, ok := byName[gvk(before[d]).GroupKind().String()+"/"+n]
		if n == "" || !ok || paired[c] {
			continue
		}
		paired[c], paired[d] = true, true
		out = append(out, rekeyed(d, c, before[d], after[c]))
	}
	for _, k := range created {
		if !paired[k] {
			out = append(out, resource(Create, k, after[k]))
		}
	}
	for _, k := range deleted {
		if paired[k] {
			continue
		}
		last := before[k]
		if l, ok := s.Last[k]; ok {
			last = l
		}
		out = append(out, gone(k, last))
	}
	sort.SliceStable(out, func(i, j int) bool {
		ci, cj := slices.Index(Classes, out[i].Class), slices.Index(Classes, out[j].Class)
		if ci != cj {
			return ci < cj
		}
		return out[i].Key < out[j].Key
	})
	return out, unchanged
}

func resource(c Class, key string, obj Object) Resource {
	g := gvk(obj)
	r := Resource{
		Class: c, Key: key, APIVersion: str(obj, "apiVersion"), Kind: str(obj, "kind"),
		ExternalName: annotation(obj, ExternalNameAnnotation),
		Stateful:     stateful.Kind(g.GroupKind()),
	}
	r.Flagged = r.Stateful && (c == Delete || c == Refused || c == Replace)
	return r
}

func inAWS(obj Object) bool { return strings.HasSuffix(gvk(obj).Group, ".aws.upbound.io") }

// compare judges a resource both sides have.
func compare(key string, before, observed, after Object) (Resource, bool) {
	if observed == nil {
		observed = before
	}
	fields := Diff(before, after)
	oldName, newName := annotation(before, ExternalNameAnnotation), annotation(after, ExternalNameAnnotation)
	var replaceOnly []ReplaceOnly
	for _, c := range forcenew.Changes(gvk(after), after, observed) {
		if c.Path == forcenew.ExternalNamePath {
			oldName, _ = c.Observed.(string)
			continue
		}
		if !c.Fires(after) {
			continue
		}
		replaceOnly = append(replaceOnly, ReplaceOnly{Path: c.Path, Old: c.Observed, New: c.Desired, Conditional: c.Conditional, Reason: strings.TrimSpace(c.Reason)})
	}
	switch {
	case oldName != "" && newName != "" && oldName != newName:
		r := resource(Replace, key, after)
		r.OldExternalName, r.Fields = oldName, fields
		r.Why = fmt.Sprintf("the AWS name changes from %q to %q: the provider looks for %q, creates it (a new, empty %s), and leaves %q in AWS, unmanaged",
			oldName, newName, newName, r.Kind, oldName)
		r.Action = "keep the name, or move on deliberately: copy what " + oldName + " holds, and delete it by hand once nothing needs it"
		return r, true
	case len(replaceOnly) > 0:
		r := resource(Refused, key, after)
		r.Fields, r.ReplaceOnly = fields, replaceOnly
		paths := make([]string, len(replaceOnly))
		conditional, reasons := true, []string{}
		for i, c := range replaceOnly {
			paths[i] = c.Path
			conditional = conditional && c.Conditional
			if c.Conditional && !slices.Contains(reasons, c.Reason) {
				reasons = append(reasons, c.Reason)
			}
		}
		r.Why = "AWS changes " + strings.Join(paths, ", ") + " only by replacing the resource, and the provider (upjet) refuses such an update: " +
			key + " stays Synced=False (Ready stays True) and no later change to it reaches AWS"
		if conditional {
			r.Why = "AWS may change " + strings.Join(paths, ", ") + " only by replacing the resource (" + strings.Join(reasons, ", ") + " decides; counted as refused to be safe), " +
				"and the provider (upjet) refuses such an update: " + key + " would stay Synced=False (Ready stays True)"
		}
		r.Action = "revert the change; or replace " + key + " deliberately: delete its managed resource, and Crossplane creates it again with the new value"
		if r.Stateful {
			r.Action += " (it holds data: orphan it first, deletionPolicy: Orphan, and move the data, or the delete takes it)"
		}
		return r, true
	case len(fields) > 0:
		r := resource(Update, key, after)
		r.Fields = fields
		return r, true
	}
	return Resource{}, false
}

// rekeyed is a resource whose key changes: Crossplane deletes the old
// managed resource and creates the new one, both naming one AWS resource.
func rekeyed(oldKey, key string, before, after Object) Resource {
	r := resource(Replace, key, after)
	r.OldKey = oldKey
	r.Fields = Diff(before, after)
	if orphaned(before) {
		r.Flagged = false
		r.Why = fmt.Sprintf("the key changes from %s to %s: %s is orphaned and %s adopts %q, which stays in AWS", oldKey, key, oldKey, key, r.ExternalName)
		return r
	}
	r.Why = fmt.Sprintf("the key changes from %s to %s: Crossplane deletes %s, and AWS deletes %q with it, while %s creates (or first adopts) %q: destroyed and created again",
		oldKey, key, oldKey, r.ExternalName, key, r.ExternalName)
	r.Action = "keep the key; or orphan " + oldKey + " (deletionPolicy: Orphan) first, so " + key + " adopts the AWS resource"
	return r
}

// gone is a resource only the before side has, as last desired.
func gone(key string, before Object) Resource {
	switch {
	case !inAWS(before):
		r := resource(Delete, key, before)
		r.Flagged = false
		r.Why = "a Kubernetes object only: nothing changes in AWS"
		return r
	case orphaned(before):
		r := resource(Kept, key, before)
		r.Why = "orphaned: Crossplane drops the managed resource and the AWS resource stays, unmanaged (and billed)"
		return r
	}
	r := resource(Delete, key, before)
	r.Why = "deleted in AWS"
	if r.Stateful {
		r.Why += ", with what it holds"
		r.Action = "if the data must stay, orphan it first (deletionPolicy: Orphan) in the function, or keep what renders it in the claim"
	}
	return r
}
