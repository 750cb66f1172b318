package security

import (
	"maps"
	"slices"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// loadBalancerController is what the AWS Load Balancer Controller needs to run
// the platform's ALBs, narrowed from AWS's published policy: reads anywhere,
// writes only on this account's load balancers, target groups, listeners and
// security groups in this region, and only on resources the controller tags
// for this cluster where AWS supports the condition.
func loadBalancerController(cfg *platform.Config) policy.Document {
	elb := func(resource string) string { return cfg.ARN("elasticloadbalancing", resource) }
	loadBalancers := []string{elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")}
	targetGroups := []string{elb("targetgroup/*/*")}
	listeners := []string{elb("listener/app/*/*/*"), elb("listener/net/*/*/*"), elb("listener-rule/app/*/*/*/*"), elb("listener-rule/net/*/*/*/*")}
	securityGroups := []string{cfg.ARN("ec2", "security-group/*")}
	ownedByCluster := policy.Conditions{}.With("StringEquals", "aws:ResourceTag/elbv2.k8s.aws/cluster", cfg.EKSClusterName())
	taggedForCluster := policy.Conditions{}.With("StringEquals", "aws:RequestTag/elbv2.k8s.aws/cluster", cfg.EKSClusterName())

	return policy.New(
		policy.Statement{
			Sid: "Discover", Effect: policy.Allow, Resource: []string{"*"},
			Action: []string{
				"ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
				"ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
				"ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:DescribeCoipPools",
				"ec2:GetCoipPoolUsage", "ec2:DescribeRouteTables", "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools",
				"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
				"elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
				"elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
				"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes",
				"elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
				"elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
				"elasticloadbalancing:DescribeCapacityReservation",
				"acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate",
				"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "shield:GetSubscriptionState", "shield:DescribeProtection",
				"cognito-idp:DescribeUserPoolClient",
			},
		},
		policy.Statement{
			Sid: "CreateLoadBalancerServiceLinkedRole", Effect: policy.Allow, Action: []string{"iam:CreateServiceLinkedRole"},
			Resource:  []string{"arn:" + cfg.Partition() + ":iam::" + cfg.AccountID + ":role/aws-service-role/elasticloadbalancing.amazonaws.com/*"},
			Condition: policy.Conditions{}.With("StringEquals", "iam:AWSServiceName", "elasticloadbalancing.amazonaws.com"),
		},
		policy.Statement{
			Sid: "CreateSecurityGroupsForTheCluster", Effect: policy.Allow, Action: []string{"ec2:CreateSecurityGroup", "ec2:CreateTags"},
			Resource: append([]string{cfg.ARN("ec2", "vpc/*")}, securityGroups...),
		},
		policy.Statement{
			Sid: "ManageTheClustersSecurityGroups", Effect: policy.Allow, Resource: securityGroups, Condition: ownedByCluster,
			Action: []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:DeleteTags"},
		},
		policy.Statement{
			Sid: "CreateLoadBalancersForTheCluster", Effect: policy.Allow, Condition: taggedForCluster,
			Action:   []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"},
			Resource: append(slices.Clone(loadBalancers), targetGroups...),
		},
		policy.Statement{
			Sid: "ManageListeners", Effect: policy.Allow, Resource: append(append(slices.Clone(loadBalancers), listeners...), targetGroups...),
			Action: []string{
				"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule",
				"elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule",
				"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
				"elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
			},
		},
		policy.Statement{
			Sid: "ManageTheClustersLoadBalancers", Effect: policy.Allow, Condition: ownedByCluster,
			Resource: append(slices.Clone(loadBalancers), targetGroups...),
			Action: []string{
				"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
				"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer",
				"elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
				"elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyCapacityReservation",
			},
		},
		policy.Statement{
			Sid: "BindTargets", Effect: policy.Allow, Resource: targetGroups,
			Action: []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"},
		},
		policy.Statement{
			Sid: "AttachTheWebACL", Effect: policy.Allow,
			Resource: append([]string{cfg.ARN("wafv2", "regional/webacl/*/*")}, loadBalancers...),
			Action:   []string{"elasticloadbalancing:SetWebAcl", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"},
		},
	)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
