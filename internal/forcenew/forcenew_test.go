package forcenew

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// These tests need no download: they judge the committed table against the
// kinds the platform renders (the golden renders) and the kinds of
// deploy/aws-iam/provider-actions.json, which hack/providerpolicy's tests
// hold equal to everything the function's code constructs.

const root = "../.."

func managed(apiVersion string) bool {
	group, _, _ := strings.Cut(apiVersion, "/")
	return strings.HasSuffix(group, ".aws.upbound.io") || strings.HasSuffix(group, ".aws.m.upbound.io")
}

func goldenKinds(t *testing.T) map[schema.GroupVersionKind][]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "functions/platform/testdata/golden/*.yaml"))
	if len(files) == 0 {
		t.Fatal("no golden renders in functions/platform/testdata/golden")
	}
	sep := regexp.MustCompile(`(?m)^---.*$`)
	out := map[schema.GroupVersionKind][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range sep.Split(string(data), -1) {
			var obj struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if obj.Kind != "" && managed(obj.APIVersion) {
				gvk := schema.FromAPIVersionAndKind(obj.APIVersion, obj.Kind)
				out[gvk] = append(out[gvk], filepath.Base(f))
			}
		}
	}
	return out
}

func actionKinds(t *testing.T) map[schema.GroupVersionKind]string {
	t.Helper()
	var tab struct {
		Kinds []struct {
			Kind, APIVersion, TerraformType string
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "deploy/aws-iam/provider-actions.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &tab); err != nil {
		t.Fatal(err)
	}
	out := map[schema.GroupVersionKind]string{}
	for _, k := range tab.Kinds {
		out[schema.FromAPIVersionAndKind(k.APIVersion, k.Kind)] = k.TerraformType
	}
	return out
}

// TestTableCoversEveryRenderedKind fails when the platform renders a kind
// the table does not know (or the table keeps one it no longer renders):
// run make forcenew.
func TestTableCoversEveryRenderedKind(t *testing.T) {
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	in := map[schema.GroupVersionKind]Kind{}
	for _, k := range tab.Kinds {
		in[k.GVK()] = k
	}
	for gvk, files := range goldenKinds(t) {
		if _, ok := in[gvk]; !ok {
			t.Errorf("%s is rendered (%s) but internal/forcenew/table.json has no entry for it: run make forcenew", gvk, files[0])
		}
	}
	actions := actionKinds(t)
	for gvk, tt := range actions {
		k, ok := in[gvk]
		switch {
		case !ok:
			t.Errorf("%s (%s) is in deploy/aws-iam/provider-actions.json but not in internal/forcenew/table.json: run make forcenew", gvk, tt)
		case k.TerraformType != tt:
			t.Errorf("%s: the table says Terraform type %s, provider-actions.json %s: run make forcenew", gvk, k.TerraformType, tt)
		}
	}
	for gvk := range in {
		if _, ok := actions[gvk]; !ok {
			t.Errorf("%s is in the table but the platform no longer renders it: run make forcenew", gvk)
		}
	}
}

// TestTableStructure: what a reader of the table relies on.
func TestTableStructure(t *testing.T) {
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if tab.ProviderAWS == "" || tab.TerraformProvider.Module == "" || tab.TerraformProvider.Version == "" || !strings.HasPrefix(tab.TerraformProvider.Sum, "h1:") {
		t.Errorf("the table does not name the source it was read from: %+v", tab.TerraformProvider)
	}
	if len(tab.Kinds) == 0 {
		t.Fatal("no kinds")
	}
	if !slices.IsSortedFunc(tab.Kinds, func(a, b Kind) int {
		return strings.Compare(a.Kind+"."+a.APIVersion, b.Kind+"."+b.APIVersion)
	}) {
		t.Error("kinds are not sorted by kind.apiVersion: the generator is not deterministic")
	}
	field := regexp.MustCompile(`^(spec\.forProvider(\.[a-z][A-Za-z0-9]*(\[\*\])?)+|metadata\.annotations\[crossplane\.io/external-name\])$`)
	seen := map[schema.GroupVersionKind]bool{}
	for _, k := range tab.Kinds {
		gvk := k.GVK()
		if seen[gvk] {
			t.Errorf("%s: listed twice", gvk)
		}
		seen[gvk] = true
		if !managed(k.APIVersion) || k.Kind == "" || !strings.HasPrefix(k.TerraformType, "aws_") || k.Implementation == "" {
			t.Errorf("%s: incomplete entry %+v", gvk, k)
		}
		if k.ReplaceOnly == nil {
			t.Errorf("%s: replaceOnly must be a list, empty when nothing replaces", gvk)
		}
		if !slices.IsSortedFunc(k.ReplaceOnly, func(a, b Path) int { return strings.Compare(a.Path, b.Path) }) {
			t.Errorf("%s: replaceOnly is not sorted by path", gvk)
		}
		paths := map[string]bool{}
		for _, p := range k.ReplaceOnly {
			if !field.MatchString(p.Path) || strings.HasSuffix(p.Path, "[*]") {
				t.Errorf("%s: %q is not a spec.forProvider field path", gvk, p.Path)
			}
			if paths[p.Path] {
				t.Errorf("%s: %s listed twice", gvk, p.Path)
			}
			paths[p.Path] = true
			if p.Terraform == "" || p.Why != "" {
				t.Errorf("%s: %s: want the Terraform attribute and no why: %+v", gvk, p.Path, p)
			}
			if p.Conditional != (p.Reason != "") {
				t.Errorf("%s: %s: a conditional entry, and only one, names its reason: %+v", gvk, p.Path, p)
			}
			for _, r := range p.References {
				if !field.MatchString(r) || !(strings.HasSuffix(r, "Ref") || strings.HasSuffix(r, "Refs") || strings.HasSuffix(r, "Selector")) {
					t.Errorf("%s: %s: %q is not a reference field", gvk, p.Path, r)
				}
			}
			if got, cond := ReplaceOnly(gvk, p.Path); !got || cond != p.Conditional {
				t.Errorf("ReplaceOnly(%s, %s) = %v, %v; the table says true, %v", gvk, p.Path, got, cond, p.Conditional)
			}
		}
		for _, p := range k.Unmapped {
			if p.Path != "" || p.Terraform == "" || p.Why == "" {
				t.Errorf("%s: an unmapped attribute has a Terraform path, a why and no field: %+v", gvk, p)
			}
		}
	}
}

func TestReplaceOnly(t *testing.T) {
	vpc := schema.GroupVersionKind{Group: "ec2.aws.upbound.io", Version: "v1beta1", Kind: "VPC"}
	rds := schema.GroupVersionKind{Group: "rds.aws.upbound.io", Version: "v1beta1", Kind: "Cluster"}
	eks := schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "Cluster"}
	for _, c := range []struct {
		gvk           schema.GroupVersionKind
		path          string
		replace, cond bool
	}{
		{vpc, "spec.forProvider.cidrBlock", true, false},               // ForceNew: true
		{vpc, "spec.forProvider.enableDnsHostnames", false, false},     // updated in place
		{vpc, "spec.forProvider.instanceTenancy", true, true},          // resourceVPCCustomizeDiff
		{vpc, "spec.forProvider.region", true, true},                   // the region interceptor
		{rds, "spec.forProvider.kmsKeyIdSelector", true, false},        // sets kmsKeyId
		{rds, "spec.forProvider.port", false, false},                   // ModifyDBCluster changes it
		{rds, "spec.forProvider.storageType", true, true},              // customdiff.ForceNewIf
		{eks, "spec.forProvider.vpcConfig[0].subnetIds", false, false}, // updated in place
		{eks, "spec.forProvider.kubernetesNetworkConfig[0].serviceIpv4Cidr", true, false},
		{eks, "spec.forProvider.engine", false, false}, // an RDS field, not EKS's
		{schema.GroupVersionKind{Group: "example.org", Version: "v1", Kind: "VPC"}, "spec.forProvider.cidrBlock", false, false},
	} {
		if r, cond := ReplaceOnly(c.gvk, c.path); r != c.replace || cond != c.cond {
			t.Errorf("ReplaceOnly(%s, %s) = %v, %v; want %v, %v", c.gvk.Kind+"."+c.gvk.Group, c.path, r, cond, c.replace, c.cond)
		}
	}
}
