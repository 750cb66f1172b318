package awsrules

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	gSNS    = "sns.aws.upbound.io"
	gTrail  = "cloudtrail.aws.upbound.io"
	gWAF    = "wafv2.aws.upbound.io"
	gBackup = "backup.aws.upbound.io"
)

const configSNSPage = "https://docs.aws.amazon.com/config/latest/developerguide/sns-topic-policy.html"

// topicByARN is the rendered topic an SNS topic ARN names, or nil.
func (r *Render) topicByARN(arn string) *unstructured.Unstructured {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 {
		return nil
	}
	for _, t := range r.Of(gSNS, "Topic") {
		if externalName(t) == parts[5] && FPString(t, "region") == parts[3] {
			return t
		}
	}
	return nil
}

// requiredConfigRuleParameters are the managed rules the platform renders
// whose pages list a parameter not marked Optional.
var requiredConfigRuleParameters = map[string][]string{"EKS_CLUSTER_OLDEST_SUPPORTED_VERSION": {"oldestVersionSupported"}}

func serviceRules() []Rule {
	return []Rule{{
		ID:    "config-rule-required-parameters",
		Kinds: []string{gConfig + "/ConfigRule"},
		URL:   "https://docs.aws.amazon.com/config/latest/developerguide/eks-cluster-oldest-supported-version.html",
		Doc:   "Parameters: oldestVersionSupported, Type: String (the rule's only parameter, not marked Optional).",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, c := range r.Of(gConfig, "ConfigRule") {
				for _, p := range requiredConfigRuleParameters[FPString(c, "source", 0, "sourceIdentifier")] {
					raw := FPString(c, "inputParameters")
					var params map[string]any
					if raw != "" {
						if err := json.Unmarshal([]byte(raw), &params); err != nil {
							out = append(out, violation("config-rule-required-parameters", c, "spec.forProvider.inputParameters", raw, "not a JSON object: "+err.Error()))
							continue
						}
					}
					if v, _ := params[p].(string); v == "" {
						out = append(out, violation("config-rule-required-parameters", c, "spec.forProvider.inputParameters", raw, "no "+p))
					}
				}
			}
			return out
		},
	}, {
		ID:    "config-rule-scope-one-type-with-id",
		Kinds: []string{gConfig + "/ConfigRule"},
		URL:   "https://docs.aws.amazon.com/config/latest/APIReference/API_Scope.html",
		Doc:   "ComplianceResourceId: the ID of the only AWS resource that you want to trigger an evaluation for the rule. If you specify a resource ID, you must specify one resource type for ComplianceResourceTypes.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, c := range r.Of(gConfig, "ConfigRule") {
				scopes, _ := FP(c, "scope").([]any)
				for i := range scopes {
					types, _ := FP(c, "scope", i, "complianceResourceTypes").([]any)
					if FPString(c, "scope", i, "complianceResourceId") != "" && len(types) != 1 {
						out = append(out, violation("config-rule-scope-one-type-with-id", c, fmt.Sprintf("spec.forProvider.scope[%d].complianceResourceTypes", i),
							fmt.Sprint(types), "a resource ID needs exactly one resource type"))
					}
				}
			}
			return out
		},
	}, {
		ID:    "config-sns-topic-not-encrypted",
		Kinds: []string{gConfig + "/DeliveryChannel", gSNS + "/Topic"},
		URL:   configSNSPage,
		Doc:   "Encrypted Amazon SNS not supported: AWS Config does not support encrypted Amazon SNS topics.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, dc := range r.Of(gConfig, "DeliveryChannel") {
				arn := FPString(dc, "snsTopicArn")
				if t := r.topicByARN(arn); t != nil && FPString(t, "kmsMasterKeyId") != "" {
					out = append(out, violation("config-sns-topic-not-encrypted", dc, "spec.forProvider.snsTopicArn", arn,
						"the topic "+Key(t)+" is encrypted with "+FPString(t, "kmsMasterKeyId")))
				}
			}
			return out
		},
	}, {
		ID:    "config-sns-topic-same-region",
		Kinds: []string{gConfig + "/DeliveryChannel"},
		URL:   configSNSPage,
		Doc:   "Cross-Region Amazon SNS topics are not supported: AWS Config currently supports only access within the same AWS Region and across accounts.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, dc := range r.Of(gConfig, "DeliveryChannel") {
				arn := FPString(dc, "snsTopicArn")
				if parts := strings.Split(arn, ":"); len(parts) >= 6 && parts[3] != FPString(dc, "region") {
					out = append(out, violation("config-sns-topic-same-region", dc, "spec.forProvider.snsTopicArn", arn,
						"the topic is in "+parts[3]+", the delivery channel in "+FPString(dc, "region")))
				}
			}
			return out
		},
	}, {
		ID:    "config-delivery-channel-needs-recorder",
		Kinds: []string{gConfig + "/DeliveryChannel", gConfig + "/ConfigurationRecorder"},
		URL:   "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html",
		Doc: "Before you can create a delivery channel, you must create a configuration recorder. " +
			"You can have only one delivery channel per region per AWS account.",
		Check: func(r *Render) []Violation {
			var out []Violation
			recorders, channels := map[string]int{}, map[string]int{}
			for _, rec := range r.Of(gConfig, "ConfigurationRecorder") {
				recorders[FPString(rec, "region")]++
			}
			for _, dc := range r.Of(gConfig, "DeliveryChannel") {
				region := FPString(dc, "region")
				if channels[region]++; channels[region] > 1 {
					out = append(out, violation("config-delivery-channel-needs-recorder", dc, "spec.forProvider.region", region, "a second delivery channel in the region"))
				}
				if recorders[region] == 0 {
					out = append(out, violation("config-delivery-channel-needs-recorder", dc, "spec.forProvider.region", region, "no configuration recorder in the region"))
				}
			}
			return out
		},
	}, {
		ID:    "cloudtrail-kms-key-bucket-same-region",
		Kinds: []string{gTrail + "/Trail", gKMS + "/Key", gS3 + "/Bucket"},
		URL:   "https://docs.aws.amazon.com/botocore/latest/reference/services/cloudtrail/client/exceptions/KmsKeyNotFoundException.html",
		Doc:   "KmsKeyNotFoundException is thrown when the KMS key does not exist, when the S3 bucket and the KMS key are not in the same Region.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, tr := range r.Of(gTrail, "Trail") {
				k, b := r.Selected(tr, "kmsKeyIdSelector"), r.Selected(tr, "s3BucketNameSelector")
				if k != nil && b != nil && FPString(k, "region") != FPString(b, "region") {
					out = append(out, violation("cloudtrail-kms-key-bucket-same-region", tr, "spec.forProvider.kmsKeyIdSelector", Key(k),
						"the key is in "+FPString(k, "region")+", the trail's bucket "+Key(b)+" in "+FPString(b, "region")))
				}
			}
			return out
		},
	}, {
		ID:    "waf-log-destination-name",
		Kinds: []string{gWAF + "/WebACLLoggingConfiguration", gLogs + "/Group"},
		URL:   "https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingConfiguration.html",
		Doc:   "The name that you give the destination must start with aws-waf-logs-.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, lc := range r.Of(gWAF, "WebACLLoggingConfiguration") {
				if g := r.Selected(lc, "logDestinationConfigsSelector"); g != nil && !strings.HasPrefix(externalName(g), "aws-waf-logs-") {
					out = append(out, violation("waf-log-destination-name", g, "metadata.annotations[crossplane.io/external-name]", externalName(g),
						"the destination of "+Key(lc)+" does not start with aws-waf-logs-"))
				}
			}
			return out
		},
	}, {
		ID:    "backup-continuous-retention",
		Kinds: []string{gBackup + "/Plan"},
		URL:   "https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-retention-period.html",
		Doc:   "Continuous backup: the minimum retention period is 1 day. The maximum retention period is 35 days.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, p := range r.Of(gBackup, "Plan") {
				for i := range listLen(FP(p, "rule")) {
					if !FPBool(p, "rule", i, "enableContinuousBackup") {
						continue
					}
					if d, ok := FPInt(p, "rule", i, "lifecycle", 0, "deleteAfter"); !ok || d < 1 || d > 35 {
						out = append(out, violation("backup-continuous-retention", p, fmt.Sprintf("spec.forProvider.rule[%d].lifecycle[0].deleteAfter", i), fmt.Sprint(d),
							"a continuous backup rule keeps recovery points 1–35 days"))
					}
				}
			}
			return out
		},
	}}
}
