package kubernetes

import (
	"github.com/crossplane/function-sdk-go/resource"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// Status is the tier's output, read from observed state.
func Status(cfg *platform.Config, observed platform.Observed) *v1alpha1.KubernetesStatus {
	if cfg.AccountID == "" || !Possible(cfg) {
		return nil
	}
	s := &v1alpha1.KubernetesStatus{ClusterName: cfg.EKSClusterName(), OIDCIssuer: OIDCIssuer(observed)}
	var c eksv1beta1.Cluster
	if observed.Get(KeyCluster, &c) && c.Status.AtProvider.Endpoint != nil {
		s.Endpoint = *c.Status.AtProvider.Endpoint
	}
	for _, ng := range []string{NodeGroupSystem, NodeGroupWorkload} {
		if _, ok := observed[resource.Name(KeyNodeGroup(ng))]; ok {
			s.NodeGroups = append(s.NodeGroups, cfg.EKSClusterName()+"-"+ng)
		}
	}
	var lb elbv2v1beta1.LB
	if observed.Get(KeyLoadBalancer, &lb) && lb.Status.AtProvider.DNSName != nil {
		s.LoadBalancerDNSName = *lb.Status.AtProvider.DNSName
	}
	if cfg.CertificateARN == "" {
		s.Ingress = NoCertificateMessage
	}
	return s
}

// ConnectionDetails pass the cluster's endpoint and CA to the claim's
// connection secret. No kubeconfig: one the provider made (EKS ClusterAuth)
// would authenticate as the provider's own identity, which has no access
// entry, against a private endpoint; users authenticate as the admin role
// (spec.kubernetes.adminRoleArn) from inside the network (README).
func ConnectionDetails(observed platform.Observed) resource.ConnectionDetails {
	out := resource.ConnectionDetails{}
	var c eksv1beta1.Cluster
	if observed.Get(KeyCluster, &c) {
		if c.Status.AtProvider.Endpoint != nil {
			out["clusterEndpoint"] = []byte(*c.Status.AtProvider.Endpoint)
		}
		for _, ca := range c.Status.AtProvider.CertificateAuthority {
			if ca.Data != nil {
				out["clusterCA"] = []byte(*ca.Data)
			}
		}
	}
	return out
}
