package awsrules

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

func init() {
	one := func(o *unstructured.Unstructured) *Render { return NewRender([]*unstructured.Unstructured{o}) }
	instance := func(fp map[string]any, name string) *unstructured.Unstructured {
		return mr(gRDS, "ClusterInstance", "instance", fp, named(name))
	}
	cluster := func(fp map[string]any) *unstructured.Unstructured { return mr(gRDS, "Cluster", "aurora", fp) }
	parameter := func(name, value, apply string) any {
		return map[string]any{"name": name, "value": value, "applyMethod": apply}
	}
	parameters := func(ps ...any) *unstructured.Unstructured {
		return mr(gRDS, "ClusterParameterGroup", "parameters", map[string]any{"parameter": ps})
	}
	for id, cases := range map[string][]ruleCase{
		"rds-instance-identifier": {
			{name: "zone suffix", render: one(instance(nil, "paynext-prod-aurora-us-west-2a"))},
			{name: "trailing hyphen", render: one(instance(nil, "paynext-prod-")),
				want: []Violation{{Rule: "rds-instance-identifier", Resource: "instance", Field: "metadata.annotations[crossplane.io/external-name]", Value: "paynext-prod-"}}},
		},
		"target-group-name": {
			{name: "short", render: one(mr(gELB, "LBTargetGroup", "tg", map[string]any{"name": "paynext-prod-ingress"}))},
			{name: "an underscore", render: one(mr(gELB, "LBTargetGroup", "tg", map[string]any{"name": "paynext_prod"})),
				want: []Violation{{Rule: "target-group-name", Resource: "tg", Field: "spec.forProvider.name", Value: "paynext_prod"}}},
		},
		"rds-backup-retention": {
			{name: "35 days", render: one(cluster(map[string]any{"backupRetentionPeriod": int64(35)}))},
			{name: "0 days", render: one(cluster(map[string]any{"backupRetentionPeriod": int64(0)})),
				want: []Violation{{Rule: "rds-backup-retention", Resource: "aurora", Field: "spec.forProvider.backupRetentionPeriod", Value: "0"}}},
		},
		"rds-performance-insights-retention": {
			{name: "two years", render: one(instance(map[string]any{"performanceInsightsRetentionPeriod": int64(731)}, "i"))},
			{name: "three months", render: one(instance(map[string]any{"performanceInsightsRetentionPeriod": int64(93)}, "i"))},
			{name: "94 days", render: one(instance(map[string]any{"performanceInsightsRetentionPeriod": int64(94)}, "i")),
				want: []Violation{{Rule: "rds-performance-insights-retention", Resource: "instance", Field: "spec.forProvider.performanceInsightsRetentionPeriod", Value: "94"}}},
		},
		"aurora-postgresql-log-exports": {
			{name: "postgresql", render: one(cluster(map[string]any{"engine": "aurora-postgresql", "enabledCloudwatchLogsExports": []any{"postgresql"}}))},
			{name: "a MySQL log type", render: one(cluster(map[string]any{"engine": "aurora-postgresql", "enabledCloudwatchLogsExports": []any{"postgresql", "audit"}})),
				want: []Violation{{Rule: "aurora-postgresql-log-exports", Resource: "aurora", Field: "spec.forProvider.enabledCloudwatchLogsExports[1]", Value: "audit"}}},
		},
		"rds-static-parameter-pending-reboot": {
			{name: "pending-reboot", render: one(parameters(parameter("shared_preload_libraries", "pgaudit", "pending-reboot"), parameter("log_statement", "ddl", "immediate")))},
			{name: "immediate", render: one(parameters(parameter("log_statement", "ddl", "immediate"), parameter("shared_preload_libraries", "pgaudit", "immediate"))),
				want: []Violation{{Rule: "rds-static-parameter-pending-reboot", Resource: "parameters", Field: "spec.forProvider.parameter[1].applyMethod", Value: "immediate"}}},
		},
		"pgaudit-preloaded": {
			{name: "preloaded", render: one(parameters(parameter("shared_preload_libraries", "pg_stat_statements,pgaudit", "pending-reboot"), parameter("pgaudit.log", "all", "immediate")))},
			{name: "no pgaudit settings", render: one(parameters(parameter("log_statement", "ddl", "immediate")))},
			{name: "not preloaded", render: one(parameters(parameter("shared_preload_libraries", "pg_stat_statements", "pending-reboot"), parameter("pgaudit.log", "all", "immediate"))),
				want: []Violation{{Rule: "pgaudit-preloaded", Resource: "parameters", Field: "spec.forProvider.parameter[1].name", Value: "pgaudit.log"}}},
		},
	} {
		ruleCases[id] = cases
	}
}

func init() {
	eks := func(keyRegion string) *Render {
		return NewRender([]*unstructured.Unstructured{mr(gEKS, "Cluster", "eks", map[string]any{"region": "us-west-2", "encryptionConfig": []any{map[string]any{
			"provider": []any{map[string]any{"keyArn": "arn:aws:kms:" + keyRegion + ":111122223333:key/k"}}, "resources": []any{"secrets"}}}})})
	}
	ruleCases["eks-secrets-key-same-region"] = []ruleCase{
		{name: "same region", render: eks("us-west-2")},
		{name: "the DR region", render: eks("us-east-1"), want: []Violation{{Rule: "eks-secrets-key-same-region", Resource: "eks",
			Field: "spec.forProvider.encryptionConfig[0].provider[0].keyArn", Value: "arn:aws:kms:us-east-1:111122223333:key/k"}}},
	}
}
