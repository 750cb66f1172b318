package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// usageEdge is one rendered ClusterUsage: by must be deleted before of.
type usageEdge struct{ usage, by, of string }

// usagesOf reads the ClusterUsages among desired, resolving each end's
// selector against desired as Crossplane's usage controller does (labels,
// same controller), each desired resource labelled with the XR's name as
// Crossplane labels what it composes. It fails when an end selects no
// resource, more than one, or one of another kind than the usage names, and
// when an end does not select by the XR's name (the controller would list
// that kind of every platform on the cluster).
func usagesOf(t *testing.T, xrName string, desired map[resource.Name]*resource.DesiredComposed) []usageEdge {
	t.Helper()
	end := func(usage string, u *composed.Unstructured, side string) string {
		apiVersion, _ := u.GetString("spec." + side + ".apiVersion")
		kind, _ := u.GetString("spec." + side + ".kind")
		labels, _ := u.GetStringObject("spec." + side + ".resourceSelector.matchLabels")
		if labels[platform.LabelComposite] != xrName {
			t.Errorf("%s: spec.%s selects %v, not by the label %s=%s of its own XR", usage, side, labels, platform.LabelComposite, xrName)
		}
		var found []string
		for name, d := range desired {
			match := len(labels) > 0
			for k, v := range labels {
				if composedLabel(d.Resource, k, xrName) != v {
					match = false
				}
			}
			if match {
				found = append(found, string(name))
				if d.Resource.GetAPIVersion() != apiVersion || d.Resource.GetKind() != kind {
					t.Errorf("%s: spec.%s names a %s %s but selects %s, a %s %s", usage, side, apiVersion, kind, name, d.Resource.GetAPIVersion(), d.Resource.GetKind())
				}
			}
		}
		if len(found) != 1 {
			t.Errorf("%s: spec.%s selects %d resources %v; a usage protects exactly one", usage, side, len(found), found)
			return ""
		}
		return found[0]
	}
	var out []usageEdge
	for name, d := range desired {
		if d.Resource.GetKind() != "ClusterUsage" {
			continue
		}
		u := d.Resource
		if replay, _ := u.GetBool("spec.replayDeletion"); !replay {
			t.Errorf("%s: replayDeletion is off, so the garbage collector's backoff delays deleting what it protects", name)
		}
		out = append(out, usageEdge{string(name), end(string(name), u, "by"), end(string(name), u, "of")})
	}
	slices.SortFunc(out, func(a, b usageEdge) int { return strings.Compare(a.usage, b.usage) })
	return out
}

// composedLabel is the label k of u once Crossplane has composed it for the
// XR xrName: Crossplane adds the XR's name as crossplane.io/composite.
func composedLabel(u *composed.Unstructured, k, xrName string) string {
	if k == platform.LabelComposite {
		return xrName
	}
	return u.GetLabels()[k]
}

// deletionOrder deletes resources as Crossplane's usage webhook lets it: a
// resource goes once nothing that uses it is left. It returns the order, or
// the resources left when a cycle blocks them.
func deletionOrder(keys []string, edges []usageEdge) (order, blocked []string) {
	users := map[string]map[string]bool{}
	for _, e := range edges {
		if users[e.of] == nil {
			users[e.of] = map[string]bool{}
		}
		users[e.of][e.by] = true
	}
	left := map[string]bool{}
	for _, k := range keys {
		left[k] = true
	}
	for len(left) > 0 {
		var round []string
		for k := range left {
			inUse := false
			for u := range users[k] {
				inUse = inUse || left[u]
			}
			if !inUse {
				round = append(round, k)
			}
		}
		if len(round) == 0 {
			for k := range left {
				blocked = append(blocked, k)
			}
			slices.Sort(blocked)
			return order, blocked
		}
		slices.Sort(round)
		for _, k := range round {
			delete(left, k)
		}
		order = append(order, round...)
	}
	return order, nil
}

// TestUsagesLetTheWholePlatformBeDeleted: over every example and held-out
// claim at convergence, each usage's ends select exactly one composed
// resource of the kind it names, and the usages form no cycle, so deleting
// the claim can delete everything, users before what they use. A cycle
// would leave its resources undeletable forever.
func TestUsagesLetTheWholePlatformBeDeleted(t *testing.T) {
	f := newTestFunction(t)
	for _, c := range allClaims(t) {
		t.Run(c.name, func(t *testing.T) {
			xr := c.xr(t)
			desired := desiredOf(t, run(t, f, converged(t, f, xr)))
			edges := usagesOf(t, xrNameOf(xr), desired)
			if len(edges) == 0 {
				t.Fatal("the platform renders no usages")
			}
			var keys []string
			for name := range desired {
				keys = append(keys, string(name))
			}
			if _, blocked := deletionOrder(keys, edges); len(blocked) > 0 {
				t.Errorf("usages form a cycle: these could never be deleted: %v", blocked)
			}
		})
	}
}

// TestUsagesOrderWhatAWSRefusesToDeleteOutOfOrder: the prod platform's
// usages hold each resource AWS (or a hanging delete) needs gone last until
// its users are gone: the EKS cluster's role, subnets, security group and
// key; the node groups' cluster, role, launch template and subnets; Aurora's
// subnet group, security group, keys and parameter group; the instances'
// cluster and monitoring role; the proxy's role, security group and
// subnets; the buckets' keys, replication role and replica buckets; the log
// groups' key; the trail's bucket, key and role; the EFS mount targets'
// file system.
func TestUsagesOrderWhatAWSRefusesToDeleteOutOfOrder(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("prod"))
	desired := desiredOf(t, run(t, f, converged(t, f, xr)))
	have := map[string]bool{}
	for _, e := range usagesOf(t, xrNameOf(xr), desired) {
		have[e.by+" uses "+e.of] = true
	}
	var want []string
	uses := func(by string, of ...string) {
		for _, o := range of {
			want = append(want, by+" uses "+o)
		}
	}
	zones := []string{"us-west-2a", "us-west-2b", "us-west-2c"}
	perZone := func(prefix string) []string {
		var out []string
		for _, z := range zones {
			out = append(out, prefix+z)
		}
		return out
	}
	uses("eks-cluster", "iam-role-eks-cluster", "security-group-eks-cluster", "kms-key-kubernetes")
	uses("eks-cluster", perZone("subnet-private-")...)
	for _, ng := range []string{"eks-node-group-system", "eks-node-group-workload"} {
		uses(ng, "eks-cluster", "iam-role-eks-nodes", "eks-launch-template")
		uses(ng, perZone("subnet-private-")...)
	}
	uses("aurora-cluster", "aurora-subnet-group", "security-group-database", "kms-key-database", "kms-key-secrets", "aurora-cluster-parameter-group")
	uses("aurora-subnet-group", perZone("subnet-database-")...)
	for _, inst := range perZone("aurora-instance-") {
		uses(inst, "aurora-cluster", "iam-role-rds-monitoring")
	}
	uses("rds-proxy", "iam-role-rds-proxy", "security-group-rds-proxy")
	uses("rds-proxy", perZone("subnet-private-")...)
	uses("s3-bucket-data", "kms-key-storage", "iam-role-s3-replication", "s3-bucket-data-replica", "kms-key-storage-dr")
	uses("s3-bucket-audit", "kms-key-storage", "iam-role-s3-replication", "s3-bucket-audit-replica")
	for _, lg := range []string{"log-group-application", "log-group-audit", "log-group-security", "flow-log-group", "eks-log-group", "aurora-log-group", "waf-log-group"} {
		uses(lg, "kms-key-logs")
	}
	uses("cloudtrail-trail", "s3-bucket-audit", "kms-key-logs", "iam-role-cloudtrail-logs")
	for _, mt := range perZone("efs-mount-target-") {
		uses(mt, "efs-file-system")
	}
	uses("alb", perZone("subnet-public-")...)
	var missing []string
	for _, w := range want {
		if !have[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Errorf("no usage says that %d resources must go first:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// TestUsagesAreStable: usage keys are made of the two stable keys, so a
// re-render or a reordered zone list renders the same usages.
func TestUsagesAreStable(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("prod"))
	keys := func(xr map[string]any) []string {
		var out []string
		for _, e := range usagesOf(t, xrNameOf(xr), desiredOf(t, run(t, f, converged(t, f, xr)))) {
			out = append(out, fmt.Sprintf("%s: %s uses %s", e.usage, e.by, e.of))
		}
		return out
	}
	first := keys(xr)
	network := spec(xr)["network"].(map[string]any)
	zones := network["availabilityZones"].([]any)
	slices.Reverse(zones)
	if second := keys(xr); !slices.Equal(first, second) {
		t.Errorf("reversing the zones changed the usages:\nbefore %v\nafter  %v", first, second)
	}
}

// TestRemovingAZoneReleasesTheUsagesOfItsSubnets: a removed zone's subnets
// are no longer desired while the load balancer, node groups, proxy and
// subnet group that used them live on. Crossplane's usage controller holds a
// composed usage until its user is deleted, so those usages are first
// rendered released (no spec.by, a reason), then dropped, and the subnet's
// delete goes through; the usages whose user goes with the zone (its NAT
// gateway, its EFS mount target) are dropped at once, so Crossplane deletes
// the user first.
func TestRemovingAZoneReleasesTheUsagesOfItsSubnets(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("prod"))
	req := converged(t, f, xr)
	before, err := request.GetObservedComposedResources(req)
	if err != nil {
		t.Fatal(err)
	}
	const gone = "us-west-2c"
	network := spec(xr)["network"].(map[string]any)
	network["availabilityZones"] = slices.DeleteFunc(network["availabilityZones"].([]any), func(z any) bool { return z == gone })

	first := desiredOf(t, run(t, f, newRequest(t, xr, before)))
	released, kept := 0, 0
	for name, o := range before {
		if o.Resource.GetKind() != "ClusterUsage" {
			continue
		}
		d, desired := first[name]
		// What the zone's removal takes away: its resources' keys name it.
		lives := func(side string) bool {
			labels, _ := o.Resource.GetStringObject("spec." + side + ".resourceSelector.matchLabels")
			return !strings.Contains(labels["platform.paynext.io/resource"], gone)
		}
		userLives, usedLives := lives("by"), lives("of")
		switch {
		case !userLives:
			if desired {
				t.Errorf("%s: its user goes with the zone; the usage must be dropped so Crossplane deletes the user first", name)
			}
		case !usedLives:
			if !desired {
				t.Errorf("%s dropped while its user lives: Crossplane would hold it, and what it protects, until the user is deleted", name)
				continue
			}
			if _, err := d.Resource.GetValue("spec.by"); err == nil {
				t.Errorf("%s still names its user after what it protects stopped being desired", name)
			}
			if reason, _ := d.Resource.GetString("spec.reason"); reason == "" {
				t.Errorf("%s released without a reason", name)
			}
			released++
		default:
			if !desired {
				t.Errorf("%s dropped though neither end changed", name)
			}
			kept++
		}
	}
	if released == 0 {
		t.Fatal("no usage of the removed zone's subnets was released: the test proves nothing")
	}
	// Crossplane deletes what is not desired before it applies anything, and
	// the webhook refuses a protected delete: the zone's subnets stay desired,
	// as observed (their old spec digest), while a usage protects them.
	goneSubnets := []resource.Name{"subnet-public-" + gone, "subnet-private-" + gone, "subnet-database-" + gone}
	for _, sn := range goneSubnets {
		d, ok := first[sn]
		if !ok {
			t.Errorf("%s is no longer desired while usages protect it: Crossplane's delete would be refused and fail the reconcile", sn)
			continue
		}
		if got, want := d.Resource.GetAnnotations()[AnnotationRenderedSpec], before[sn].Resource.GetAnnotations()[AnnotationRenderedSpec]; got != want {
			t.Errorf("%s kept with rendered-spec %q, want its old %q so it may go once unprotected", sn, got, want)
		}
	}

	// Crossplane applies the released usages; the next reconcile lets them go.
	after := maps.Clone(before)
	for name, d := range first {
		if _, ok := after[name]; ok && d.Resource.GetKind() == "ClusterUsage" {
			after[name] = resource.ObservedComposed{Resource: d.Resource}
		}
	}
	rsp := run(t, f, newRequest(t, xr, after))
	if msg := fatalOf(rsp); msg != "" {
		// The removed zone's subnets are still observed, annotated with the
		// spec before the edit: they may go.
		t.Fatalf("the reconcile after the zone's removal was refused: %s", msg)
	}
	second := desiredOf(t, rsp)
	for name, d := range first {
		if _, err := d.Resource.GetValue("spec.by"); err == nil || d.Resource.GetKind() != "ClusterUsage" {
			continue
		}
		if _, ok := second[name]; ok {
			t.Errorf("%s is still desired once released", name)
		}
	}
	// Once Crossplane has deleted those usages, nothing protects the zone's
	// subnets: they drop out, and that is not refused.
	unprotected := maps.Clone(after)
	for name, o := range after {
		if o.Resource.GetKind() != "ClusterUsage" {
			continue
		}
		if _, ok := second[name]; !ok {
			delete(unprotected, name)
		}
	}
	third := run(t, f, newRequest(t, xr, unprotected))
	if msg := fatalOf(third); msg != "" {
		t.Fatalf("the reconcile after the zone's usages went was refused: %s", msg)
	}
	for _, sn := range goneSubnets {
		if _, ok := desiredOf(t, third)[sn]; ok {
			t.Errorf("%s is still desired once no usage protects it", sn)
		}
	}
	t.Logf("%d usages released, %d kept", released, kept)
}

// TestWhatAKeptResourceUsesIsKept: over every example and held-out claim,
// when a resource is kept in AWS on the claim's delete (deletionPolicy
// Orphan), so is everything it uses: AWS would refuse to delete a subnet,
// security group or VPC a kept database or cluster still uses, and the
// claim's delete would never finish. Dev keeps nothing, so nothing it uses
// is kept either.
func TestWhatAKeptResourceUsesIsKept(t *testing.T) {
	f := newTestFunction(t)
	for _, c := range allClaims(t) {
		t.Run(c.name, func(t *testing.T) {
			xr := c.xr(t)
			desired := desiredOf(t, run(t, f, converged(t, f, xr)))
			policy := func(key string) string {
				p, _ := desired[resource.Name(key)].Resource.GetString("spec.deletionPolicy")
				return p
			}
			kept := 0
			for _, e := range usagesOf(t, xrNameOf(xr), desired) {
				if policy(e.by) == "Orphan" {
					kept++
					if policy(e.of) != "Orphan" {
						t.Errorf("%s is kept on the claim's delete but %s, which it uses, would be deleted: AWS refuses that delete while %s stands", e.by, e.of, e.by)
					}
				}
			}
			if spec(xr)["environment"] == "dev" && kept > 0 {
				t.Errorf("a dev platform kept %d resources in use", kept)
			}
		})
	}
}
