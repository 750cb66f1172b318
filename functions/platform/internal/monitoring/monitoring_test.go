package monitoring

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	budgetsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/budgets/v1beta1"
	cloudtrailv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudtrail/v1beta1"
	cwv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatch/v1beta1"
	cwev1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchevents/v1beta1"
	cwlv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchlogs/v1beta1"
	configv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/configservice/v1beta1"
	gdv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/guardduty/v1beta1"
	shv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/securityhub/v1beta1"
	snsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/sns/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

func config(env v1alpha1.Environment, standards ...v1alpha1.ComplianceStandard) *platform.Config {
	return platform.Resolve("payments", &v1alpha1.PlatformSpec{
		Environment: env, Region: "us-west-2", DRRegion: "us-east-1",
		Network:    v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: []string{"us-west-2a", "us-west-2b"}},
		Contacts:   v1alpha1.ContactsSpec{SecurityEmail: "sec@example.com", ComplianceEmail: "grc@example.com", OperationsEmail: "ops@example.com"},
		Compliance: v1alpha1.ComplianceSpec{Standards: standards},
	}, "111122223333")
}

func render(t *testing.T, cfg *platform.Config, observed platform.Observed) map[string]runtime.Object {
	t.Helper()
	return platformtest.Render(t, Tier{}, cfg, observed)
}

func TestTopicsAreEncryptedAndSubscribedToTheirContacts(t *testing.T) {
	rs := render(t, config(v1alpha1.EnvironmentProd), nil)
	for topic, email := range map[string]string{TopicSecurity: "sec@example.com", TopicCompliance: "grc@example.com", TopicOperations: "ops@example.com"} {
		tp := rs[KeyTopic(topic)].(*snsv1beta1.Topic).Spec.ForProvider
		if *tp.KMSMasterKeyID != "alias/paynext/prod/messaging" {
			t.Errorf("%s: want the messaging CMK, got %s", topic, *tp.KMSMasterKeyID)
		}
		if sub := rs[KeyTopic(topic)+"-email"].(*snsv1beta1.TopicSubscription).Spec.ForProvider; *sub.Endpoint != email || *sub.Protocol != "email" {
			t.Errorf("%s: want an e-mail subscription for %s, got %s %s", topic, email, *sub.Protocol, *sub.Endpoint)
		}
		doc, _ := policy.Parse(*rs[KeyTopic(topic)+"-policy"].(*snsv1beta1.TopicPolicy).Spec.ForProvider.Policy)
		for _, s := range doc.Statement {
			if s.Principal.Service != nil && !slices.Equal(s.Condition["StringEquals"]["aws:SourceAccount"], []string{"111122223333"}) {
				t.Errorf("%s: publishing services must act for this account, got %v", topic, s.Condition)
			}
		}
	}
}

func TestTrailRecordsEverythingIntoTheAuditStores(t *testing.T) {
	tr := render(t, config(v1alpha1.EnvironmentStaging), nil)[KeyTrail].(*cloudtrailv1beta1.Trail).Spec.ForProvider
	if !*tr.IsMultiRegionTrail || !*tr.IncludeGlobalServiceEvents || !*tr.EnableLogFileValidation || tr.KMSKeyIDSelector == nil {
		t.Errorf("want a multi-region trail with global events, file validation and the logs CMK, got %+v", tr)
	}
	if *tr.CloudWatchLogsGroupArn != "arn:aws:logs:us-west-2:111122223333:log-group:/aws/paynext/staging/audit:*" {
		t.Errorf("want delivery to the audit log group, got %s", *tr.CloudWatchLogsGroupArn)
	}
	if got := *tr.EventSelector[0].DataResource[0].Values[0]; got != "arn:aws:s3:::paynext-staging-data-111122223333-us-west-2/" {
		t.Errorf("want S3 data events of the data bucket, got %s", got)
	}
	// The DR replicas' reads, which S3 server access logging cannot record
	// from another region; their writes are S3's replication.
	if len(tr.EventSelector) != 2 || *tr.EventSelector[1].ReadWriteType != "ReadOnly" || *tr.EventSelector[1].IncludeManagementEvents ||
		*tr.EventSelector[1].DataResource[0].Values[0] != "arn:aws:s3:::paynext-staging-data-replica-111122223333-us-east-1/" ||
		*tr.EventSelector[1].DataResource[0].Values[1] != "arn:aws:s3:::paynext-staging-audit-replica-111122223333-us-east-1/" {
		t.Errorf("want a read-only selector for the data and audit replicas, got %+v", tr.EventSelector)
	}
	if dev := render(t, config(v1alpha1.EnvironmentDev), nil)[KeyTrail].(*cloudtrailv1beta1.Trail).Spec.ForProvider; len(dev.EventSelector) != 1 {
		t.Errorf("dev has no replicas: want one selector, got %d", len(dev.EventSelector))
	}
}

func TestEveryCISControlHasAFilterAndAnAlarmToTheSecurityTopic(t *testing.T) {
	rs := render(t, config(v1alpha1.EnvironmentProd), nil)
	if len(CISAlarms) != 14 {
		t.Errorf("want the 14 CIS monitoring controls, got %d", len(CISAlarms))
	}
	for _, a := range CISAlarms {
		f, ok := rs["cis-metric-filter-"+a.Name].(*cwlv1beta1.MetricFilter)
		if !ok || f.Spec.ForProvider.LogGroupNameSelector.MatchLabels[platform.LabelResource] != KeyLogGroup("audit") {
			t.Errorf("%s: want a metric filter on the audit log group", a.Name)
		}
		al, ok := rs["cis-alarm-"+a.Name].(*cwv1beta1.MetricAlarm)
		if !ok || *al.Spec.ForProvider.AlarmActions[0] != "arn:aws:sns:us-west-2:111122223333:paynext-prod-security" {
			t.Errorf("%s: want an alarm to the security topic", a.Name)
		}
	}
}

func TestStandardsFollowTheClaim(t *testing.T) {
	for name, tc := range map[string]struct {
		standards []v1alpha1.ComplianceStandard
		pci       bool
	}{
		"PCI": {[]v1alpha1.ComplianceStandard{"pci-dss", "sox"}, true},
		"SOX": {[]v1alpha1.ComplianceStandard{"sox"}, false},
	} {
		t.Run(name, func(t *testing.T) {
			rs := render(t, config(v1alpha1.EnvironmentProd, tc.standards...), nil)
			var subscribed []string
			for _, o := range rs {
				if s, ok := o.(*shv1beta1.StandardsSubscription); ok {
					subscribed = append(subscribed, *s.Spec.ForProvider.StandardsArn)
				}
			}
			hasPCI := slices.ContainsFunc(subscribed, func(a string) bool { return strings.Contains(a, "pci-dss") })
			if len(subscribed) != 2+map[bool]int{true: 1}[tc.pci] || hasPCI != tc.pci {
				t.Errorf("want FSBP and CIS always, PCI DSS %v; got %v", tc.pci, subscribed)
			}
			_, rules := rs["config-rule-vpc-flow-logs-enabled"]
			if rules != tc.pci {
				t.Errorf("want the PCI DSS Config rules %v, got %v", tc.pci, rules)
			}
		})
	}
}

func TestGuardDutyPublishesEvery15MinutesInProd(t *testing.T) {
	for env, want := range map[v1alpha1.Environment]string{v1alpha1.EnvironmentProd: "FIFTEEN_MINUTES", v1alpha1.EnvironmentDev: "SIX_HOURS"} {
		d := render(t, config(env), nil)[KeyDetector].(*gdv1beta1.Detector).Spec.ForProvider
		ds := d.Datasources[0]
		if *d.FindingPublishingFrequency != want || !*ds.S3Logs[0].Enable || !*ds.Kubernetes[0].AuditLogs[0].Enable || !*ds.MalwareProtection[0].ScanEC2InstanceWithFindings[0].EBSVolumes[0].Enable {
			t.Errorf("%s: want S3, EKS audit-log and EBS malware protection, findings %s; got %+v", env, want, d)
		}
	}
}

func TestDashboardAndBudget(t *testing.T) {
	rs := render(t, config(v1alpha1.EnvironmentStaging), nil)
	dash := rs[KeyDashboard].(*cwv1beta1.Dashboard)
	if dash.GetAnnotations()[platform.AnnotationExternalName] != "PayNext-staging-Dashboard" {
		t.Errorf("want the seed's dashboard name, got %v", dash.GetAnnotations())
	}
	var body DashboardBody
	if err := json.Unmarshal([]byte(*dash.Spec.ForProvider.DashboardBody), &body); err != nil {
		t.Fatalf("the dashboard body must be the typed structure's JSON: %v", err)
	}
	var titles []string
	for _, w := range body.Widgets {
		titles = append(titles, w.Properties.Metrics[0][1])
	}
	want := []string{"CPUUtilization", "FreeableMemory", "DatabaseConnections", "AuroraReplicaLagMaximum", "BlockedRequests"}
	if diff := cmp.Diff(want, titles); diff != "" {
		t.Errorf("the dashboard shows what the operational alarms watch (-want +got):\n%s", diff)
	}
	b := rs[KeyBudget].(*budgetsv1beta1.Budget).Spec.ForProvider
	if *b.LimitAmount != "5000" || len(b.Notification) != 2 || *b.Notification[0].Threshold != 80 || *b.Notification[1].Threshold != 100 {
		t.Errorf("want a 5000 USD staging budget alerting at 80%% and 100%%, got %+v", b)
	}
}

func TestNATAlarmsWaitForTheGateways(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd)
	if _, ok := render(t, cfg, nil)["alarm-nat-port-allocation-errors-us-west-2a"]; ok {
		t.Error("a NAT alarm needs the gateway's ID: it must wait until AWS reports it")
	}
	rs := render(t, cfg, platformtest.Observed("nat-gateway-us-west-2a", "ec2.aws.upbound.io/v1beta1", "NATGateway", map[string]any{"id": "nat-0abc"}))
	a, ok := rs["alarm-nat-port-allocation-errors-us-west-2a"].(*cwv1beta1.MetricAlarm)
	if !ok || *a.Spec.ForProvider.Dimensions["NatGatewayId"] != "nat-0abc" {
		t.Error("want the NAT alarm on the observed gateway")
	}
}

func TestLoadBalancerAlarmsWaitForTheLoadBalancer(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd)
	if _, ok := render(t, cfg, nil)["alarm-alb-5xx"]; ok {
		t.Error("ALB alarms name the load balancer by its ARN: they must wait until AWS reports it")
	}
	lb := platformtest.Observed("alb", "elbv2.aws.upbound.io/v1beta1", "LB",
		map[string]any{"arn": "arn:aws:elasticloadbalancing:us-west-2:111122223333:loadbalancer/app/paynext-prod-alb/50dc6c495c0c9188"})
	a, ok := render(t, cfg, lb)["alarm-alb-5xx"].(*cwv1beta1.MetricAlarm)
	if !ok || *a.Spec.ForProvider.Dimensions["LoadBalancer"] != "app/paynext-prod-alb/50dc6c495c0c9188" {
		t.Error("want the 5xx alarm on the observed load balancer")
	}
}

func TestAccountServicesCanBeLeftToTheAccount(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentStaging, "pci-dss")
	cfg.ManageAccountServices = false
	rs := render(t, cfg, nil)
	for _, k := range []string{KeyDetector, KeySecurityHub, KeyConfigRecorder, "config-rule-vpc-flow-logs-enabled"} {
		if _, ok := rs[k]; ok {
			t.Errorf("%s rendered, but the account's services are external", k)
		}
	}
	if _, ok := rs["eventbridge-rule-guardduty-high-severity"]; !ok {
		t.Error("findings must still reach the security topic")
	}
}

// TestConfigNotifiesThroughEventBridge: AWS Config does not support
// encrypted SNS topics (sns-topic-policy.html), and every platform topic is
// encrypted, so the delivery channel names no topic and AWS Config does not
// publish to one; an EventBridge rule sends AWS Config's NON_COMPLIANT
// evaluations to the compliance topic, even when the account's Config is
// someone else's.
func TestConfigNotifiesThroughEventBridge(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "pci-dss")
	rs := render(t, cfg, nil)
	dc := rs[keyConfigChannel].(*configv1beta1.DeliveryChannel).Spec.ForProvider
	if dc.SnsTopicArn != nil {
		t.Errorf("the delivery channel names the topic %s, which AWS Config cannot publish to while it is encrypted", *dc.SnsTopicArn)
	}
	doc, _ := policy.Parse(*rs[KeyTopic(TopicCompliance)+"-policy"].(*snsv1beta1.TopicPolicy).Spec.ForProvider.Policy)
	for _, st := range doc.Statement {
		if st.Principal != nil && slices.Contains(st.Principal.Service, "config.amazonaws.com") {
			t.Errorf("the compliance topic still admits AWS Config as a publisher (%s)", st.Sid)
		}
	}
	external := config(v1alpha1.EnvironmentProd, "pci-dss")
	external.ManageAccountServices = false
	for name, rs := range map[string]map[string]runtime.Object{"Managed": rs, "External": render(t, external, nil)} {
		rule, ok := rs["eventbridge-rule-config-noncompliant"].(*cwev1beta1.Rule)
		if !ok {
			t.Fatalf("%s: no EventBridge rule for AWS Config's noncompliance", name)
		}
		var pattern struct {
			Source     []string `json:"source"`
			DetailType []string `json:"detail-type"`
			Detail     struct {
				NewEvaluationResult struct {
					ComplianceType []string `json:"complianceType"`
				} `json:"newEvaluationResult"`
			} `json:"detail"`
		}
		if err := json.Unmarshal([]byte(*rule.Spec.ForProvider.EventPattern), &pattern); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(pattern.Source, []string{"aws.config"}) || !slices.Equal(pattern.DetailType, []string{"Config Rules Compliance Change"}) ||
			!slices.Equal(pattern.Detail.NewEvaluationResult.ComplianceType, []string{"NON_COMPLIANT"}) {
			t.Errorf("%s: want AWS Config's compliance changes to NON_COMPLIANT, got %s", name, *rule.Spec.ForProvider.EventPattern)
		}
		target := rs["eventbridge-rule-config-noncompliant-target"].(*cwev1beta1.Target).Spec.ForProvider
		if *target.Arn != TopicARN(cfg, TopicCompliance) {
			t.Errorf("%s: want the compliance topic as target, got %s", name, *target.Arn)
		}
	}
}
