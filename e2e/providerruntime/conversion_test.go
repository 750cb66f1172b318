package providerruntime

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/function-sdk-go/resource/composed"
	ujresource "github.com/crossplane/upjet/v2/pkg/resource"

	"github.com/paynext/platform/internal/fakeaws"
	"github.com/paynext/platform/internal/provider"
)

// versionChangedTargets are the kinds the platform renders at v1beta1 whose
// referrers' generated resolvers read them at v1beta2 (found by reading the
// zz_generated.resolvers.go of every rendered kind): Selection → backup Plan;
// Trail, BucketPolicy, BucketPublicAccessBlock → s3 Bucket; the three
// VPCEndpoint*Association kinds and Route → ec2 VPCEndpoint;
// FileSystemPolicy, MountTarget → efs FileSystem; AccessEntry,
// AccessPolicyAssociation, Addon → eks Cluster; ClusterInstance → rds
// Cluster. Every one of those resolvers extracts the external name or
// status.atProvider.id (reference.ExternalName, ExtractResourceID,
// common.TerraformID).
var versionChangedTargets = []schema.GroupKind{
	{Group: "backup.aws.upbound.io", Kind: "Plan"},
	{Group: "s3.aws.upbound.io", Kind: "Bucket"},
	{Group: "ec2.aws.upbound.io", Kind: "VPCEndpoint"},
	{Group: "efs.aws.upbound.io", Kind: "FileSystem"},
	{Group: "eks.aws.upbound.io", Kind: "Cluster"},
	{Group: "rds.aws.upbound.io", Kind: "Cluster"},
}

// Every rendered, observed object of those kinds converts to v1beta2 into an
// object the v1beta2 type decodes, with the values the resolvers extract
// unchanged, and back to v1beta1 into exactly the object it was. Read
// unconverted (conversion strategy None, which only changes apiVersion), the
// backup Plan and the EKS Cluster do not decode at v1beta2 at all, so their
// referrers could never resolve.
func TestConversionRoundTrips(t *testing.T) {
	s := runtime.NewScheme()
	if err := provider.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	decoder := serializer.NewCodecFactory(s).UniversalDeserializer()
	data, err := os.ReadFile(filepath.Join("..", "..", "functions", "platform", "testdata", "golden", "prod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[schema.GroupKind]int{}
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &u.Object); err != nil || u.Object == nil {
			continue
		}
		gk := u.GroupVersionKind().GroupKind()
		if !contains(versionChangedTargets, gk) {
			continue
		}
		seen[gk]++
		key := u.GetLabels()["platform.paynext.io/resource"]
		observed := fakeaws.ObserveOne(key, &composed.Unstructured{Unstructured: *u}, "us-west-2")
		wantName := meta.GetExternalName(observed)
		wantID, _, _ := unstructured.NestedString(observed.Object, "status", "atProvider", "id")

		unconverted := observed.DeepCopy()
		unconverted.SetAPIVersion(gk.Group + "/v1beta2")
		raw, _ := json.Marshal(unconverted.Object)
		if _, _, err := decoder.Decode(raw, nil, nil); err != nil {
			t.Logf("%s %s read at v1beta2 without conversion: %v", gk, key, err)
		}

		read := observed.DeepCopy()
		if err := Convert(s, read.Object, gk.Group+"/v1beta2"); err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(read.Object)
		if err != nil {
			t.Fatal(err)
		}
		obj, _, err := decoder.Decode(raw, nil, nil)
		if err != nil {
			t.Errorf("%s %s: converted to v1beta2, it does not decode into the v1beta2 type: %v", gk, key, err)
			continue
		}
		if got := meta.GetExternalName(obj.(ujresource.Terraformed)); got != wantName {
			t.Errorf("%s %s: external name read at v1beta2 %q, want %q", gk, key, got, wantName)
		}
		if got := obj.(ujresource.Terraformed).GetID(); got != wantID {
			t.Errorf("%s %s: status.atProvider.id read at v1beta2 %q, want %q", gk, key, got, wantID)
		}
		back, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			t.Fatal(err)
		}
		if err := Convert(s, back, gk.Group+"/v1beta1"); err != nil {
			t.Fatal(err)
		}
		// What the v1beta1 type itself holds of the object: the reference
		// the round trip through v1beta2 must come back to.
		raw, _ = json.Marshal(observed.Object)
		same, _, err := decoder.Decode(raw, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		was, _ := runtime.DefaultUnstructuredConverter.ToUnstructured(same)
		if diff := cmp.Diff(jsonRound(was), jsonRound(back)); diff != "" {
			t.Errorf("%s %s: v1beta1 → v1beta2 → v1beta1 is not the object it was (-was +now):\n%s", gk, key, diff)
		}
	}
	for _, gk := range versionChangedTargets {
		if seen[gk] == 0 {
			t.Errorf("the prod render composes no %s: the check proves nothing about it", gk)
		}
	}
}

func contains(gks []schema.GroupKind, gk schema.GroupKind) bool {
	for _, g := range gks {
		if g == gk {
			return true
		}
	}
	return false
}

// jsonRound is v as JSON decodes it, so that number types compare.
func jsonRound(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}
