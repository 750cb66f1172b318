package awsrules

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// mr is a hand-made managed resource: group/kind, its key, forProvider, and
// optional external name and deletion policy.
func mr(group, kind, key string, forProvider map[string]any, opts ...func(*unstructured.Unstructured)) *unstructured.Unstructured {
	o := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"forProvider": forProvider}}}
	o.SetAPIVersion(group + "/v1beta1")
	o.SetKind(kind)
	o.SetLabels(map[string]string{LabelResource: key})
	for _, f := range opts {
		f(o)
	}
	return o
}

func named(n string) func(*unstructured.Unstructured) {
	return func(o *unstructured.Unstructured) { o.SetAnnotations(map[string]string{annotationExternalName: n}) }
}

func orphan(o *unstructured.Unstructured) {
	o.Object["spec"].(map[string]any)["deletionPolicy"] = "Orphan"
}

func sel(key string) map[string]any {
	return map[string]any{"matchLabels": map[string]any{LabelResource: key}}
}

func bucket(key string, fp map[string]any) *unstructured.Unstructured {
	if fp == nil {
		fp = map[string]any{}
	}
	fp["region"] = "us-west-2"
	return mr(gS3, "Bucket", key, fp, named("paynext-"+key))
}

func versioning(bucket string) *unstructured.Unstructured {
	return mr(gS3, "BucketVersioning", bucket+"-versioning", map[string]any{"bucketSelector": sel(bucket),
		"versioningConfiguration": []any{map[string]any{"status": "Enabled"}}})
}

func encryption(bucket, alg string) *unstructured.Unstructured {
	return mr(gS3, "BucketServerSideEncryptionConfiguration", bucket+"-encryption", map[string]any{"bucketSelector": sel(bucket),
		"rule": []any{map[string]any{"applyServerSideEncryptionByDefault": []any{map[string]any{"sseAlgorithm": alg}}}}})
}

func lb(region string, opts ...func(*unstructured.Unstructured)) *unstructured.Unstructured {
	return mr(gELB, "LB", "alb", map[string]any{"name": "paynext-prod-alb", "region": region,
		"accessLogs": []any{map[string]any{"enabled": true, "bucketSelector": sel("logs")}}}, opts...)
}

func replication(dst string) *unstructured.Unstructured {
	return mr(gS3, "BucketReplicationConfiguration", "src-replication", map[string]any{"bucketSelector": sel("src"),
		"rule": []any{map[string]any{"destination": []any{map[string]any{"bucketSelector": sel(dst)}}}}})
}

func aurora(fp map[string]any, opts ...func(*unstructured.Unstructured)) *unstructured.Unstructured {
	base := map[string]any{"kmsKeyIdSelector": sel("key"), "finalSnapshotIdentifier": "paynext-dev-aurora-final", "skipFinalSnapshot": false}
	for k, v := range fp {
		base[k] = v
	}
	return mr(gRDS, "Cluster", "aurora", base, append([]func(*unstructured.Unstructured){named("paynext-dev-aurora")}, opts...)...)
}

func key(fp map[string]any, opts ...func(*unstructured.Unstructured)) *unstructured.Unstructured {
	return mr(gKMS, "Key", "key", fp, opts...)
}

var lockedConfig = mr(gS3, "BucketObjectLockConfiguration", "audit-object-lock", map[string]any{"bucketSelector": sel("audit"), "objectLockEnabled": "Enabled"})

type ruleCase struct {
	name   string
	render *Render
	want   []Violation // nil: the render passes
}

// ruleCases are, for every rule, renders it must pass and renders it must
// fail with exactly the violations listed: each rule is proven able to fail.
var ruleCases = map[string][]ruleCase{
	"config-delivery-channel-no-object-lock": {{
		name: "a bucket without object lock",
		render: NewRender([]*unstructured.Unstructured{bucket("config", nil),
			mr(gConfig, "DeliveryChannel", "channel", map[string]any{"s3BucketNameSelector": sel("config")})}),
	}, {
		name: "object lock set on the bucket",
		render: NewRender([]*unstructured.Unstructured{bucket("audit", map[string]any{"objectLockEnabled": true}),
			mr(gConfig, "DeliveryChannel", "channel", map[string]any{"s3BucketNameSelector": sel("audit")})}),
		want: []Violation{{Rule: "config-delivery-channel-no-object-lock", Resource: "channel", Field: "spec.forProvider.s3BucketNameSelector", Value: "audit"}},
	}, {
		name: "object lock set by a configuration",
		render: NewRender([]*unstructured.Unstructured{bucket("audit", nil), lockedConfig,
			mr(gConfig, "DeliveryChannel", "channel", map[string]any{"s3BucketNameSelector": sel("audit")})}),
		want: []Violation{{Rule: "config-delivery-channel-no-object-lock", Resource: "channel", Field: "spec.forProvider.s3BucketNameSelector", Value: "audit"}},
	}},
	"alb-access-logs-sse-s3": {{
		name:   "SSE-S3",
		render: NewRender([]*unstructured.Unstructured{bucket("logs", nil), encryption("logs", "AES256"), lb("us-west-2")}),
	}, {
		name:   "SSE-KMS",
		render: NewRender([]*unstructured.Unstructured{bucket("logs", nil), encryption("logs", "aws:kms"), lb("us-west-2")}),
		want: []Violation{{Rule: "alb-access-logs-sse-s3", Resource: "logs-encryption",
			Field: "spec.forProvider.rule[0].applyServerSideEncryptionByDefault[0].sseAlgorithm", Value: "aws:kms"}},
	}},
	"alb-access-logs-same-region": {{
		name:   "same region",
		render: NewRender([]*unstructured.Unstructured{bucket("logs", nil), lb("us-west-2")}),
	}, {
		name:   "another region",
		render: NewRender([]*unstructured.Unstructured{bucket("logs", nil), lb("us-east-1")}),
		want:   []Violation{{Rule: "alb-access-logs-same-region", Resource: "alb", Field: "spec.forProvider.region", Value: "us-east-1"}},
	}},
	"server-access-logs-target-no-object-lock": {{
		name: "plain destination",
		render: NewRender([]*unstructured.Unstructured{bucket("logs", nil), bucket("data", nil),
			mr(gS3, "BucketLogging", "data-logging", map[string]any{"bucketSelector": sel("data"), "targetBucketSelector": sel("logs")})}),
	}, {
		name: "locked destination",
		render: NewRender([]*unstructured.Unstructured{bucket("audit", nil), lockedConfig, bucket("data", nil),
			mr(gS3, "BucketLogging", "data-logging", map[string]any{"bucketSelector": sel("data"), "targetBucketSelector": sel("audit")})}),
		want: []Violation{{Rule: "server-access-logs-target-no-object-lock", Resource: "data-logging", Field: "spec.forProvider.targetBucketSelector", Value: "audit"}},
	}},
	"object-lock-requires-versioning": {{
		name:   "versioned",
		render: NewRender([]*unstructured.Unstructured{bucket("audit", map[string]any{"objectLockEnabled": true}), versioning("audit")}),
	}, {
		name:   "not versioned",
		render: NewRender([]*unstructured.Unstructured{bucket("audit", map[string]any{"objectLockEnabled": true})}),
		want:   []Violation{{Rule: "object-lock-requires-versioning", Resource: "audit", Field: "spec.forProvider.objectLockEnabled", Value: "true"}},
	}},
	"replication-requires-versioning": {{
		name:   "both versioned",
		render: NewRender([]*unstructured.Unstructured{bucket("src", nil), versioning("src"), bucket("dst", nil), versioning("dst"), replication("dst")}),
	}, {
		name:   "destination not versioned",
		render: NewRender([]*unstructured.Unstructured{bucket("src", nil), versioning("src"), bucket("dst", nil), replication("dst")}),
		want: []Violation{{Rule: "replication-requires-versioning", Resource: "src-replication",
			Field: "spec.forProvider.rule[0].destination[0].bucketSelector", Value: "dst"}},
	}, {
		name:   "source not versioned",
		render: NewRender([]*unstructured.Unstructured{bucket("src", nil), bucket("dst", nil), versioning("dst"), replication("dst")}),
		want:   []Violation{{Rule: "replication-requires-versioning", Resource: "src-replication", Field: "spec.forProvider.bucketSelector", Value: "src"}},
	}},
	"replication-object-lock-destination": {{
		name: "both locked",
		render: NewRender([]*unstructured.Unstructured{bucket("src", map[string]any{"objectLockEnabled": true}),
			bucket("dst", map[string]any{"objectLockEnabled": true}), replication("dst")}),
	}, {
		name:   "destination not locked",
		render: NewRender([]*unstructured.Unstructured{bucket("src", map[string]any{"objectLockEnabled": true}), bucket("dst", nil), replication("dst")}),
		want: []Violation{{Rule: "replication-object-lock-destination", Resource: "src-replication",
			Field: "spec.forProvider.rule[0].destination[0].bucketSelector", Value: "dst"}},
	}},
	"deletion-protection-vs-deletion-policy": {{
		name: "protected and orphaned, or unprotected and deleted",
		render: NewRender([]*unstructured.Unstructured{
			mr(gEKS, "Cluster", "eks", map[string]any{"deletionProtection": true}, orphan),
			mr(gRDS, "Cluster", "aurora", map[string]any{"deletionProtection": false}),
			mr(gELB, "LB", "alb", map[string]any{"enableDeletionProtection": true}, orphan)}),
	}, {
		name: "protected and deleted",
		render: NewRender([]*unstructured.Unstructured{
			mr(gEKS, "Cluster", "eks", map[string]any{"deletionProtection": true}),
			mr(gRDS, "Cluster", "aurora", map[string]any{"deletionProtection": true}),
			mr(gELB, "LB", "alb", map[string]any{"enableDeletionProtection": true})}),
		want: []Violation{
			{Rule: "deletion-protection-vs-deletion-policy", Resource: "aurora", Field: "spec.deletionPolicy", Value: "Delete"},
			{Rule: "deletion-protection-vs-deletion-policy", Resource: "eks", Field: "spec.deletionPolicy", Value: "Delete"},
			{Rule: "deletion-protection-vs-deletion-policy", Resource: "alb", Field: "spec.deletionPolicy", Value: "Delete"}},
	}},
	"rds-final-snapshot-identifier-unique": {{
		name: "identifier carries the composite's uid",
		render: func() *Render {
			r := NewRender([]*unstructured.Unstructured{aurora(map[string]any{"finalSnapshotIdentifier": "paynext-dev-aurora-final-0f2c"})})
			r.InstanceIDs = []string{"0f2c"}
			return r
		}(),
	}, {
		name:   "no final snapshot",
		render: NewRender([]*unstructured.Unstructured{aurora(map[string]any{"skipFinalSnapshot": true})}),
	}, {
		name:   "fixed identifier on a deleted cluster",
		render: NewRender([]*unstructured.Unstructured{aurora(nil)}),
		want: []Violation{{Rule: "rds-final-snapshot-identifier-unique", Resource: "aurora", Field: "spec.forProvider.finalSnapshotIdentifier",
			Value: "paynext-dev-aurora-final"}},
	}},
	"rds-final-snapshot-key-outlives-teardown": {{
		name:   "key orphaned",
		render: NewRender([]*unstructured.Unstructured{aurora(nil), key(nil, orphan)}),
	}, {
		name:   "key deleted with the cluster",
		render: NewRender([]*unstructured.Unstructured{aurora(nil), key(nil)}),
		want:   []Violation{{Rule: "rds-final-snapshot-key-outlives-teardown", Resource: "aurora", Field: "spec.forProvider.kmsKeyIdSelector", Value: "key"}},
	}},
	"kms-deletion-window": {{
		name:   "7 days",
		render: NewRender([]*unstructured.Unstructured{key(map[string]any{"deletionWindowInDays": int64(7)})}),
	}, {
		name:   "31 days",
		render: NewRender([]*unstructured.Unstructured{key(map[string]any{"deletionWindowInDays": int64(31)})}),
		want:   []Violation{{Rule: "kms-deletion-window", Resource: "key", Field: "spec.forProvider.deletionWindowInDays", Value: "31"}},
	}, {
		name:   "6 days",
		render: NewRender([]*unstructured.Unstructured{key(map[string]any{"deletionWindowInDays": float64(6)})}),
		want:   []Violation{{Rule: "kms-deletion-window", Resource: "key", Field: "spec.forProvider.deletionWindowInDays", Value: "6"}},
	}},
	"log-group-retention-values": {{
		name:   "seven years",
		render: NewRender([]*unstructured.Unstructured{mr(gLogs, "Group", "lg", map[string]any{"retentionInDays": int64(2557)})}),
	}, {
		name:   "a year of 366 days",
		render: NewRender([]*unstructured.Unstructured{mr(gLogs, "Group", "lg", map[string]any{"retentionInDays": int64(366)})}),
		want:   []Violation{{Rule: "log-group-retention-values", Resource: "lg", Field: "spec.forProvider.retentionInDays", Value: "366"}},
	}},
	"s3-bucket-name": {{
		name:   "account and region in the name",
		render: NewRender([]*unstructured.Unstructured{mr(gS3, "Bucket", "b", nil, named("paynext-prod-logs-111122223333-us-west-2"))}),
	}, {
		name: "too long, upper case, reserved suffix",
		render: NewRender([]*unstructured.Unstructured{
			mr(gS3, "Bucket", "long", nil, named("paynext-production-environment-logs-111122223333-ap-southeast-2x")),
			mr(gS3, "Bucket", "upper", nil, named("PayNext-logs")),
			mr(gS3, "Bucket", "suffix", nil, named("paynext-logs-s3alias"))}),
		want: []Violation{
			{Rule: "s3-bucket-name", Resource: "long", Field: "metadata.annotations[crossplane.io/external-name]", Value: "paynext-production-environment-logs-111122223333-ap-southeast-2x"},
			{Rule: "s3-bucket-name", Resource: "suffix", Field: "metadata.annotations[crossplane.io/external-name]", Value: "paynext-logs-s3alias"},
			{Rule: "s3-bucket-name", Resource: "upper", Field: "metadata.annotations[crossplane.io/external-name]", Value: "PayNext-logs"}},
	}},
	"lb-name": {{
		name:   "32 characters",
		render: NewRender([]*unstructured.Unstructured{mr(gELB, "LB", "alb", map[string]any{"name": "paynext-staging-eu-central-1-alb"})}),
	}, {
		name: "33 characters, and internal-",
		render: NewRender([]*unstructured.Unstructured{mr(gELB, "LB", "alb", map[string]any{"name": "paynext-staging-eu-central-1-albx"}),
			mr(gELB, "LB", "internal", map[string]any{"name": "internal-paynext"})}),
		want: []Violation{
			{Rule: "lb-name", Resource: "alb", Field: "spec.forProvider.name", Value: "paynext-staging-eu-central-1-albx"},
			{Rule: "lb-name", Resource: "internal", Field: "spec.forProvider.name", Value: "internal-paynext"}},
	}},
	"rds-cluster-identifier": {{
		name:   "letters and hyphens",
		render: NewRender([]*unstructured.Unstructured{mr(gRDS, "Cluster", "c", nil, named("paynext-prod-aurora"))}),
	}, {
		name: "double hyphen, leading digit",
		render: NewRender([]*unstructured.Unstructured{mr(gRDS, "Cluster", "c", nil, named("paynext--aurora")),
			mr(gRDS, "Cluster", "d", nil, named("1paynext"))}),
		want: []Violation{
			{Rule: "rds-cluster-identifier", Resource: "c", Field: "metadata.annotations[crossplane.io/external-name]", Value: "paynext--aurora"},
			{Rule: "rds-cluster-identifier", Resource: "d", Field: "metadata.annotations[crossplane.io/external-name]", Value: "1paynext"}},
	}},
	"log-group-name": {{
		name:   "a path",
		render: NewRender([]*unstructured.Unstructured{mr(gLogs, "Group", "lg", nil, named("/aws/eks/paynext-cluster-prod/cluster"))}),
	}, {
		name:   "a colon",
		render: NewRender([]*unstructured.Unstructured{mr(gLogs, "Group", "lg", nil, named("/aws/paynext:prod"))}),
		want:   []Violation{{Rule: "log-group-name", Resource: "lg", Field: "metadata.annotations[crossplane.io/external-name]", Value: "/aws/paynext:prod"}},
	}},
	"iam-role-name": {{
		name:   "64 characters",
		render: NewRender([]*unstructured.Unstructured{mr(gIAM, "Role", "r", nil, named("paynext-staging-aws-load-balancer-controller-eu-central-1-abcdef"))}),
	}, {
		name:   "65 characters",
		render: NewRender([]*unstructured.Unstructured{mr(gIAM, "Role", "r", nil, named("paynext-staging-aws-load-balancer-controller-eu-central-1-abcdefg"))}),
		want: []Violation{{Rule: "iam-role-name", Resource: "r", Field: "metadata.annotations[crossplane.io/external-name]",
			Value: "paynext-staging-aws-load-balancer-controller-eu-central-1-abcdefg"}},
	}},
	"kms-alias-name": {{
		name:   "alias/ prefix",
		render: NewRender([]*unstructured.Unstructured{mr(gKMS, "Alias", "a", nil, named("alias/paynext/prod/logs"))}),
	}, {
		name: "no prefix, and the AWS prefix",
		render: NewRender([]*unstructured.Unstructured{mr(gKMS, "Alias", "a", nil, named("paynext/prod/logs")),
			mr(gKMS, "Alias", "b", nil, named("alias/aws/logs"))}),
		want: []Violation{
			{Rule: "kms-alias-name", Resource: "a", Field: "metadata.annotations[crossplane.io/external-name]", Value: "paynext/prod/logs"},
			{Rule: "kms-alias-name", Resource: "b", Field: "metadata.annotations[crossplane.io/external-name]", Value: "alias/aws/logs"}},
	}},
	"eks-cluster-name": {{
		name:   "hyphens",
		render: NewRender([]*unstructured.Unstructured{mr(gEKS, "Cluster", "eks", nil, named("paynext-cluster-prod"))}),
	}, {
		name:   "a period",
		render: NewRender([]*unstructured.Unstructured{mr(gEKS, "Cluster", "eks", nil, named("paynext.prod"))}),
		want:   []Violation{{Rule: "eks-cluster-name", Resource: "eks", Field: "metadata.annotations[crossplane.io/external-name]", Value: "paynext.prod"}},
	}},
}

func TestEveryRulePassesAndFailsItsFixtures(t *testing.T) {
	ids := map[string]bool{}
	for _, rule := range All() {
		if ids[rule.ID] {
			t.Errorf("two rules share the ID %s", rule.ID)
		}
		ids[rule.ID] = true
		if rule.URL == "" || rule.Doc == "" || len(rule.Kinds) == 0 {
			t.Errorf("rule %s must cite its page, its sentence and its kinds", rule.ID)
		}
		cases := ruleCases[rule.ID]
		if !slices.ContainsFunc(cases, func(c ruleCase) bool { return c.want == nil }) || !slices.ContainsFunc(cases, func(c ruleCase) bool { return c.want != nil }) {
			t.Errorf("rule %s needs a passing and a failing fixture", rule.ID)
		}
		for _, c := range cases {
			got := rule.Check(c.render)
			// Detail is prose; the test pins what was judged.
			for i := range got {
				got[i].Detail = ""
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("rule %s on %q: the violations differ from what AWS's rule implies (-want +got):\n%s", rule.ID, c.name, diff)
			}
		}
	}
	for id := range ruleCases {
		if !ids[id] {
			t.Errorf("fixtures for %s name no rule of the catalogue", id)
		}
	}
}

func init() {
	lock := mr(gS3, "BucketObjectLockConfiguration", "audit-object-lock", map[string]any{"bucketSelector": sel("audit"), "objectLockEnabled": "Enabled"})
	ruleCases["object-lock-on-existing-bucket-needs-versioning"] = []ruleCase{
		{name: "locked at creation", render: NewRender([]*unstructured.Unstructured{bucket("audit", map[string]any{"objectLockEnabled": true}), lock})},
		{name: "versioned", render: NewRender([]*unstructured.Unstructured{bucket("audit", nil), versioning("audit"), lock})},
		{name: "neither", render: NewRender([]*unstructured.Unstructured{bucket("audit", nil), lock}),
			want: []Violation{{Rule: "object-lock-on-existing-bucket-needs-versioning", Resource: "audit-object-lock", Field: "spec.forProvider.bucketSelector", Value: "audit"}}},
	}
}
