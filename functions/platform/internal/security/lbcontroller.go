package security

import (
	"maps"
	"slices"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// ControllerNamePrefix starts the name of every load balancer and target
// group the AWS Load Balancer Controller creates (k8s-<namespace>-<name>-
// <hash>); the platform's own are named paynext-<env>-*, so a name pattern
// keeps the controller off the ALB, listeners and target group Crossplane
// manages.
const ControllerNamePrefix = "k8s-"

// clusterTag is the tag the controller puts on everything it creates, valued
// with the cluster's name.
const clusterTag = "elbv2.k8s.aws/cluster"

// loadBalancerController is what the AWS Load Balancer Controller needs to run
// the platform's ALBs, narrowed from AWS's published policy
// (https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json):
// reads anywhere; creates only resources tagged for this cluster; tags only
// at creation, or on resources already tagged for this cluster without
// touching that tag, so it cannot tag its way past the conditions below;
// modifies and deletes only what carries this cluster's tag; listeners and
// rules only on load balancers it named; targets only in the platform's
// ingress target group or its own; and only the platform's web ACL.
func loadBalancerController(cfg *platform.Config) policy.Document {
	elb := func(resource string) string { return cfg.ARN("elasticloadbalancing", resource) }
	controller := ControllerNamePrefix + "*"
	loadBalancers := []string{elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")}
	targetGroups := []string{elb("targetgroup/*/*")}
	controllerLoadBalancers := []string{elb("loadbalancer/app/" + controller + "/*"), elb("loadbalancer/net/" + controller + "/*")}
	controllerListeners := []string{
		elb("listener/app/" + controller + "/*/*"), elb("listener/net/" + controller + "/*/*"),
		elb("listener-rule/app/" + controller + "/*/*/*"), elb("listener-rule/net/" + controller + "/*/*/*"),
	}
	controllerTargetGroups := []string{elb("targetgroup/" + controller + "/*")}
	securityGroups := []string{cfg.ARN("ec2", "security-group/*")}
	ownedByCluster := policy.Conditions{}.With("StringEquals", "aws:ResourceTag/"+clusterTag, cfg.EKSClusterName())
	taggedForCluster := policy.Conditions{}.With("StringEquals", "aws:RequestTag/"+clusterTag, cfg.EKSClusterName())
	clusterTagUntouched := ownedByCluster.With("Null", "aws:RequestTag/"+clusterTag, "true").
		With("ForAllValues:StringNotEquals", "aws:TagKeys", clusterTag)

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
			Sid: "CreateSecurityGroups", Effect: policy.Allow, Action: []string{"ec2:CreateSecurityGroup"},
			Resource: append([]string{cfg.ARN("ec2", "vpc/*")}, securityGroups...),
		},
		policy.Statement{
			Sid: "TagSecurityGroupsForTheClusterAtCreation", Effect: policy.Allow, Action: []string{"ec2:CreateTags"}, Resource: securityGroups,
			Condition: taggedForCluster.With("StringEquals", "ec2:CreateAction", "CreateSecurityGroup"),
		},
		policy.Statement{
			Sid: "RetagTheClustersSecurityGroups", Effect: policy.Allow, Action: []string{"ec2:CreateTags", "ec2:DeleteTags"},
			Resource: securityGroups, Condition: clusterTagUntouched,
		},
		policy.Statement{
			Sid: "ManageTheClustersSecurityGroups", Effect: policy.Allow, Resource: securityGroups, Condition: ownedByCluster,
			Action: []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"},
		},
		policy.Statement{
			Sid: "CreateLoadBalancersForTheCluster", Effect: policy.Allow, Condition: taggedForCluster,
			Action:   []string{"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"},
			Resource: append(slices.Clone(controllerLoadBalancers), controllerTargetGroups...),
		},
		policy.Statement{
			Sid: "TagLoadBalancersForTheClusterAtCreation", Effect: policy.Allow, Action: []string{"elasticloadbalancing:AddTags"},
			Resource:  append(slices.Clone(controllerLoadBalancers), controllerTargetGroups...),
			Condition: taggedForCluster.With("StringEquals", "elasticloadbalancing:CreateAction", "CreateLoadBalancer", "CreateTargetGroup"),
		},
		policy.Statement{
			Sid: "RetagTheClustersLoadBalancers", Effect: policy.Allow, Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
			Resource: append(slices.Clone(loadBalancers), targetGroups...), Condition: clusterTagUntouched,
		},
		policy.Statement{
			Sid: "ManageListenersOfItsLoadBalancers", Effect: policy.Allow,
			Resource: slices.Concat(controllerLoadBalancers, controllerListeners, controllerTargetGroups),
			Action: []string{
				"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule",
				"elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule",
				"elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
				"elasticloadbalancing:ModifyListenerAttributes",
			},
		},
		policy.Statement{
			Sid: "TagListenersOfItsLoadBalancers", Effect: policy.Allow, Resource: controllerListeners,
			Action: []string{"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"},
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
			Sid: "BindTargetsOfThePlatformsTargetGroup", Effect: policy.Allow, Resource: []string{elb("targetgroup/" + cfg.IngressTargetGroupName() + "/*")},
			Action: []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"},
		},
		policy.Statement{
			Sid: "BindTargetsOfTheClustersTargetGroups", Effect: policy.Allow, Resource: targetGroups, Condition: ownedByCluster,
			Action: []string{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"},
		},
		policy.Statement{
			Sid: "AttachThePlatformsWebACLToItsLoadBalancers", Effect: policy.Allow,
			Resource: append([]string{cfg.ARN("wafv2", "regional/webacl/"+WebACLName(cfg)+"/*")}, controllerLoadBalancers...),
			Action:   []string{"elasticloadbalancing:SetWebAcl", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"},
		},
	)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
