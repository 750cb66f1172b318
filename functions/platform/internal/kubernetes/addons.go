package kubernetes

import (
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// Add-ons the platform manages.
const (
	AddonVPCCNI              = "vpc-cni"
	AddonCoreDNS             = "coredns"
	AddonKubeProxy           = "kube-proxy"
	AddonEBSCSIDriver        = "aws-ebs-csi-driver"
	AddonPodIdentityAgent    = "eks-pod-identity-agent"
	conflictResolutionPolicy = "OVERWRITE"
)

// Addons in rendering order.
var Addons = []string{AddonVPCCNI, AddonCoreDNS, AddonKubeProxy, AddonEBSCSIDriver, AddonPodIdentityAgent}

// AddonVersions pins every add-on per Kubernetes version, so a cluster
// upgrade moves its add-ons with it. Update it from
// `aws eks describe-addon-versions --kubernetes-version <v>` when a version
// is added to v1alpha1.SupportedKubernetesVersions (a test fails until then).
var AddonVersions = map[string]map[string]string{
	"1.31": {AddonVPCCNI: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.11.4-eksbuild.22", AddonKubeProxy: "v1.31.10-eksbuild.12", AddonEBSCSIDriver: "v1.50.1-eksbuild.1", AddonPodIdentityAgent: "v1.3.8-eksbuild.2"},
	"1.32": {AddonVPCCNI: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.11.4-eksbuild.22", AddonKubeProxy: "v1.32.6-eksbuild.12", AddonEBSCSIDriver: "v1.50.1-eksbuild.1", AddonPodIdentityAgent: "v1.3.8-eksbuild.2"},
	"1.33": {AddonVPCCNI: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.12.3-eksbuild.1", AddonKubeProxy: "v1.33.3-eksbuild.10", AddonEBSCSIDriver: "v1.50.1-eksbuild.1", AddonPodIdentityAgent: "v1.3.8-eksbuild.2"},
	"1.34": {AddonVPCCNI: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.12.3-eksbuild.1", AddonKubeProxy: "v1.34.0-eksbuild.5", AddonEBSCSIDriver: "v1.50.1-eksbuild.1", AddonPodIdentityAgent: "v1.3.8-eksbuild.2"},
}

// VPCCNIConfiguration turns on the VPC CNI's network policy agent: without
// it Kubernetes NetworkPolicies are accepted by the API server and silently
// not enforced, and PCI DSS 1.3/1.4 segmentation inside the cluster rests on
// them. vpc-cni v1.14 and later, every version pinned here.
// https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html
const VPCCNIConfiguration = `{"enableNetworkPolicy":"true"}`

// KeyAddon is the key of an add-on.
func KeyAddon(name string) string { return "eks-addon-" + name }

// addons: conflicts are resolved by overwriting, so an add-on upgrade always
// lands. The EBS CSI driver waits for its IRSA role, which waits for the
// cluster's OIDC issuer.
func addons(cfg *platform.Config, observed platform.Observed) []platform.Resource {
	versions := AddonVersions[cfg.KubernetesVersion]
	var rs []platform.Resource
	for _, name := range Addons {
		p := eksv1beta1.AddonParameters{
			Region:                   ptr.To(cfg.Region),
			ClusterNameSelector:      platform.Select(KeyCluster),
			AddonName:                ptr.To(name),
			AddonVersion:             ptr.To(versions[name]),
			ResolveConflictsOnCreate: ptr.To(conflictResolutionPolicy),
			ResolveConflictsOnUpdate: ptr.To(conflictResolutionPolicy),
			Tags:                     cfg.Tags(platform.TierKubernetes, cfg.EKSClusterName()+"-"+name),
		}
		if name == AddonVPCCNI {
			p.ConfigurationValues = ptr.To(VPCCNIConfiguration)
		}
		if name == AddonEBSCSIDriver {
			if OIDCIssuer(observed) == "" {
				continue
			}
			p.ServiceAccountRoleArnSelector = platform.Select(security.KeyRole(security.RoleEBSCSIDriver))
		}
		rs = append(rs, platform.Resource{Key: KeyAddon(name), Object: &eksv1beta1.Addon{
			ObjectMeta: cfg.Meta(platform.TierKubernetes, KeyAddon(name)),
			Spec:       eksv1beta1.AddonSpec{ForProvider: p},
		}})
	}
	return rs
}
