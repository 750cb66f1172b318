package awsrules

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// nameCase is a passing and a failing name of one naming rule: the failing
// ones sit just past what the rule's page allows.
type nameCase struct {
	group, kind string
	// field is "" for the external name, else the forProvider field.
	field      string
	good, bads []string
}

func (c nameCase) object(key, name string) *unstructured.Unstructured {
	if c.field == "" {
		return mr(c.group, c.kind, key, map[string]any{}, named(name))
	}
	return mr(c.group, c.kind, key, map[string]any{c.field: name})
}

func (c nameCase) path() string {
	if c.field == "" {
		return "metadata.annotations[crossplane.io/external-name]"
	}
	return "spec.forProvider." + c.field
}

var nameCases = map[string]nameCase{
	"rds-cluster-parameter-group-name": {group: gRDS, kind: "ClusterParameterGroup",
		good: []string{"paynext-prod-aurora-postgresql16"}, bads: []string{"1paynext", "paynext--pg", "paynext-pg-", "paynext_pg", strings.Repeat("a", 256)}},
	"rds-subnet-group-name": {group: gRDS, kind: "SubnetGroup",
		good: []string{"paynext-prod-aurora"}, bads: []string{"default", "-paynext", "paynext/aurora", "a" + strings.Repeat("b", 255)}},
	"rds-proxy-name": {group: gRDS, kind: "Proxy",
		good: []string{"paynext-prod-aurora"}, bads: []string{"paynext--proxy", "paynext_proxy", "9proxy"}},
	"security-group-name": {group: gEC2, kind: "SecurityGroup", field: "name",
		good: []string{"paynext-prod-alb (internet) #1"}, bads: []string{"sg-paynext", "paynext|alb", strings.Repeat("s", 256)}},
	"backup-vault-name": {group: gBackup, kind: "Vault",
		good: []string{"paynext-prod_dr"}, bads: []string{"p", "paynext.prod", strings.Repeat("v", 51)}},
	"backup-plan-name": {group: gBackup, kind: "Plan", field: "name",
		good: []string{"paynext-prod.daily_7y"}, bads: []string{"paynext prod", strings.Repeat("p", 51)}},
	"backup-selection-name": {group: gBackup, kind: "Selection", field: "name",
		good: []string{"paynext-prod-data-stores"}, bads: []string{"paynext/prod", strings.Repeat("s", 51)}},
	"secret-name": {group: "secretsmanager.aws.upbound.io", kind: "Secret", field: "name",
		good: []string{"paynext/prod/api-keys"}, bads: []string{"paynext/prod/api-abcdef", "paynext prod"}},
	"sns-topic-name": {group: gSNS, kind: "Topic",
		good: []string{"paynext-prod_security"}, bads: []string{"paynext.prod", strings.Repeat("t", 257)}},
	"cloudtrail-trail-name": {group: gTrail, kind: "Trail",
		good: []string{"paynext-prod.trail_1"}, bads: []string{"pn", "paynext--prod", "paynext-prod-", "10.0.0.1", strings.Repeat("t", 129)}},
	"waf-web-acl-name": {group: gWAF, kind: "WebACL", field: "name",
		good: []string{"paynext-prod-web-acl"}, bads: []string{"paynext.prod", strings.Repeat("w", 129)}},
	"config-rule-name": {group: gConfig, kind: "ConfigRule",
		good: []string{"paynext-prod-restricted-ssh"}, bads: []string{"   ", strings.Repeat("c", 129)}},
	"event-rule-name": {group: "cloudwatchevents.aws.upbound.io", kind: "Rule",
		good: []string{"paynext-prod.guardduty_high"}, bads: []string{"paynext/prod", strings.Repeat("e", 65)}},
	"efs-creation-token": {group: "efs.aws.upbound.io", kind: "FileSystem", field: "creationToken",
		good: []string{"paynext-prod-efs"}, bads: []string{"paynext-prod-efs-é", strings.Repeat("t", 65)}},
	"launch-template-name": {group: gEC2, kind: "LaunchTemplate", field: "name",
		good: []string{"paynext-prod-eks-nodes(v1)"}, bads: []string{"lt", "paynext prod", strings.Repeat("l", 129)}},
	"cloudwatch-dashboard-name": {group: gCloudWatch, kind: "Dashboard",
		good: []string{"PayNext-prod-Dashboard"}, bads: []string{"PayNext prod", strings.Repeat("d", 256)}},
	"budget-name": {group: "budgets.aws.upbound.io", kind: "Budget",
		good: []string{"paynext-prod-monthly"}, bads: []string{"paynext:prod", `paynext\prod`, "paynext/action/prod", strings.Repeat("b", 101)}},
	"metric-alarm-name": {group: gCloudWatch, kind: "MetricAlarm",
		good: []string{"paynext-prod-alb-5xx (ALB)"}, bads: []string{"paynext\tprod", strings.Repeat("a", 256)}},
	"metric-filter-name": {group: gLogs, kind: "MetricFilter",
		good: []string{"paynext-prod-cis-root-usage"}, bads: []string{"paynext:prod", "paynext*", strings.Repeat("f", 513)}},
}

// init turns every name case into fixtures of TestEveryRulePassesAndFailsItsFixtures:
// the good name passes, and each bad one is a violation naming its field.
func init() {
	for id, c := range nameCases {
		ruleCases[id] = append(ruleCases[id], ruleCase{
			name:   "documented characters and length",
			render: NewRender([]*unstructured.Unstructured{c.object("good", c.good[0])}),
		})
		var objs []*unstructured.Unstructured
		var want []Violation
		for i, b := range c.bads {
			key := "bad-" + string(rune('a'+i))
			objs = append(objs, c.object(key, b))
			want = append(want, Violation{Rule: id, Resource: key, Field: c.path(), Value: b})
		}
		ruleCases[id] = append(ruleCases[id], ruleCase{name: "just past what the page allows", render: NewRender(objs), want: want})
	}
}
