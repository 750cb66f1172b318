package storage

import (
	efsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/efs/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// EFS keys.
const (
	KeyFileSystem  = "efs-file-system"
	keyAccessPoint = "efs-access-point-kubernetes"
	keyEFSPolicy   = "efs-file-system-policy"
	keyEFSBackups  = "efs-backup-policy"
)

// KeyMountTarget is the key of the mount target in zone.
func KeyMountTarget(zone string) string { return "efs-mount-target-" + zone }

// fileSystem is shared storage for Kubernetes workloads: encrypted with the
// storage key, elastic throughput, moved to Infrequent Access after 30 days,
// a mount target in each private subnet, TLS only.
func fileSystem(cfg *platform.Config) []platform.Resource {
	name := cfg.Prefix() + "-efs"
	tags := cfg.Tags(platform.TierStorage, name)
	tags[platform.TagBackupPlan] = ptr.To(BackupPlanName(cfg))
	fs := &efsv1beta1.FileSystem{
		ObjectMeta: cfg.Meta(platform.TierStorage, KeyFileSystem),
		Spec: efsv1beta1.FileSystemSpec{ForProvider: efsv1beta1.FileSystemParameters{
			Region:           ptr.To(cfg.Region),
			CreationToken:    ptr.To(name),
			Encrypted:        ptr.To(true),
			KMSKeyIDSelector: platform.Select(security.KeyName(security.PurposeStorage, false)),
			PerformanceMode:  ptr.To("generalPurpose"),
			ThroughputMode:   ptr.To("elastic"),
			LifecyclePolicy: []efsv1beta1.LifecyclePolicyParameters{
				{TransitionToIa: ptr.To("AFTER_30_DAYS")},
				{TransitionToPrimaryStorageClass: ptr.To("AFTER_1_ACCESS")},
			},
			Tags: tags,
		}},
	}
	fs.Spec.DeletionPolicy = cfg.Orphan()
	fsSel := platform.Select(KeyFileSystem)

	rs := []platform.Resource{
		{Key: KeyFileSystem, Object: fs},
		{Key: keyEFSBackups, Object: &efsv1beta1.BackupPolicy{
			ObjectMeta: cfg.Meta(platform.TierStorage, keyEFSBackups),
			Spec: efsv1beta1.BackupPolicySpec{ForProvider: efsv1beta1.BackupPolicyParameters{
				Region: ptr.To(cfg.Region), FileSystemIDSelector: fsSel,
				BackupPolicy: []efsv1beta1.BackupPolicyBackupPolicyParameters{{Status: ptr.To("ENABLED")}},
			}},
		}},
		{Key: keyEFSPolicy, Object: &efsv1beta1.FileSystemPolicy{
			ObjectMeta: cfg.Meta(platform.TierStorage, keyEFSPolicy),
			Spec: efsv1beta1.FileSystemPolicySpec{ForProvider: efsv1beta1.FileSystemPolicyParameters{
				Region: ptr.To(cfg.Region), FileSystemIDSelector: fsSel, Policy: ptr.To(FileSystemPolicy().JSON()),
			}},
		}},
		{Key: keyAccessPoint, Object: &efsv1beta1.AccessPoint{
			ObjectMeta: cfg.Meta(platform.TierStorage, keyAccessPoint),
			Spec: efsv1beta1.AccessPointSpec{ForProvider: efsv1beta1.AccessPointParameters{
				Region: ptr.To(cfg.Region), FileSystemIDSelector: fsSel,
				PosixUser: []efsv1beta1.PosixUserParameters{{UID: ptr.To(1000.0), GID: ptr.To(1000.0)}},
				RootDirectory: []efsv1beta1.RootDirectoryParameters{{
					Path:         ptr.To("/kubernetes"),
					CreationInfo: []efsv1beta1.CreationInfoParameters{{OwnerUID: ptr.To(1000.0), OwnerGID: ptr.To(1000.0), Permissions: ptr.To("0750")}},
				}},
				Tags: cfg.Tags(platform.TierStorage, cfg.Prefix()+"-efs-kubernetes"),
			}},
		}},
	}
	for _, z := range cfg.Zones {
		key := KeyMountTarget(z.Name)
		rs = append(rs, platform.Resource{Key: key, Object: &efsv1beta1.MountTarget{
			ObjectMeta: cfg.Meta(platform.TierStorage, key),
			Spec: efsv1beta1.MountTargetSpec{ForProvider: efsv1beta1.MountTargetParameters{
				Region:                 ptr.To(cfg.Region),
				FileSystemIDSelector:   fsSel,
				SubnetIDSelector:       platform.Select(network.KeySubnet(network.Private, z.Name)),
				SecurityGroupsSelector: platform.Select(security.KeyEFSSecurityGroup),
			}},
		}})
	}
	return rs
}

// FileSystemPolicy lets clients mount only through the VPC's mount targets,
// and only over TLS.
func FileSystemPolicy() policy.Document {
	everyone := &policy.Principal{AWS: []string{"*"}}
	return policy.New(
		policy.Statement{
			Sid: "MountThroughMountTargets", Effect: policy.Allow, Principal: everyone,
			Action:    []string{"elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"},
			Resource:  []string{"*"},
			Condition: policy.Conditions{}.With("Bool", "elasticfilesystem:AccessedViaMountTarget", "true"),
		},
		policy.Statement{
			Sid: "DenyWithoutTLS", Effect: policy.Deny, Principal: everyone, Action: []string{"*"}, Resource: []string{"*"},
			Condition: policy.Conditions{}.With("Bool", "aws:SecureTransport", "false"),
		},
	)
}
