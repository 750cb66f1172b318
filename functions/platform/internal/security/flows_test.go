package security

import (
	"net/netip"
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/function-sdk-go/resource"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
)

// endpoint is one end of a flow: a platform security group by key, an
// address outside the VPC, or the S3 prefix list.
type endpoint struct {
	group      string
	addr       string
	prefixList string
}

// flow is traffic from one endpoint to another on a protocol and port.
type flow struct {
	what     string
	from, to endpoint
	protocol string
	port     float64
}

// sgRule is a rendered security group rule, read back from its object.
type sgRule struct {
	group, peer, cidr, prefixList, protocol string
	from, to                                float64
	egress                                  bool
}

func renderedRules(rs map[string]runtime.Object) []sgRule {
	var out []sgRule
	for _, obj := range rs {
		switch r := obj.(type) {
		case *ec2v1beta1.SecurityGroupIngressRule:
			f := r.Spec.ForProvider
			out = append(out, sgRule{group: f.SecurityGroupIDSelector.MatchLabels[platform.LabelResource], peer: peerOf(f.ReferencedSecurityGroupIDSelector),
				cidr: ptr.Deref(f.CidrIPv4, ""), prefixList: ptr.Deref(f.PrefixListID, ""), protocol: *f.IPProtocol, from: derefF(f.FromPort), to: derefF(f.ToPort)})
		case *ec2v1beta1.SecurityGroupEgressRule:
			f := r.Spec.ForProvider
			out = append(out, sgRule{group: f.SecurityGroupIDSelector.MatchLabels[platform.LabelResource], peer: peerOf(f.ReferencedSecurityGroupIDSelector),
				cidr: ptr.Deref(f.CidrIPv4, ""), prefixList: ptr.Deref(f.PrefixListID, ""), protocol: *f.IPProtocol, from: derefF(f.FromPort), to: derefF(f.ToPort), egress: true})
		}
	}
	return out
}

// admits is whether rule r lets flow f out of (egress) or into (ingress)
// r's group, as EC2 evaluates a stateful security group.
// https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
func (r sgRule) admits(f flow) bool {
	self, other := f.from, f.to
	if !r.egress {
		self, other = f.to, f.from
	}
	if self.group != r.group || (r.protocol != "-1" && (r.protocol != f.protocol || f.port < r.from || f.port > r.to)) {
		return false
	}
	switch {
	case r.peer != "":
		return other.group == r.peer
	case r.prefixList != "":
		return other.prefixList == r.prefixList
	default:
		p, err := netip.ParsePrefix(r.cidr)
		a, aerr := netip.ParseAddr(other.addr)
		return err == nil && aerr == nil && p.Contains(a)
	}
}

// allowed: the source's egress and the destination's ingress both admit
// the flow (an address outside the platform's groups has no group to ask).
func allowed(rules []sgRule, f flow) bool {
	out := f.from.group == ""
	in := f.to.group == ""
	for _, r := range rules {
		out = out || (r.egress && r.admits(f))
		in = in || (!r.egress && r.admits(f))
	}
	return out && in
}

func sg(key string) endpoint { return endpoint{group: key} }

// TestTrafficThePlatformNeedsAndNoMore: every flow the platform relies on is
// admitted by both groups it crosses, and the nodes send nothing else out
// of the VPC but HTTPS (PCI DSS 1.3.2), to anywhere by default, or with
// network.egressCidrs only to those networks, the VPC and S3's prefix list.
// The EKS control plane reaches webhooks on their own ports (the AWS Load
// Balancer Controller's 9443 fails closed).
func TestTrafficThePlatformNeedsAndNoMore(t *testing.T) {
	nodes, cluster := sg(KeyNodeSecurityGroup), sg(KeyClusterSecurityGroup)
	internet := endpoint{addr: "52.94.133.131"}
	allowList := endpoint{addr: "198.51.100.7"}
	vpcEndpoint := endpoint{addr: "10.0.12.34"}
	s3 := endpoint{addr: "52.218.128.5", prefixList: "pl-68a54001"} // an S3 address, in its prefix list
	s3Observed := platformtest.Observed(platform.KeyS3Endpoint, "ec2.aws.upbound.io/v1beta1", "VPCEndpoint", map[string]any{"prefixListId": "pl-68a54001"})
	needed := []flow{
		{"kubelet and pods to the API", nodes, cluster, "tcp", 443},
		{"control plane to the kubelet", cluster, nodes, "tcp", 10250},
		{"control plane to a webhook on 443", cluster, nodes, "tcp", 443},
		{"control plane to the LB controller's webhook", cluster, nodes, "tcp", 9443},
		{"pod to CoreDNS", nodes, nodes, "udp", 53},
		{"pod to pod", nodes, nodes, "tcp", 8080},
		{"load balancer to a pod", sg(KeyALBSecurityGroup), nodes, "tcp", 8080},
		{"pod to the database", nodes, sg(KeyDatabaseSecurityGroup), "tcp", 5432},
		{"pod to the RDS Proxy", nodes, sg(KeyDatabaseProxySecurityGr), "tcp", 5432},
		{"RDS Proxy to the database", sg(KeyDatabaseProxySecurityGr), sg(KeyDatabaseSecurityGroup), "tcp", 5432},
		{"pod to EFS", nodes, sg(KeyEFSSecurityGroup), "tcp", 2049},
		{"node to an interface endpoint", nodes, vpcEndpoint, "tcp", 443},
		{"node to S3 for image layers", nodes, s3, "tcp", 443},
	}
	never := []flow{
		{"plain HTTP out", nodes, internet, "tcp", 80},
		{"SSH out", nodes, internet, "tcp", 22},
		{"SMTP out", nodes, internet, "tcp", 25},
		{"UDP out", nodes, internet, "udp", 443},
		{"database to anywhere", sg(KeyDatabaseSecurityGroup), internet, "tcp", 443},
	}
	for name, tc := range map[string]struct {
		egress   []string
		observed platform.Observed
		needed   []flow
		never    []flow
	}{
		"HTTPS anywhere by default": {needed: append(needed[:len(needed):len(needed)], flow{"node to an AWS API without an endpoint", nodes, internet, "tcp", 443})},
		"only the allowed networks": {egress: []string{"198.51.100.0/24"}, observed: s3Observed,
			needed: append(needed[:len(needed):len(needed)], flow{"node to the egress proxy", nodes, allowList, "tcp", 443}),
			never:  []flow{{"HTTPS past the allow-list", nodes, internet, "tcp", 443}}},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := config(v1alpha1.EnvironmentProd, "111122223333")
			cfg.EgressCIDRs = tc.egress
			rules := renderedRules(platformtest.Render(t, Tier{}, cfg, tc.observed))
			for _, f := range tc.needed {
				if !allowed(rules, f) {
					t.Errorf("%s (%s/%v) is refused: the platform needs it", f.what, f.protocol, f.port)
				}
			}
			for _, f := range append(never[:len(never):len(never)], tc.never...) {
				if allowed(rules, f) {
					t.Errorf("%s (%s/%v) is admitted: nothing the platform runs needs it", f.what, f.protocol, f.port)
				}
			}
		})
	}
}

// TestEgressToS3NeverDropsOut: the S3 rule names the prefix list AWS
// reports for the gateway endpoint; while the endpoint is briefly
// unobserved it keeps the one it was rendered with.
func TestEgressToS3NeverDropsOut(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "111122223333")
	cfg.EgressCIDRs = []string{"198.51.100.0/24"}
	key := KeyNodeSecurityGroup + "-egress-https-to-s3"
	if _, ok := platformtest.Render(t, Tier{}, cfg, nil)[key]; ok {
		t.Error("want the S3 rule to wait for the endpoint's prefix list")
	}
	ruleOnly := platformtest.Observed(key, "ec2.aws.upbound.io/v1beta1", "SecurityGroupEgressRule", nil)
	ruleOnly[resource.Name(key)].Resource.Object["spec"] = map[string]any{"forProvider": map[string]any{"prefixListId": "pl-68a54001"}}
	r, ok := platformtest.Render(t, Tier{}, cfg, ruleOnly)[key].(*ec2v1beta1.SecurityGroupEgressRule)
	if !ok || ptr.Deref(r.Spec.ForProvider.PrefixListID, "") != "pl-68a54001" {
		t.Errorf("want the rule kept with its prefix list while the endpoint is unobserved, got %v", r)
	}
}

func peerOf(s *xpv1.Selector) string {
	if s == nil {
		return ""
	}
	return s.MatchLabels[platform.LabelResource]
}
