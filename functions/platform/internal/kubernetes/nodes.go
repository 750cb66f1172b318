package kubernetes

import (
	"strconv"

	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

const keyLaunchTemplate = "eks-launch-template"

// Node groups.
const (
	NodeGroupSystem   = "system"
	NodeGroupWorkload = "workload"
)

// KeyNodeGroup is the key of a node group.
func KeyNodeGroup(name string) string { return "eks-node-group-" + name }

// LaunchTemplateName is the nodes' launch template.
func LaunchTemplateName(cfg *platform.Config) string { return cfg.Prefix() + "-eks-nodes" }

// launchTemplate hardens every node: IMDSv2 only, with a hop limit of 1 so
// pods cannot reach the node's credentials (they use IRSA or Pod Identity);
// an encrypted gp3 root volume with the storage key; the node security group;
// no SSH key (SSM Session Manager instead).
func launchTemplate(cfg *platform.Config, volumeKeyARN string) *ec2v1beta1.LaunchTemplate {
	return &ec2v1beta1.LaunchTemplate{
		ObjectMeta: cfg.Meta(platform.TierKubernetes, keyLaunchTemplate),
		Spec: ec2v1beta1.LaunchTemplateSpec{ForProvider: ec2v1beta1.LaunchTemplateParameters_2{
			Region:               ptr.To(cfg.Region),
			Name:                 ptr.To(LaunchTemplateName(cfg)),
			Description:          ptr.To("PayNext " + string(cfg.Environment) + " EKS nodes: IMDSv2, encrypted gp3, no SSH"),
			UpdateDefaultVersion: ptr.To(true),
			MetadataOptions: []ec2v1beta1.LaunchTemplateMetadataOptionsParameters{{
				HTTPEndpoint: ptr.To("enabled"), HTTPTokens: ptr.To("required"),
				HTTPPutResponseHopLimit: ptr.To(1.0), InstanceMetadataTags: ptr.To("disabled"),
			}},
			BlockDeviceMappings: []ec2v1beta1.BlockDeviceMappingsParameters{{
				DeviceName: ptr.To("/dev/xvda"),
				EBS: []ec2v1beta1.EBSParameters{{
					VolumeType: ptr.To("gp3"), VolumeSize: ptr.To(50.0), Encrypted: ptr.To("true"),
					KMSKeyID:            ptr.To(volumeKeyARN),
					DeleteOnTermination: ptr.To("true"),
				}},
			}},
			VPCSecurityGroupIDSelector: platform.Select(security.KeyNodeSecurityGroup),
			Tags:                       cfg.Tags(platform.TierKubernetes, LaunchTemplateName(cfg)),
		}},
	}
}

// nodeVolumeKeyARN is the storage key the nodes' volumes are encrypted with,
// as its observed ARN: blockDeviceMappings is a list, so no selector inside it
// (see security.KeyARN). While the key is not observed, the key the existing
// launch template names, so the template never drops out of the desired
// state.
func nodeVolumeKeyARN(observed platform.Observed) string {
	if arn := security.KeyARN(observed, security.PurposeStorage, false); arn != "" {
		return arn
	}
	var lt ec2v1beta1.LaunchTemplate
	if observed.Get(keyLaunchTemplate, &lt) {
		// What the template was last rendered with, then what AWS reports.
		for _, m := range lt.Spec.ForProvider.BlockDeviceMappings {
			for _, e := range m.EBS {
				if ptr.Deref(e.KMSKeyID, "") != "" {
					return *e.KMSKeyID
				}
			}
		}
		for _, m := range lt.Status.AtProvider.BlockDeviceMappings {
			for _, e := range m.EBS {
				if ptr.Deref(e.KMSKeyID, "") != "" {
					return *e.KMSKeyID
				}
			}
		}
	}
	return ""
}

// nodeGroups render once the launch template's version is observed: a node
// group pins a template version, and guessing one would replace nodes.
func nodeGroups(cfg *platform.Config, observed platform.Observed) []platform.Resource {
	version := launchTemplateVersion(observed)
	if version == "" {
		return nil
	}
	p := cfg.Profile()
	return []platform.Resource{
		{Key: KeyNodeGroup(NodeGroupSystem), Object: nodeGroup(cfg, NodeGroupSystem, "ON_DEMAND", p.SystemNodes, version, true)},
		{Key: KeyNodeGroup(NodeGroupWorkload), Object: nodeGroup(cfg, NodeGroupWorkload, cfg.WorkloadCapacityType, p.WorkloadNodes, version, false)},
	}
}

func nodeGroup(cfg *platform.Config, name, capacity string, size [3]int, ltVersion string, system bool) *eksv1beta1.NodeGroup {
	tags := cfg.Tags(platform.TierKubernetes, cfg.EKSClusterName()+"-"+name)
	// Cluster Autoscaler discovers node groups by these tags.
	tags["k8s.io/cluster-autoscaler/enabled"] = ptr.To("true")
	tags["k8s.io/cluster-autoscaler/"+cfg.EKSClusterName()] = ptr.To("owned")
	ng := &eksv1beta1.NodeGroup{
		ObjectMeta: cfg.Meta(platform.TierKubernetes, KeyNodeGroup(name)),
		Spec: eksv1beta1.NodeGroupSpec{ForProvider: eksv1beta1.NodeGroupParameters{
			Region:              ptr.To(cfg.Region),
			ClusterNameSelector: platform.Select(KeyCluster),
			NodeRoleArnSelector: platform.Select(security.KeyRole(security.RoleEKSNodes)),
			// subnet_ids is ForceNew: terraform-provider-aws (upbound fork
			// pinned by provider-aws v2.4.0) internal/service/eks/node_group.go.
			SubnetIDSelector: network.SelectSubnetsAtCreation(network.Private),
			CapacityType:     ptr.To(capacity),
			InstanceTypes:    []*string{ptr.To(cfg.NodeInstanceType)},
			ScalingConfig: []eksv1beta1.ScalingConfigParameters{{
				MinSize: ptr.To(float64(size[0])), DesiredSize: ptr.To(float64(size[1])), MaxSize: ptr.To(float64(size[2])),
			}},
			UpdateConfig:   []eksv1beta1.UpdateConfigParameters{{MaxUnavailable: ptr.To(1.0)}},
			LaunchTemplate: []eksv1beta1.LaunchTemplateParameters{{Name: ptr.To(LaunchTemplateName(cfg)), Version: ptr.To(ltVersion)}},
			Labels:         map[string]*string{"paynext.io/node-group": ptr.To(name), "paynext.io/capacity-type": ptr.To(capacity)},
			Tags:           tags,
		}},
	}
	if system {
		// Only cluster-critical add-ons schedule on the system nodes.
		ng.Spec.ForProvider.Taint = []eksv1beta1.TaintParameters{{Key: ptr.To("CriticalAddonsOnly"), Value: ptr.To("true"), Effect: ptr.To("NO_SCHEDULE")}}
	}
	return ng
}

// launchTemplateVersion is the template's observed latest version or, while
// the template is not observed, the version the node groups already run, so
// they never drop out of the desired state (which would delete them).
func launchTemplateVersion(observed platform.Observed) string {
	var lt ec2v1beta1.LaunchTemplate
	if observed.Get(keyLaunchTemplate, &lt) && lt.Status.AtProvider.LatestVersion != nil {
		return strconv.Itoa(int(*lt.Status.AtProvider.LatestVersion))
	}
	for _, name := range []string{NodeGroupWorkload, NodeGroupSystem} {
		var ng eksv1beta1.NodeGroup
		if observed.Get(KeyNodeGroup(name), &ng) {
			for _, l := range ng.Status.AtProvider.LaunchTemplate {
				if l.Version != nil {
					return *l.Version
				}
			}
		}
	}
	return ""
}
