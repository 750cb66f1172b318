// Package kubernetes renders the Kubernetes tier: a private, encrypted EKS
// cluster with all control-plane logs, access through access entries, the
// IRSA OIDC provider, managed node groups on a hardened launch template,
// version-pinned add-ons, and the internet-facing ALB behind the WAF.
package kubernetes

import (
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	iamv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/iam/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// Cluster keys.
const (
	KeyCluster          = platform.KeyEKSCluster
	KeyClusterLogGroup  = "eks-log-group"
	KeyOIDCProvider     = "eks-oidc-provider"
	keyAdminEntry       = "eks-access-entry-admin"
	keyAdminAssociation = "eks-access-policy-admin"
)

// ControlPlaneLogTypes are all five EKS control-plane log types.
var ControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// Tier is the Kubernetes tier.
type Tier struct{}

// Name of the tier.
func (Tier) Name() string { return platform.TierKubernetes }

// Render returns the tier's resources in the order AWS lets them exist: the
// cluster once its secrets key's ARN is observed (EKS takes no selector for
// it), the OIDC provider once the cluster's issuer is observed, the node
// groups once the launch template's version is observed.
func (Tier) Render(cfg *platform.Config, observed platform.Observed) ([]platform.Resource, error) {
	if cfg.AccountID == "" || len(cfg.Zones) < 2 {
		return nil, nil
	}
	rs := []platform.Resource{
		{Key: KeyClusterLogGroup, Object: security.LogGroup(cfg, platform.TierKubernetes, KeyClusterLogGroup, "/aws/eks/"+cfg.EKSClusterName()+"/cluster")},
	}
	if volumeKey := nodeVolumeKeyARN(observed); volumeKey != "" {
		rs = append(rs, platform.Resource{Key: keyLaunchTemplate, Object: launchTemplate(cfg, volumeKey)})
	}
	rs = append(rs, loadBalancer(cfg, observed)...)
	keyARN := clusterKeyARN(observed)
	subnets, groups := clusterNetwork(cfg, observed)
	if keyARN == "" || subnets == nil || groups == nil {
		return rs, nil
	}
	rs = append(rs,
		platform.Resource{Key: KeyCluster, Object: cluster(cfg, observed, keyARN, subnets, groups)},
	)
	rs = append(rs, adminAccess(cfg)...)
	rs = append(rs, addons(cfg, observed)...)
	if issuer := OIDCIssuer(observed); issuer != "" {
		rs = append(rs, platform.Resource{Key: KeyOIDCProvider, Object: oidcProvider(cfg, issuer)})
	}
	rs = append(rs, nodeGroups(cfg, observed)...)
	return rs, nil
}

// Possible reports whether the platform can hold a cluster: EKS needs
// subnets in two zones.
func Possible(cfg *platform.Config) bool { return len(cfg.Zones) >= 2 }

// clusterKeyARN is the Kubernetes key's observed ARN or, while the key is
// not observed, the one the existing cluster was created with: a briefly
// unobserved key must never drop the cluster from the desired state (which
// would delete it).
func clusterKeyARN(observed platform.Observed) string {
	if arn := security.KeyARN(observed, security.PurposeKubernetes, false); arn != "" {
		return arn
	}
	var c eksv1beta1.Cluster
	if observed.Get(KeyCluster, &c) {
		// What the cluster was last rendered with, then what AWS reports
		// (atProvider is empty until the provider's first observation).
		for _, e := range c.Spec.ForProvider.EncryptionConfig {
			for _, p := range e.Provider {
				if p.KeyArn != nil {
					return *p.KeyArn
				}
			}
		}
		for _, e := range c.Status.AtProvider.EncryptionConfig {
			for _, p := range e.Provider {
				if p.KeyArn != nil {
					return *p.KeyArn
				}
			}
		}
	}
	return ""
}

// clusterNetwork is the private subnets (every zone) and the cluster security
// group the cluster's vpcConfig names, as observed IDs: vpcConfig is a list
// in eks v1beta1, so selectors inside it would fight Crossplane's apply (see
// security.KeyARN). While any of them is not observed (a zone just added, a
// subnet being recreated), the cluster keeps the ones AWS reports it has, so
// it never drops out of the desired state; it picks up a new zone's subnet
// once that subnet exists.
func clusterNetwork(cfg *platform.Config, observed platform.Observed) (subnets, groups []*string) {
	subnets = network.SubnetIDs(cfg, observed, network.Private)
	if id := security.SecurityGroupID(observed, security.KeyClusterSecurityGroup); id != "" {
		groups = []*string{ptr.To(id)}
	}
	var c eksv1beta1.Cluster
	if (subnets == nil || groups == nil) && observed.Get(KeyCluster, &c) {
		// What the cluster was last rendered with, then what AWS reports.
		for _, v := range c.Spec.ForProvider.VPCConfig {
			if subnets == nil && len(v.SubnetIds) > 0 {
				subnets = v.SubnetIds
			}
			if groups == nil && len(v.SecurityGroupIds) > 0 {
				groups = v.SecurityGroupIds
			}
		}
		for _, v := range c.Status.AtProvider.VPCConfig {
			if subnets == nil && len(v.SubnetIds) > 0 {
				subnets = v.SubnetIds
			}
			if groups == nil && len(v.SecurityGroupIds) > 0 {
				groups = v.SecurityGroupIds
			}
		}
	}
	return subnets, groups
}

// DeletionProtection is whether the cluster and the load balancer are
// protected from deletion: in prod, where an accidental delete (console,
// CLI, another tool) takes the payment service down, and where Security Hub's
// AWS Foundational Security Best Practices, which the platform enables, asks
// it of load balancers (ELB.6,
// https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-6).
// Protected, both are kept when the claim is deleted
// (platform.Config.KeepWhileProtected).
func DeletionProtection(cfg *platform.Config) bool {
	return cfg.Environment == v1alpha1.EnvironmentProd
}

func cluster(cfg *platform.Config, observed platform.Observed, keyARN string, subnets, groups []*string) *eksv1beta1.Cluster {
	logTypes := make([]*string, len(ControlPlaneLogTypes))
	for i, t := range ControlPlaneLogTypes {
		logTypes[i] = ptr.To(t)
	}
	public := len(cfg.PublicAccessCIDRs) > 0
	vpc := eksv1beta1.VPCConfigParameters{
		SubnetIds:             subnets,
		SecurityGroupIds:      groups,
		EndpointPrivateAccess: ptr.To(true),
		EndpointPublicAccess:  ptr.To(public),
	}
	for _, c := range cfg.PublicAccessCIDRs {
		vpc.PublicAccessCidrs = append(vpc.PublicAccessCidrs, ptr.To(c))
	}
	c := &eksv1beta1.Cluster{
		ObjectMeta: cfg.NamedMeta(platform.TierKubernetes, KeyCluster, cfg.EKSClusterName()),
		Spec: eksv1beta1.ClusterSpec{ForProvider: eksv1beta1.ClusterParameters{
			Region:          ptr.To(cfg.Region),
			Version:         ptr.To(cfg.KubernetesVersion),
			RoleArnSelector: platform.Select(security.KeyRole(security.RoleEKSCluster)),
			VPCConfig:       []eksv1beta1.VPCConfigParameters{vpc},
			EncryptionConfig: []eksv1beta1.EncryptionConfigParameters{{
				Resources: []*string{ptr.To("secrets")},
				Provider:  []eksv1beta1.ProviderParameters{{KeyArn: ptr.To(keyARN)}},
			}},
			EnabledClusterLogTypes: logTypes,
			AccessConfig: []eksv1beta1.AccessConfigParameters{{
				AuthenticationMode:                      ptr.To("API"),
				BootstrapClusterCreatorAdminPermissions: ptr.To(false),
			}},
			DeletionProtection: ptr.To(DeletionProtection(cfg)),
			Tags:               cfg.Tags(platform.TierKubernetes, cfg.EKSClusterName()),
		}},
	}
	// EKS refuses to delete a protected cluster (InvalidRequestException):
	// https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html
	var o eksv1beta1.Cluster
	observedProtection := observed.Get(KeyCluster, &o) && ptr.Deref(o.Status.AtProvider.DeletionProtection, false)
	c.Spec.DeletionPolicy = cfg.KeepWhileProtected(DeletionProtection(cfg), observedProtection)
	return c
}

// AdminRoleARN is the role that gets cluster-admin: the spec's, else the
// platform's break-glass role.
func AdminRoleARN(cfg *platform.Config) string {
	if cfg.AdminRoleARN != "" {
		return cfg.AdminRoleARN
	}
	return "arn:" + cfg.Partition() + ":iam::" + cfg.AccountID + ":role/" + cfg.RoleName(security.RoleBreakGlass)
}

func adminAccess(cfg *platform.Config) []platform.Resource {
	admin := AdminRoleARN(cfg)
	return []platform.Resource{
		{Key: keyAdminEntry, Object: &eksv1beta1.AccessEntry{
			ObjectMeta: cfg.Meta(platform.TierKubernetes, keyAdminEntry),
			Spec: eksv1beta1.AccessEntrySpec{ForProvider: eksv1beta1.AccessEntryParameters{
				Region: ptr.To(cfg.Region), ClusterNameSelector: platform.Select(KeyCluster),
				PrincipalArn: ptr.To(admin), Type: ptr.To("STANDARD"),
				Tags: cfg.Tags(platform.TierKubernetes, cfg.EKSClusterName()+"-admin"),
			}},
		}},
		{Key: keyAdminAssociation, Object: &eksv1beta1.AccessPolicyAssociation{
			ObjectMeta: cfg.Meta(platform.TierKubernetes, keyAdminAssociation),
			Spec: eksv1beta1.AccessPolicyAssociationSpec{ForProvider: eksv1beta1.AccessPolicyAssociationParameters{
				Region: ptr.To(cfg.Region), ClusterNameSelector: platform.Select(KeyCluster),
				PrincipalArn: ptr.To(admin),
				PolicyArn:    ptr.To("arn:" + cfg.Partition() + ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"),
				AccessScope:  &eksv1beta1.AccessScopeParameters{Type: ptr.To("cluster")},
			}},
		}},
	}
}

// OIDCIssuer is the observed cluster's OIDC issuer URL, "" until EKS reports
// it; while the cluster is not observed, the URL of the existing OIDC
// provider, so the provider never drops out of the desired state.
func OIDCIssuer(observed platform.Observed) string {
	if issuer := platform.ClusterOIDCIssuer(observed); issuer != "" {
		return issuer
	}
	var p iamv1beta1.OpenIDConnectProvider
	if observed.Get(KeyOIDCProvider, &p) && p.Status.AtProvider.URL != nil {
		return *p.Status.AtProvider.URL
	}
	return ""
}

func oidcProvider(cfg *platform.Config, issuer string) *iamv1beta1.OpenIDConnectProvider {
	return &iamv1beta1.OpenIDConnectProvider{
		ObjectMeta: cfg.Meta(platform.TierKubernetes, KeyOIDCProvider),
		Spec: iamv1beta1.OpenIDConnectProviderSpec{ForProvider: iamv1beta1.OpenIDConnectProviderParameters{
			URL:          ptr.To(issuer),
			ClientIDList: []*string{ptr.To("sts.amazonaws.com")},
			Tags:         cfg.Tags(platform.TierKubernetes, cfg.EKSClusterName()+"-irsa"),
		}},
	}
}
