package main

import (
	"fmt"
	"slices"
	"strings"
)

// servicePrefix is the IAM service prefix of each AWS SDK v2 service package
// the analysed resources call, where it differs from the package name
// (Service Authorization Reference, "service prefix" of each page:
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
// A package not listed here and not in samePrefix fails the generation:
// add its row after reading its page.
var servicePrefix = map[string]string{
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticfilesystem.html
	"efs": "elasticfilesystem",
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
	"elasticloadbalancingv2": "elasticloadbalancing",
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
	"cloudwatchlogs": "logs",
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
	"eventbridge": "events",
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsconfig.html
	"configservice": "config",
}

// samePrefix are the packages whose IAM prefix is their name.
var samePrefix = []string{"backup", "budgets", "cloudtrail", "cloudwatch", "ec2", "eks", "guardduty", "iam", "kms", "rds", "s3", "secretsmanager", "securityhub", "sns", "wafv2"}

// actionExceptions are the operations whose IAM action is not
// <prefix>:<Operation>. Every other operation maps to its own name, which is
// the rule of the Service Authorization Reference ("When you use an action
// in a policy, you usually allow or deny access to the API operation ... with
// the same name").
var actionExceptions = map[string][]string{
	// Amazon S3: bucket subresource operations are authorised by the
	// subresource's action. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
	// and https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
	// (the "Policy actions for Amazon S3 API operations" table).
	"s3.DeleteBucketCors":                 {"s3:PutBucketCORS"},
	"s3.GetBucketCors":                    {"s3:GetBucketCORS"},
	"s3.PutBucketCors":                    {"s3:PutBucketCORS"},
	"s3.DeleteBucketEncryption":           {"s3:PutEncryptionConfiguration"},
	"s3.GetBucketEncryption":              {"s3:GetEncryptionConfiguration"},
	"s3.PutBucketEncryption":              {"s3:PutEncryptionConfiguration"},
	"s3.DeleteBucketLifecycle":            {"s3:PutLifecycleConfiguration"},
	"s3.GetBucketLifecycleConfiguration":  {"s3:GetLifecycleConfiguration"},
	"s3.PutBucketLifecycleConfiguration":  {"s3:PutLifecycleConfiguration"},
	"s3.DeleteBucketReplication":          {"s3:PutReplicationConfiguration"},
	"s3.GetBucketReplication":             {"s3:GetReplicationConfiguration"},
	"s3.PutBucketReplication":             {"s3:PutReplicationConfiguration"},
	"s3.DeleteBucketTagging":              {"s3:PutBucketTagging"},
	"s3.GetBucketAccelerateConfiguration": {"s3:GetAccelerateConfiguration"},
	"s3.PutBucketAccelerateConfiguration": {"s3:PutAccelerateConfiguration"},
	"s3.GetObjectLockConfiguration":       {"s3:GetBucketObjectLockConfiguration"},
	"s3.PutObjectLockConfiguration":       {"s3:PutBucketObjectLockConfiguration"},
	"s3.DeleteBucketOwnershipControls":    {"s3:PutBucketOwnershipControls"},
	"s3.DeletePublicAccessBlock":          {"s3:PutBucketPublicAccessBlock"},
	"s3.GetPublicAccessBlock":             {"s3:GetBucketPublicAccessBlock"},
	"s3.PutPublicAccessBlock":             {"s3:PutBucketPublicAccessBlock"},
	"s3.HeadBucket":                       {"s3:ListBucket"},
	"s3.ListObjectVersions":               {"s3:ListBucketVersions"},
	"s3.ListObjectsV2":                    {"s3:ListBucket"},
	"s3.DeleteObjectTagging":              {"s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"},
	"s3.GetObjectTagging":                 {"s3:GetObjectTagging", "s3:GetObjectVersionTagging"},
	"s3.PutObjectTagging":                 {"s3:PutObjectTagging", "s3:PutObjectVersionTagging"},
	// The provider empties a bucket before deleting it (force_destroy,
	// internal/service/s3/delete.go): DeleteObjects with version IDs and
	// BypassGovernanceRetention. https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
	"s3.DeleteObjects": {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"},
	"s3.DeleteObject":  {"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"},
	// AWS Budgets: one action authorises reading, one modifying.
	// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbudgetservice.html
	"budgets.CreateBudget":                       {"budgets:ModifyBudget"},
	"budgets.UpdateBudget":                       {"budgets:ModifyBudget"},
	"budgets.DeleteBudget":                       {"budgets:ModifyBudget"},
	"budgets.CreateNotification":                 {"budgets:ModifyBudget"},
	"budgets.DeleteNotification":                 {"budgets:ModifyBudget"},
	"budgets.CreateSubscriber":                   {"budgets:ModifyBudget"},
	"budgets.DeleteSubscriber":                   {"budgets:ModifyBudget"},
	"budgets.UpdateNotification":                 {"budgets:ModifyBudget"},
	"budgets.UpdateSubscriber":                   {"budgets:ModifyBudget"},
	"budgets.DescribeBudget":                     {"budgets:ViewBudget"},
	"budgets.DescribeNotificationsForBudget":     {"budgets:ViewBudget"},
	"budgets.DescribeSubscribersForNotification": {"budgets:ViewBudget"},
}

// A passRole is a role an operation hands to a service: the caller needs
// iam:PassRole on the role, which IAM checks with iam:PassedToService
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
type passRole struct {
	Field   string // the Terraform argument naming the role
	Service string // the iam:PassedToService value
}

// passRoles lists, per Terraform resource type the platform renders, the
// roles it passes (each API operation's "Dependent actions" column in the
// Service Authorization Reference names iam:PassRole; the argument is the
// resource's documented role ARN argument). Generation fails for a rendered
// type that sets a *role_arn or role argument and has no row here.
var passRoles = map[string][]passRole{
	// https://docs.aws.amazon.com/eks/latest/userguide/service_IAM_role.html
	"aws_eks_cluster": {{"role_arn", "eks.amazonaws.com"}},
	// https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
	"aws_eks_node_group": {{"node_role_arn", "eks.amazonaws.com"}},
	// The add-on's IRSA role: eks:CreateAddon/UpdateAddon list iam:PassRole as
	// a dependent action. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html
	"aws_eks_addon": {{"service_account_role_arn", "eks.amazonaws.com"}},
	// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
	"aws_flow_log": {{"iam_role_arn", "vpc-flow-logs.amazonaws.com"}},
	// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
	"aws_rds_cluster_instance": {{"monitoring_role_arn", "monitoring.rds.amazonaws.com"}},
	"aws_rds_cluster":          {{"iam_roles", "rds.amazonaws.com"}},
	// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-setup.html
	"aws_db_proxy": {{"role_arn", "rds.amazonaws.com"}},
	// https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html
	"aws_backup_selection": {{"iam_role_arn", "backup.amazonaws.com"}},
	// https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html
	"aws_config_configuration_recorder": {{"role_arn", "config.amazonaws.com"}},
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
	"aws_s3_bucket_replication_configuration": {{"role", "s3.amazonaws.com"}},
	// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
	"aws_cloudtrail": {{"cloud_watch_logs_role_arn", "cloudtrail.amazonaws.com"}},
	// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
	"aws_cloudwatch_event_target": {{"role_arn", "events.amazonaws.com"}},
}

// Action is the IAM action of one SDK operation ("s3.PutBucketEncryption").
func Actions(op string) ([]string, error) {
	if a, ok := actionExceptions[op]; ok {
		return a, nil
	}
	svc, name, _ := strings.Cut(op, ".")
	prefix, ok := servicePrefix[svc]
	if !ok {
		if !slices.Contains(samePrefix, svc) {
			return nil, fmt.Errorf("%s: no IAM service prefix for the SDK package %q: add it to servicePrefix or samePrefix after reading its Service Authorization Reference page", op, svc)
		}
		prefix = svc
	}
	return []string{prefix + ":" + name}, nil
}

// The statements whose resources the policy scopes to the platform's names.
// An action is scoped only if it is listed here: the Service Authorization
// Reference gives its resource type as the one the ARN pattern names, and
// every resource of that type the platform renders is named with the
// platform's prefix (TestScopedNamesCarryThePrefix checks the renders).
type scope struct {
	Sid      string
	Resource []string
	Actions  []string
}

const namePrefix = "paynext-"

var scopes = []scope{
	{
		// Resource type "bucket" (arn:${Partition}:s3:::${BucketName}) in
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
		Sid:      "S3Buckets",
		Resource: []string{"arn:aws:s3:::" + namePrefix + "*"},
		Actions: []string{"s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:DeleteBucketWebsite",
			"s3:GetAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLogging",
			"s3:GetBucketObjectLockConfiguration", "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy",
			"s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment", "s3:GetBucketTagging", "s3:GetBucketVersioning",
			"s3:GetBucketWebsite", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration",
			"s3:GetReplicationConfiguration", "s3:ListBucket", "s3:ListBucketVersions", "s3:PutAccelerateConfiguration",
			"s3:PutBucketAcl", "s3:PutBucketCORS", "s3:PutBucketLogging", "s3:PutBucketObjectLockConfiguration",
			"s3:PutBucketOwnershipControls", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock",
			"s3:PutBucketRequestPayment", "s3:PutBucketTagging", "s3:PutBucketVersioning", "s3:PutBucketWebsite",
			"s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration"},
	},
	{
		// Resource type "object" (arn:${Partition}:s3:::${BucketName}/${ObjectName}), same page.
		Sid:      "S3ObjectsOfPlatformBuckets",
		Resource: []string{"arn:aws:s3:::" + namePrefix + "*/*"},
		Actions: []string{"s3:BypassGovernanceRetention", "s3:DeleteObject", "s3:DeleteObjectTagging", "s3:DeleteObjectVersion",
			"s3:DeleteObjectVersionTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:PutObjectLegalHold",
			"s3:PutObjectTagging", "s3:PutObjectVersionTagging"},
	},
	{
		// Resource type "role" (arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}) in
		// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
		Sid:      "IAMRoles",
		Resource: []string{"arn:aws:iam::*:role/" + namePrefix + "*"},
		Actions: []string{"iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary",
			"iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
			"iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags", "iam:PutRolePermissionsBoundary",
			"iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole",
			"iam:UpdateRoleDescription"},
	},
}

// Policy is an IAM policy document.
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of it.
type Statement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Action    []string                  `json:"Action"`
	Resource  any                       `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// BuildPolicy groups the actions per service: the scoped statements take
// the actions they list, every other action of a service goes to that
// service's statement on "*"; iam:PassRole goes to its own statement on the
// platform's roles, conditioned on the services the roles are passed to.
func BuildPolicy(actions []string, passedTo []string) Policy {
	p := Policy{Version: "2012-10-17"}
	rest := map[string][]string{}
	scoped := map[string]bool{}
	for _, sc := range scopes {
		var acts []string
		for _, a := range actions {
			if slices.Contains(sc.Actions, a) {
				acts = append(acts, a)
				scoped[a] = true
			}
		}
		if len(acts) > 0 {
			slices.Sort(acts)
			p.Statement = append(p.Statement, Statement{Sid: sc.Sid, Effect: "Allow", Action: acts, Resource: sc.Resource})
		}
	}
	for _, a := range actions {
		if scoped[a] || a == "iam:PassRole" {
			continue
		}
		prefix, _, _ := strings.Cut(a, ":")
		rest[prefix] = append(rest[prefix], a)
	}
	for _, prefix := range sortedKeysOf(rest) {
		acts := slices.Compact(slices.Sorted(slices.Values(rest[prefix])))
		p.Statement = append(p.Statement, Statement{Sid: sidOf(prefix), Effect: "Allow", Action: acts, Resource: "*"})
	}
	if len(passedTo) > 0 {
		services := slices.Compact(slices.Sorted(slices.Values(passedTo)))
		p.Statement = append(p.Statement, Statement{
			Sid: "PassPlatformRoles", Effect: "Allow", Action: []string{"iam:PassRole"},
			Resource:  []string{"arn:aws:iam::*:role/" + namePrefix + "*"},
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": services}},
		})
	}
	slices.SortStableFunc(p.Statement, func(a, b Statement) int { return strings.Compare(a.Sid, b.Sid) })
	return p
}

func sidOf(prefix string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(prefix, func(r rune) bool { return r == '-' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String() + "AnyResource"
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// PolicyActions is every action a policy grants.
func PolicyActions(p Policy) []string {
	var out []string
	for _, s := range p.Statement {
		out = append(out, s.Action...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
