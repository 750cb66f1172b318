// Package security renders the security tier: the security group of every
// tier with its rules, and the platform's logs CMK, which every log group
// (starting with the VPC flow logs) is encrypted with.
package security

import (
	"strings"

	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// Composed resource keys other tiers select.
const (
	KeyLogsKMSKey   = "kms-key-logs"
	KeyLogsKMSAlias = "kms-alias-logs"
)

// Tier is the security tier.
type Tier struct{}

// Name of the tier.
func (Tier) Name() string { return platform.TierSecurity }

// Render returns the tier's resources. Key policies name the account, so
// keys render once the account is known.
func (Tier) Render(cfg *platform.Config, _ platform.Observed) ([]platform.Resource, error) {
	rs := securityGroups(cfg)
	if cfg.AccountID == "" {
		return rs, nil
	}
	return append(rs,
		platform.Resource{Key: KeyLogsKMSKey, Object: logsKey(cfg)},
		platform.Resource{Key: KeyLogsKMSAlias, Object: alias(cfg, KeyLogsKMSAlias, KeyLogsKMSKey, "logs")},
	), nil
}

// LogsKeyAlias is the alias of the logs CMK.
func LogsKeyAlias(cfg *platform.Config) string {
	return "alias/paynext/" + string(cfg.Environment) + "/logs"
}

func logsKey(cfg *platform.Config) *kmsv1beta1.Key {
	k := &kmsv1beta1.Key{
		ObjectMeta: cfg.Meta(platform.TierSecurity, KeyLogsKMSKey),
		Spec: kmsv1beta1.KeySpec{ForProvider: kmsv1beta1.KeyParameters{
			Region:               ptr.To(cfg.Region),
			Description:          ptr.To("PayNext " + string(cfg.Environment) + ": encrypts the platform's CloudWatch log groups"),
			KeyUsage:             ptr.To("ENCRYPT_DECRYPT"),
			EnableKeyRotation:    ptr.To(true),
			DeletionWindowInDays: ptr.To(float64(cfg.Profile().KeyDeletionWindowDays)),
			Policy:               ptr.To(LogsKeyPolicy(cfg).JSON()),
			Tags:                 cfg.Tags(platform.TierSecurity, cfg.Prefix()+"-logs"),
		}},
	}
	k.Spec.DeletionPolicy = cfg.Orphan()
	return k
}

func alias(cfg *platform.Config, key, targetKey, purpose string) *kmsv1beta1.Alias {
	a := &kmsv1beta1.Alias{
		ObjectMeta: cfg.NamedMeta(platform.TierSecurity, key, "alias/paynext/"+string(cfg.Environment)+"/"+purpose),
		Spec: kmsv1beta1.AliasSpec{ForProvider: kmsv1beta1.AliasParameters{
			Region:              ptr.To(cfg.Region),
			TargetKeyIDSelector: platform.Select(targetKey),
		}},
	}
	return a
}

// LogsKeyPolicy lets the account administer the key and CloudWatch Logs in
// this region use it for the platform's log groups only.
func LogsKeyPolicy(cfg *platform.Config) policy.Document {
	logGroups := []string{cfg.ARN("logs", "log-group:"+cfg.LogGroupPrefix()+"/*")}
	return policy.New(append(administration(cfg),
		policy.Statement{
			Sid:       "CloudWatchLogsUseForPlatformLogGroups",
			Effect:    policy.Allow,
			Principal: policy.ServicePrincipal("logs." + cfg.Region + ".amazonaws.com"),
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: policy.Conditions{}.With("ArnLike", "kms:EncryptionContext:aws:logs:arn", logGroups...),
		},
	)...)
}

// administration is the account's control of a key. Disabling a key or
// scheduling its deletion destroys what it encrypts, so outside dev it needs
// MFA.
func administration(cfg *platform.Config) []policy.Statement {
	root := policy.AccountPrincipal(cfg.Partition(), cfg.AccountID)
	admin := []string{
		"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
		"kms:Revoke*", "kms:Get*", "kms:TagResource", "kms:UntagResource", "kms:CancelKeyDeletion",
		"kms:DeleteAlias", "kms:RotateKeyOnDemand",
	}
	destructive := []string{"kms:Disable*", "kms:ScheduleKeyDeletion", "kms:DeleteImportedKeyMaterial"}
	if !cfg.Profile().KeyDeletionNeedsMFA {
		return []policy.Statement{{Sid: "AccountAdministration", Effect: policy.Allow, Principal: root, Action: append(admin, destructive...), Resource: []string{"*"}}}
	}
	return []policy.Statement{
		{Sid: "AccountAdministration", Effect: policy.Allow, Principal: root, Action: admin, Resource: []string{"*"}},
		{
			Sid: "DisableOrDeleteOnlyWithMFA", Effect: policy.Allow, Principal: root, Action: destructive, Resource: []string{"*"},
			Condition: policy.Conditions{}.With("Bool", "aws:MultiFactorAuthPresent", "true"),
		},
	}
}

// Status is the tier's output, read from observed state.
func Status(observed platform.Observed) *v1alpha1.SecurityStatus {
	s := &v1alpha1.SecurityStatus{}
	var k kmsv1beta1.Key
	if observed.Get(KeyLogsKMSKey, &k) && k.Status.AtProvider.Arn != nil {
		s.LogsKeyARN = *k.Status.AtProvider.Arn
	}
	for _, g := range groups {
		var sg ec2v1beta1.SecurityGroup
		if observed.Get(g.key, &sg) && sg.Status.AtProvider.ID != nil {
			if s.SecurityGroupIDs == nil {
				s.SecurityGroupIDs = map[string]string{}
			}
			s.SecurityGroupIDs[strings.TrimPrefix(g.key, "security-group-")] = *sg.Status.AtProvider.ID
		}
	}
	return s
}
