package main

import (
	"testing"

	"github.com/paynext/platform/internal/iampolicy"
)

// The AWS Load Balancer Controller's paths: what it does for its cluster
// must be allowed, and every way of reaching past its cluster's tag or onto
// the load balancer, listeners, target group and web ACL Crossplane manages
// must be denied. The request contexts are those the controller's upstream
// policy conditions on: the cluster tag in the request at creation
// (aws:RequestTag, ec2:CreateAction, elasticloadbalancing:CreateAction) and
// on the resource afterwards (aws:ResourceTag).
// https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
func init() {
	requiredPaths = append(requiredPaths, pathRule{
		who:  "the AWS Load Balancer Controller creating and running its cluster's load balancers",
		docs: []string{"https://docs.aws.amazon.com/eks/latest/userguide/lbc-helm.html"},
		paths: func(t *testing.T, e *estate) []accessPath {
			return e.loadBalancerControllerPaths(t, true)
		},
	})
	forbiddenPaths = append(forbiddenPaths, pathRule{
		who: "the AWS Load Balancer Controller reaching past its cluster's tag or onto what Crossplane manages",
		paths: func(t *testing.T, e *estate) []accessPath {
			return e.loadBalancerControllerPaths(t, false)
		},
	})
}

func (e *estate) loadBalancerControllerPaths(t *testing.T, allowed bool) []accessPath {
	const label, tag = "iam-role-aws-load-balancer-controller", "elbv2.k8s.aws/cluster"
	cluster, ok := e.objs["eks-cluster"]
	if _, has := e.roles[label]; !has || !ok {
		return nil
	}
	for _, l := range []string{"alb", "alb-target-group-ingress", "waf-web-acl"} {
		if e.objs[l] == nil {
			t.Errorf("%s: the load balancer controller's role is rendered without %s, which its paths name", e.file, l)
			return nil
		}
	}
	r := e.role(t, label)
	name := externalName(cluster)
	elb := func(resource string) string { return e.arn("elasticloadbalancing", e.region, resource) }
	sg := e.arn("ec2", e.region, "security-group/sg-0123456789abcdef0")
	ownLB, ownTG := elb("loadbalancer/app/k8s-payments-api-0a1b2c3d4e/50dc6c495c0c9188"), elb("targetgroup/k8s-payments-api-0a1b2c3d4e/73e2d6bc24d8a067")
	platformLB := elb("loadbalancer/app/" + str(e.objs["alb"], "name") + "/50dc6c495c0c9188")
	platformListener := elb("listener/app/" + str(e.objs["alb"], "name") + "/50dc6c495c0c9188/f2f7dc8efc522ab2")
	platformTG := elb("targetgroup/" + str(e.objs["alb-target-group-ingress"], "name") + "/73e2d6bc24d8a067")
	ownListener := elb("listener/app/k8s-payments-api-0a1b2c3d4e/50dc6c495c0c9188/f2f7dc8efc522ab2")
	acl := str(e.objs["waf-web-acl"], "name")
	requestTag := iampolicy.Context{"aws:RequestTag/" + tag: {name}, "aws:TagKeys": {tag}}
	resourceTag := iampolicy.Context{"aws:ResourceTag/" + tag: {name}}
	other := iampolicy.Context{"aws:ResourceTag/" + tag: {"another-cluster"}}
	path := func(what, action, resource string, ctx iampolicy.Context) accessPath {
		return accessPath{name: "load balancer controller " + what, mode: iampolicy.SameAccount, sources: e.identity(r),
			req: iampolicy.Request{Principal: e.as(r), Action: action, Resource: resource, Context: ctx}}
	}
	if allowed {
		return []accessPath{
			path("creating a tagged security group", "ec2:CreateSecurityGroup", sg, requestTag),
			path("tagging the security group it creates", "ec2:CreateTags", sg, with(requestTag, "ec2:CreateAction", "CreateSecurityGroup")),
			path("opening its security group", "ec2:AuthorizeSecurityGroupIngress", sg, resourceTag),
			path("retagging its security group", "ec2:CreateTags", sg, with(resourceTag, "aws:RequestTag/ingress.k8s.aws/stack", "payments/api", "aws:TagKeys", "ingress.k8s.aws/stack")),
			path("creating a tagged load balancer", "elasticloadbalancing:CreateLoadBalancer", ownLB, requestTag),
			path("tagging the load balancer it creates", "elasticloadbalancing:AddTags", ownLB, with(requestTag, "elasticloadbalancing:CreateAction", "CreateLoadBalancer")),
			path("tagging the target group it creates", "elasticloadbalancing:AddTags", ownTG, with(requestTag, "elasticloadbalancing:CreateAction", "CreateTargetGroup")),
			path("creating a listener on its load balancer", "elasticloadbalancing:CreateListener", ownLB, nil),
			path("modifying its listener", "elasticloadbalancing:ModifyListener", ownListener, nil),
			path("deleting its load balancer", "elasticloadbalancing:DeleteLoadBalancer", ownLB, resourceTag),
			path("binding pods to the platform's target group", "elasticloadbalancing:RegisterTargets", platformTG, nil),
			path("binding pods to its target group", "elasticloadbalancing:RegisterTargets", ownTG, resourceTag),
			path("attaching the platform's web ACL to its load balancer", "wafv2:AssociateWebACL", e.arn("wafv2", e.region, "regional/webacl/"+acl+"/1a2b3c4d"), nil),
		}
	}
	return []accessPath{
		path("tagging another security group for its cluster", "ec2:CreateTags", sg, requestTag),
		path("moving another cluster's security group to its own", "ec2:CreateTags", sg, with(other, "aws:RequestTag/"+tag, name, "aws:TagKeys", tag)),
		path("removing its cluster tag from a security group", "ec2:DeleteTags", sg, with(resourceTag, "aws:TagKeys", tag)),
		path("opening another security group", "ec2:AuthorizeSecurityGroupIngress", sg, other),
		path("creating an untagged load balancer", "elasticloadbalancing:CreateLoadBalancer", ownLB, nil),
		path("tagging the platform's load balancer for its cluster", "elasticloadbalancing:AddTags", platformLB, requestTag),
		path("removing its cluster tag from a load balancer", "elasticloadbalancing:RemoveTags", ownLB, with(resourceTag, "aws:TagKeys", tag)),
		path("modifying the platform's listener", "elasticloadbalancing:ModifyListener", platformListener, nil),
		path("adding a listener to the platform's load balancer", "elasticloadbalancing:CreateListener", platformLB, nil),
		path("deleting the platform's load balancer", "elasticloadbalancing:DeleteLoadBalancer", platformLB, nil),
		path("binding targets to another cluster's target group", "elasticloadbalancing:RegisterTargets", ownTG, other),
		path("attaching another web ACL", "wafv2:AssociateWebACL", e.arn("wafv2", e.region, "regional/webacl/permissive/1a2b3c4d"), nil),
		path("attaching a web ACL to the platform's load balancer", "elasticloadbalancing:SetWebAcl", platformLB, nil),
	}
}
