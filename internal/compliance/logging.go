package compliance

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/internal/awsrules"
)

var (
	soxLogging  = []string{"ITGC: logging and monitoring"}
	hipaaAudit  = []string{"164.312(b)"}
	noTrail     = "no CloudTrail trail is rendered"
	gdprBreach  = []string{"Art. 33"}
	hipaaReview = []string{"164.308(a)(1)(ii)(D)"}
)

var loggingControls = []Control{{
	ID: "cloudtrail-multi-region", Title: "CloudTrail records every region and global service events", Severity: High,
	Refs: Refs{PCI: []string{"10.2.1"}, CIS: "3.1", Checkov: []string{"CKV_AWS_67"}, ConfigRule: "multi-region-cloudtrail-enabled", SOX: soxLogging, HIPAA: hipaaAudit},
	check: eachTrail(func(s *scope, t *unstructured.Unstructured) []Evidence {
		return []Evidence{equals(t, true, "", "isMultiRegionTrail"), equals(t, true, "", "includeGlobalServiceEvents"), equals(t, true, "", "enableLogging")}
	}),
}, {
	ID: "cloudtrail-log-file-validation", Title: "CloudTrail signs its log files (digest validation)", Severity: High,
	Refs: Refs{PCI: []string{"10.3.4"}, CIS: "3.2", Checkov: []string{"CKV_AWS_36"}, ConfigRule: "cloud-trail-log-file-validation-enabled", SOX: soxLogging, HIPAA: []string{"164.312(c)(1)"}},
	check: eachTrail(func(s *scope, t *unstructured.Unstructured) []Evidence {
		return []Evidence{equals(t, true, "", "enableLogFileValidation")}
	}),
}, {
	ID: "cloudtrail-kms", Title: "CloudTrail encrypts its logs with a CMK", Severity: High,
	Refs: Refs{PCI: []string{"10.3.2"}, CIS: "3.5", Checkov: []string{"CKV_AWS_35"}, ConfigRule: "cloud-trail-encryption-enabled", GDPR: gdprEncryption, HIPAA: hipaaAudit},
	check: eachTrail(func(s *scope, t *unstructured.Unstructured) []Evidence {
		key, ok := selects(t, "kmsKeyId")
		return []Evidence{{Resource: awsrules.Key(t), Field: fpPath("kmsKeyIdSelector"), Value: key, OK: ok}}
	}),
}, {
	ID: "cloudtrail-cloudwatch-logs", Title: "CloudTrail delivers to CloudWatch Logs for alerting", Severity: Medium,
	Refs: Refs{PCI: []string{"10.4.1.1"}, Checkov: []string{"CKV2_AWS_10"}, ConfigRule: "cloud-trail-cloud-watch-logs-enabled", SOX: soxLogging, GDPR: gdprBreach, HIPAA: hipaaReview},
	check: eachTrail(func(s *scope, t *unstructured.Unstructured) []Evidence {
		group := fpString(t, "cloudWatchLogsGroupArn")
		role, ok := selects(t, "cloudWatchLogsRoleArn")
		return []Evidence{
			at(t, strings.HasPrefix(group, "arn:") && strings.Contains(group, ":log-group:"), "no log group", "cloudWatchLogsGroupArn"),
			{Resource: awsrules.Key(t), Field: fpPath("cloudWatchLogsRoleArnSelector"), Value: role, OK: ok},
		}
	}),
}, {
	ID: "log-groups-kms-retention", Title: "Log groups are encrypted with a CMK and kept at least a year (7 in prod, and kept when the platform is deleted)", Severity: High,
	Refs: Refs{PCI: []string{"10.5.1", "3.5.1"}, Checkov: []string{"CKV_AWS_158", "CKV_AWS_338"}, ConfigRule: "cw-loggroup-retention-period-check",
		SOX: soxLogging, GDPR: []string{"Art. 30"}, HIPAA: []string{"164.316(b)(2)(i)"}},
	DevRelaxation: "the dev profile keeps logs 30 days",
	check: func(s *scope) ([]Evidence, string) {
		least := 365.0
		if s.prod() {
			least = 2557
		}
		var out []Evidence
		for _, g := range s.Of(gLogs, "Group") {
			key, ok := selects(g, "kmsKeyId")
			n, set := fpNumber(g, "retentionInDays")
			out = append(out,
				Evidence{Resource: awsrules.Key(g), Field: fpPath("kmsKeyIdSelector"), Value: key, OK: ok},
				at(g, set && n >= least, "kept fewer days than the environment needs", "retentionInDays"))
			if s.prod() {
				policy, _ := awsrules.Dig(g.Object, "spec", "deletionPolicy").(string)
				out = append(out, Evidence{Resource: awsrules.Key(g), Field: "spec.deletionPolicy", Value: show(policy), OK: policy == "Orphan",
					Why: "deleting the claim would delete audit logs still under retention"})
			}
		}
		return out, "no log group is rendered"
	},
}, {
	ID: "vpc-flow-logs", Title: "The VPC logs all traffic (flow logs)", Severity: High,
	Refs: Refs{PCI: []string{"10.2.1"}, CIS: "3.7", Checkov: []string{"CKV2_AWS_11"}, ConfigRule: "vpc-flow-logs-enabled", SOX: soxLogging, GDPR: gdprBreach, HIPAA: hipaaAudit},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, v := range s.Of(gEC2, "VPC") {
			logs := s.SelectingThis(v, gEC2, "FlowLog", "vpcIdSelector")
			if len(logs) == 0 {
				out = append(out, missing(v, "FlowLog", "no flow log selects the VPC"))
				continue
			}
			out = append(out, equals(logs[0], "ALL", "", "trafficType"))
		}
		return out, "no VPC is rendered"
	},
}, {
	ID: "guardduty-enabled", Title: "GuardDuty is on, with S3 and EKS audit-log protection", Severity: High,
	Refs: Refs{PCI: []string{"11.5.1"}, Checkov: []string{"CKV2_AWS_3"}, ConfigRule: "guardduty-enabled-centralized", GDPR: gdprBreach, HIPAA: hipaaReview},
	check: func(s *scope) ([]Evidence, string) {
		ds := s.Of(gGuard, "Detector")
		if len(ds) == 0 {
			return []Evidence{{Resource: "guardduty-detector", Field: "Detector", Value: "<none rendered>", Why: "no GuardDuty detector"}}, ""
		}
		d := ds[0]
		return []Evidence{
			equals(d, true, "", "enable"),
			equals(d, true, "", "datasources", 0, "s3Logs", 0, "enable"),
			equals(d, true, "", "datasources", 0, "kubernetes", 0, "auditLogs", 0, "enable"),
		}, ""
	},
}, {
	ID: "config-records-everything", Title: "AWS Config records every supported resource, global ones included", Severity: High,
	Refs: Refs{PCI: []string{"11.5.2"}, CIS: "3.3", Checkov: []string{"CKV2_AWS_45", "CKV2_AWS_48"}, ConfigRule: "config-enabled-all-regions", SOX: []string{"ITGC: change management"}, HIPAA: hipaaReview},
	check: func(s *scope) ([]Evidence, string) {
		rs := s.Of(gConfig, "ConfigurationRecorder")
		if len(rs) == 0 {
			return []Evidence{{Resource: "config-recorder", Field: "ConfigurationRecorder", Value: "<none rendered>", Why: "AWS Config records nothing"}}, ""
		}
		out := []Evidence{
			equals(rs[0], true, "", "recordingGroup", 0, "allSupported"),
			equals(rs[0], true, "", "recordingGroup", 0, "includeGlobalResourceTypes"),
		}
		statuses := s.Of(gConfig, "AWSConfigurationRecorderStatus")
		if len(statuses) == 0 {
			out = append(out, missing(rs[0], "AWSConfigurationRecorderStatus", "the recorder is never started"))
		} else {
			out = append(out, equals(statuses[0], true, "", "isEnabled"))
		}
		if len(s.Of(gConfig, "DeliveryChannel")) == 0 {
			out = append(out, missing(rs[0], "DeliveryChannel", "the recorder cannot start without a delivery channel"))
		}
		return out, ""
	},
}}

func eachTrail(f func(*scope, *unstructured.Unstructured) []Evidence) func(*scope) ([]Evidence, string) {
	return func(s *scope) ([]Evidence, string) {
		ts := s.Of(gTrail, "Trail")
		if len(ts) == 0 {
			return []Evidence{{Resource: "cloudtrail-trail", Field: "Trail", Value: "<none rendered>", Why: noTrail}}, ""
		}
		var out []Evidence
		for _, t := range ts {
			out = append(out, f(s, t)...)
		}
		return out, ""
	}
}
