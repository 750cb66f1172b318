package awsrules

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

const topicARN = "arn:aws:sns:us-west-2:111122223333:paynext-prod-compliance"

func topic(kms string) *unstructured.Unstructured {
	fp := map[string]any{"region": "us-west-2"}
	if kms != "" {
		fp["kmsMasterKeyId"] = kms
	}
	return mr(gSNS, "Topic", "topic", fp, named("paynext-prod-compliance"))
}

func channel(region, arn string) *unstructured.Unstructured {
	return mr(gConfig, "DeliveryChannel", "channel-"+region, map[string]any{"region": region, "snsTopicArn": arn})
}

func recorder(region string) *unstructured.Unstructured {
	return mr(gConfig, "ConfigurationRecorder", "recorder-"+region, map[string]any{"region": region})
}

func trail(keyRegion string) []*unstructured.Unstructured {
	return []*unstructured.Unstructured{
		mr(gTrail, "Trail", "trail", map[string]any{"kmsKeyIdSelector": sel("key"), "s3BucketNameSelector": sel("audit")}),
		key(map[string]any{"region": keyRegion}), bucket("audit", nil)}
}

func wafLogging(group string) []*unstructured.Unstructured {
	return []*unstructured.Unstructured{mr(gWAF, "WebACLLoggingConfiguration", "waf-logging", map[string]any{"logDestinationConfigsSelector": sel("waf-log-group")}),
		mr(gLogs, "Group", "waf-log-group", nil, named(group))}
}

func backupPlan(deleteAfter int64) *unstructured.Unstructured {
	return mr(gBackup, "Plan", "plan", map[string]any{"rule": []any{
		map[string]any{"enableContinuousBackup": false, "lifecycle": []any{map[string]any{"deleteAfter": int64(2557)}}},
		map[string]any{"enableContinuousBackup": true, "lifecycle": []any{map[string]any{"deleteAfter": deleteAfter}}}}})
}

func init() {
	for id, cases := range map[string][]ruleCase{
		"config-sns-topic-not-encrypted": {{
			name:   "an unencrypted topic",
			render: NewRender([]*unstructured.Unstructured{topic(""), channel("us-west-2", topicARN)}),
		}, {
			name:   "a topic encrypted with a CMK",
			render: NewRender([]*unstructured.Unstructured{topic("alias/paynext/prod/messaging"), channel("us-west-2", topicARN)}),
			want:   []Violation{{Rule: "config-sns-topic-not-encrypted", Resource: "channel-us-west-2", Field: "spec.forProvider.snsTopicArn", Value: topicARN}},
		}},
		"config-sns-topic-same-region": {{
			name:   "same region",
			render: NewRender([]*unstructured.Unstructured{channel("us-west-2", topicARN)}),
		}, {
			name:   "another region",
			render: NewRender([]*unstructured.Unstructured{channel("us-east-1", topicARN)}),
			want:   []Violation{{Rule: "config-sns-topic-same-region", Resource: "channel-us-east-1", Field: "spec.forProvider.snsTopicArn", Value: topicARN}},
		}},
		"config-delivery-channel-needs-recorder": {{
			name:   "a recorder in the channel's region",
			render: NewRender([]*unstructured.Unstructured{recorder("us-west-2"), channel("us-west-2", topicARN)}),
		}, {
			name:   "the recorder in another region",
			render: NewRender([]*unstructured.Unstructured{recorder("us-east-1"), channel("us-west-2", topicARN)}),
			want:   []Violation{{Rule: "config-delivery-channel-needs-recorder", Resource: "channel-us-west-2", Field: "spec.forProvider.region", Value: "us-west-2"}},
		}},
		"cloudtrail-kms-key-bucket-same-region": {{
			name:   "key beside the bucket",
			render: NewRender(trail("us-west-2")),
		}, {
			name:   "key in another region",
			render: NewRender(trail("us-east-1")),
			want:   []Violation{{Rule: "cloudtrail-kms-key-bucket-same-region", Resource: "trail", Field: "spec.forProvider.kmsKeyIdSelector", Value: "key"}},
		}},
		"waf-log-destination-name": {{
			name:   "the WAF prefix",
			render: NewRender(wafLogging("aws-waf-logs-paynext-prod")),
		}, {
			name:   "a path",
			render: NewRender(wafLogging("/aws/paynext/prod/waf")),
			want: []Violation{{Rule: "waf-log-destination-name", Resource: "waf-log-group", Field: "metadata.annotations[crossplane.io/external-name]",
				Value: "/aws/paynext/prod/waf"}},
		}},
		"backup-continuous-retention": {{
			name:   "35 days",
			render: NewRender([]*unstructured.Unstructured{backupPlan(35)}),
		}, {
			name:   "36 days",
			render: NewRender([]*unstructured.Unstructured{backupPlan(36)}),
			want:   []Violation{{Rule: "backup-continuous-retention", Resource: "plan", Field: "spec.forProvider.rule[1].lifecycle[0].deleteAfter", Value: "36"}},
		}},
	} {
		ruleCases[id] = cases
	}
}

func init() {
	rule := func(identifier, params string, scope ...any) *Render {
		fp := map[string]any{"source": []any{map[string]any{"owner": "AWS", "sourceIdentifier": identifier}}}
		if params != "" {
			fp["inputParameters"] = params
		}
		if len(scope) > 0 {
			fp["scope"] = scope
		}
		return NewRender([]*unstructured.Unstructured{mr(gConfig, "ConfigRule", "rule", fp)})
	}
	ruleCases["config-rule-required-parameters"] = []ruleCase{
		{name: "the oldest version named", render: rule("EKS_CLUSTER_OLDEST_SUPPORTED_VERSION", `{"oldestVersionSupported":"1.31"}`)},
		{name: "a rule with optional parameters only", render: rule("SECRETSMANAGER_ROTATION_ENABLED_CHECK", "")},
		{name: "parameters that are not JSON", render: rule("EKS_CLUSTER_OLDEST_SUPPORTED_VERSION", `oldestVersionSupported=1.31`),
			want: []Violation{{Rule: "config-rule-required-parameters", Resource: "rule", Field: "spec.forProvider.inputParameters", Value: "oldestVersionSupported=1.31"}}},
		{name: "no parameters", render: rule("EKS_CLUSTER_OLDEST_SUPPORTED_VERSION", ""),
			want: []Violation{{Rule: "config-rule-required-parameters", Resource: "rule", Field: "spec.forProvider.inputParameters", Value: ""}}},
	}
	ruleCases["config-rule-scope-one-type-with-id"] = []ruleCase{
		{name: "one type", render: rule("X", "", map[string]any{"complianceResourceId": "arn:s", "complianceResourceTypes": []any{"AWS::SecretsManager::Secret"}})},
		{name: "types without an ID", render: rule("X", "", map[string]any{"complianceResourceTypes": []any{"AWS::S3::Bucket", "AWS::EC2::VPC"}})},
		{name: "two types with an ID", render: rule("X", "", map[string]any{"complianceResourceId": "arn:s", "complianceResourceTypes": []any{"AWS::S3::Bucket", "AWS::EC2::VPC"}}),
			want: []Violation{{Rule: "config-rule-scope-one-type-with-id", Resource: "rule", Field: "spec.forProvider.scope[0].complianceResourceTypes", Value: "[AWS::S3::Bucket AWS::EC2::VPC]"}}},
	}
}
