package security

import (
	"strings"

	iamv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/iam/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// IAM roles the other tiers use, by purpose. Role names are
// paynext-<env>-<purpose>.
const (
	RoleRDSMonitoring = "rds-monitoring"
	RoleRDSProxy      = "rds-proxy"
	RoleEKSCluster    = "eks-cluster"
	RoleEKSNodes      = "eks-nodes"
	RoleEBSCSIDriver  = "ebs-csi-driver"
	RoleLBController  = "aws-load-balancer-controller"
	RoleBackup        = "backup"
	RoleConfig        = "config-recorder"
	RoleCloudTrail    = "cloudtrail-logs"
	RoleReplication   = "s3-replication"
	RoleBreakGlass    = "break-glass-admin"
)

// Buckets the roles are scoped to (the storage tier creates them).
const (
	BucketData  = "data"
	BucketAudit = "audit"
	// BucketLogs receives S3 server access logs and ALB access logs, which
	// S3 and ELB deliver only to SSE-S3 buckets without a default retention,
	// so S3 replicates it into the audit bucket too.
	BucketLogs = "logs"
	// BucketConfig receives AWS Config's deliveries: AWS Config does not
	// deliver to a bucket with S3 Object Lock, which the prod audit bucket
	// has, so it writes here and S3 replicates into the audit bucket.
	BucketConfig = "config"
)

// AuditLogGroupName is the log group CloudTrail delivers to.
func AuditLogGroupName(cfg *platform.Config) string { return cfg.LogGroupPrefix() + "/audit" }

// KeyRole is the composed resource key of the role of purpose.
func KeyRole(purpose string) string { return "iam-role-" + purpose }

func roleARN(cfg *platform.Config, purpose string) string {
	return "arn:" + cfg.Partition() + ":iam::" + cfg.AccountID + ":role/" + cfg.RoleName(purpose)
}

// managed is an AWS managed policy, used only where AWS documents it as the
// policy for that service role.
func managed(cfg *platform.Config, name string) *string {
	return ptr.To("arn:" + cfg.Partition() + ":iam::aws:policy/" + name)
}

// role is one IAM role: who may assume it, and what it may do.
type role struct {
	purpose, description string
	trust                policy.Document
	managed              []string
	inline               map[string]policy.Document
	maxSession           float64
}

func roles(cfg *platform.Config, observed platform.Observed) []platform.Resource {
	rs := []role{
		{
			purpose: RoleRDSMonitoring, description: "RDS Enhanced Monitoring publishes OS metrics of the Aurora instances",
			trust:   serviceTrust(cfg, "monitoring.rds.amazonaws.com"),
			managed: []string{"service-role/AmazonRDSEnhancedMonitoringRole"},
		},
		{
			purpose: RoleRDSProxy, description: "The RDS Proxy reads the RDS-managed master secret",
			trust:  serviceTrust(cfg, "rds.amazonaws.com"),
			inline: map[string]policy.Document{"read-master-secret": proxySecretAccess(cfg)},
		},
		{
			purpose: RoleEKSCluster, description: "The EKS control plane of " + cfg.EKSClusterName(),
			trust:   serviceTrust(cfg, "eks.amazonaws.com"),
			managed: []string{"AmazonEKSClusterPolicy"},
			inline:  map[string]policy.Document{"envelope-encryption": keyUse(cfg, PurposeKubernetes, "kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants")},
		},
		{
			purpose: RoleEKSNodes, description: "The EKS managed node groups' instances",
			trust: serviceTrust(cfg, "ec2.amazonaws.com"),
			// The node policies AWS documents for EKS nodes; SSM replaces SSH.
			managed: []string{"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"},
		},
		{
			purpose: RoleBackup, description: "AWS Backup backs up and restores the Aurora cluster and EFS",
			trust:   serviceTrust(cfg, "backup.amazonaws.com"),
			managed: []string{"service-role/AWSBackupServiceRolePolicyForBackup", "service-role/AWSBackupServiceRolePolicyForRestores"},
		},
		{
			purpose: RoleConfig, description: "AWS Config records configuration and delivers it to its bucket",
			trust:   serviceTrust(cfg, "config.amazonaws.com"),
			managed: []string{"service-role/AWS_ConfigRole"},
			inline:  map[string]policy.Document{"deliver-to-config-bucket": configDelivery(cfg)},
		},
		{
			purpose: RoleCloudTrail, description: "CloudTrail delivers the trail to the audit log group",
			trust: policy.New(policy.Statement{
				Sid: "CloudTrailOfThisPlatform", Effect: policy.Allow, Principal: policy.ServicePrincipal("cloudtrail.amazonaws.com"),
				Action: []string{"sts:AssumeRole"},
				Condition: policy.Conditions{}.With("StringEquals", "aws:SourceAccount", cfg.AccountID).
					With("ArnLike", "aws:SourceArn", cfg.ARN("cloudtrail", "trail/"+cfg.Prefix())),
			}),
			inline: map[string]policy.Document{"write-audit-log-group": writeLogGroup(cfg, AuditLogGroupName(cfg))},
		},
		{
			purpose: RoleReplication, description: "S3 replicates the data and audit buckets to the disaster-recovery region, and AWS Config's and the logs bucket into the audit bucket",
			trust:  serviceTrust(cfg, "s3.amazonaws.com"),
			inline: map[string]policy.Document{"replicate-to-dr": replication(cfg)},
		},
		{
			purpose: RoleBreakGlass, description: "Emergency administration; assumable only with MFA, for at most an hour",
			trust: policy.New(policy.Statement{
				Sid: "AccountPrincipalsWithRecentMFA", Effect: policy.Allow, Principal: policy.AccountPrincipal(cfg.Partition(), cfg.AccountID),
				Action: []string{"sts:AssumeRole"},
				Condition: policy.Conditions{}.With("Bool", "aws:MultiFactorAuthPresent", "true").
					With("NumericLessThan", "aws:MultiFactorAuthAge", "3600"),
			}),
			managed:    []string{"AdministratorAccess"},
			maxSession: 3600,
		},
	}
	if issuer := oidcIssuer(observed); issuer != "" {
		rs = append(rs,
			role{
				purpose: RoleEBSCSIDriver, description: "The EBS CSI driver's controller (IRSA)",
				trust:   irsaTrust(cfg, issuer, "kube-system", "ebs-csi-controller-sa"),
				managed: []string{"service-role/AmazonEBSCSIDriverPolicy"},
				inline:  map[string]policy.Document{"encrypted-volumes": keyUse(cfg, PurposeStorage, "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant")},
			},
			role{
				purpose: RoleLBController, description: "The AWS Load Balancer Controller (IRSA)",
				trust:  irsaTrust(cfg, issuer, "kube-system", "aws-load-balancer-controller"),
				inline: map[string]policy.Document{"manage-load-balancers": loadBalancerController(cfg)},
			},
		)
	}
	out := make([]platform.Resource, 0, len(rs))
	for _, r := range rs {
		out = append(out, platform.Resource{Key: KeyRole(r.purpose), Object: r.object(cfg)})
	}
	return out
}

func (r role) object(cfg *platform.Config) *iamv1beta1.Role {
	name := cfg.RoleName(r.purpose)
	p := iamv1beta1.RoleParameters{
		Description:        ptr.To(r.description),
		AssumeRolePolicy:   ptr.To(r.trust.JSON()),
		MaxSessionDuration: ptr.To(3600.0),
		Tags:               cfg.Tags(platform.TierSecurity, name),
	}
	if r.maxSession != 0 {
		p.MaxSessionDuration = ptr.To(r.maxSession)
	}
	for _, m := range r.managed {
		p.ManagedPolicyArns = append(p.ManagedPolicyArns, managed(cfg, m))
	}
	for _, n := range sortedKeys(r.inline) {
		p.InlinePolicy = append(p.InlinePolicy, iamv1beta1.InlinePolicyParameters{Name: ptr.To(n), Policy: ptr.To(r.inline[n].JSON())})
	}
	return &iamv1beta1.Role{
		ObjectMeta: cfg.NamedMeta(platform.TierSecurity, KeyRole(r.purpose), name),
		Spec:       iamv1beta1.RoleSpec{ForProvider: p},
	}
}

// serviceTrust lets only service, acting for this account, assume the role.
func serviceTrust(cfg *platform.Config, service string) policy.Document {
	return policy.New(policy.Statement{
		Sid: "ServiceOfThisAccount", Effect: policy.Allow, Principal: policy.ServicePrincipal(service),
		Action:    []string{"sts:AssumeRole"},
		Condition: policy.Conditions{}.With("StringEquals", "aws:SourceAccount", cfg.AccountID),
	})
}

// irsaTrust lets only one Kubernetes service account of the platform's cluster
// assume the role through the cluster's OIDC provider.
func irsaTrust(cfg *platform.Config, issuer, namespace, serviceAccount string) policy.Document {
	return policy.New(policy.Statement{
		Sid: "ServiceAccountOfThisCluster", Effect: policy.Allow,
		Principal: &policy.Principal{Federated: []string{"arn:" + cfg.Partition() + ":iam::" + cfg.AccountID + ":oidc-provider/" + issuer}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: policy.Conditions{}.
			With("StringEquals", issuer+":sub", "system:serviceaccount:"+namespace+":"+serviceAccount).
			With("StringEquals", issuer+":aud", "sts.amazonaws.com"),
	})
}

// oidcIssuer is the observed cluster's OIDC issuer without its scheme, "" until
// EKS reports it. Never guessed: the IRSA roles wait for it. While the
// cluster is not observed, the issuer the existing IRSA role trusts keeps the
// roles in the desired state (dropping them would delete them).
func oidcIssuer(observed platform.Observed) string {
	if issuer := platform.ClusterOIDCIssuer(observed); issuer != "" {
		return strings.TrimPrefix(issuer, "https://")
	}
	var r iamv1beta1.Role
	if observed.Get(KeyRole(RoleEBSCSIDriver), &r) && r.Status.AtProvider.AssumeRolePolicy != nil {
		if trust, err := policy.Parse(*r.Status.AtProvider.AssumeRolePolicy); err == nil {
			for _, st := range trust.Statement {
				if st.Principal == nil {
					continue
				}
				for _, f := range st.Principal.Federated {
					if _, issuer, ok := strings.Cut(f, ":oidc-provider/"); ok {
						return issuer
					}
				}
			}
		}
	}
	return ""
}

// keyUse allows actions on the CMK of purpose, named by its alias (its ARN
// is not known before AWS creates it).
func keyUse(cfg *platform.Config, purpose string, actions ...string) policy.Document {
	return policy.New(policy.Statement{
		Sid: "UseThe" + strings.ToUpper(purpose[:1]) + purpose[1:] + "Key", Effect: policy.Allow, Action: actions,
		Resource:  []string{cfg.ARN("kms", "key/*")},
		Condition: policy.Conditions{}.With("ForAnyValue:StringEquals", "kms:ResourceAliases", AliasName(cfg, purpose)),
	})
}

func writeLogGroup(cfg *platform.Config, group string) policy.Document {
	arn := cfg.ARN("logs", "log-group:"+group)
	return policy.New(policy.Statement{
		Sid: "WriteLogGroup", Effect: policy.Allow,
		Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource: []string{arn, arn + ":log-stream:*"},
	})
}

func bucketARN(cfg *platform.Config, bucket string) string {
	return "arn:" + cfg.Partition() + ":s3:::" + bucket
}

// configDelivery lets AWS Config write its snapshots and history to its
// bucket (encrypted with the storage key) and nowhere else. The bucket is
// not the audit bucket: AWS Config does not support delivery to an S3
// bucket with Object Lock.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html
func configDelivery(cfg *platform.Config) policy.Document {
	bucket := bucketARN(cfg, cfg.BucketName(BucketConfig))
	return policy.New(
		policy.Statement{Sid: "CheckConfigBucket", Effect: policy.Allow, Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{bucket}},
		policy.Statement{Sid: "DeliverToConfigBucket", Effect: policy.Allow, Action: []string{"s3:PutObject"}, Resource: []string{bucket + "/AWSLogs/" + cfg.AccountID + "/Config/*"}},
		keyUse(cfg, PurposeStorage, "kms:GenerateDataKey", "kms:Decrypt").Statement[0],
	)
}

// replication lets S3 copy new versions of the data and audit buckets to
// their replicas, decrypting with the storage key and encrypting with the
// DR-region storage key; and new versions of AWS Config's bucket and of the
// logs bucket into the audit bucket (where Object Lock keeps them: a replica
// takes the destination's default retention) and its replica.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
func replication(cfg *platform.Config) policy.Document {
	var sources, sourceObjects, replicaObjects []string
	for _, b := range []string{BucketData, BucketAudit, BucketConfig, BucketLogs} {
		sources = append(sources, bucketARN(cfg, cfg.BucketName(b)))
		sourceObjects = append(sourceObjects, bucketARN(cfg, cfg.BucketName(b))+"/*")
	}
	for _, b := range []string{BucketData, BucketAudit} {
		replicaObjects = append(replicaObjects, bucketARN(cfg, cfg.ReplicaBucketName(b))+"/*")
	}
	// AWS Config's deliveries and the access logs are copied into the audit
	// bucket itself.
	replicaObjects = append(replicaObjects, bucketARN(cfg, cfg.BucketName(BucketAudit))+"/*")
	return policy.New(
		policy.Statement{Sid: "ReadReplicationConfiguration", Effect: policy.Allow, Action: []string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, Resource: sources},
		policy.Statement{
			Sid: "ReadSourceVersions", Effect: policy.Allow,
			Action:   []string{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"},
			Resource: sourceObjects,
		},
		policy.Statement{Sid: "WriteReplicas", Effect: policy.Allow, Action: []string{"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"}, Resource: replicaObjects},
		// Sources are encrypted with the storage key, and the trail's objects
		// in the audit bucket with the logs key.
		policy.Statement{
			Sid: "DecryptSources", Effect: policy.Allow, Action: []string{"kms:Decrypt"}, Resource: []string{cfg.ARN("kms", "key/*")},
			Condition: policy.Conditions{}.With("ForAnyValue:StringEquals", "kms:ResourceAliases", AliasName(cfg, PurposeStorage), AliasName(cfg, PurposeLogs)).
				With("StringEquals", "kms:ViaService", "s3."+cfg.Region+".amazonaws.com"),
		},
		policy.Statement{
			Sid: "EncryptReplicas", Effect: policy.Allow, Action: []string{"kms:Encrypt", "kms:GenerateDataKey"},
			Resource: []string{"arn:" + cfg.Partition() + ":kms:" + cfg.DRRegion + ":" + cfg.AccountID + ":key/*"},
			Condition: policy.Conditions{}.With("ForAnyValue:StringEquals", "kms:ResourceAliases", AliasName(cfg, PurposeStorage)).
				With("StringEquals", "kms:ViaService", "s3."+cfg.DRRegion+".amazonaws.com"),
		},
		// The audit bucket's copies of AWS Config's deliveries are encrypted
		// with the storage key of the platform's region.
		policy.Statement{
			Sid: "EncryptAuditCopies", Effect: policy.Allow, Action: []string{"kms:Encrypt", "kms:GenerateDataKey"},
			Resource: []string{cfg.ARN("kms", "key/*")},
			Condition: policy.Conditions{}.With("ForAnyValue:StringEquals", "kms:ResourceAliases", AliasName(cfg, PurposeStorage)).
				With("StringEquals", "kms:ViaService", "s3."+cfg.Region+".amazonaws.com"),
		},
	)
}

// proxySecretAccess lets the RDS Proxy read the secrets RDS manages for its
// clusters (named rds!cluster-…) and decrypt them through Secrets Manager.
func proxySecretAccess(cfg *platform.Config) policy.Document {
	return policy.New(
		policy.Statement{
			Sid: "ReadRDSManagedSecrets", Effect: policy.Allow,
			Action:   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
			Resource: []string{cfg.ARN("secretsmanager", "secret:rds!cluster-*")},
		},
		policy.Statement{
			Sid: "DecryptThroughSecretsManager", Effect: policy.Allow, Action: []string{"kms:Decrypt"},
			Resource: []string{cfg.ARN("kms", "key/*")},
			Condition: policy.Conditions{}.With("ForAnyValue:StringEquals", "kms:ResourceAliases", AliasName(cfg, PurposeSecrets)).
				With("StringEquals", "kms:ViaService", "secretsmanager."+cfg.Region+".amazonaws.com"),
		},
	)
}
