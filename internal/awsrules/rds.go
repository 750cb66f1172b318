package awsrules

import (
	"fmt"
	"slices"
	"strings"
)

func rdsRules() []Rule {
	return []Rule{
		nameRule("rds-instance-identifier", gRDS, "ClusterInstance", "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
			"DBInstanceIdentifier: must contain from 1 to 63 letters, numbers, or hyphens; first character must be a letter; can't end with a hyphen or contain two consecutive hyphens.",
			byExternalName, func(v string) string {
				if strings.Contains(v, "--") {
					return "two consecutive hyphens"
				}
				return matches(dbIdentifier, "1–63 letters, digits or hyphens, starting with a letter, not ending with a hyphen")(v)
			}),
		nameRule("target-group-name", gELB, "LBTargetGroup", "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
			"The name can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen.",
			byForProviderName, matches(lbName, "1–32 alphanumerics or hyphens, no hyphen at either end")),
		{
			ID:    "rds-backup-retention",
			Kinds: []string{gRDS + "/Cluster"},
			URL:   "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html",
			Doc:   "BackupRetentionPeriod: the number of days for which automated backups are retained. Must be a value from 1 to 35.",
			Check: func(r *Render) []Violation {
				var out []Violation
				for _, c := range r.Of(gRDS, "Cluster") {
					if d, ok := FPInt(c, "backupRetentionPeriod"); ok && (d < 1 || d > 35) {
						out = append(out, violation("rds-backup-retention", c, "spec.forProvider.backupRetentionPeriod", fmt.Sprint(d), "outside 1–35 days"))
					}
				}
				return out
			},
		}, {
			ID:    "rds-performance-insights-retention",
			Kinds: []string{gRDS + "/ClusterInstance"},
			URL:   "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
			Doc:   "PerformanceInsightsRetentionPeriod valid values: 7, month * 31 where month is a number of months from 1-23, or 731; any other value is an error.",
			Check: func(r *Render) []Violation {
				var out []Violation
				for _, i := range r.Of(gRDS, "ClusterInstance") {
					d, ok := FPInt(i, "performanceInsightsRetentionPeriod")
					if ok && !(d == 7 || d == 731 || (d%31 == 0 && d/31 >= 1 && d/31 <= 23)) {
						out = append(out, violation("rds-performance-insights-retention", i, "spec.forProvider.performanceInsightsRetentionPeriod", fmt.Sprint(d),
							"not 7, 731 or a whole number of 31-day months up to 23"))
					}
				}
				return out
			},
		}, {
			ID:    "aurora-postgresql-log-exports",
			Kinds: []string{gRDS + "/Cluster"},
			// CreateDBCluster's request, the call the provider makes (AWS's SDK
			// reference carries the API reference's text).
			URL: "https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/rds/aws.sdk.kotlin.services.rds.model/-create-db-cluster-request/enable-cloudwatch-logs-exports.html",
			Doc: "EnableCloudwatchLogsExports: the following values are valid for each DB engine: Aurora PostgreSQL - instance | postgresql | iam-db-auth-error.",
			Check: func(r *Render) []Violation {
				var out []Violation
				for _, c := range r.Of(gRDS, "Cluster") {
					if FPString(c, "engine") != "aurora-postgresql" {
						continue
					}
					logs, _ := FP(c, "enabledCloudwatchLogsExports").([]any)
					for i, l := range logs {
						if s, _ := l.(string); !slices.Contains([]string{"instance", "postgresql", "iam-db-auth-error"}, s) {
							out = append(out, violation("aurora-postgresql-log-exports", c, fmt.Sprintf("spec.forProvider.enabledCloudwatchLogsExports[%d]", i), s,
								"not a log type Aurora PostgreSQL exports"))
						}
					}
				}
				return out
			},
		}, {
			ID:    "rds-static-parameter-pending-reboot",
			Kinds: []string{gRDS + "/ClusterParameterGroup"},
			URL:   "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Parameter.html",
			Doc: "ApplyMethod: you can use the immediate value with dynamic parameters only. You can use the pending-reboot value for both " +
				"dynamic and static parameters. (shared_preload_libraries is static: https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-SHARED-PRELOAD-LIBRARIES, \"can only be set at server start\".)",
			Check: func(r *Render) []Violation {
				var out []Violation
				for _, g := range r.Of(gRDS, "ClusterParameterGroup") {
					params, _ := FP(g, "parameter").([]any)
					for i := range params {
						name := FPString(g, "parameter", i, "name")
						if staticPostgreSQLParameters[name] && FPString(g, "parameter", i, "applyMethod") != "pending-reboot" {
							out = append(out, violation("rds-static-parameter-pending-reboot", g, fmt.Sprintf("spec.forProvider.parameter[%d].applyMethod", i),
								FPString(g, "parameter", i, "applyMethod"), name+" is static: only pending-reboot applies it"))
						}
					}
				}
				return out
			},
		}, {
			ID:    "pgaudit-preloaded",
			Kinds: []string{gRDS + "/ClusterParameterGroup"},
			URL:   "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.basic-setup.html",
			Doc:   "To set up the pgAudit extension on your Aurora PostgreSQL DB cluster, you first add pgAudit to the shared libraries on the custom DB cluster parameter group.",
			Check: func(r *Render) []Violation {
				var out []Violation
				for _, g := range r.Of(gRDS, "ClusterParameterGroup") {
					params, _ := FP(g, "parameter").([]any)
					preloaded, at := false, -1
					for i := range params {
						name := FPString(g, "parameter", i, "name")
						if name == "shared_preload_libraries" {
							preloaded = slices.Contains(strings.Split(FPString(g, "parameter", i, "value"), ","), "pgaudit")
						}
						if strings.HasPrefix(name, "pgaudit.") && at < 0 {
							at = i
						}
					}
					if at >= 0 && !preloaded {
						out = append(out, violation("pgaudit-preloaded", g, fmt.Sprintf("spec.forProvider.parameter[%d].name", at),
							FPString(g, "parameter", at, "name"), "pgaudit is configured but not in shared_preload_libraries, so nothing is audited"))
					}
				}
				return out
			},
		},
	}
}

// staticPostgreSQLParameters are the parameters the platform sets that
// PostgreSQL reads only at server start.
var staticPostgreSQLParameters = map[string]bool{"shared_preload_libraries": true}
