package usage

import (
	"slices"
	"testing"

	protectionv1beta1 "github.com/crossplane/crossplane/apis/v2/protection/v1beta1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"github.com/google/go-cmp/cmp"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

func mr(apiVersion, kind, key string, forProvider map[string]any) *composed.Unstructured {
	u := composed.New()
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetLabels(map[string]string{platform.LabelResource: key})
	u.Object["spec"] = map[string]any{"forProvider": forProvider}
	return u
}

func selects(key string) map[string]any {
	return map[string]any{"matchControllerRef": true, "matchLabels": map[string]any{platform.LabelResource: key}}
}

// TestEdgesFollowReferencesTheTableKeeps: an edge is read from a selector or
// from a literal AWS reported for another resource, attributed to the bucket
// a configuration resource configures, and kept only for kind pairs that
// are deletion dependencies (a route table's VPC is not one).
func TestEdgesFollowReferencesTheTableKeeps(t *testing.T) {
	desired := map[resource.Name]*resource.DesiredComposed{}
	add := func(u *composed.Unstructured) {
		desired[resource.Name(u.GetLabels()[platform.LabelResource])] = &resource.DesiredComposed{Resource: u}
	}
	add(mr("ec2.aws.upbound.io/v1beta1", "VPC", "vpc", map[string]any{"region": "us-west-2"}))
	add(mr("ec2.aws.upbound.io/v1beta1", "Subnet", "subnet-a", map[string]any{"vpcIdSelector": selects("vpc")}))
	add(mr("ec2.aws.upbound.io/v1beta1", "RouteTable", "route-table", map[string]any{"vpcIdSelector": selects("vpc")}))
	add(mr("iam.aws.upbound.io/v1beta1", "Role", "cluster-role", map[string]any{}))
	add(mr("kms.aws.upbound.io/v1beta1", "Key", "key", map[string]any{}))
	add(mr("eks.aws.upbound.io/v1beta1", "Cluster", "cluster", map[string]any{
		"roleArnSelector": selects("cluster-role"),
		"vpcConfig":       []any{map[string]any{"subnetIds": []any{"subnet-0a1b"}}},
		"tags":            map[string]any{"Name": "subnet-0a1b"},
	}))
	add(mr("s3.aws.upbound.io/v1beta1", "Bucket", "bucket", map[string]any{}))
	add(mr("s3.aws.upbound.io/v1beta1", "BucketServerSideEncryptionConfiguration", "bucket-sse", map[string]any{
		"bucketSelector": selects("bucket"),
		"rule":           []any{map[string]any{"applyServerSideEncryptionByDefault": []any{map[string]any{"kmsMasterKeyId": "arn:aws:kms:us-west-2:111122223333:key/k1"}}}},
	}))
	observed := platform.Observed{}
	for name, d := range desired {
		o := d.Resource.DeepCopy()
		switch name {
		case "subnet-a":
			o.SetAnnotations(map[string]string{platform.AnnotationExternalName: "subnet-0a1b"})
		case "key":
			o.Object["status"] = map[string]any{"atProvider": map[string]any{"arn": "arn:aws:kms:us-west-2:111122223333:key/k1"}}
		}
		observed[name] = resource.ObservedComposed{Resource: o}
	}

	var got []string
	for _, e := range Edges(desired, observed) {
		got = append(got, e.User+" uses "+e.Used+" via "+e.Field)
	}
	slices.Sort(got)
	want := []string{
		"bucket uses key via spec.forProvider.rule[0].applyServerSideEncryptionByDefault[0].kmsMasterKeyId",
		"cluster uses cluster-role via spec.forProvider.roleArnSelector",
		"cluster uses subnet-a via spec.forProvider.vpcConfig[0].subnetIds[0]",
		"subnet-a uses vpc via spec.forProvider.vpcIdSelector",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("want edges from the selector, the reported subnet ID and key ARN (the bucket's, through its encryption configuration), none from the Name tag or the route table (-want +got):\n%s", diff)
	}
}

// TestUsagesSelectWithinTheirXR: each end of a rendered usage selects by the
// XR's name as well as the resource label, so Crossplane's usage controller
// lists only this platform's resources of the kind; a usage read back from
// observed state resolves to the same resource, though desired resources do
// not carry the label Crossplane adds, and with or without it (usages
// rendered before it was added).
func TestUsagesSelectWithinTheirXR(t *testing.T) {
	desired := map[resource.Name]*resource.DesiredComposed{
		"vpc":      {Resource: mr("ec2.aws.upbound.io/v1beta1", "VPC", "vpc", map[string]any{})},
		"subnet-a": {Resource: mr("ec2.aws.upbound.io/v1beta1", "Subnet", "subnet-a", map[string]any{"vpcIdSelector": selects("vpc")})},
		"subnet-b": {Resource: mr("ec2.aws.upbound.io/v1beta1", "Subnet", "subnet-b", map[string]any{})},
	}
	edges := []Edge{{User: "subnet-a", Used: "vpc", Field: "spec.forProvider.vpcIdSelector"}}
	const xr = "prod-x7k2p"
	rendered := Render(edges, desired, xr)
	if len(rendered) != 1 {
		t.Fatalf("want one usage for one edge, got %d", len(rendered))
	}
	u, err := platform.From(rendered[0].Object)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"of": {platform.LabelResource: "vpc", platform.LabelComposite: xr},
		"by": {platform.LabelResource: "subnet-a", platform.LabelComposite: xr},
	}
	g := newGraph(desired, platform.Observed{})
	for side, labels := range want {
		got, _ := u.GetStringObject("spec." + side + ".resourceSelector.matchLabels")
		if diff := cmp.Diff(labels, got); diff != "" {
			t.Errorf("spec.%s: want the resource label and the XR's name (-want +got):\n%s", side, diff)
		}
		ml := map[string]any{}
		for k, v := range got {
			ml[k] = v
		}
		if keys := (reference{matchLabels: ml}).resolve(g); !slices.Equal(keys, []string{labels[platform.LabelResource]}) {
			t.Errorf("spec.%s read back from observed state resolves to %v, want %s", side, keys, labels[platform.LabelResource])
		}
		delete(ml, platform.LabelComposite)
		if keys := (reference{matchLabels: ml}).resolve(g); !slices.Equal(keys, []string{labels[platform.LabelResource]}) {
			t.Errorf("spec.%s without the XR's name resolves to %v, want %s", side, keys, labels[platform.LabelResource])
		}
	}
	if keys := (reference{matchLabels: map[string]any{platform.LabelComposite: xr}}).resolve(g); len(keys) != 3 {
		t.Errorf("the XR's name alone selects %v, want every desired resource of the XR", keys)
	}
	if got := Render(edges, desired, ""); got[0].Object.(*protectionv1beta1.ClusterUsage).Spec.Of.ResourceSelector.MatchLabels[platform.LabelComposite] != "" {
		t.Error("an unknown XR name must not be rendered as an empty label value")
	}
}
