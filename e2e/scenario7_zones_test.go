//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestAddingAZoneReachesEveryMultiSubnetResource adds us-west-2d to the live
// staging platform. crossplane-runtime resolves a selector once and keeps the
// IDs it found, so the platform's multi-subnet resources that AWS updates in
// place (load balancer, EKS cluster, network ACLs, DB subnet group) name
// their subnets by observed IDs (literalSubnetFields); this proves they
// follow: each one's subnet field comes to hold the new zone's subnet, every
// subnet field is exactly the subnets of its tier, and the platform then
// settles (a resolve-Always selector beside another reference would have the
// provider's resolver update the resource for ever). Node groups and the RDS
// Proxy keep the subnets they were created with (AWS cannot change them in
// place): they must stay Synced, not refuse the change.
func TestAddingAZoneReachesEveryMultiSubnetResource(t *testing.T) {
	t.Parallel() // owns the staging claim (see main_test.go)
	ctx := context.Background()
	c, xr, _ := readyPlatform(ctx, t, "staging")
	mark := env.journal.Len()
	const zone = "us-west-2d"
	zones, _, _ := unstructured.NestedStringSlice(c.Object, "spec", "network", "availabilityZones")
	_ = unstructured.SetNestedStringSlice(c.Object, append(zones, zone), "spec", "network", "availabilityZones")
	edited := time.Now()
	if err := env.c.Update(ctx, c); err != nil {
		t.Fatalf("cannot add %s to the staging claim: %v", zone, err)
	}
	var checked []string
	took := eventually(t, 10*time.Minute, "every subnet selector resolves to the subnets it matches, "+zone+"'s included", func() error {
		var err error
		checked, err = subnetSelectorsFollow(ctx, xr.GetName(), zone, true)
		return err
	})
	env.record("zones: "+zone+" added → every multi-subnet resource holds its subnet", took)
	if err := waitConditions(ctx, env.c, c, 5*time.Minute, "Ready", "Synced"); err != nil {
		t.Errorf("the staging claim is not Ready with %s: %v", zone, err)
	}
	settles(t, mark, c.GetNamespace()+"/"+c.GetName(), "the staging platform with "+zone)
	t.Logf("%s reached in %s: %s", zone, time.Since(edited).Round(time.Second), strings.Join(checked, "; "))
}

// TestRemovingAZoneLeavesNoStaleSubnet removes us-west-2c from a dev
// platform, acknowledged in spec.network.acknowledgeZoneRemoval (the XRD
// refuses it first without): the zone's subnets go, and no resource that AWS updates in place
// keeps their IDs. (Node groups and the RDS Proxy hold their creation
// subnets: removing a zone they use needs them replaced, which README's "What
// cannot be undone" says.)
func TestRemovingAZoneLeavesNoStaleSubnet(t *testing.T) {
	t.Parallel() // owns the dev claim (see main_test.go)
	ctx := context.Background()
	c, xr, _ := readyPlatform(ctx, t, "dev")
	const zone = "us-west-2c"
	zones, _, _ := unstructured.NestedStringSlice(c.Object, "spec", "network", "availabilityZones")
	zones = slices.DeleteFunc(zones, func(z string) bool { return z == zone })
	_ = unstructured.SetNestedStringSlice(c.Object, zones, "spec", "network", "availabilityZones")
	// Without the acknowledgement the XRD refuses the edit.
	if err := env.c.Update(ctx, c.DeepCopy()); err == nil || !strings.Contains(err.Error(), "acknowledgeZoneRemoval") {
		t.Fatalf("removing %s without acknowledging it: want the API server to refuse naming spec.network.acknowledgeZoneRemoval, got %v", zone, err)
	}
	_ = unstructured.SetNestedStringSlice(c.Object, []string{zone}, "spec", "network", "acknowledgeZoneRemoval")
	if err := env.c.Update(ctx, c); err != nil {
		t.Fatalf("cannot remove %s from the dev claim: %v", zone, err)
	}
	var checked []string
	took := eventually(t, 10*time.Minute, "no subnet selector resolves to a subnet of "+zone, func() error {
		var err error
		checked, err = subnetSelectorsFollow(ctx, xr.GetName(), zone, false)
		return err
	})
	env.record("zones: "+zone+" removed → no multi-subnet resource holds its subnet", took)
	if err := waitConditions(ctx, env.c, c, 5*time.Minute, "Ready", "Synced"); err != nil {
		t.Errorf("the dev claim is not Ready without %s: %v", zone, err)
	}
	t.Logf("%s gone: %s", zone, strings.Join(checked, "; "))
}

// followingKinds must each be checked: the multi-subnet resources AWS updates
// in place.
var followingKinds = []string{"LB", "Cluster", "NetworkACL", "SubnetGroup"}

// createdWithTheirSubnets are the kinds whose subnets AWS can change only by
// replacing them (ForceNew in the provider's Terraform schema): their
// selectors resolve once, and a zone change must leave their field alone.
var createdWithTheirSubnets = []string{"NodeGroup", "Proxy"}

// literalSubnetFields are the subnet fields the platform sets from observed
// IDs, by kind, with the tier whose subnets they must hold (tier "" for a
// NetworkACL: the tier its key names). Every multi-subnet field AWS updates
// in place is one (network.TierSubnets says why not a resolve-Always
// selector).
var literalSubnetFields = map[string]struct {
	group string
	path  []string
	tier  string
}{
	"Cluster":     {"eks.", []string{"vpcConfig", "0", "subnetIds"}, "private"},
	"NetworkACL":  {"ec2.", []string{"subnetIds"}, ""},
	"SubnetGroup": {"rds.", []string{"subnetIds"}, "database"},
	"LB":          {"elbv2.", []string{"subnets"}, "public"},
}

// subnetSelectorsFollow checks every subnet field of the XR's composed
// resources: a selector's resolved field must hold exactly the external names
// of the XR's subnets its labels match, and a literal field
// (literalSubnetFields) exactly the subnets of its tier. The fields of the
// following kinds must include (with present) or exclude (without) the
// zone's subnets; the kinds created with their subnets must not have changed
// them. It returns what it checked.
func subnetSelectorsFollow(ctx context.Context, xrName, zone string, present bool) ([]string, error) {
	live, err := composedOf(ctx, xrName)
	if err != nil {
		return nil, err
	}
	var subnets []*unstructured.Unstructured
	zoneSubnets := map[string]bool{}
	for _, r := range live {
		if r.GetKind() != "Subnet" {
			continue
		}
		subnets = append(subnets, r)
		if az, _, _ := unstructured.NestedString(r.Object, "spec", "forProvider", "availabilityZone"); az == zone {
			zoneSubnets[externalName(r)] = true
		}
	}
	if present && len(zoneSubnets) == 0 {
		return nil, fmt.Errorf("no subnet of %s yet", zone)
	}
	if !present && len(zoneSubnets) > 0 {
		return nil, fmt.Errorf("%d subnets of %s remain", len(zoneSubnets), zone)
	}
	var problems, checked []string
	seenKinds := map[string]bool{}
	check := func(key string, r *unstructured.Unstructured, path string, labels map[string]string, got []string) {
		if slices.Contains(createdWithTheirSubnets, r.GetKind()) {
			if slices.ContainsFunc(got, func(id string) bool { return zoneSubnets[id] }) {
				problems = append(problems, fmt.Sprintf("%s %s: holds a subnet of %s, but AWS cannot change its subnets in place", key, path, zone))
			}
			checked = append(checked, fmt.Sprintf("%s %s kept (%d subnets)", key, path, len(got)))
			return
		}
		want := []string{}
		for _, sn := range subnets {
			if matches(sn.GetLabels(), labels) {
				want = append(want, externalName(sn))
			}
		}
		sort.Strings(want)
		sort.Strings(got)
		if !slices.Equal(want, got) {
			problems = append(problems, fmt.Sprintf("%s %s: holds %v, want %v", key, path, got, want))
			return
		}
		if _, tier := labels["platform.paynext.io/subnet-tier"]; !tier {
			return
		}
		seenKinds[r.GetKind()] = true
		holds := slices.ContainsFunc(got, func(id string) bool { return zoneSubnets[id] })
		if present && !holds {
			problems = append(problems, fmt.Sprintf("%s %s: no subnet of %s in %v", key, path, zone, got))
		}
		checked = append(checked, fmt.Sprintf("%s %s (%d subnets)", key, path, len(got)))
	}
	for key, r := range live {
		fp, _, _ := unstructured.NestedMap(r.Object, "spec", "forProvider")
		for _, s := range subnetSelectors(fp, "spec.forProvider") {
			check(key, r, s.path, s.matchLabels, s.resolved)
		}
		if f, ok := literalSubnetFields[r.GetKind()]; ok && strings.HasPrefix(r.GetAPIVersion(), f.group) {
			got, err := stringsAt(fp, f.path)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", key, err))
				continue
			}
			tier := f.tier
			if tier == "" {
				tier = strings.TrimPrefix(key, "network-acl-")
			}
			check(key, r, "spec.forProvider."+strings.Join(f.path, "."), map[string]string{"platform.paynext.io/subnet-tier": tier}, got)
		}
	}
	for _, k := range followingKinds {
		if !seenKinds[k] {
			problems = append(problems, "no "+k+" with a tier-wide subnet field was checked")
		}
	}
	sort.Strings(problems)
	sort.Strings(checked)
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], fmt.Sprintf("... and %d more", len(problems)-5))
		}
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return checked, nil
}

// stringsAt is the string list at path in m, where a path element that is a
// number indexes a list.
func stringsAt(m map[string]any, path []string) ([]string, error) {
	var v any = m
	for _, p := range path {
		switch c := v.(type) {
		case map[string]any:
			v = c[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(c) {
				return nil, fmt.Errorf("no %s", strings.Join(path, "."))
			}
			v = c[i]
		default:
			return nil, fmt.Errorf("no %s", strings.Join(path, "."))
		}
	}
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if id, ok := x.(string); ok {
			out = append(out, id)
		}
	}
	return out, nil
}

type subnetSelector struct {
	path        string
	matchLabels map[string]string
	resolved    []string
}

// subnetSelectors finds <field>Selector entries naming subnets under m, and
// the field each resolves into (subnetIdSelector → subnetId or subnetIds,
// subnetSelector → subnets, vpcSubnetIdsSelector → vpcSubnetIds).
func subnetSelectors(m map[string]any, path string) []subnetSelector {
	var out []subnetSelector
	for k, v := range m {
		switch val := v.(type) {
		case []any:
			for i, item := range val {
				if im, ok := item.(map[string]any); ok {
					out = append(out, subnetSelectors(im, fmt.Sprintf("%s.%s[%d]", path, k, i))...)
				}
			}
		case map[string]any:
			if !strings.HasSuffix(k, "Selector") || !strings.Contains(strings.ToLower(k), "subnet") {
				out = append(out, subnetSelectors(val, path+"."+k)...)
				continue
			}
			if strings.Contains(strings.ToLower(k), "group") {
				continue // A DB subnet group's name, not subnets.
			}
			labels, _, _ := unstructured.NestedStringMap(val, "matchLabels")
			field := strings.TrimSuffix(k, "Selector")
			s := subnetSelector{path: path + "." + field, matchLabels: labels}
			for _, f := range []string{field, field + "s"} {
				switch r := m[f].(type) {
				case string:
					s.resolved, s.path = []string{r}, path+"."+f
				case []any:
					s.resolved, s.path = nil, path+"."+f
					for _, x := range r {
						if id, ok := x.(string); ok {
							s.resolved = append(s.resolved, id)
						}
					}
				}
			}
			out = append(out, s)
		}
	}
	return out
}

func matches(labels, want map[string]string) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func externalName(u *unstructured.Unstructured) string {
	return u.GetAnnotations()["crossplane.io/external-name"]
}
