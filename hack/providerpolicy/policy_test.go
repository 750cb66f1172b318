package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// These tests need no download: they judge the committed table and policy
// (deploy/aws-iam) against the golden renders and the function's code.

const root = "../.."

func readTable(t *testing.T) Table {
	t.Helper()
	var tab Table
	data, err := os.ReadFile(filepath.Join(root, "deploy/aws-iam/provider-actions.json"))
	if err != nil {
		t.Fatalf("%v (run make provider-policy)", err)
	}
	if err := json.Unmarshal(data, &tab); err != nil {
		t.Fatal(err)
	}
	return tab
}

func readPolicy(t *testing.T) Policy {
	t.Helper()
	var p Policy
	data, err := os.ReadFile(filepath.Join(root, "deploy/aws-iam/provider-policy.json"))
	if err != nil {
		t.Fatalf("%v (run make provider-policy)", err)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func goldenFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "functions/platform/testdata/golden/*.yaml"))
	if len(files) == 0 {
		t.Fatal("no golden renders in functions/platform/testdata/golden")
	}
	return files
}

// platformKinds is every kind a claim can render: those of the golden
// renders of the example claims, and those the function's code constructs
// (a superset of what any claim, held-out ones included, renders).
func platformKinds(t *testing.T) (golden, constructed map[Kind][]string) {
	t.Helper()
	golden, err := KindsOfFiles(goldenFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	constructed, err = KindsConstructed(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	return golden, constructed
}

func TestTableCoversEveryKindThePlatformRenders(t *testing.T) {
	golden, constructed := platformKinds(t)
	table := map[Kind]Entry{}
	for _, e := range readTable(t).Kinds {
		table[Kind{e.APIVersion, e.Kind}] = e
	}
	for k := range golden {
		// The construction scan must see what the renders hold, or it could
		// miss a kind only a held-out claim renders.
		if _, ok := constructed[k]; !ok {
			t.Errorf("%s is rendered (%v) but KindsConstructed does not find the code that builds it: fix the scan", k, golden[k])
		}
	}
	for _, m := range []map[Kind][]string{golden, constructed} {
		for k, where := range m {
			e, ok := table[k]
			if !ok {
				t.Errorf("%s (%v) has no entry in deploy/aws-iam/provider-actions.json: run make provider-policy", k, where)
				continue
			}
			if len(e.Actions) == 0 || e.TerraformType == "" {
				t.Errorf("%s: entry without Terraform type or actions", k)
			}
		}
	}
}

func TestTableHasNoKindThePlatformDoesNotRender(t *testing.T) {
	golden, constructed := platformKinds(t)
	for _, e := range readTable(t).Kinds {
		k := Kind{e.APIVersion, e.Kind}
		if _, ok := golden[k]; ok {
			continue
		}
		if _, ok := constructed[k]; ok {
			continue
		}
		t.Errorf("%s is in the table, so its actions are in the policy, but no render holds it and no code constructs it: run make provider-policy", k)
	}
}

// TestPolicyIsTheTablesActions: the policy grants exactly the union of the
// table's actions (nothing no kind needs, nothing a kind needs missing),
// grouped as BuildPolicy groups them, and each entry's actions are its
// operations' actions by the mapping in iam.go.
func TestPolicyIsTheTablesActions(t *testing.T) {
	tab, committed := readTable(t), readPolicy(t)
	var all, passedTo []string
	for _, e := range tab.Kinds {
		var want []string
		for _, op := range e.Operations {
			acts, err := Actions(op)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, acts...)
		}
		for _, pr := range e.PassesRole {
			_, svc, _ := strings.Cut(pr, " to ")
			passedTo = append(passedTo, svc)
			want = append(want, "iam:PassRole")
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if diff := cmp.Diff(want, e.Actions); diff != "" {
			t.Errorf("%s.%s: actions drift from its operations (-mapped +table); run make provider-policy:\n%s", e.Kind, e.APIVersion, diff)
		}
		all = append(all, e.Actions...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	if diff := cmp.Diff(all, PolicyActions(committed)); diff != "" {
		t.Errorf("the policy's actions are not the table's (-table +policy); run make provider-policy:\n%s", diff)
	}
	// Round-trip through JSON so that Resource compares as the file has it.
	rebuilt, _ := json.Marshal(BuildPolicy(all, passedTo))
	var want Policy
	_ = json.Unmarshal(rebuilt, &want)
	if diff := cmp.Diff(want, committed); diff != "" {
		t.Errorf("deploy/aws-iam/provider-policy.json is not what the table builds (-built +committed); run make provider-policy:\n%s", diff)
	}
	for _, s := range committed.Statement {
		if s.Resource == "*" {
			continue
		}
		for _, a := range s.Action {
			if !slices.ContainsFunc(scopes, func(sc scope) bool { return slices.Contains(sc.Actions, a) }) && a != "iam:PassRole" {
				t.Errorf("%s: %s is scoped but no scope lists it", s.Sid, a)
			}
		}
	}
}

// TestScopedNamesCarryThePrefix: the scoped statements hold only if every
// bucket and role the platform renders is named paynext-… at the root path.
func TestScopedNamesCarryThePrefix(t *testing.T) {
	for _, f := range goldenFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, doc := range splitYAML(data) {
			var obj struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Annotations map[string]string `json:"annotations"`
				} `json:"metadata"`
				Spec struct {
					ForProvider map[string]any `json:"forProvider"`
				} `json:"spec"`
			}
			if err := yaml.Unmarshal(doc, &obj); err != nil {
				t.Fatal(err)
			}
			group, _, _ := strings.Cut(obj.APIVersion, "/")
			scopedKind := (obj.Kind == "Bucket" && strings.HasPrefix(group, "s3.")) || (obj.Kind == "Role" && strings.HasPrefix(group, "iam."))
			if !scopedKind {
				continue
			}
			n++
			name := obj.Metadata.Annotations["crossplane.io/external-name"]
			if !strings.HasPrefix(name, namePrefix) {
				t.Errorf("%s: %s %q is not named %s…: the scoped statements of provider-policy.json would deny the provider", filepath.Base(f), obj.Kind, name, namePrefix)
			}
			if p, ok := obj.Spec.ForProvider["path"]; ok && p != "/" {
				t.Errorf("%s: role %q has path %v: the role ARN patterns assume the root path", filepath.Base(f), name, p)
			}
		}
		if n == 0 {
			t.Errorf("%s: no bucket or role found", f)
		}
	}
}

func TestKindsOfStreamSkipsWhatIsNotAManagedResource(t *testing.T) {
	stream := []byte(`# comment
---
# composite status
status: {}
---
apiVersion: platform.paynext.io/v1alpha1
kind: XPayNextPlatform
spec:
  providerConfigRef: {name: default}
--- # a comment after the separator
apiVersion: ec2.aws.upbound.io/v1beta1
kind: VPC
spec:
  providerConfigRef: {name: default}
---
kind: Subnet
apiVersion: ec2.aws.m.upbound.io/v1beta1
`)
	got, err := KindsOfStream(stream)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Kind]bool{{"ec2.aws.upbound.io/v1beta1", "VPC"}: true, {"ec2.aws.m.upbound.io/v1beta1", "Subnet"}: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestActionsMapping(t *testing.T) {
	for op, want := range map[string]string{
		"s3.PutBucketEncryption":                    "s3:PutEncryptionConfiguration",
		"s3.HeadBucket":                             "s3:ListBucket",
		"s3.PutPublicAccessBlock":                   "s3:PutBucketPublicAccessBlock",
		"elasticloadbalancingv2.CreateLoadBalancer": "elasticloadbalancing:CreateLoadBalancer",
		"cloudwatchlogs.CreateLogGroup":             "logs:CreateLogGroup",
		"efs.CreateFileSystem":                      "elasticfilesystem:CreateFileSystem",
		"ec2.CreateVpc":                             "ec2:CreateVpc",
	} {
		got, err := Actions(op)
		if err != nil || got[0] != want {
			t.Errorf("Actions(%s) = %v, %v; want %s", op, got, err, want)
		}
	}
	if _, err := Actions("newservice.CreateThing"); err == nil {
		t.Error("an SDK package with no known IAM prefix must fail the generation")
	}
}
