package monitoring

import (
	"slices"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// ConfigRule is an AWS Config managed rule and the control it checks.
type ConfigRule struct {
	Name, Identifier, Control string
}

// pciRules are the AWS Config managed rules of the controls the platform is
// held to (../shared/reference/controls.md), as AWS maps them in its PCI DSS
// conformance pack.
var pciRules = []ConfigRule{
	{"s3-bucket-level-public-access-prohibited", "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", "S3 block public access (PCI 1.3.1)"},
	{"s3-bucket-ssl-requests-only", "S3_BUCKET_SSL_REQUESTS_ONLY", "S3 TLS-only policy (PCI 4.2.1)"},
	{"s3-default-encryption-kms", "S3_DEFAULT_ENCRYPTION_KMS", "S3 KMS default encryption (PCI 3.5.1)"},
	{"s3-bucket-versioning-enabled", "S3_BUCKET_VERSIONING_ENABLED", "S3 versioning (PCI 10.3.4)"},
	{"s3-bucket-logging-enabled", "S3_BUCKET_LOGGING_ENABLED", "S3 access logs (PCI 10.2.1)"},
	{"s3-bucket-replication-enabled", "S3_BUCKET_REPLICATION_ENABLED", "S3 replication"},
	{"s3-bucket-default-lock-enabled", "S3_BUCKET_DEFAULT_LOCK_ENABLED", "Log-bucket object lock (PCI 10.3.4)"},
	{"s3-bucket-acl-prohibited", "S3_BUCKET_ACL_PROHIBITED", "S3 ACLs disabled (PCI 7.2.1)"},
	{"rds-storage-encrypted", "RDS_STORAGE_ENCRYPTED", "Aurora encrypted with a CMK (PCI 3.5.1)"},
	{"rds-instance-public-access-check", "RDS_INSTANCE_PUBLIC_ACCESS_CHECK", "RDS not public (PCI 1.3.1)"},
	{"rds-cluster-deletion-protection-enabled", "RDS_CLUSTER_DELETION_PROTECTION_ENABLED", "RDS deletion protection"},
	{"db-instance-backup-enabled", "DB_INSTANCE_BACKUP_ENABLED", "Backups (PCI 10.3.3)"},
	{"rds-cluster-iam-authentication-enabled", "RDS_CLUSTER_IAM_AUTHENTICATION_ENABLED", "IAM database auth (PCI 7.2.1)"},
	{"rds-logging-enabled", "RDS_LOGGING_ENABLED", "DB logs exported (PCI 10.2.1)"},
	{"rds-multi-az-support", "RDS_MULTI_AZ_SUPPORT", "Multi-AZ database"},
	{"rds-automatic-minor-version-upgrade-enabled", "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED", "Minor-version upgrades (PCI 6.3.3)"},
	{"cmk-backing-key-rotation-enabled", "CMK_BACKING_KEY_ROTATION_ENABLED", "KMS rotation (PCI 3.7.4)"},
	{"multi-region-cloudtrail-enabled", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "CloudTrail multi-region (PCI 10.2.1)"},
	{"cloud-trail-log-file-validation-enabled", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "CloudTrail log file validation (PCI 10.3.4)"},
	{"cloud-trail-encryption-enabled", "CLOUD_TRAIL_ENCRYPTION_ENABLED", "CloudTrail KMS (PCI 10.3.2)"},
	{"cloud-trail-cloud-watch-logs-enabled", "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", "CloudTrail to CloudWatch Logs (PCI 10.4.1.1)"},
	{"cloudwatch-log-group-encrypted", "CLOUDWATCH_LOG_GROUP_ENCRYPTED", "Log groups KMS (PCI 10.5.1)"},
	{"cw-loggroup-retention-period-check", "CW_LOGGROUP_RETENTION_PERIOD_CHECK", "Log group retention (PCI 10.5.1)"},
	{"vpc-flow-logs-enabled", "VPC_FLOW_LOGS_ENABLED", "VPC flow logs (PCI 10.2.1)"},
	{"vpc-default-security-group-closed", "VPC_DEFAULT_SECURITY_GROUP_CLOSED", "Default security group closed (PCI 1.3.1)"},
	{"restricted-ssh", "INCOMING_SSH_DISABLED", "No 0.0.0.0/0 on 22 (PCI 1.3.1)"},
	{"subnet-auto-assign-public-ip-disabled", "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", "No auto-assigned public IPs (PCI 1.3.1)"},
	{"eks-secrets-encrypted", "EKS_SECRETS_ENCRYPTED", "EKS secrets encryption (PCI 3.5.1)"},
	{"eks-endpoint-no-public-access", "EKS_ENDPOINT_NO_PUBLIC_ACCESS", "EKS private endpoint (PCI 1.4.2)"},
	{"eks-cluster-logging-enabled", "EKS_CLUSTER_LOGGING_ENABLED", "EKS control-plane logs (PCI 10.2.1)"},
	{"iam-policy-no-statements-with-admin-access", "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", "IAM no admin statements (PCI 7.2.1)"},
	{"secretsmanager-using-cmk", "SECRETSMANAGER_USING_CMK", "Secrets with a CMK (PCI 8.3.9)"},
	{"wafv2-logging-enabled", "WAFV2_LOGGING_ENABLED", "WAF logging (PCI 6.4.2)"},
	{"alb-waf-enabled", "ALB_WAF_ENABLED", "WAF on the ALB (PCI 6.4.2)"},
	{"alb-http-to-https-redirection-check", "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "ALB HTTP to HTTPS (PCI 4.2.1)"},
	{"alb-http-drop-invalid-header-enabled", "ALB_HTTP_DROP_INVALID_HEADER_ENABLED", "ALB drops invalid headers (PCI 4.2.1)"},
	{"guardduty-enabled-centralized", "GUARDDUTY_ENABLED_CENTRALIZED", "GuardDuty enabled (PCI 11.5.1)"},
	{"efs-encrypted-check", "EFS_ENCRYPTED_CHECK", "EFS encrypted (PCI 3.5.1)"},
	{"sns-encrypted-kms", "SNS_ENCRYPTED_KMS", "SNS topics encrypted (PCI 3.5.1)"},
}

// ConfigRules are the managed rules for the platform's compliance standards.
// The PCI DSS rules cover the controls of every standard the platform ships
// today; without pci-dss no rule is rendered (Security Hub's FSBP and CIS
// standards still evaluate the account).
func ConfigRules(cfg *platform.Config) []ConfigRule {
	if slices.Contains(cfg.ComplianceStandards, "pci-dss") {
		return pciRules
	}
	return nil
}
