package platform

import eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"

// ClusterOIDCIssuer is the OIDC issuer URL the observed EKS cluster reports,
// "" until it does. The Kubernetes tier's OIDC provider and the security
// tier's IRSA roles both trust it.
func ClusterOIDCIssuer(observed Observed) string {
	var c eksv1beta1.Cluster
	if !observed.Get(KeyEKSCluster, &c) {
		return ""
	}
	for _, id := range c.Status.AtProvider.Identity {
		for _, o := range id.Oidc {
			if o.Issuer != nil {
				return *o.Issuer
			}
		}
	}
	return ""
}
