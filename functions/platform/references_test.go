package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/paynext/platform/functions/platform/internal/database"
	"github.com/paynext/platform/functions/platform/internal/kubernetes"
	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/refcheck"
	"github.com/paynext/platform/internal/fakeaws"
)

// claim is an example XR or a held-out claim, as the XR Crossplane composes.
type claim struct {
	name string
	xr   func(t testing.TB) map[string]any
}

// allClaims are every example environment and every held-out claim.
func allClaims(t testing.TB) []claim {
	var out []claim
	for _, env := range examples {
		out = append(out, claim{env, func(t testing.TB) map[string]any { return readXR(t, exampleXR(env)) }})
	}
	files, _ := filepath.Glob("testdata/claims/*.yaml")
	if len(files) == 0 {
		t.Fatal("no held-out claims in testdata/claims")
	}
	for _, f := range files {
		out = append(out, claim{filepath.Base(f), func(t testing.TB) map[string]any { return asXR(t, readXR(t, f)) }})
	}
	return out
}

// renderedAtConvergence is every composed managed resource of xr at convergence as
// the provider reports it (fakeaws), so the IDs and ARNs resolvers extract
// exist.
func renderedAtConvergence(t testing.TB, f *Function, xr map[string]any) []refcheck.Rendered {
	t.Helper()
	region := spec(xr)["region"].(string)
	account, _ := spec(xr)["accountId"].(string)
	var out []refcheck.Rendered
	for name, o := range fakeaws.Observe(desiredOf(t, run(t, f, converged(t, f, xr))), region, account) {
		if !strings.HasSuffix(o.Resource.GroupVersionKind().Group, ".aws.upbound.io") {
			continue // a ClusterUsage is Crossplane's, resolved by its usage controller (TestUsagesLetTheWholePlatformBeDeleted)
		}
		out = append(out, refcheck.Rendered{Key: string(name), Object: &unstructured.Unstructured{Object: o.Resource.Object}})
	}
	slices.SortFunc(out, func(a, b refcheck.Rendered) int { return strings.Compare(a.Key, b.Key) })
	return out
}

var (
	crdDirOnce sync.Once
	crdDir     string
	crdDirErr  error
)

// kindsOf reads what provider-aws's CRDs say of every kind in rendered.
func kindsOf(t testing.TB, rendered []refcheck.Rendered) map[schema.GroupVersionKind]*refcheck.Kind {
	t.Helper()
	crdDirOnce.Do(func() { crdDir, crdDirErr = refcheck.CRDDir() })
	if crdDirErr != nil {
		t.Fatal(crdDirErr)
	}
	var gvks []schema.GroupVersionKind
	for _, r := range rendered {
		if gvk := r.Object.GroupVersionKind(); !slices.Contains(gvks, gvk) {
			gvks = append(gvks, gvk)
		}
	}
	kinds, err := refcheck.LoadKinds(crdDir, gvks)
	if err != nil {
		t.Fatal(err)
	}
	return kinds
}

// tfRequired is the provider's Terraform schema's required attributes, read
// once for every claim.
var tfRequired = sync.OnceValues(func() (refcheck.TFRequired, error) { return refcheck.LoadTFRequired(crdDir) })

func checkReferences(t *testing.T, rendered []refcheck.Rendered) *refcheck.Result {
	t.Helper()
	kinds := kindsOf(t, rendered)
	tfReq, err := tfRequired()
	if err != nil {
		t.Fatal(err)
	}
	res, err := refcheck.Check(context.Background(), rendered, kinds, tfReq)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestReferencesResolveAsTheProviderResolvesThem runs provider-aws's own
// generated ResolveReferences on every composed resource of every example
// and held-out claim at convergence, against a fake API server holding the
// whole render. Every selector (nested ones too, in forProvider and
// initProvider) must match only rendered resources of the kind the
// provider's CRD says it resolves against, a single-valued field's selector
// exactly one, and every field the CRD requires must be set afterwards.
func TestReferencesResolveAsTheProviderResolvesThem(t *testing.T) {
	f := newTestFunction(t)
	for _, c := range allClaims(t) {
		t.Run(c.name, func(t *testing.T) {
			rendered := renderedAtConvergence(t, f, c.xr(t))
			res := checkReferences(t, rendered)
			for _, p := range res.Problems {
				t.Error(p)
			}
			if len(res.Uses) == 0 {
				t.Error("want the render's selectors checked, found none")
			}
			t.Logf("%d resources, %d selectors checked; stored also at another version: %v", len(rendered), len(res.Uses), res.Relabelled)
		})
	}
}

// TestReferenceCheckFailsOnWrongSelectors feeds deliberately wrong resources
// next to the dev render and wants each failure to name the resource key,
// the field and the kind the provider wanted.
func TestReferenceCheckFailsOnWrongSelectors(t *testing.T) {
	f := newTestFunction(t)
	base := renderedAtConvergence(t, f, readXR(t, exampleXR("dev")))
	sel := func(labels map[string]any) map[string]any {
		return map[string]any{"matchControllerRef": true, "matchLabels": labels}
	}
	mr := func(apiVersion, kind string, forProvider map[string]any) *unstructured.Unstructured {
		u := composed.New()
		u.SetAPIVersion(apiVersion)
		u.SetKind(kind)
		u.SetName("bad")
		u.SetLabels(map[string]string{"platform.paynext.io/resource": "bad"})
		u.Object["spec"] = map[string]any{"forProvider": forProvider}
		return &unstructured.Unstructured{Object: u.Object}
	}
	cases := map[string]struct {
		obj  *unstructured.Unstructured
		want []string
	}{
		"SelectorAtALogGroupWhereTheProviderWantsADeliveryStream": {
			obj: mr("wafv2.aws.upbound.io/v1beta1", "WebACLLoggingConfiguration", map[string]any{
				"region": "us-west-2", "resourceArnSelector": sel(map[string]any{"platform.paynext.io/resource": "waf-web-acl"}),
				"logDestinationConfigsSelector": sel(map[string]any{"platform.paynext.io/resource": "waf-log-group"}),
			}),
			want: []string{"bad: spec.forProvider.logDestinationConfigsSelector: ", "DeliveryStream.firehose", "waf-log-group (Group.cloudwatchlogs)"},
		},
		"RequiredFieldLeftEmpty": {
			obj: mr("wafv2.aws.upbound.io/v1beta1", "WebACLLoggingConfiguration", map[string]any{
				"region": "us-west-2", "resourceArnSelector": sel(map[string]any{"platform.paynext.io/resource": "waf-web-acl"}),
			}),
			want: []string{"bad (WebACLLoggingConfiguration): spec.forProvider.logDestinationConfigs is required by the provider's Terraform schema"},
		},
		"SingleValuedSelectorMatchingEverySubnet": {
			obj: mr("ec2.aws.upbound.io/v1beta1", "NATGateway", map[string]any{
				"region": "us-west-2", "subnetIdSelector": sel(map[string]any{"platform.paynext.io/subnet-tier": "private"}),
			}),
			want: []string{"bad: spec.forProvider.subnetIdSelector: subnetId takes one Subnet.ec2, but the selector matches 3"},
		},
		"NestedSelectorMatchingNothing": {
			obj: mr("elbv2.aws.upbound.io/v1beta1", "LB", map[string]any{
				"region": "us-west-2", "subnetMapping": []any{map[string]any{"subnetIdSelector": sel(map[string]any{"platform.paynext.io/resource": "no-such-subnet"})}},
			}),
			want: []string{"bad: spec.forProvider.subnetMapping[0].subnetIdSelector: matches no Subnet.ec2"},
		},
		"SelectorInsideAnAtomicList": {
			obj: mr("eks.aws.upbound.io/v1beta1", "Cluster", map[string]any{
				"region": "us-west-2", "vpcConfig": []any{map[string]any{"subnetIdSelector": sel(map[string]any{"platform.paynext.io/subnet-tier": "private"})}},
			}),
			want: []string{"bad: spec.forProvider.vpcConfig[0].subnetIdSelector: a selector inside a list: the list is atomic under server-side apply"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := checkReferences(t, append(slices.Clone(base), refcheck.Rendered{Key: "bad", Object: tc.obj}))
			for _, w := range tc.want {
				if !slices.ContainsFunc(res.Problems, func(p string) bool { return strings.Contains(p, w) }) {
					t.Errorf("want a problem saying %q, got:\n%s", w, strings.Join(res.Problems, "\n"))
				}
			}
		})
	}
}

// TestMultiSubnetFieldsFollowTheZones: at convergence, each resource AWS
// updates in place names the subnets of its tier by their observed IDs,
// sorted, so adding, removing or reordering a zone reaches it (and a reorder
// changes nothing). Nothing resolves Always: crossplane-runtime's resolver
// applies only the fields a resolution changed under one field manager, so a
// subnet list re-resolved alone removes the resource's other resolved
// references, and the two then take turns for ever (network.TierSubnets).
// The resources AWS can only replace keep the selector they were created
// with.
func TestMultiSubnetFieldsFollowTheZones(t *testing.T) {
	f := newTestFunction(t)
	followers := map[string]struct {
		tier  network.SubnetTier
		field []string
	}{
		network.KeyNetworkACL(network.Public):   {network.Public, []string{"subnetIds"}},
		network.KeyNetworkACL(network.Private):  {network.Private, []string{"subnetIds"}},
		network.KeyNetworkACL(network.Database): {network.Database, []string{"subnetIds"}},
		database.KeySubnetGroup:                 {network.Database, []string{"subnetIds"}},
		kubernetes.KeyLoadBalancer:              {network.Public, []string{"subnets"}},
	}
	for _, c := range allClaims(t) {
		t.Run(c.name, func(t *testing.T) {
			xr := c.xr(t)
			var zones []string
			for _, z := range net(spec(xr))["availabilityZones"].([]any) {
				zones = append(zones, z.(string))
			}
			rendered := renderedAtConvergence(t, f, xr)
			byKey := map[string]*unstructured.Unstructured{}
			for _, r := range rendered {
				byKey[r.Key] = r.Object
			}
			for _, u := range checkReferences(t, rendered).Uses {
				if u.Always {
					t.Errorf("%s: %s resolves Always; want the observed IDs (network.TierSubnets), as the resolver's partial applies would loop", u.Key, u.Path)
				}
				if _, replaceOnly := replaceOnlySubnets[u.Key]; u.Selector.Multi && onePerZone(u.Matches, zones) && !replaceOnly {
					t.Errorf("%s: %s still selects one %s per zone at convergence: a zone added or removed would never reach it", u.Key, u.Path, u.Selector.Wanted())
				}
			}
			for key, fw := range followers {
				r, ok := byKey[key]
				if !ok {
					continue // a platform without a database or a load balancer
				}
				var want []string
				for _, z := range zones {
					id, _, _ := unstructured.NestedString(byKey[network.KeySubnet(fw.tier, z)].Object, "status", "atProvider", "id")
					want = append(want, id)
				}
				slices.Sort(want)
				got, _, _ := unstructured.NestedStringSlice(r.Object, append([]string{"spec", "forProvider"}, fw.field...)...)
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%s: spec.forProvider.%s should be the observed IDs of the %s subnets of every zone, sorted (-want +got):\n%s", key, strings.Join(fw.field, "."), fw.tier, d)
				}
			}
		})
	}
}

// replaceOnlySubnets are the resources whose subnet field AWS can only
// change by replacing the resource (ForceNew in the terraform-provider-aws
// fork provider-aws v2.4.0 pins), so their selectors resolve once.
var replaceOnlySubnets = map[string]string{
	kubernetes.KeyNodeGroup(kubernetes.NodeGroupSystem):   "eks node_group.go: subnet_ids is ForceNew",
	kubernetes.KeyNodeGroup(kubernetes.NodeGroupWorkload): "eks node_group.go: subnet_ids is ForceNew",
	database.KeyProxy: "rds proxy.go: vpc_subnet_ids is ForceNew",
}

// onePerZone reports whether keys name each of zones exactly once and
// nothing else.
func onePerZone(keys, zones []string) bool {
	if len(keys) != len(zones) {
		return false
	}
	for _, z := range zones {
		n := 0
		for _, k := range keys {
			if strings.HasSuffix(k, "-"+z) {
				n++
			}
		}
		if n != 1 {
			return false
		}
	}
	return true
}
