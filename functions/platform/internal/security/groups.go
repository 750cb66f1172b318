package security

import (
	"strings"

	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// Security groups, one per tier that holds network interfaces. Other tiers
// select them by these keys.
const (
	KeyALBSecurityGroup        = "security-group-alb"
	KeyClusterSecurityGroup    = "security-group-eks-cluster"
	KeyNodeSecurityGroup       = "security-group-eks-nodes"
	KeyDatabaseSecurityGroup   = "security-group-database"
	KeyDatabaseProxySecurityGr = "security-group-rds-proxy"
	KeyEFSSecurityGroup        = "security-group-efs"
)

type group struct {
	key, purpose string
}

var groups = []group{
	{KeyALBSecurityGroup, "the internet-facing application load balancer"},
	{KeyClusterSecurityGroup, "the EKS control plane's network interfaces"},
	{KeyNodeSecurityGroup, "the EKS worker nodes and pods"},
	{KeyDatabaseSecurityGroup, "the Aurora PostgreSQL cluster"},
	{KeyDatabaseProxySecurityGr, "the RDS Proxy in front of the database"},
	{KeyEFSSecurityGroup, "the EFS mount targets"},
}

// rule is one security group rule. Exactly one of cidr and peer is set: a
// peer is another platform security group, by key.
type rule struct {
	group, name, description string
	egress                   bool
	protocol                 string
	from, to                 int
	cidr, peer, prefixList   string
}

// rules are every rule of every group. Nothing but the ALB takes traffic from
// outside the VPC, nothing is open on 22 or 3389, and the nodes send only
// what the platform needs (nodeEgress).
func rules(cfg *platform.Config, observed platform.Observed) []rule {
	var rs []rule
	for _, c := range cfg.IngressCIDRs {
		id := cidrID(c)
		rs = append(rs,
			rule{group: KeyALBSecurityGroup, name: "ingress-https-" + id, description: "HTTPS from " + c, protocol: "tcp", from: 443, to: 443, cidr: c},
			rule{group: KeyALBSecurityGroup, name: "ingress-http-redirect-" + id, description: "HTTP from " + c + ", only redirected to HTTPS", protocol: "tcp", from: 80, to: 80, cidr: c},
		)
	}
	return append(append(rs,
		rule{group: KeyALBSecurityGroup, name: "egress-to-nodes", description: "To the pods behind the load balancer's target groups", egress: true, protocol: "tcp", from: 1024, to: 65535, peer: KeyNodeSecurityGroup},

		rule{group: KeyClusterSecurityGroup, name: "ingress-https-from-nodes", description: "Kubernetes API from the worker nodes", protocol: "tcp", from: 443, to: 443, peer: KeyNodeSecurityGroup},
		rule{group: KeyClusterSecurityGroup, name: "egress-kubelet-to-nodes", description: "Kubelet API on the worker nodes", egress: true, protocol: "tcp", from: 10250, to: 10250, peer: KeyNodeSecurityGroup},
		rule{group: KeyClusterSecurityGroup, name: "egress-webhooks-to-nodes", description: "Admission webhooks and extension API servers on the nodes", egress: true, protocol: "tcp", from: 443, to: 443, peer: KeyNodeSecurityGroup},
		// Webhooks and extension API servers listen on ports of their own
		// (the AWS Load Balancer Controller's on 9443, failing closed), so
		// the control plane reaches 1025-65535 on the nodes, as EKS
		// recommends: https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html
		rule{group: KeyClusterSecurityGroup, name: "egress-extensions-to-nodes", description: "Webhooks and extension API servers on their own ports on the nodes", egress: true, protocol: "tcp", from: 1025, to: 65535, peer: KeyNodeSecurityGroup},

		rule{group: KeyNodeSecurityGroup, name: "ingress-from-nodes", description: "Node to node and pod to pod traffic", protocol: "-1", peer: KeyNodeSecurityGroup},
		rule{group: KeyNodeSecurityGroup, name: "ingress-kubelet-from-cluster", description: "Kubelet API from the EKS control plane", protocol: "tcp", from: 10250, to: 10250, peer: KeyClusterSecurityGroup},
		rule{group: KeyNodeSecurityGroup, name: "ingress-webhooks-from-cluster", description: "Admission webhooks from the EKS control plane", protocol: "tcp", from: 443, to: 443, peer: KeyClusterSecurityGroup},
		rule{group: KeyNodeSecurityGroup, name: "ingress-extensions-from-cluster", description: "Webhooks and extension API servers from the EKS control plane", protocol: "tcp", from: 1025, to: 65535, peer: KeyClusterSecurityGroup},
		rule{group: KeyNodeSecurityGroup, name: "ingress-from-alb", description: "Load balancer traffic to the pods it targets", protocol: "tcp", from: 1024, to: 65535, peer: KeyALBSecurityGroup},

		rule{group: KeyDatabaseSecurityGroup, name: "ingress-postgres-from-nodes", description: "PostgreSQL from the workloads", protocol: "tcp", from: 5432, to: 5432, peer: KeyNodeSecurityGroup},
		rule{group: KeyDatabaseSecurityGroup, name: "ingress-postgres-from-rds-proxy", description: "PostgreSQL from the RDS Proxy", protocol: "tcp", from: 5432, to: 5432, peer: KeyDatabaseProxySecurityGr},

		rule{group: KeyDatabaseProxySecurityGr, name: "ingress-postgres-from-nodes", description: "PostgreSQL from the workloads", protocol: "tcp", from: 5432, to: 5432, peer: KeyNodeSecurityGroup},
		rule{group: KeyDatabaseProxySecurityGr, name: "egress-postgres-to-database", description: "PostgreSQL to the Aurora cluster", egress: true, protocol: "tcp", from: 5432, to: 5432, peer: KeyDatabaseSecurityGroup},

		rule{group: KeyEFSSecurityGroup, name: "ingress-nfs-from-nodes", description: "NFS from the workloads", protocol: "tcp", from: 2049, to: 2049, peer: KeyNodeSecurityGroup},
	), nodeEgress(cfg, observed)...)
}

// nodeEgress is what the nodes and pods send (PCI DSS 1.3.2: only what is
// necessary): anything to each other; the Kubernetes API; PostgreSQL to
// the database and its proxy; NFS to EFS; and HTTPS, to anywhere (AWS APIs
// without an endpoint and image registries, through the NAT gateways) or,
// with spec.network.egressCidrs, only to those networks, the VPC (its
// interface endpoints) and S3 through its gateway endpoint (image layers),
// whose prefix list is named once AWS reports it. DNS to the VPC resolver
// and NTP to Amazon Time Sync need no rule: security groups do not filter
// them (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
func nodeEgress(cfg *platform.Config, observed platform.Observed) []rule {
	rs := []rule{
		{group: KeyNodeSecurityGroup, name: "egress-to-nodes", description: "Node to node and pod to pod traffic", egress: true, protocol: "-1", peer: KeyNodeSecurityGroup},
		{group: KeyNodeSecurityGroup, name: "egress-https-to-cluster", description: "The Kubernetes API", egress: true, protocol: "tcp", from: 443, to: 443, peer: KeyClusterSecurityGroup},
		{group: KeyNodeSecurityGroup, name: "egress-postgres-to-database", description: "PostgreSQL to the Aurora cluster", egress: true, protocol: "tcp", from: 5432, to: 5432, peer: KeyDatabaseSecurityGroup},
		{group: KeyNodeSecurityGroup, name: "egress-postgres-to-rds-proxy", description: "PostgreSQL to the RDS Proxy", egress: true, protocol: "tcp", from: 5432, to: 5432, peer: KeyDatabaseProxySecurityGr},
		{group: KeyNodeSecurityGroup, name: "egress-nfs-to-efs", description: "NFS to the EFS mount targets", egress: true, protocol: "tcp", from: 2049, to: 2049, peer: KeyEFSSecurityGroup},
	}
	https := func(name, description, cidr, prefixList string) rule {
		return rule{group: KeyNodeSecurityGroup, name: name, description: description, egress: true, protocol: "tcp", from: 443, to: 443, cidr: cidr, prefixList: prefixList}
	}
	if len(cfg.EgressCIDRs) == 0 {
		return append(rs, https("egress-https", "HTTPS to AWS APIs and image registries, through the NAT gateways and VPC endpoints", "0.0.0.0/0", ""))
	}
	rs = append(rs, https("egress-https-to-vpc", "HTTPS to the VPC's interface endpoints", cfg.VPCCIDR.String(), ""))
	for _, c := range cfg.EgressCIDRs {
		rs = append(rs, https("egress-https-"+cidrID(c), "HTTPS to "+c+", an allowed egress network", c, ""))
	}
	if pl := s3PrefixList(observed); pl != "" {
		rs = append(rs, https("egress-https-to-s3", "HTTPS to S3 through its gateway endpoint (image layers)", "", pl))
	}
	return rs
}

// s3PrefixList is the prefix list of the S3 gateway endpoint, as AWS
// reports it, or as the egress rule naming it was rendered, so the rule
// never drops out while the endpoint is briefly unobserved; "" before.
// (The provider resolves prefixListIdSelector against another kind: the
// rule names the ID.)
func s3PrefixList(observed platform.Observed) string {
	var e ec2v1beta1.VPCEndpoint
	if observed.Get(platform.KeyS3Endpoint, &e) && ptr.Deref(e.Status.AtProvider.PrefixListID, "") != "" {
		return *e.Status.AtProvider.PrefixListID
	}
	var r ec2v1beta1.SecurityGroupEgressRule
	if observed.Get(KeyNodeSecurityGroup+"-egress-https-to-s3", &r) {
		return ptr.Deref(r.Spec.ForProvider.PrefixListID, "")
	}
	return ""
}

func cidrID(c string) string { return strings.NewReplacer(".", "-", "/", "-").Replace(c) }

func securityGroups(cfg *platform.Config, observed platform.Observed) []platform.Resource {
	var rs []platform.Resource
	for _, g := range groups {
		name := cfg.Prefix() + "-" + strings.TrimPrefix(g.key, "security-group-")
		rs = append(rs, platform.Resource{Key: g.key, Object: &ec2v1beta1.SecurityGroup{
			ObjectMeta: cfg.Meta(platform.TierSecurity, g.key),
			Spec: ec2v1beta1.SecurityGroupSpec{ForProvider: ec2v1beta1.SecurityGroupParameters_2{
				Region:        ptr.To(cfg.Region),
				Name:          ptr.To(name),
				Description:   ptr.To("PayNext " + string(cfg.Environment) + ": " + g.purpose),
				VPCIDSelector: platform.Select(platform.KeyVPC),
				Tags:          cfg.Tags(platform.TierSecurity, name),
			}},
		}})
	}
	for _, r := range rules(cfg, observed) {
		key := r.group + "-" + r.name
		rs = append(rs, platform.Resource{Key: key, Object: ruleObject(cfg, key, r)})
	}
	return rs
}

func ruleObject(cfg *platform.Config, key string, r rule) runtime.Object {
	var from, to *float64
	if r.protocol != "-1" {
		from, to = ptr.To(float64(r.from)), ptr.To(float64(r.to))
	}
	var cidr, prefixList *string
	if r.cidr != "" {
		cidr = ptr.To(r.cidr)
	}
	if r.prefixList != "" {
		prefixList = ptr.To(r.prefixList)
	}
	peer := platform.Select(r.peer)
	if r.peer == "" {
		peer = nil
	}
	tags := cfg.Tags(platform.TierSecurity, cfg.Prefix()+"-"+key)
	if r.egress {
		return &ec2v1beta1.SecurityGroupEgressRule{
			ObjectMeta: cfg.Meta(platform.TierSecurity, key),
			Spec: ec2v1beta1.SecurityGroupEgressRuleSpec{ForProvider: ec2v1beta1.SecurityGroupEgressRuleParameters{
				Region: ptr.To(cfg.Region), SecurityGroupIDSelector: platform.Select(r.group), Description: ptr.To(r.description),
				IPProtocol: ptr.To(r.protocol), FromPort: from, ToPort: to, CidrIPv4: cidr, PrefixListID: prefixList, ReferencedSecurityGroupIDSelector: peer, Tags: tags,
			}},
		}
	}
	return &ec2v1beta1.SecurityGroupIngressRule{
		ObjectMeta: cfg.Meta(platform.TierSecurity, key),
		Spec: ec2v1beta1.SecurityGroupIngressRuleSpec{ForProvider: ec2v1beta1.SecurityGroupIngressRuleParameters{
			Region: ptr.To(cfg.Region), SecurityGroupIDSelector: platform.Select(r.group), Description: ptr.To(r.description),
			IPProtocol: ptr.To(r.protocol), FromPort: from, ToPort: to, CidrIPv4: cidr, ReferencedSecurityGroupIDSelector: peer, Tags: tags,
		}},
	}
}
