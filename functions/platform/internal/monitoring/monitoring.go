// Package monitoring renders the monitoring and audit tier: the platform's
// log groups, encrypted alerting topics, the CloudTrail trail with the CIS
// metric filters and alarms, GuardDuty, AWS Config with the PCI DSS rules,
// Security Hub, operational alarms, the dashboard and the cost budget.
package monitoring

import (
	"k8s.io/utils/ptr"

	snsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/sns/v1beta1"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// Log group purposes, under /aws/paynext/<env>/.
var LogGroups = []string{"application", "security", "audit"}

// Alert topics.
const (
	TopicSecurity   = "security"
	TopicCompliance = "compliance"
	TopicOperations = "operations"
)

// Topics in rendering order.
var Topics = []string{TopicSecurity, TopicCompliance, TopicOperations}

// KeyLogGroup is the key of the log group of purpose.
func KeyLogGroup(purpose string) string { return "log-group-" + purpose }

// KeyTopic is the key of the SNS topic of purpose.
func KeyTopic(purpose string) string { return "sns-topic-" + purpose }

// TopicName is the SNS topic's name.
func TopicName(cfg *platform.Config, purpose string) string { return cfg.Prefix() + "-" + purpose }

// TopicARN is known before the topic exists: alarms, rules and the budget
// name it directly.
func TopicARN(cfg *platform.Config, purpose string) string {
	return cfg.ARN("sns", TopicName(cfg, purpose))
}

// Tier is the monitoring tier.
type Tier struct{}

// Name of the tier.
func (Tier) Name() string { return platform.TierMonitoring }

// Render returns the tier's resources. Every one of them names the account
// or a key, so nothing renders before the account is known.
func (Tier) Render(cfg *platform.Config, observed platform.Observed) ([]platform.Resource, error) {
	if cfg.AccountID == "" {
		return nil, nil
	}
	var rs []platform.Resource
	for _, p := range LogGroups {
		rs = append(rs, platform.Resource{Key: KeyLogGroup(p), Object: security.LogGroup(cfg, platform.TierMonitoring, KeyLogGroup(p), cfg.LogGroupPrefix()+"/"+p)})
	}
	rs = append(rs, topics(cfg)...)
	rs = append(rs, trail(cfg)...)
	rs = append(rs, cisAlarms(cfg)...)
	rs = append(rs, findingRoutes(cfg)...)
	services := append(detection(cfg), configRecording(cfg, observed)...)
	if cfg.ManageAccountServices {
		rs = append(rs, services...)
	} else {
		rs = append(rs, platform.HandOver(services, observed)...)
	}
	rs = append(rs, operations(cfg, observed)...)
	return rs, nil
}

func topics(cfg *platform.Config) []platform.Resource {
	emails := map[string]string{TopicSecurity: cfg.SecurityEmail, TopicCompliance: cfg.ComplianceEmail, TopicOperations: cfg.OperationsEmail}
	var rs []platform.Resource
	for _, t := range Topics {
		key := KeyTopic(t)
		rs = append(rs,
			platform.Resource{Key: key, Object: &snsv1beta1.Topic{
				ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, key, TopicName(cfg, t)),
				Spec: snsv1beta1.TopicSpec{ForProvider: snsv1beta1.TopicParameters{
					Region:         ptr.To(cfg.Region),
					DisplayName:    ptr.To("PayNext " + string(cfg.Environment) + " " + t),
					KMSMasterKeyID: ptr.To(security.AliasName(cfg, security.PurposeMessaging)),
					Tags:           cfg.Tags(platform.TierMonitoring, TopicName(cfg, t)),
				}},
			}},
			platform.Resource{Key: key + "-policy", Object: &snsv1beta1.TopicPolicy{
				ObjectMeta: cfg.Meta(platform.TierMonitoring, key+"-policy"),
				Spec: snsv1beta1.TopicPolicySpec{ForProvider: snsv1beta1.TopicPolicyParameters{
					Region: ptr.To(cfg.Region), ArnSelector: platform.Select(key), Policy: ptr.To(TopicPolicy(cfg, t).JSON()),
				}},
			}},
			platform.Resource{Key: key + "-email", Object: &snsv1beta1.TopicSubscription{
				ObjectMeta: cfg.Meta(platform.TierMonitoring, key+"-email"),
				Spec: snsv1beta1.TopicSubscriptionSpec{ForProvider: snsv1beta1.TopicSubscriptionParameters{
					Region: ptr.To(cfg.Region), TopicArnSelector: platform.Select(key),
					Protocol: ptr.To("email"), Endpoint: ptr.To(emails[t]),
				}},
			}},
		)
	}
	return rs
}

// TopicPolicy lets the account manage the topic and only the AWS services
// that publish alerts to it publish, for this account.
func TopicPolicy(cfg *platform.Config, topic string) policy.Document {
	arn := TopicARN(cfg, topic)
	// AWS Config is not among them: it does not publish to encrypted topics,
	// so its notifications come through EventBridge (findingRules).
	publishers := map[string][]string{
		TopicSecurity:   {"cloudwatch.amazonaws.com", "events.amazonaws.com"},
		TopicCompliance: {"budgets.amazonaws.com", "events.amazonaws.com"},
		TopicOperations: {"budgets.amazonaws.com", "cloudwatch.amazonaws.com"},
	}[topic]
	return policy.New(
		policy.Statement{
			Sid: "AccountManagesTheTopic", Effect: policy.Allow, Principal: policy.AccountPrincipal(cfg.Partition(), cfg.AccountID),
			Action: []string{"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"}, Resource: []string{arn},
		},
		policy.Statement{
			Sid: "AlertPublishersOfThisAccount", Effect: policy.Allow, Principal: &policy.Principal{Service: publishers},
			Action: []string{"sns:Publish"}, Resource: []string{arn},
			Condition: policy.Conditions{}.With("StringEquals", "aws:SourceAccount", cfg.AccountID),
		},
		policy.Statement{
			Sid: "DenyWithoutTLS", Effect: policy.Deny, Principal: &policy.Principal{AWS: []string{"*"}},
			Action: []string{"sns:Publish"}, Resource: []string{arn},
			Condition: policy.Conditions{}.With("Bool", "aws:SecureTransport", "false"),
		},
	)
}
