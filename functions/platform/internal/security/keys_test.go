package security

import (
	"path"
	"slices"
	"strings"
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/google/go-cmp/cmp"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
	"github.com/paynext/platform/internal/iampolicy"
)

// TestEveryPurposeHasItsOwnKey: one CMK per purpose, rotated, aliased
// alias/paynext/<env>/<purpose>, in the platform's region, and the keys of
// replicated data in the DR region.
func TestEveryPurposeHasItsOwnKey(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "111122223333")
	rs := byKey(t, cfg)
	want := map[string]string{ // key → region
		"kms-key-database": "eu-central-1", "kms-key-storage": "eu-central-1", "kms-key-storage-dr": "eu-west-1",
		"kms-key-kubernetes": "eu-central-1", "kms-key-logs": "eu-central-1", "kms-key-messaging": "eu-central-1",
		"kms-key-secrets": "eu-central-1", "kms-key-backup": "eu-central-1", "kms-key-backup-dr": "eu-west-1",
	}
	got := map[string]string{}
	for key, obj := range rs {
		k, ok := obj.(*kmsv1beta1.Key)
		if !ok {
			continue
		}
		got[key] = *k.Spec.ForProvider.Region
		if !*k.Spec.ForProvider.EnableKeyRotation {
			t.Errorf("%s: rotation must be on", key)
		}
		alias, ok := rs["kms-alias-"+key[len("kms-key-"):]].(*kmsv1beta1.Alias)
		if !ok {
			t.Errorf("%s: no alias", key)
			continue
		}
		if *alias.Spec.ForProvider.Region != got[key] || alias.Spec.ForProvider.TargetKeyIDSelector.MatchLabels[platform.LabelResource] != key {
			t.Errorf("%s: its alias must target it in its own region", key)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("want one key per purpose, replicated data's keys in the DR region (-want +got):\n%s", diff)
	}
}

// TestKeysAreUsableOnlyThroughTheirServices: outside administration, every
// statement that lets the account use a key is bound to the services (or the
// role) of that key's purpose.
func TestKeysAreUsableOnlyThroughTheirServices(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentStaging, "111122223333")
	cases := map[string][]string{
		"kms-key-database":   {"rds.eu-central-1.amazonaws.com"},
		"kms-key-storage":    {"s3.eu-central-1.amazonaws.com", "elasticfilesystem.eu-central-1.amazonaws.com", "ec2.eu-central-1.amazonaws.com"},
		"kms-key-storage-dr": {"s3.eu-west-1.amazonaws.com"},
		"kms-key-secrets":    {"secretsmanager.eu-central-1.amazonaws.com"},
		"kms-key-backup":     {"backup.eu-central-1.amazonaws.com"},
		"kms-key-backup-dr":  {"backup.eu-west-1.amazonaws.com", "rds.eu-west-1.amazonaws.com"},
		"kms-key-messaging":  {"sns.eu-central-1.amazonaws.com"},
	}
	rs := byKey(t, cfg)
	for key, services := range cases {
		doc, err := policy.Parse(*rs[key].(*kmsv1beta1.Key).Spec.ForProvider.Policy)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range doc.Statement {
			if !slices.Contains(st.Action, "kms:Decrypt") || st.Principal.AWS == nil {
				continue
			}
			if st.Condition["ArnEquals"]["aws:PrincipalArn"] != nil {
				continue // bound to one role: TestAutoScalingUsesTheStorageKey
			}
			if got := st.Condition["StringEquals"]["kms:ViaService"]; !slices.Equal(got, services) {
				t.Errorf("%s %s: want use only via %v, got %v", key, st.Sid, services, got)
			}
			if got := st.Condition["StringEquals"]["kms:CallerAccount"]; !slices.Equal(got, []string{"111122223333"}) {
				t.Errorf("%s %s: want use only by the account, got %v", key, st.Sid, got)
			}
		}
	}
	doc, _ := policy.Parse(*rs["kms-key-kubernetes"].(*kmsv1beta1.Key).Spec.ForProvider.Policy)
	for _, use := range doc.Statement {
		if !slices.Contains(use.Action, "kms:Decrypt") {
			continue
		}
		if got := use.Condition["ArnLike"]["aws:PrincipalArn"]; !slices.Equal(got, []string{"arn:aws:iam::111122223333:role/paynext-staging-eks-cluster"}) {
			t.Errorf("the Kubernetes key %s: want use by the EKS cluster role only, got %v", use.Sid, got)
		}
	}
}

// allows reports whether st allows action, matching its wildcards as IAM
// does (kms:Create* matches kms:CreateGrant).
func allows(st policy.Statement, action string) bool {
	return st.Effect == policy.Allow && slices.ContainsFunc(st.Action, func(a string) bool {
		ok, _ := path.Match(strings.ToLower(a), strings.ToLower(action))
		return ok
	})
}

// TestOnlyServicesCreateGrants: a grant lets its grantee use a key with no
// kms:ViaService condition, so a key policy that let the account create
// grants unconditioned would void its "only through the services"
// statements. Every statement that allows kms:CreateGrant is bound to a
// service (kms:ViaService) or to one role (aws:PrincipalArn); administration
// allows none.
func TestOnlyServicesCreateGrants(t *testing.T) {
	for _, env := range []v1alpha1.Environment{v1alpha1.EnvironmentDev, v1alpha1.EnvironmentStaging, v1alpha1.EnvironmentProd} {
		for key, doc := range keyPolicies(t, config(env, "111122223333")) {
			for _, st := range doc.Statement {
				if !allows(st, "kms:CreateGrant") {
					continue
				}
				bound := st.Condition["StringEquals"]["kms:ViaService"] != nil ||
					st.Condition["ArnLike"]["aws:PrincipalArn"] != nil || st.Condition["ArnEquals"]["aws:PrincipalArn"] != nil
				if !bound || strings.HasPrefix(st.Sid, "AccountAdministration") {
					t.Errorf("%s %s %s: allows kms:CreateGrant to %v unbound to a service or role (%v)", env, key, st.Sid, st.Principal, st.Condition)
				}
			}
		}
	}
}

// TestTheClusterCreatorGrantsOnlyThroughEKS: CreateCluster creates a grant on
// the Kubernetes key for the principal that calls it, without
// kms:GrantIsForAWSResource (enable-kms.html); the key allows that through
// EKS in the platform's region only.
func TestTheClusterCreatorGrantsOnlyThroughEKS(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "111122223333")
	doc, err := policy.Parse(*byKey(t, cfg)[KeyName(PurposeKubernetes, false)].(*kmsv1beta1.Key).Spec.ForProvider.Policy)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range doc.Statement {
		if st.Sid != "ClusterCreatorGrantsThroughEKS" {
			continue
		}
		if !slices.Equal(st.Action, []string{"kms:CreateGrant"}) || st.Condition["Bool"] != nil {
			t.Errorf("want kms:CreateGrant alone, without kms:GrantIsForAWSResource, got %v %v", st.Action, st.Condition)
		}
		if got := st.Condition["StringEquals"]["kms:ViaService"]; !slices.Equal(got, []string{"eks.eu-central-1.amazonaws.com"}) {
			t.Errorf("want the grant only through EKS in the region, got %v", got)
		}
		return
	}
	t.Error("the Kubernetes key does not let the cluster's creator create EKS's grant")
}

// TestAutoScalingUsesTheStorageKey: EC2 Auto Scaling launches the node groups'
// instances with volumes encrypted by the storage key, with its
// service-linked role, whose own permissions include no customer managed
// key: the key policy allows that role itself (not the account root, which
// would only delegate to those permissions), by aws:PrincipalArn rather than
// as the Principal, which KMS would reject while the role does not exist.
func TestAutoScalingUsesTheStorageKey(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "111122223333")
	doc, err := policy.Parse(*byKey(t, cfg)[KeyName(PurposeStorage, false)].(*kmsv1beta1.Key).Spec.ForProvider.Policy)
	if err != nil {
		t.Fatal(err)
	}
	slr := "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	want := map[string]bool{"kms:Decrypt": false, "kms:GenerateDataKeyWithoutPlaintext": false, "kms:ReEncryptFrom": false, "kms:DescribeKey": false, "kms:CreateGrant": false}
	for _, st := range doc.Statement {
		if !slices.Equal(st.Condition["ArnEquals"]["aws:PrincipalArn"], []string{slr}) {
			continue
		}
		if !slices.Equal(st.Principal.AWS, []string{"*"}) || !slices.Equal(st.Condition["StringEquals"]["kms:CallerAccount"], []string{"111122223333"}) {
			t.Errorf("%s: want principal * bound to the role and the account, got %v %v", st.Sid, st.Principal.AWS, st.Condition)
		}
		for a := range want {
			if allows(st, a) {
				want[a] = true
			}
		}
		if allows(st, "kms:CreateGrant") && !slices.Equal(st.Condition["Bool"]["kms:GrantIsForAWSResource"], []string{"true"}) {
			t.Errorf("%s: the role may create grants only for AWS resources, got %v", st.Sid, st.Condition)
		}
	}
	for a, ok := range want {
		if !ok {
			t.Errorf("the storage key does not allow the Auto Scaling service-linked role %s", a)
		}
	}
}

// TestKeyPoliciesNameNoRole: every AWS principal of a key policy is the
// account root or "*" bound by conditions. KMS rejects a key policy naming a
// role that does not exist, and the roles the keys are for are created in
// the same render (or, for service-linked roles, by AWS on first use).
func TestKeyPoliciesNameNoRole(t *testing.T) {
	for key, doc := range keyPolicies(t, config(v1alpha1.EnvironmentProd, "111122223333")) {
		for _, st := range doc.Statement {
			for _, p := range st.Principal.AWS {
				if p != "arn:aws:iam::111122223333:root" && (p != "*" || len(st.Condition) == 0) {
					t.Errorf("%s %s: names principal %s", key, st.Sid, p)
				}
			}
		}
	}
}

// TestOnlyKeysTheProviderMayDeleteGoWithTheClaim: when a claim is deleted,
// the provider schedules the deletion of every key whose deletion policy is
// Delete, with its own credentials and no MFA. Such a key's policy must let
// it; a key whose policy demands MFA for that must be orphaned instead (a
// person with MFA deletes it), or it stays deleting forever.
func TestOnlyKeysTheProviderMayDeleteGoWithTheClaim(t *testing.T) {
	provider := iampolicy.Principal{ARN: "arn:aws:iam::111122223333:role/crossplane-provider-aws", Account: "111122223333"}
	identity, err := iampolicy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		env          v1alpha1.Environment
		withTheClaim bool // keys are deleted with the claim
	}{
		{v1alpha1.EnvironmentDev, true},
		{v1alpha1.EnvironmentStaging, false},
		{v1alpha1.EnvironmentProd, false},
	}
	for _, tc := range cases {
		t.Run(string(tc.env), func(t *testing.T) {
			for key, obj := range byKey(t, config(tc.env, "111122223333")) {
				k, ok := obj.(*kmsv1beta1.Key)
				if !ok {
					continue
				}
				deleted := k.Spec.DeletionPolicy != xpv1.DeletionOrphan // "" is the CRD default, Delete
				if deleted != tc.withTheClaim {
					t.Errorf("%s: want deleted with the claim: %v, got deletionPolicy %q", key, tc.withTheClaim, k.Spec.DeletionPolicy)
				}
				keyPolicy, err := iampolicy.Parse(*k.Spec.ForProvider.Policy)
				if err != nil {
					t.Fatal(err)
				}
				res := iampolicy.Evaluate(iampolicy.Request{
					Principal: provider, Action: "kms:ScheduleKeyDeletion", Resource: "arn:aws:kms:eu-central-1:111122223333:key/" + key,
					Context: iampolicy.Context{"aws:MultiFactorAuthPresent": {"false"}},
				}, iampolicy.KeyPolicy,
					iampolicy.Source{Name: key, Kind: iampolicy.Resource, Policy: keyPolicy},
					iampolicy.Source{Name: "provider role", Kind: iampolicy.Identity, Policy: identity})
				if deleted && !res.Allowed() {
					t.Errorf("%s is deleted with the claim, but the provider may not schedule its deletion: %s", key, res.Reason)
				}
			}
		})
	}
}

// keyPolicies are the parsed policies of the keys cfg renders, by key.
func keyPolicies(t *testing.T, cfg *platform.Config) map[string]policy.Document {
	t.Helper()
	out := map[string]policy.Document{}
	for key, obj := range byKey(t, cfg) {
		k, ok := obj.(*kmsv1beta1.Key)
		if !ok {
			continue
		}
		doc, err := policy.Parse(*k.Spec.ForProvider.Policy)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		out[key] = doc
	}
	return out
}
