package awsrules

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// nameFormat is one AWS naming rule: the length and characters a kind's name
// (or identifier) must have, as the page at URL documents them. The fuzz
// target of the function (FuzzRenderedAWSNames) runs these over renders of
// every spec the XRD admits, so a limit stated here is a limit the longest
// names must fit.
type nameFormat struct {
	id, group, kind, url, doc string
	// name is the field judged and its value.
	name func(*unstructured.Unstructured) (field, value string)
	// min and max bound the length in characters.
	min, max int
	// chars is the pattern every name matches as a whole.
	chars *regexp.Regexp
	// what says chars in words, for the violation.
	what string
	// also checks what the page states beyond length and characters
	// (a first character, reserved words, adjacent separators); "" when
	// the name satisfies it.
	also func(string) string
}

func byForProvider(field string) func(*unstructured.Unstructured) (string, string) {
	return func(o *unstructured.Unstructured) (string, string) {
		return "spec.forProvider." + field, FPString(o, field)
	}
}

func (n nameFormat) rule() Rule {
	return nameRule(n.id, n.group, n.kind, n.url, n.doc, n.name, func(v string) string {
		switch l := utf8.RuneCountInString(v); {
		case l < n.min || l > n.max:
			return fmt.Sprintf("%d characters, not %d–%d", l, n.min, n.max)
		case !n.chars.MatchString(v):
			return "not only " + n.what
		case n.also != nil:
			return n.also(v)
		}
		return ""
	})
}

// letterFirstNoDoubleHyphen is RDS's identifier rule beyond its characters.
func letterFirstNoDoubleHyphen(v string) string {
	switch {
	case v == "" || !isLetter(v[0]):
		return "does not start with a letter"
	case strings.HasSuffix(v, "-"):
		return "ends with a hyphen"
	case strings.Contains(v, "--"):
		return "has two consecutive hyphens"
	}
	return ""
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

var trailAdjacent = regexp.MustCompile(`[._-]{2}`)

// nameFormats are the naming rules of the kinds whose names the platform
// chooses, beside the older rules of nameRules (buckets, load balancers,
// RDS clusters and instances, log groups, IAM roles, KMS aliases, EKS
// clusters, target groups). Each cites the page that states it.
var nameFormats = []nameFormat{{
	id: "rds-cluster-parameter-group-name", group: gRDS, kind: "ClusterParameterGroup",
	url:  "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/rds/aws.sdk.kotlin.services.rds.model/-restore-db-cluster-to-point-in-time-request/db-cluster-parameter-group-name.html",
	doc:  "DBClusterParameterGroupName: must be 1 to 255 letters, numbers, or hyphens; first character must be a letter; can't end with a hyphen or contain two consecutive hyphens.",
	name: byExternalName, min: 1, max: 255, chars: regexp.MustCompile(`^[A-Za-z0-9-]+$`), what: "letters, digits or hyphens",
	also: letterFirstNoDoubleHyphen,
}, {
	id: "rds-subnet-group-name", group: gRDS, kind: "SubnetGroup",
	url:  "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/rds/aws.sdk.kotlin.services.rds.model/-create-db-subnet-group-request/-builder/db-subnet-group-name.html",
	doc:  "DBSubnetGroupName: must contain no more than 255 letters, numbers, periods, underscores, spaces, or hyphens; must not be default; first character must be a letter.",
	name: byExternalName, min: 1, max: 255, chars: regexp.MustCompile(`^[A-Za-z0-9._ -]+$`), what: "letters, digits, periods, underscores, spaces or hyphens",
	also: func(v string) string {
		switch {
		case strings.EqualFold(v, "default"):
			return "is default"
		case !isLetter(v[0]):
			return "does not start with a letter"
		}
		return ""
	},
}, {
	id: "rds-proxy-name", group: gRDS, kind: "Proxy",
	url: "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/rds/aws.sdk.kotlin.services.rds.model/-create-db-proxy-request/db-proxy-name.html",
	doc: "DBProxyName: an identifier must begin with a letter and must contain only ASCII letters, digits, and hyphens; it can't end with a hyphen or contain two consecutive hyphens. " +
		"(The page states no length; the 63 of every other RDS identifier is not assumed.)",
	name: byExternalName, min: 1, max: 1 << 20, chars: regexp.MustCompile(`^[A-Za-z0-9-]+$`), what: "ASCII letters, digits or hyphens",
	also: letterFirstNoDoubleHyphen,
}, {
	id: "security-group-name", group: gEC2, kind: "SecurityGroup",
	url:  "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/ec2/aws.sdk.kotlin.services.ec2.model/-create-security-group-request/group-name.html",
	doc:  "GroupName: up to 255 characters in length; can't start with sg-; valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*",
	name: byForProvider("name"), min: 1, max: 255, chars: regexp.MustCompile(`^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+$`), what: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
	also: func(v string) string {
		if strings.HasPrefix(v, "sg-") {
			return "starts with sg-"
		}
		return ""
	},
}, {
	id: "backup-vault-name", group: gBackup, kind: "Vault",
	url:  "https://docs.aws.amazon.com/goto/WebAPI/backup-2018-11-15/CreateBackupVault",
	doc:  `backupVaultName: Pattern: ^[a-zA-Z0-9\-\_]{2,50}$`,
	name: byExternalName, min: 2, max: 50, chars: regexp.MustCompile(`^[a-zA-Z0-9_-]+$`), what: "letters, digits, hyphens or underscores",
}, {
	id: "backup-plan-name", group: gBackup, kind: "Plan",
	url:  "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/backup/aws.sdk.kotlin.services.backup.model/-backup-plan-input/backup-plan-name.html",
	doc:  "BackupPlanName: the display name of a backup plan. Must contain 1 to 50 alphanumeric or '-_.' characters.",
	name: byForProvider("name"), min: 1, max: 50, chars: regexp.MustCompile(`^[A-Za-z0-9._-]+$`), what: "alphanumerics or -_.",
}, {
	id: "backup-selection-name", group: gBackup, kind: "Selection",
	url:  "https://boto3.amazonaws.com/v1/documentation/api/1.29.5/reference/services/backup/client/create_backup_selection.html",
	doc:  "SelectionName: the display name of a resource selection document. Must contain 1 to 50 alphanumeric or '-_.' characters.",
	name: byForProvider("name"), min: 1, max: 50, chars: regexp.MustCompile(`^[A-Za-z0-9._-]+$`), what: "alphanumerics or -_.",
}, {
	id: "secret-name", group: "secretsmanager.aws.upbound.io", kind: "Secret",
	url: "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/secretsmanager/aws.sdk.kotlin.services.secretsmanager.model/-create-secret-request/name.html",
	doc: "The secret name can contain ASCII letters, numbers, and the following characters: /_+=.@- . Do not end your secret name with a hyphen followed by six characters " +
		"(Secrets Manager adds a hyphen and six random characters to the ARN).",
	name: byForProvider("name"), min: 1, max: 512, chars: regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]+$`), what: "ASCII letters, digits or /_+=.@-",
	also: func(v string) string {
		if i := strings.LastIndexByte(v, '-'); i >= 0 && len(v)-i-1 == 6 {
			return "ends with a hyphen followed by six characters, which partial-ARN lookups confuse with the random suffix"
		}
		return ""
	},
}, {
	id: "sns-topic-name", group: gSNS, kind: "Topic",
	url:  "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/sns/aws.sdk.kotlin.services.sns.model/-create-topic-request/name.html",
	doc:  "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.",
	name: byExternalName, min: 1, max: 256, chars: regexp.MustCompile(`^[A-Za-z0-9_-]+$`), what: "ASCII letters, digits, underscores or hyphens",
}, {
	id: "cloudtrail-trail-name", group: gTrail, kind: "Trail",
	url: "https://docs.aws.amazon.com/botocore/latest/reference/services/cloudtrail/client/exceptions/InvalidTrailNameException.html",
	doc: "Trail names must contain only ASCII letters, numbers, periods, underscores, or dashes; start and end with a letter or number; be between 3 and 128 characters; " +
		"have no adjacent periods, underscores or dashes; not be in IP address format.",
	name: byExternalName, min: 3, max: 128, chars: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$`), what: "ASCII letters, digits, periods, underscores or dashes, starting and ending with a letter or digit",
	also: func(v string) string {
		switch {
		case trailAdjacent.MatchString(v):
			return "adjacent periods, underscores or dashes"
		case ipAddress.MatchString(v):
			return "an IP address"
		}
		return ""
	},
}, {
	id: "waf-web-acl-name", group: gWAF, kind: "WebACL",
	url:  "https://docs.amazonaws.cn/en_us/waf/latest/APIReference/API_WebACL.html",
	doc:  `Name: the name of the web ACL. Length Constraints: Minimum length of 1. Maximum length of 128. Pattern: ^[\w\-]+$`,
	name: byForProvider("name"), min: 1, max: 128, chars: regexp.MustCompile(`^[\w-]+$`), what: "word characters or hyphens",
}, {
	id: "config-rule-name", group: gConfig, kind: "ConfigRule",
	url:  "https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigRule.html",
	doc:  `ConfigRuleName (the ConfigRule of PutConfigRule): Length Constraints: Minimum length of 1. Maximum length of 128. Pattern: .*\S.*`,
	name: byExternalName, min: 1, max: 128, chars: regexp.MustCompile(`\S`), what: "a non-space character",
}, {
	id: "event-rule-name", group: "cloudwatchevents.aws.upbound.io", kind: "Rule",
	url:  "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Rule.html",
	doc:  `Name: the name of the rule. Length Constraints: Minimum length of 1. Maximum length of 64. Pattern: [\.\-_A-Za-z0-9]+`,
	name: byExternalName, min: 1, max: 64, chars: regexp.MustCompile(`^[.\-_A-Za-z0-9]+$`), what: "letters, digits, periods, hyphens or underscores",
}, {
	id: "efs-creation-token", group: "efs.aws.upbound.io", kind: "FileSystem",
	url:  "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/efs/aws.sdk.kotlin.services.efs.model/-create-file-system-request/creation-token.html",
	doc:  "CreationToken: a string of up to 64 ASCII characters. Amazon EFS uses this to ensure idempotent creation.",
	name: byForProvider("creationToken"), min: 1, max: 64, chars: regexp.MustCompile(`^[\x20-\x7e]+$`), what: "printable ASCII",
}, {
	id: "launch-template-name", group: gEC2, kind: "LaunchTemplate",
	url:  "https://docs.aws.amazon.com/ja_jp/AWSEC2/latest/APIReference/API_LaunchTemplate.html",
	doc:  `launchTemplateName: Length Constraints: Minimum length of 3. Maximum length of 128. Pattern: [a-zA-Z0-9\(\)\.\-/_]+`,
	name: byForProvider("name"), min: 3, max: 128, chars: regexp.MustCompile(`^[a-zA-Z0-9().\-/_]+$`), what: "letters, digits or ().-/_",
}, {
	id: "cloudwatch-dashboard-name", group: gCloudWatch, kind: "Dashboard",
	url:  "https://docs.aws.amazon.com/es_es/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html",
	doc:  "DashboardName: the name must be between 1 and 255 characters and can only contain alphanumeric characters, dashes (-), and underscores (_).",
	name: byExternalName, min: 1, max: 255, chars: regexp.MustCompile(`^[A-Za-z0-9_-]+$`), what: "alphanumerics, dashes or underscores",
}, {
	id: "budget-name", group: "budgets.aws.upbound.io", kind: "Budget",
	url:  "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_BudgetNotificationsForAccount.html",
	doc:  `BudgetName: the ":" and "\" characters, and the "/action/" substring, aren't allowed. Length Constraints: Minimum length of 1. Maximum length of 100.`,
	name: byExternalName, min: 1, max: 100, chars: regexp.MustCompile(`^[^:\\]+$`), what: `characters other than ":" and "\"`,
	also: func(v string) string {
		if strings.Contains(v, "/action/") {
			return `contains "/action/"`
		}
		return ""
	},
}, {
	id: "metric-alarm-name", group: gCloudWatch, kind: "MetricAlarm",
	url:  "http://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
	doc:  "AlarmName: the descriptive name for the alarm. Length constraints: Minimum length of 1. Maximum length of 255.",
	name: byExternalName, min: 1, max: 255, chars: regexp.MustCompile(`^[^\x00-\x1f\x7f]+$`), what: "characters other than ASCII control characters",
}, {
	id: "metric-filter-name", group: gLogs, kind: "MetricFilter",
	url:  "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html",
	doc:  "filterName: Length Constraints: Minimum length of 1. Maximum length of 512. Pattern: [^:*]*",
	name: byExternalName, min: 1, max: 512, chars: regexp.MustCompile(`^[^:*]+$`), what: `characters other than ":" and "*"`,
}}

func formatRules() []Rule {
	out := make([]Rule, 0, len(nameFormats))
	for _, n := range nameFormats {
		out = append(out, n.rule())
	}
	return out
}

// NameRules are the rules of the catalogue that judge AWS names and
// identifiers.
func NameRules() []Rule {
	var out []Rule
	for _, r := range All() {
		if strings.HasSuffix(r.ID, "-name") || strings.HasSuffix(r.ID, "-identifier") || r.ID == "efs-creation-token" {
			out = append(out, r)
		}
	}
	return out
}

// NameRuleKinds are the "group/Kind"s whose AWS names some rule of the
// catalogue judges.
func NameRuleKinds() map[string]bool {
	out := map[string]bool{}
	for _, r := range NameRules() {
		for _, k := range r.Kinds {
			out[k] = true
		}
	}
	return out
}
