package monitoring

import (
	"slices"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// ConfigRule is an AWS Config managed rule and the control it checks.
type ConfigRule struct {
	Name, Identifier, Control string
	// Parameters are the rule's input parameters (AWS Config takes them as a
	// JSON object of strings).
	Parameters map[string]string
	// UnavailableIn are the regions whose page in the AWS Config Developer
	// Guide (https://docs.aws.amazon.com/config/latest/developerguide/<Name>.html)
	// excludes the rule: PutConfigRule fails there, which would keep the
	// platform from ever becoming ready. The documentation's copies differ
	// in age; each list is the union of what they exclude, so a rule is
	// left out wherever any copy says it is missing (Unavailable reports
	// which, for the status and the compliance evidence).
	UnavailableIn []string
}

// Regions the AWS Config Developer Guide excludes most often: the newest
// commercial regions and GovCloud.
var (
	govCloud    = []string{"us-gov-east-1", "us-gov-west-1"}
	newest      = []string{"ap-southeast-7", "mx-central-1", "ap-east-2"}
	newestAndMY = append([]string{"ap-southeast-5"}, newest...)
)

func except(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pciRules are the AWS Config managed rules of the controls the platform is
// held to (../shared/reference/controls.md), as AWS maps them in its PCI DSS
// conformance pack.
var pciRules = []ConfigRule{
	{Name: "s3-bucket-level-public-access-prohibited", Identifier: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", Control: "S3 block public access (PCI 1.3.1)"},
	{Name: "s3-bucket-ssl-requests-only", Identifier: "S3_BUCKET_SSL_REQUESTS_ONLY", Control: "S3 TLS-only policy (PCI 4.2.1)"},
	{Name: "s3-default-encryption-kms", Identifier: "S3_DEFAULT_ENCRYPTION_KMS", Control: "S3 KMS default encryption (PCI 3.5.1)",
		UnavailableIn: except([]string{"ap-east-2"})},
	{Name: "s3-bucket-versioning-enabled", Identifier: "S3_BUCKET_VERSIONING_ENABLED", Control: "S3 versioning (PCI 10.3.4)",
		UnavailableIn: except(newest, govCloud)},
	{Name: "s3-bucket-logging-enabled", Identifier: "S3_BUCKET_LOGGING_ENABLED", Control: "S3 access logs (PCI 10.2.1)",
		UnavailableIn: except(newest, govCloud)},
	{Name: "s3-bucket-replication-enabled", Identifier: "S3_BUCKET_REPLICATION_ENABLED", Control: "S3 replication"},
	{Name: "s3-bucket-default-lock-enabled", Identifier: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Control: "Log-bucket object lock (PCI 10.3.4)"},
	{Name: "s3-bucket-acl-prohibited", Identifier: "S3_BUCKET_ACL_PROHIBITED", Control: "S3 ACLs disabled (PCI 7.2.1)",
		UnavailableIn: except(newestAndMY, []string{"ca-west-1", "ap-southeast-6"})},
	{Name: "rds-storage-encrypted", Identifier: "RDS_STORAGE_ENCRYPTED", Control: "Aurora encrypted with a CMK (PCI 3.5.1)",
		UnavailableIn: except(newest, govCloud)},
	{Name: "rds-instance-public-access-check", Identifier: "RDS_INSTANCE_PUBLIC_ACCESS_CHECK", Control: "RDS not public (PCI 1.3.1)"},
	{Name: "rds-cluster-deletion-protection-enabled", Identifier: "RDS_CLUSTER_DELETION_PROTECTION_ENABLED", Control: "RDS deletion protection",
		UnavailableIn: except(newestAndMY, govCloud)},
	{Name: "db-instance-backup-enabled", Identifier: "DB_INSTANCE_BACKUP_ENABLED", Control: "Backups (PCI 10.3.3)",
		UnavailableIn: except(govCloud, []string{"mx-central-1", "ap-east-2"})},
	{Name: "rds-cluster-iam-authentication-enabled", Identifier: "RDS_CLUSTER_IAM_AUTHENTICATION_ENABLED", Control: "IAM database auth (PCI 7.2.1)",
		UnavailableIn: except(newestAndMY, govCloud)},
	{Name: "rds-logging-enabled", Identifier: "RDS_LOGGING_ENABLED", Control: "DB logs exported (PCI 10.2.1)"},
	{Name: "rds-multi-az-support", Identifier: "RDS_MULTI_AZ_SUPPORT", Control: "Multi-AZ database",
		UnavailableIn: except(newestAndMY, govCloud)},
	{Name: "rds-automatic-minor-version-upgrade-enabled", Identifier: "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED", Control: "Minor-version upgrades (PCI 6.3.3)",
		UnavailableIn: except(newestAndMY, govCloud)},
	{Name: "cmk-backing-key-rotation-enabled", Identifier: "CMK_BACKING_KEY_ROTATION_ENABLED", Control: "KMS rotation (PCI 3.7.4)",
		UnavailableIn: except([]string{"me-central-1"})},
	{Name: "multi-region-cloudtrail-enabled", Identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED", Control: "CloudTrail multi-region (PCI 10.2.1)",
		UnavailableIn: except([]string{"me-central-1"})},
	{Name: "cloud-trail-log-file-validation-enabled", Identifier: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", Control: "CloudTrail log file validation (PCI 10.3.4)"},
	{Name: "cloud-trail-encryption-enabled", Identifier: "CLOUD_TRAIL_ENCRYPTION_ENABLED", Control: "CloudTrail KMS (PCI 10.3.2)"},
	{Name: "cloud-trail-cloud-watch-logs-enabled", Identifier: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", Control: "CloudTrail to CloudWatch Logs (PCI 10.4.1.1)"},
	{Name: "cloudwatch-log-group-encrypted", Identifier: "CLOUDWATCH_LOG_GROUP_ENCRYPTED", Control: "Log groups KMS (PCI 10.5.1)",
		UnavailableIn: except([]string{"me-central-1", "ap-east-2"})},
	{Name: "cw-loggroup-retention-period-check", Identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK", Control: "Log group retention (PCI 10.5.1)",
		UnavailableIn: except([]string{"me-central-1"})},
	{Name: "vpc-flow-logs-enabled", Identifier: "VPC_FLOW_LOGS_ENABLED", Control: "VPC flow logs (PCI 10.2.1)"},
	{Name: "vpc-default-security-group-closed", Identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED", Control: "Default security group closed (PCI 1.3.1)"},
	{Name: "restricted-ssh", Identifier: "INCOMING_SSH_DISABLED", Control: "No 0.0.0.0/0 on 22 (PCI 1.3.1)"},
	// AWS's default ports, PostgreSQL's in place of mSQL's 4333: no
	// security group may open FTP, RDP, MySQL or PostgreSQL to the internet.
	{Name: "restricted-common-ports", Identifier: "RESTRICTED_INCOMING_TRAFFIC", Control: "No 0.0.0.0/0 on 3389 and database ports (PCI 1.3.1)",
		Parameters: map[string]string{"blockedPort1": "20", "blockedPort2": "21", "blockedPort3": "3389", "blockedPort4": "3306", "blockedPort5": "5432"}},
	{Name: "subnet-auto-assign-public-ip-disabled", Identifier: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", Control: "No auto-assigned public IPs (PCI 1.3.1)"},
	{Name: "eks-secrets-encrypted", Identifier: "EKS_SECRETS_ENCRYPTED", Control: "EKS secrets encryption (PCI 3.5.1)",
		UnavailableIn: except([]string{"ap-southeast-6"})},
	{Name: "eks-endpoint-no-public-access", Identifier: "EKS_ENDPOINT_NO_PUBLIC_ACCESS", Control: "EKS private endpoint (PCI 1.4.2)",
		UnavailableIn: except([]string{"ap-east-2"})},
	{Name: "eks-cluster-logging-enabled", Identifier: "EKS_CLUSTER_LOGGING_ENABLED", Control: "EKS control-plane logs (PCI 10.2.1)",
		UnavailableIn: except(newestAndMY, govCloud, []string{"ap-southeast-6", "me-central-1", "ap-south-2", "ap-southeast-4", "il-central-1", "ca-west-1", "eu-south-2", "eu-central-2"})},
	// Non-compliant while a cluster runs the oldest version the platform
	// accepts: the signal to upgrade before EKS standard support ends.
	{Name: "eks-cluster-oldest-supported-version", Identifier: "EKS_CLUSTER_OLDEST_SUPPORTED_VERSION", Control: "EKS supported version (PCI 6.3.3)",
		Parameters:    map[string]string{"oldestVersionSupported": v1alpha1.SupportedKubernetesVersions[0]},
		UnavailableIn: except(newestAndMY, govCloud, []string{"ap-southeast-6", "ap-southeast-3", "me-central-1", "ap-south-2", "ap-northeast-3", "ap-southeast-4", "il-central-1", "ca-west-1", "eu-south-2", "eu-central-2"})},
	{Name: "iam-policy-no-statements-with-admin-access", Identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", Control: "IAM no admin statements (PCI 7.2.1)",
		UnavailableIn: except(newestAndMY, []string{"ap-southeast-6", "me-central-1", "ap-south-2", "ap-southeast-4", "il-central-1", "ca-west-1", "eu-south-2", "eu-central-2"})},
	{Name: "iam-policy-no-statements-with-full-access", Identifier: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", Control: "IAM no service:* statements (PCI 7.2.1)",
		UnavailableIn: except(govCloud, []string{"ap-northeast-3"})},
	{Name: "secretsmanager-using-cmk", Identifier: "SECRETSMANAGER_USING_CMK", Control: "Secrets with a CMK (PCI 8.3.9)",
		UnavailableIn: except([]string{"ap-east-2"})},
	{Name: "wafv2-logging-enabled", Identifier: "WAFV2_LOGGING_ENABLED", Control: "WAF logging (PCI 6.4.2)",
		UnavailableIn: except(govCloud, []string{"ap-northeast-3", "eu-south-1", "af-south-1"})},
	{Name: "alb-waf-enabled", Identifier: "ALB_WAF_ENABLED", Control: "WAF on the ALB (PCI 6.4.2)",
		UnavailableIn: except([]string{"ap-northeast-3"})},
	{Name: "alb-http-to-https-redirection-check", Identifier: "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", Control: "ALB HTTP to HTTPS (PCI 4.2.1)",
		UnavailableIn: except([]string{"ap-northeast-3"})},
	{Name: "alb-http-drop-invalid-header-enabled", Identifier: "ALB_HTTP_DROP_INVALID_HEADER_ENABLED", Control: "ALB drops invalid headers (PCI 4.2.1)",
		UnavailableIn: except(newestAndMY, govCloud, []string{"ap-northeast-3"})},
	{Name: "guardduty-enabled-centralized", Identifier: "GUARDDUTY_ENABLED_CENTRALIZED", Control: "GuardDuty enabled (PCI 11.5.1)",
		UnavailableIn: except(newest, []string{"ap-southeast-6"})},
	{Name: "efs-encrypted-check", Identifier: "EFS_ENCRYPTED_CHECK", Control: "EFS encrypted (PCI 3.5.1)",
		UnavailableIn: except([]string{"ap-east-2"})},
	{Name: "sns-encrypted-kms", Identifier: "SNS_ENCRYPTED_KMS", Control: "SNS topics encrypted (PCI 3.5.1)",
		UnavailableIn: except([]string{"me-central-1", "ap-northeast-3", "ap-southeast-4", "il-central-1", "eu-south-2", "eu-central-2"})},
}

// secretRotationRule checks that the database's master secret rotates (RDS
// rotates it, every 7 days by default) at least every 90 days (PCI DSS
// 8.3.9). It is scoped to that one secret: the application API keys are
// issued by card networks and processors and rotated by the team on their
// schedule, outside Secrets Manager rotation (README: "Secrets").
var secretRotationRule = ConfigRule{
	Name: "secretsmanager-rotation-enabled-check", Identifier: "SECRETSMANAGER_ROTATION_ENABLED_CHECK",
	Control:       "Database credential rotation (PCI 8.3.9)",
	Parameters:    map[string]string{"maximumAllowedRotationFrequency": "90"},
	UnavailableIn: except([]string{"mx-central-1", "ap-east-2"}),
}

// ConfigRules are the managed rules for the platform's compliance standards
// that AWS Config offers in the platform's region. The PCI DSS rules cover
// the controls of every standard the platform ships today; without pci-dss
// no rule is rendered (Security Hub's FSBP and CIS standards still evaluate
// the account).
func ConfigRules(cfg *platform.Config) []ConfigRule {
	var out []ConfigRule
	for _, r := range pciStandardRules(cfg) {
		if !slices.Contains(r.UnavailableIn, cfg.Region) {
			out = append(out, r)
		}
	}
	return out
}

// UnavailableConfigRules are the rules of the platform's standards AWS
// Config does not offer in its region.
func UnavailableConfigRules(cfg *platform.Config) []ConfigRule {
	var out []ConfigRule
	for _, r := range pciStandardRules(cfg) {
		if slices.Contains(r.UnavailableIn, cfg.Region) {
			out = append(out, r)
		}
	}
	return out
}

func pciStandardRules(cfg *platform.Config) []ConfigRule {
	if !slices.Contains(cfg.ComplianceStandards, "pci-dss") {
		return nil
	}
	return append(slices.Clone(pciRules), secretRotationRule)
}
