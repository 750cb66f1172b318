package monitoring

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	budgetsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/budgets/v1beta1"
	cwv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatch/v1beta1"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/database"
	"github.com/paynext/platform/functions/platform/internal/kubernetes"
	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// Operations keys.
const (
	KeyDashboard = "cloudwatch-dashboard"
	KeyBudget    = "budget-monthly"
)

// Thresholds of the operational alarms.
type Thresholds struct {
	AuroraCPUPercent      float64
	AuroraFreeMemoryBytes float64
	AuroraConnections     float64
	AuroraReplicaLagMs    float64
	WAFBlockedPer5Min     float64
}

// ThresholdsFor the environment: prod pages earlier.
func ThresholdsFor(env v1alpha1.Environment) Thresholds {
	if env == v1alpha1.EnvironmentProd {
		return Thresholds{AuroraCPUPercent: 70, AuroraFreeMemoryBytes: 1 << 30, AuroraConnections: 800, AuroraReplicaLagMs: 1000, WAFBlockedPer5Min: 500}
	}
	return Thresholds{AuroraCPUPercent: 85, AuroraFreeMemoryBytes: 256 << 20, AuroraConnections: 400, AuroraReplicaLagMs: 5000, WAFBlockedPer5Min: 2000}
}

func operations(cfg *platform.Config, observed platform.Observed) []platform.Resource {
	t := ThresholdsFor(cfg.Environment)
	cluster := map[string]string{"DBClusterIdentifier": database.ClusterIdentifier(cfg)}
	waf := map[string]string{"WebACL": security.WebACLName(cfg), "Region": cfg.Region, "Rule": "ALL"}
	alarms := []alarmSpec{
		{name: "aurora-cpu", description: "Aurora CPU above " + fmtF(t.AuroraCPUPercent) + "%", namespace: "AWS/RDS", metric: "CPUUtilization", statistic: "Average", period: 300, threshold: t.AuroraCPUPercent, comparison: "GreaterThanThreshold", dimensions: cluster},
		{name: "aurora-freeable-memory", description: "Aurora freeable memory low", namespace: "AWS/RDS", metric: "FreeableMemory", statistic: "Minimum", period: 300, threshold: t.AuroraFreeMemoryBytes, comparison: "LessThanThreshold", dimensions: cluster},
		{name: "aurora-connections", description: "Aurora connections high", namespace: "AWS/RDS", metric: "DatabaseConnections", statistic: "Maximum", period: 300, threshold: t.AuroraConnections, comparison: "GreaterThanThreshold", dimensions: cluster},
		{name: "aurora-replica-lag", description: "Aurora replica lag high", namespace: "AWS/RDS", metric: "AuroraReplicaLagMaximum", statistic: "Maximum", period: 300, threshold: t.AuroraReplicaLagMs, comparison: "GreaterThanThreshold", dimensions: cluster},
		{name: "waf-blocked-requests", description: "WAF blocking an unusual number of requests", namespace: "AWS/WAFV2", metric: "BlockedRequests", statistic: "Sum", period: 300, threshold: t.WAFBlockedPer5Min, comparison: "GreaterThanThreshold", dimensions: waf},
	}
	// NAT gateway alarms need the gateways' IDs: they render once observed.
	for _, z := range cfg.Zones {
		var nat ec2v1beta1.NATGateway
		if observed.Get(network.KeyNATGateway(z.Name), &nat) && nat.Status.AtProvider.ID != nil {
			alarms = append(alarms, alarmSpec{
				name: "nat-port-allocation-errors-" + z.Name, description: "NAT gateway in " + z.Name + " cannot allocate source ports",
				namespace: "AWS/NATGateway", metric: "ErrorPortAllocation", statistic: "Sum", period: 300, threshold: 1,
				comparison: "GreaterThanOrEqualToThreshold", dimensions: map[string]string{"NatGatewayId": *nat.Status.AtProvider.ID},
			})
		}
	}
	alarms = append(alarms, loadBalancerAlarms(observed)...)
	var rs []platform.Resource
	for _, a := range alarms {
		a.topic = TopicOperations
		rs = append(rs, platform.Resource{Key: "alarm-" + a.name, Object: alarm(cfg, "alarm-"+a.name, a)})
	}
	body, err := json.Marshal(Dashboard(cfg, alarms))
	if err != nil {
		panic(err) // typed structs of strings and numbers always marshal
	}
	rs = append(rs,
		platform.Resource{Key: KeyDashboard, Object: &cwv1beta1.Dashboard{
			ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, KeyDashboard, DashboardName(cfg)),
			Spec: cwv1beta1.DashboardSpec{ForProvider: cwv1beta1.DashboardParameters{
				Region: ptr.To(cfg.Region), DashboardBody: ptr.To(string(body)),
			}},
		}},
		platform.Resource{Key: KeyBudget, Object: budget(cfg)},
	)
	return rs
}

// loadBalancerAlarms watch the ALB's 5xx responses and its unhealthy targets.
// CloudWatch names a load balancer and a target group by the ends of their
// ARNs, so these render once AWS reports them.
func loadBalancerAlarms(observed platform.Observed) []alarmSpec {
	var lb elbv2v1beta1.LB
	if !observed.Get(kubernetes.KeyLoadBalancer, &lb) || lb.Status.AtProvider.Arn == nil {
		return nil
	}
	_, lbName, ok := strings.Cut(*lb.Status.AtProvider.Arn, ":loadbalancer/")
	if !ok {
		return nil
	}
	alarms := []alarmSpec{{
		name: "alb-5xx", description: "The load balancer answers with 5xx errors", namespace: "AWS/ApplicationELB",
		metric: "HTTPCode_ELB_5XX_Count", statistic: "Sum", period: 300, threshold: 10, comparison: "GreaterThanThreshold",
		dimensions: map[string]string{"LoadBalancer": lbName},
	}}
	var tg elbv2v1beta1.LBTargetGroup
	if observed.Get(kubernetes.KeyTargetGroup, &tg) && tg.Status.AtProvider.Arn != nil {
		if i := strings.Index(*tg.Status.AtProvider.Arn, "targetgroup/"); i >= 0 {
			alarms = append(alarms, alarmSpec{
				name: "alb-unhealthy-targets", description: "The ingress target group has unhealthy targets", namespace: "AWS/ApplicationELB",
				metric: "UnHealthyHostCount", statistic: "Maximum", period: 60, threshold: 0, comparison: "GreaterThanThreshold",
				dimensions: map[string]string{"LoadBalancer": lbName, "TargetGroup": (*tg.Status.AtProvider.Arn)[i:]},
			})
		}
	}
	return alarms
}

// DashboardName is the seed's PayNext-<environment>-Dashboard.
func DashboardName(cfg *platform.Config) string {
	return "PayNext-" + cfg.Deployment() + "-Dashboard"
}

// DashboardBody is a CloudWatch dashboard.
type DashboardBody struct {
	Widgets []Widget `json:"widgets"`
}

// Widget is one metric graph.
type Widget struct {
	Type       string           `json:"type"`
	X          int              `json:"x"`
	Y          int              `json:"y"`
	Width      int              `json:"width"`
	Height     int              `json:"height"`
	Properties WidgetProperties `json:"properties"`
}

// WidgetProperties of a metric widget. Each metric is [namespace, name,
// dimension, value, …].
type WidgetProperties struct {
	Title   string     `json:"title"`
	Region  string     `json:"region"`
	Stat    string     `json:"stat"`
	Period  int        `json:"period"`
	View    string     `json:"view"`
	Metrics [][]string `json:"metrics"`
}

// Dashboard shows every metric the operational alarms watch, two widgets a row.
func Dashboard(cfg *platform.Config, alarms []alarmSpec) DashboardBody {
	var d DashboardBody
	for i, a := range alarms {
		metric := []string{a.namespace, a.metric}
		for _, k := range sortedDimensionKeys(a.dimensions) {
			metric = append(metric, k, a.dimensions[k])
		}
		d.Widgets = append(d.Widgets, Widget{
			Type: "metric", X: (i % 2) * 12, Y: (i / 2) * 6, Width: 12, Height: 6,
			Properties: WidgetProperties{Title: a.description, Region: cfg.Region, Stat: a.statistic, Period: int(a.period), View: "timeSeries", Metrics: [][]string{metric}},
		})
	}
	return d
}

// budget alerts the operations topic and the compliance contact at 80% and
// 100% of the month's actual cost.
func budget(cfg *platform.Config) *budgetsv1beta1.Budget {
	b := &budgetsv1beta1.Budget{
		ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, KeyBudget, cfg.Prefix()+"-monthly"),
		Spec: budgetsv1beta1.BudgetSpec{ForProvider: budgetsv1beta1.BudgetParameters{
			AccountID:   ptr.To(cfg.AccountID),
			BudgetType:  ptr.To("COST"),
			TimeUnit:    ptr.To("MONTHLY"),
			LimitAmount: ptr.To(strconv.FormatInt(cfg.MonthlyBudgetUSD, 10)),
			LimitUnit:   ptr.To("USD"),
			Tags:        cfg.Tags(platform.TierMonitoring, cfg.Prefix()+"-monthly"),
		}},
	}
	for _, pct := range []float64{80, 100} {
		b.Spec.ForProvider.Notification = append(b.Spec.ForProvider.Notification, budgetsv1beta1.NotificationParameters{
			ComparisonOperator:       ptr.To("GREATER_THAN"),
			NotificationType:         ptr.To("ACTUAL"),
			Threshold:                ptr.To(pct),
			ThresholdType:            ptr.To("PERCENTAGE"),
			SubscriberEmailAddresses: []*string{ptr.To(cfg.ComplianceEmail)},
			SubscriberSnsTopicArns:   []*string{ptr.To(TopicARN(cfg, TopicOperations))},
		})
	}
	return b
}

func fmtF(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func sortedDimensionKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
