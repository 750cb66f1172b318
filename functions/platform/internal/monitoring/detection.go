package monitoring

import (
	"encoding/json"
	"slices"

	cwev1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchevents/v1beta1"
	configv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/configservice/v1beta1"
	gdv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/guardduty/v1beta1"
	shv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/securityhub/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/database"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
	"github.com/paynext/platform/functions/platform/internal/storage"
)

// Detection keys.
const (
	KeyDetector         = "guardduty-detector"
	KeySecurityHub      = "securityhub-account"
	KeyConfigRecorder   = "config-recorder"
	keyConfigChannel    = "config-delivery-channel"
	keyConfigRecording  = "config-recorder-status"
	securityHubStandard = "securityhub-standard-"
)

// detection turns on GuardDuty and Security Hub.
func detection(cfg *platform.Config) []platform.Resource {
	frequency := "SIX_HOURS"
	if cfg.Environment == v1alpha1.EnvironmentProd {
		frequency = "FIFTEEN_MINUTES"
	}
	on := ptr.To(true)
	rs := []platform.Resource{
		{Key: KeyDetector, Object: &gdv1beta1.Detector{
			ObjectMeta: cfg.Meta(platform.TierMonitoring, KeyDetector),
			Spec: gdv1beta1.DetectorSpec{ForProvider: gdv1beta1.DetectorParameters{
				Region:                     ptr.To(cfg.Region),
				Enable:                     on,
				FindingPublishingFrequency: ptr.To(frequency),
				Datasources: []gdv1beta1.DatasourcesParameters{{
					S3Logs:     []gdv1beta1.S3LogsParameters{{Enable: on}},
					Kubernetes: []gdv1beta1.KubernetesParameters{{AuditLogs: []gdv1beta1.AuditLogsParameters{{Enable: on}}}},
					MalwareProtection: []gdv1beta1.MalwareProtectionParameters{{ScanEC2InstanceWithFindings: []gdv1beta1.ScanEC2InstanceWithFindingsParameters{{
						EBSVolumes: []gdv1beta1.EBSVolumesParameters{{Enable: on}},
					}}}},
				}},
				Tags: cfg.Tags(platform.TierMonitoring, cfg.Prefix()+"-guardduty"),
			}},
		}},
		{Key: KeySecurityHub, Object: &shv1beta1.Account{
			ObjectMeta: cfg.Meta(platform.TierMonitoring, KeySecurityHub),
			Spec: shv1beta1.AccountSpec{ForProvider: shv1beta1.AccountParameters{
				Region:                 ptr.To(cfg.Region),
				EnableDefaultStandards: ptr.To(false),
				AutoEnableControls:     on,
			}},
		}},
	}
	for _, s := range SecurityHubStandards(cfg) {
		rs = append(rs, platform.Resource{Key: securityHubStandard + s.Name, Object: &shv1beta1.StandardsSubscription{
			ObjectMeta: cfg.Meta(platform.TierMonitoring, securityHubStandard+s.Name),
			Spec: shv1beta1.StandardsSubscriptionSpec{ForProvider: shv1beta1.StandardsSubscriptionParameters{
				Region: ptr.To(cfg.Region), StandardsArn: ptr.To(s.ARN),
			}},
		}})
	}
	return rs
}

// findingRoutes send GuardDuty and Security Hub findings of high severity to
// the security topic, and AWS Config's noncompliance to the compliance topic,
// whoever runs those services in the account.
func findingRoutes(cfg *platform.Config) []platform.Resource {
	var rs []platform.Resource
	for _, r := range findingRules() {
		key := "eventbridge-rule-" + r.name
		pattern, err := json.Marshal(r.pattern)
		if err != nil {
			panic(err) // typed structs of strings always marshal
		}
		rs = append(rs,
			platform.Resource{Key: key, Object: &cwev1beta1.Rule{
				ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, key, cfg.Prefix()+"-"+r.name),
				Spec: cwev1beta1.RuleSpec{ForProvider: cwev1beta1.RuleParameters{
					Region: ptr.To(cfg.Region), Description: ptr.To(r.description), EventPattern: ptr.To(string(pattern)),
					State: ptr.To("ENABLED"), Tags: cfg.Tags(platform.TierMonitoring, cfg.Prefix()+"-"+r.name),
				}},
			}},
			platform.Resource{Key: key + "-target", Object: &cwev1beta1.Target{
				ObjectMeta: cfg.Meta(platform.TierMonitoring, key+"-target"),
				Spec: cwev1beta1.TargetSpec{ForProvider: cwev1beta1.TargetParameters{
					Region: ptr.To(cfg.Region), RuleSelector: platform.Select(key),
					TargetID: ptr.To(r.topic + "-topic"), Arn: ptr.To(TopicARN(cfg, r.topic)),
				}},
			}},
		)
	}
	return rs
}

// Standard is a Security Hub standard.
type Standard struct{ Name, ARN string }

// SecurityHubStandards: AWS Foundational Security Best Practices and CIS AWS
// Foundations always, PCI DSS v4 when the platform is held to PCI DSS.
func SecurityHubStandards(cfg *platform.Config) []Standard {
	arn := func(path string) string {
		return "arn:" + cfg.Partition() + ":securityhub:" + cfg.Region + "::standards/" + path
	}
	s := []Standard{
		{"aws-foundational-security-best-practices", arn("aws-foundational-security-best-practices/v/1.0.0")},
		{"cis-aws-foundations-benchmark", arn("cis-aws-foundations-benchmark/v/3.0.0")},
	}
	if slices.Contains(cfg.ComplianceStandards, "pci-dss") {
		s = append(s, Standard{"pci-dss", arn("pci-dss/v/4.0.1")})
	}
	return s
}

// Event patterns, typed: one envelope, a detail per source.
type (
	eventPattern[D any] struct {
		Source     []string `json:"source"`
		DetailType []string `json:"detail-type"`
		Detail     D        `json:"detail"`
	}
	guardDutyDetail struct {
		Severity []numericMatch `json:"severity"`
	}
	numericMatch struct {
		Numeric []any `json:"numeric"`
	}
	securityHubDetail struct {
		Findings securityHubFindings `json:"findings"`
	}
	securityHubFindings struct {
		Severity    struct{ Label []string }  `json:"Severity"`
		Workflow    struct{ Status []string } `json:"Workflow"`
		RecordState []string                  `json:"RecordState"`
	}
	configDetail struct {
		MessageType         []string `json:"messageType"`
		NewEvaluationResult struct {
			ComplianceType []string `json:"complianceType"`
		} `json:"newEvaluationResult"`
	}
)

// findingRule is an EventBridge rule and the topic it notifies.
type findingRule struct {
	name, description, topic string
	pattern                  any
}

func findingRules() []findingRule {
	sh := eventPattern[securityHubDetail]{Source: []string{"aws.securityhub"}, DetailType: []string{"Security Hub Findings - Imported"}}
	sh.Detail.Findings.Severity.Label = []string{"HIGH", "CRITICAL"}
	sh.Detail.Findings.Workflow.Status = []string{"NEW"}
	sh.Detail.Findings.RecordState = []string{"ACTIVE"}
	// AWS Config does not support encrypted SNS topics, so its delivery
	// channel names none; AWS Config sends its events to EventBridge
	// directly, and EventBridge publishes to the encrypted compliance topic
	// (the messaging key admits events.amazonaws.com for this account).
	// https://docs.aws.amazon.com/config/latest/developerguide/sns-topic-policy.html ("Encrypted Amazon SNS not supported")
	// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-config.html (Config Rules Compliance Change)
	// https://docs.aws.amazon.com/config/latest/developerguide/example-config-rule-compliance-notification.html (newEvaluationResult.complianceType)
	cfgNoncompliant := eventPattern[configDetail]{Source: []string{"aws.config"}, DetailType: []string{"Config Rules Compliance Change"}}
	cfgNoncompliant.Detail.MessageType = []string{"ComplianceChangeNotification"}
	cfgNoncompliant.Detail.NewEvaluationResult.ComplianceType = []string{"NON_COMPLIANT"}
	return []findingRule{
		{"guardduty-high-severity", "GuardDuty findings of high severity (7 and above) to the security topic", TopicSecurity, eventPattern[guardDutyDetail]{
			Source: []string{"aws.guardduty"}, DetailType: []string{"GuardDuty Finding"},
			Detail: guardDutyDetail{Severity: []numericMatch{{Numeric: []any{">=", 7}}}},
		}},
		{"securityhub-high-severity", "New Security Hub findings of HIGH and CRITICAL severity to the security topic", TopicSecurity, sh},
		{"config-noncompliant", "AWS Config rule evaluations turning NON_COMPLIANT to the compliance topic", TopicCompliance, cfgNoncompliant},
	}
}

// configRecording records every supported resource type, global ones
// included, delivers to AWS Config's bucket, and evaluates the managed rules
// of the standards the platform is held to. The bucket is not the audit
// bucket: AWS Config does not support delivery to a bucket with S3 Object
// Lock, which prod's audit bucket has; S3 replicates AWS Config's bucket into
// the audit bucket instead (storage.destinations).
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html
// The delivery channel names no SNS
// topic: AWS Config does not support encrypted topics, and every topic of
// the platform is encrypted; its noncompliance reaches the compliance topic
// through EventBridge instead (findingRules).
// https://docs.aws.amazon.com/config/latest/developerguide/sns-topic-policy.html
func configRecording(cfg *platform.Config, observed platform.Observed) []platform.Resource {
	recorder := cfg.Prefix()
	rs := []platform.Resource{
		{Key: KeyConfigRecorder, Object: &configv1beta1.ConfigurationRecorder{
			ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, KeyConfigRecorder, recorder),
			Spec: configv1beta1.ConfigurationRecorderSpec{ForProvider: configv1beta1.ConfigurationRecorderParameters{
				Region:          ptr.To(cfg.Region),
				RoleArnSelector: platform.Select(security.KeyRole(security.RoleConfig)),
				RecordingGroup:  []configv1beta1.RecordingGroupParameters{{AllSupported: ptr.To(true), IncludeGlobalResourceTypes: ptr.To(true)}},
			}},
		}},
		{Key: keyConfigChannel, Object: &configv1beta1.DeliveryChannel{
			ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, keyConfigChannel, recorder),
			Spec: configv1beta1.DeliveryChannelSpec{ForProvider: configv1beta1.DeliveryChannelParameters{
				Region:               ptr.To(cfg.Region),
				S3BucketNameSelector: platform.Select(storage.KeyBucket(storage.AWSConfig, false)),
			}},
		}},
		{Key: keyConfigRecording, Object: &configv1beta1.AWSConfigurationRecorderStatus{
			ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, keyConfigRecording, recorder),
			Spec: configv1beta1.AWSConfigurationRecorderStatusSpec{ForProvider: configv1beta1.AWSConfigurationRecorderStatusParameters{
				Region: ptr.To(cfg.Region), IsEnabled: ptr.To(true),
			}},
		}},
	}
	for _, r := range ConfigRules(cfg) {
		key := KeyConfigRule(r.Name)
		p := configv1beta1.ConfigRuleParameters{
			Region:      ptr.To(cfg.Region),
			Description: ptr.To(r.Control),
			Source:      []configv1beta1.SourceParameters{{Owner: ptr.To("AWS"), SourceIdentifier: ptr.To(r.Identifier)}},
			Tags:        cfg.Tags(platform.TierMonitoring, cfg.Prefix()+"-"+r.Name),
		}
		if len(r.Parameters) > 0 {
			// encoding/json writes map keys sorted: the same rule renders
			// the same bytes. A map of strings cannot fail to marshal.
			b, _ := json.Marshal(r.Parameters)
			p.InputParameters = ptr.To(string(b))
		}
		if r.Identifier == secretRotationRule.Identifier {
			secret := rotatingSecretARN(observed, key)
			if secret == "" {
				continue
			}
			p.Scope = []configv1beta1.ScopeParameters{{
				ComplianceResourceTypes: []*string{ptr.To("AWS::SecretsManager::Secret")}, ComplianceResourceID: ptr.To(secret),
			}}
		}
		rs = append(rs, platform.Resource{Key: key, Object: &configv1beta1.ConfigRule{
			ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, key, cfg.Prefix()+"-"+r.Name),
			Spec:       configv1beta1.ConfigRuleSpec{ForProvider: p},
		}})
	}
	return rs
}

// KeyConfigRule is the composed resource key of the managed rule name.
func KeyConfigRule(name string) string { return "config-rule-" + name }

// rotatingSecretARN is the secret the rotation rule is scoped to: the
// database's master secret once RDS reports it, else the one the rule is
// already scoped to, so the rule never drops out while the cluster is
// briefly unobserved; "" before either exists (no database, or not yet).
func rotatingSecretARN(observed platform.Observed, key string) string {
	if s := database.MasterSecretARN(observed); s != "" {
		return s
	}
	var r configv1beta1.ConfigRule
	if !observed.Get(key, &r) {
		return ""
	}
	// What it was last rendered with, then what AWS reports (atProvider is
	// empty until the provider's first observation).
	for _, s := range r.Spec.ForProvider.Scope {
		if s.ComplianceResourceID != nil {
			return *s.ComplianceResourceID
		}
	}
	for _, s := range r.Status.AtProvider.Scope {
		if s.ComplianceResourceID != nil {
			return *s.ComplianceResourceID
		}
	}
	return ""
}
