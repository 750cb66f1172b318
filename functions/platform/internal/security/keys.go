package security

import (
	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// Key purposes: one customer-managed key each, so revoking or losing one
// exposes or destroys only what it encrypts.
const (
	PurposeDatabase   = "database"
	PurposeStorage    = "storage"
	PurposeKubernetes = "kubernetes"
	PurposeLogs       = "logs"
	PurposeMessaging  = "messaging"
	PurposeSecrets    = "secrets"
	PurposeBackup     = "backup"
)

// Composed resource keys of the logs key, which the network tier selects.
const (
	KeyLogsKMSKey   = "kms-key-logs"
	KeyLogsKMSAlias = "kms-alias-logs"
)

// cmk is one customer-managed key.
type cmk struct {
	purpose     string
	dr          bool // lives in spec.drRegion, for replicated data
	description string
	use         func(cfg *platform.Config, region string) []policy.Statement
}

// KeyName is the composed resource key of the CMK of purpose; DR-region keys
// end in -dr.
func KeyName(purpose string, dr bool) string {
	if dr {
		return "kms-key-" + purpose + "-dr"
	}
	return "kms-key-" + purpose
}

// AliasName is the alias of the CMK of purpose. A DR-region key has the same
// alias in its own region, so applications find it under one name.
func AliasName(cfg *platform.Config, purpose string) string {
	return "alias/paynext/" + cfg.Deployment() + "/" + purpose
}

func keys() []cmk {
	return []cmk{
		{purpose: PurposeDatabase, description: "encrypts Aurora storage, snapshots and Performance Insights",
			use: func(c *platform.Config, r string) []policy.Statement { return viaServices(c, r, "rds") }},
		{purpose: PurposeStorage, description: "encrypts S3 buckets, EFS and EBS volumes",
			use: func(c *platform.Config, r string) []policy.Statement {
				return append(viaServices(c, r, "s3", "elasticfilesystem", "ec2"), autoScalingUse(c)...)
			}},
		{purpose: PurposeStorage, dr: true, description: "encrypts the S3 replicas in the disaster-recovery region",
			use: func(c *platform.Config, r string) []policy.Statement { return viaServices(c, r, "s3") }},
		{purpose: PurposeKubernetes, description: "envelope-encrypts Kubernetes secrets", use: kubernetesUse},
		{purpose: PurposeLogs, description: "encrypts the platform's CloudWatch log groups", use: logsUse},
		{purpose: PurposeMessaging, description: "encrypts the alerting SNS topics", use: messagingUse},
		{purpose: PurposeSecrets, description: "encrypts Secrets Manager secrets, the database master secret among them",
			use: func(c *platform.Config, r string) []policy.Statement { return viaServices(c, r, "secretsmanager") }},
		{purpose: PurposeBackup, description: "encrypts the AWS Backup vault",
			use: func(c *platform.Config, r string) []policy.Statement { return viaServices(c, r, "backup") }},
		{purpose: PurposeBackup, dr: true, description: "encrypts the AWS Backup copy vault in the disaster-recovery region",
			use: backupCopyUse},
	}
}

func kmsKeys(cfg *platform.Config) []platform.Resource {
	var rs []platform.Resource
	for _, k := range keys() {
		region := cfg.Region
		if k.dr {
			region = cfg.DRRegion
		}
		key := KeyName(k.purpose, k.dr)
		name := cfg.Prefix() + "-" + k.purpose
		if k.dr {
			name += "-dr"
		}
		obj := &kmsv1beta1.Key{
			ObjectMeta: cfg.Meta(platform.TierSecurity, key),
			Spec: kmsv1beta1.KeySpec{ForProvider: kmsv1beta1.KeyParameters{
				Region:               ptr.To(region),
				Description:          ptr.To("PayNext " + string(cfg.Environment) + ": " + k.description),
				KeyUsage:             ptr.To("ENCRYPT_DECRYPT"),
				EnableKeyRotation:    ptr.To(true),
				DeletionWindowInDays: ptr.To(float64(cfg.Profile().KeyDeletionWindowDays)),
				Policy:               ptr.To(policy.New(append(administration(cfg), k.use(cfg, region)...)...).JSON()),
				Tags:                 cfg.Tags(platform.TierSecurity, name),
			}},
		}
		obj.Spec.DeletionPolicy = keyDeletionPolicy(cfg)
		aliasKey := "kms-alias-" + key[len("kms-key-"):]
		rs = append(rs,
			platform.Resource{Key: key, Object: obj},
			platform.Resource{Key: aliasKey, Object: &kmsv1beta1.Alias{
				ObjectMeta: cfg.NamedMeta(platform.TierSecurity, aliasKey, AliasName(cfg, k.purpose)),
				Spec: kmsv1beta1.AliasSpec{ForProvider: kmsv1beta1.AliasParameters{
					Region:              ptr.To(region),
					TargetKeyIDSelector: platform.Select(key),
				}},
			}},
		)
	}
	return rs
}

// keyDeletionPolicy keeps a key in AWS when the claim is deleted wherever
// scheduling its deletion needs MFA (staging and prod). The provider has no
// MFA, so the ScheduleKeyDeletion it issues for a deleted claim would be
// refused and the key would stay deleting forever. And deleting a key
// destroys everything still encrypted with it once the window ends
// (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html):
// staging's final Aurora snapshot among it, which stays. That is a
// person's decision, taken with MFA once nothing needs the key, not a side
// effect of deleting a claim. Dev keys, which the account may delete without
// MFA, go with the claim.
func keyDeletionPolicy(cfg *platform.Config) xpv1.DeletionPolicy {
	if cfg.Profile().KeyDeletionNeedsMFA {
		return xpv1.DeletionOrphan
	}
	return cfg.Orphan()
}

// usage is what a principal needs to encrypt and decrypt with a key.
var usage = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}

// viaServices lets principals of this account use the key only through the
// named AWS services in region (kms:ViaService), and lets those services
// create grants only for AWS resources.
func viaServices(cfg *platform.Config, region string, services ...string) []policy.Statement {
	via := make([]string, len(services))
	for i, s := range services {
		via[i] = s + "." + region + ".amazonaws.com"
	}
	root := policy.AccountPrincipal(cfg.Partition(), cfg.AccountID)
	cond := policy.Conditions{}.
		With("StringEquals", "kms:CallerAccount", cfg.AccountID).
		With("StringEquals", "kms:ViaService", via...)
	return []policy.Statement{
		{Sid: "UseThroughTheServices", Effect: policy.Allow, Principal: root, Action: usage, Resource: []string{"*"}, Condition: cond},
		{
			Sid: "GrantsOnlyForAWSResources", Effect: policy.Allow, Principal: root,
			Action: []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}, Resource: []string{"*"},
			Condition: cond.With("Bool", "kms:GrantIsForAWSResource", "true"),
		},
	}
}

// autoScalingServiceLinkedRole is the ARN of EC2 Auto Scaling's default
// service-linked role, which launches the managed node groups' instances.
func autoScalingServiceLinkedRole(cfg *platform.Config) string {
	return "arn:" + cfg.Partition() + ":iam::" + cfg.AccountID + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

// autoScalingUse lets EC2 Auto Scaling's service-linked role use the key for
// the node volumes of the instances it launches (the launch template's EBS
// key). Its own permissions cannot be edited and include no customer managed
// key, so the key policy must allow it itself
// (https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html):
// the account root as principal would only delegate to those permissions.
// The page names the role as the principal, but the role exists only once an
// Auto Scaling group was first created in the account, and KMS rejects a key
// policy naming a principal that does not exist
// (https://repost.aws/knowledge-center/kms-policy-error-invalid-principals).
// So the principal is "*", bound to that role by aws:PrincipalArn and to the
// account by kms:CallerAccount; grants only for AWS resources, as the page
// shows.
func autoScalingUse(cfg *platform.Config) []policy.Statement {
	anyone := &policy.Principal{AWS: []string{"*"}}
	slr := policy.Conditions{}.
		With("StringEquals", "kms:CallerAccount", cfg.AccountID).
		With("ArnEquals", "aws:PrincipalArn", autoScalingServiceLinkedRole(cfg))
	return []policy.Statement{
		{Sid: "AutoScalingUseForNodeVolumes", Effect: policy.Allow, Principal: anyone, Action: usage, Resource: []string{"*"}, Condition: slr},
		{
			Sid: "AutoScalingGrantsForNodeVolumes", Effect: policy.Allow, Principal: anyone,
			Action: []string{"kms:CreateGrant"}, Resource: []string{"*"},
			Condition: slr.With("Bool", "kms:GrantIsForAWSResource", "true"),
		},
	}
}

// backupCopyUse lets the account use the DR vault's key through AWS Backup
// and through RDS there. AWS Backup re-encrypts a cross-Region copy with the
// destination vault's key
// (https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html),
// but Aurora is not fully managed by AWS Backup: its backups are RDS
// snapshots (https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html),
// and RDS makes their copy with the destination key, in the destination
// Region (CopyDBClusterSnapshot's KmsKeyId,
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_CopyDBClusterSnapshot.Encrypted.CrossRegion.html),
// so its calls to KMS come via rds.<drRegion>. EFS copies come via backup.
func backupCopyUse(cfg *platform.Config, region string) []policy.Statement {
	return viaServices(cfg, region, "backup", "rds")
}

// logsUse lets CloudWatch Logs in the region use the key for the platform's
// log groups only, CloudTrail for the platform's trail only, and the account
// through S3 only (to read the trail's objects).
func logsUse(cfg *platform.Config, region string) []policy.Statement {
	// CloudTrail encrypts the trail's objects in the audit bucket with this
	// key, so reading (and replicating) them goes through S3.
	return append(append(cloudTrailUse(cfg), policy.Statement{
		Sid:       "CloudWatchLogsUseForPlatformLogGroups",
		Effect:    policy.Allow,
		Principal: policy.ServicePrincipal("logs." + region + ".amazonaws.com"),
		Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
		Resource:  []string{"*"},
		Condition: policy.Conditions{}.With("ArnLike", "kms:EncryptionContext:aws:logs:arn", platformLogGroupARNs(cfg)...),
	}), viaServices(cfg, region, "s3")...)
}

// cloudTrailUse is the three statements CloudTrail requires of a trail's key
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html,
// "Required KMS key policy elements for trails"), each for the platform's
// trail only (aws:SourceArn, which the page recommends):
//
//  1. encrypt: GenerateDataKey* for this account's trails'
//     encryption context;
//  2. decrypt: "If you are using an existing S3 bucket with an S3 Bucket Key,
//     kms:Decrypt permissions are required to create or update a trail with
//     SSE-KMS encryption enabled", and the audit bucket uses Bucket Keys;
//  3. describe: DescribeKey, with no encryption-context condition, since
//     DescribeKey is not a cryptographic operation and carries none
//     (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context).
func cloudTrailUse(cfg *platform.Config) []policy.Statement {
	cloudTrail := policy.ServicePrincipal("cloudtrail.amazonaws.com")
	trail := policy.Conditions{}.With("StringEquals", "aws:SourceArn", cfg.ARN("cloudtrail", "trail/"+cfg.Prefix()))
	return []policy.Statement{{
		Sid: "CloudTrailEncryptsThePlatformTrail", Effect: policy.Allow, Principal: cloudTrail,
		Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"},
		Condition: trail.With("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", "arn:"+cfg.Partition()+":cloudtrail:*:"+cfg.AccountID+":trail/*"),
	}, {
		Sid: "CloudTrailDecryptsThroughTheBucketKey", Effect: policy.Allow, Principal: cloudTrail,
		Action: []string{"kms:Decrypt"}, Resource: []string{"*"}, Condition: trail,
	}, {
		Sid: "CloudTrailDescribesTheKey", Effect: policy.Allow, Principal: cloudTrail,
		Action: []string{"kms:DescribeKey"}, Resource: []string{"*"}, Condition: trail,
	}}
}

// platformLogGroupARNs are the log groups the logs key may encrypt: the
// platform's own, the WAF's (AWS requires the aws-waf-logs- prefix), the EKS
// control plane's and Aurora's PostgreSQL log (names the services choose).
func platformLogGroupARNs(cfg *platform.Config) []string {
	return []string{
		cfg.ARN("logs", "log-group:"+cfg.LogGroupPrefix()+"/*"),
		cfg.ARN("logs", "log-group:"+WAFLogGroupName(cfg)),
		cfg.ARN("logs", "log-group:/aws/eks/"+cfg.EKSClusterName()+"/cluster"),
		cfg.ARN("logs", "log-group:"+cfg.AuroraLogGroupName()),
	}
}

// kubernetesUse lets only the EKS cluster role use the key (through IAM, as
// the account delegates): EKS encrypts secrets with the cluster role. The
// principal that calls CreateCluster (the provider) creates a grant on the
// key through EKS, and EKS documents that kms:GrantIsForAWSResource is not
// supported for that call, so the grant statement for it is bound to EKS by
// kms:ViaService instead: "make sure that the kms:DescribeKey and
// kms:CreateGrant actions are permitted on the policy for the principal that
// calls the create-cluster API ... The condition kms:GrantIsForAWSResource is
// not supported for the CreateCluster action"
// (https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html).
// DescribeKey comes with administration.
func kubernetesUse(cfg *platform.Config, region string) []policy.Statement {
	root := policy.AccountPrincipal(cfg.Partition(), cfg.AccountID)
	return []policy.Statement{{
		Sid:       "EKSClusterRoleEnvelopeEncryption",
		Effect:    policy.Allow,
		Principal: root,
		Action:    append(append([]string{}, usage...), "kms:CreateGrant", "kms:ListGrants"),
		Resource:  []string{"*"},
		Condition: policy.Conditions{}.With("ArnLike", "aws:PrincipalArn", roleARN(cfg, RoleEKSCluster)),
	}, {
		Sid:       "ClusterCreatorGrantsThroughEKS",
		Effect:    policy.Allow,
		Principal: root,
		Action:    []string{"kms:CreateGrant"},
		Resource:  []string{"*"},
		Condition: policy.Conditions{}.
			With("StringEquals", "kms:CallerAccount", cfg.AccountID).
			With("StringEquals", "kms:ViaService", "eks."+region+".amazonaws.com"),
	}}
}

// messagingUse lets the services that publish alerts to the encrypted topics
// use the key, for this account only, and SNS on behalf of the account.
func messagingUse(cfg *platform.Config, region string) []policy.Statement {
	return append(viaServices(cfg, region, "sns"), policy.Statement{
		Sid:       "AlertPublishers",
		Effect:    policy.Allow,
		Principal: &policy.Principal{Service: []string{"budgets.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com"}},
		Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
		Resource:  []string{"*"},
		Condition: policy.Conditions{}.With("StringEquals", "aws:SourceAccount", cfg.AccountID),
	})
}

// administration is the account's control of a key. Disabling a key or
// scheduling its deletion destroys what it encrypts, so outside dev it needs
// MFA.
//
// It names kms:CreateAlias rather than kms:Create*, which also matches
// kms:CreateGrant: a grant gives its grantee use of the key with no
// kms:ViaService condition, so administration allowing it would void every
// "only through the services" statement below. Grants are created only by
// the services, through the statements of each key's use
// (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html,
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource).
// kms:ListGrants and kms:RevokeGrant stay (List*, Revoke*): administrators
// can see and revoke what the services were granted.
func administration(cfg *platform.Config) []policy.Statement {
	root := policy.AccountPrincipal(cfg.Partition(), cfg.AccountID)
	admin := []string{
		"kms:CreateAlias", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
		"kms:Revoke*", "kms:Get*", "kms:TagResource", "kms:UntagResource", "kms:CancelKeyDeletion",
		"kms:DeleteAlias", "kms:RotateKeyOnDemand",
	}
	destructive := []string{"kms:Disable*", "kms:ScheduleKeyDeletion", "kms:DeleteImportedKeyMaterial"}
	if !cfg.Profile().KeyDeletionNeedsMFA {
		return []policy.Statement{{Sid: "AccountAdministration", Effect: policy.Allow, Principal: root, Action: append(admin, destructive...), Resource: []string{"*"}}}
	}
	return []policy.Statement{
		{Sid: "AccountAdministration", Effect: policy.Allow, Principal: root, Action: admin, Resource: []string{"*"}},
		{
			Sid: "DisableOrDeleteOnlyWithMFA", Effect: policy.Allow, Principal: root, Action: destructive, Resource: []string{"*"},
			Condition: policy.Conditions{}.With("Bool", "aws:MultiFactorAuthPresent", "true"),
		},
	}
}
