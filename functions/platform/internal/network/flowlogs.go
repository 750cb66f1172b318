package network

import (
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	iamv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/iam/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// Flow log keys.
const (
	KeyFlowLog      = "flow-log"
	KeyFlowLogGroup = "flow-log-group"
	KeyFlowLogRole  = "flow-log-role"
)

// FlowLogGroupName is the log group all VPC traffic is recorded in.
func FlowLogGroupName(cfg *platform.Config) string { return cfg.LogGroupPrefix() + "/vpc-flow-logs" }

// flowLogRoleName is the IAM role VPC Flow Logs assumes to write the group.
func flowLogRoleName(cfg *platform.Config) string { return cfg.Prefix() + "-vpc-flow-logs" }

// flowLogs records ALL traffic of the VPC to a log group encrypted with the
// logs CMK. The role's trust and the key's policy name the account, so they
// render once it is known.
func flowLogs(cfg *platform.Config) []platform.Resource {
	if cfg.AccountID == "" {
		return nil
	}
	group := security.LogGroup(cfg, platform.TierNetwork, KeyFlowLogGroup, FlowLogGroupName(cfg))

	role := &iamv1beta1.Role{
		ObjectMeta: cfg.NamedMeta(platform.TierNetwork, KeyFlowLogRole, flowLogRoleName(cfg)),
		Spec: iamv1beta1.RoleSpec{ForProvider: iamv1beta1.RoleParameters{
			Description:      ptr.To("VPC Flow Logs of PayNext " + string(cfg.Environment) + " write to " + FlowLogGroupName(cfg)),
			AssumeRolePolicy: ptr.To(FlowLogTrustPolicy(cfg).JSON()),
			InlinePolicy: []iamv1beta1.InlinePolicyParameters{{
				Name:   ptr.To("write-vpc-flow-logs"),
				Policy: ptr.To(FlowLogRolePolicy(cfg).JSON()),
			}},
			MaxSessionDuration: ptr.To(3600.0),
			Tags:               cfg.Tags(platform.TierNetwork, flowLogRoleName(cfg)),
		}},
	}

	flowLog := &ec2v1beta1.FlowLog{
		ObjectMeta: cfg.Meta(platform.TierNetwork, KeyFlowLog),
		Spec: ec2v1beta1.FlowLogSpec{ForProvider: ec2v1beta1.FlowLogParameters{
			Region:                 ptr.To(cfg.Region),
			VPCIDSelector:          platform.Select(KeyVPC),
			TrafficType:            ptr.To("ALL"),
			LogDestinationType:     ptr.To("cloud-watch-logs"),
			LogDestinationSelector: platform.Select(KeyFlowLogGroup),
			IAMRoleArnSelector:     platform.Select(KeyFlowLogRole),
			MaxAggregationInterval: ptr.To(60.0),
			Tags:                   cfg.Tags(platform.TierNetwork, name(cfg, KeyFlowLog)),
		}},
	}
	return []platform.Resource{
		{Key: KeyFlowLogGroup, Object: group},
		{Key: KeyFlowLogRole, Object: role},
		{Key: KeyFlowLog, Object: flowLog},
	}
}

// FlowLogTrustPolicy lets only VPC Flow Logs acting for this account's flow
// logs assume the role (no confused deputy).
func FlowLogTrustPolicy(cfg *platform.Config) policy.Document {
	return policy.New(policy.Statement{
		Sid:       "VPCFlowLogsOfThisAccount",
		Effect:    policy.Allow,
		Principal: policy.ServicePrincipal("vpc-flow-logs.amazonaws.com"),
		Action:    []string{"sts:AssumeRole"},
		Condition: policy.Conditions{}.
			With("StringEquals", "aws:SourceAccount", cfg.AccountID).
			With("ArnLike", "aws:SourceArn", cfg.ARN("ec2", "vpc-flow-log/*")),
	})
}

// FlowLogRolePolicy lets the role write to the flow log group only.
func FlowLogRolePolicy(cfg *platform.Config) policy.Document {
	group := cfg.ARN("logs", "log-group:"+FlowLogGroupName(cfg))
	return policy.New(
		policy.Statement{
			Sid:      "WriteFlowLogGroup",
			Effect:   policy.Allow,
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resource: []string{group, group + ":*"},
		},
		policy.Statement{
			Sid:      "FindLogGroups",
			Effect:   policy.Allow,
			Action:   []string{"logs:DescribeLogGroups"},
			Resource: []string{cfg.ARN("logs", "log-group:*")},
		},
	)
}
