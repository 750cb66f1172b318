package awsrules

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	gEC2        = "ec2.aws.upbound.io"
	gCloudWatch = "cloudwatch.aws.upbound.io"
)

// SelectedByLabels is every resource of group/kind whose labels include the
// matchLabels of the selector at path (under spec.forProvider).
func (r *Render) SelectedByLabels(o *unstructured.Unstructured, group, kind string, path ...any) []*unstructured.Unstructured {
	ml, _ := FP(o, append(path, "matchLabels")...).(map[string]any)
	if len(ml) == 0 {
		return nil
	}
	var out []*unstructured.Unstructured
	for _, c := range r.Of(group, kind) {
		l := c.GetLabels()
		if !allMatch(ml, func(k string, v any) bool { s, _ := v.(string); return l[k] == s }) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func allMatch(m map[string]any, f func(string, any) bool) bool {
	for k, v := range m {
		if !f(k, v) {
			return false
		}
	}
	return true
}

// zones is the distinct availability zones of subnets.
func zones(subnets []*unstructured.Unstructured) []string {
	var out []string
	for _, s := range subnets {
		if z := FPString(s, "availabilityZone"); z != "" && !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	slices.Sort(out)
	return out
}

// twoZones checks the subnets a resource names, by their IDs in the field
// literal (under spec.forProvider) or, while it has none, by the selector
// beside it.
func twoZones(id, group, kind, literal, selector string) func(*Render) []Violation {
	return func(r *Render) []Violation {
		var out []Violation
		for _, o := range r.Of(group, kind) {
			field, subnets := "spec.forProvider."+selector, r.SelectedByLabels(o, gEC2, "Subnet", selector)
			if ids, _ := FP(o, literal).([]any); len(ids) > 0 {
				field, subnets = "spec.forProvider."+literal, r.subnetsByID(ids)
			}
			if z := zones(subnets); len(z) < 2 {
				out = append(out, violation(id, o, field, fmt.Sprint(z), "the named subnets span fewer than two Availability Zones"))
			}
		}
		return out
	}
}

// subnetsByID is the rendered subnets whose ID AWS reports is one of ids.
func (r *Render) subnetsByID(ids []any) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, s := range r.Of(gEC2, "Subnet") {
		id, _, _ := unstructured.NestedString(s.Object, "status", "atProvider", "id")
		if id != "" && slices.Contains(ids, any(id)) {
			out = append(out, s)
		}
	}
	return out
}

func networkRules() []Rule {
	return []Rule{{
		ID:    "vpc-subnet-cidr",
		Kinds: []string{gEC2 + "/VPC", gEC2 + "/Subnet"},
		URL:   "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html",
		Doc: "A subnet CIDR block must not overlap the CIDR block of an existing subnet in the VPC. The allowed size for an IPv4 subnet is between a /28 netmask " +
			"and a /16 netmask (CreateVpc: the smallest VPC uses a /28 netmask, the largest a /16); a subnet's block is the VPC's or a subset of it.",
		Check: func(r *Render) []Violation {
			var out []Violation
			sized := func(o *unstructured.Unstructured) (netip.Prefix, bool) {
				p, err := netip.ParsePrefix(FPString(o, "cidrBlock"))
				if err != nil || p.Bits() < 16 || p.Bits() > 28 {
					out = append(out, violation("vpc-subnet-cidr", o, "spec.forProvider.cidrBlock", FPString(o, "cidrBlock"), "not an IPv4 block between /16 and /28"))
					return p, false
				}
				return p, true
			}
			for _, v := range r.Of(gEC2, "VPC") {
				vp, ok := sized(v)
				var seen []netip.Prefix
				for _, s := range r.Of(gEC2, "Subnet") {
					if r.Selected(s, "vpcIdSelector") != v {
						continue
					}
					sp, sok := sized(s)
					if !sok {
						continue
					}
					if ok && !(vp.Contains(sp.Addr()) && sp.Bits() >= vp.Bits()) {
						out = append(out, violation("vpc-subnet-cidr", s, "spec.forProvider.cidrBlock", sp.String(), "outside the VPC's "+vp.String()))
					}
					if i := slices.IndexFunc(seen, sp.Overlaps); i >= 0 {
						out = append(out, violation("vpc-subnet-cidr", s, "spec.forProvider.cidrBlock", sp.String(), "overlaps "+seen[i].String()))
					}
					seen = append(seen, sp)
				}
			}
			return out
		},
	}, {
		ID:    "db-subnet-group-two-zones",
		Kinds: []string{gRDS + "/SubnetGroup", gEC2 + "/Subnet"},
		URL:   "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
		Doc:   "DB subnet groups must contain at least one subnet in at least two AZs in the AWS Region (DBSubnetGroupDoesNotCoverEnoughAZs).",
		Check: twoZones("db-subnet-group-two-zones", gRDS, "SubnetGroup", "subnetIds", "subnetIdSelector"),
	}, {
		ID:    "alb-two-zones",
		Kinds: []string{gELB + "/LB", gEC2 + "/Subnet"},
		URL:   "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSubnets.html",
		Doc:   "[Application Load Balancers] You must specify subnets from at least two Availability Zones.",
		Check: twoZones("alb-two-zones", gELB, "LB", "subnets", "subnetSelector"),
	}, {
		ID:    "metric-alarm-period",
		Kinds: []string{gCloudWatch + "/MetricAlarm"},
		URL:   "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
		Doc: "Period: valid values are 10, 20, 30, and any multiple of 60. Period multiplied by EvaluationPeriods can't be more than 604,800 seconds; " +
			"for alarms with a period of less than one hour, the total evaluation period can't be longer than one day (86,400 seconds).",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, a := range r.Of(gCloudWatch, "MetricAlarm") {
				p, ok := FPInt(a, "period")
				if !ok {
					continue // metric math alarms set the period per metric
				}
				if !(p == 10 || p == 20 || p == 30 || (p > 0 && p%60 == 0)) {
					out = append(out, violation("metric-alarm-period", a, "spec.forProvider.period", fmt.Sprint(p), "not 10, 20, 30 or a multiple of 60"))
					continue
				}
				n, _ := FPInt(a, "evaluationPeriods")
				limit := int64(604800)
				if p < 3600 {
					limit = 86400
				}
				if p*n > limit {
					out = append(out, violation("metric-alarm-period", a, "spec.forProvider.evaluationPeriods", fmt.Sprint(n),
						fmt.Sprintf("%d periods of %ds exceed %ds", n, p, limit)))
				}
			}
			return out
		},
	}}
}

func dependencyRules() []Rule {
	return []Rule{{
		ID:    "vpc-endpoint-private-dns",
		Kinds: []string{gEC2 + "/VPCEndpoint", gEC2 + "/VPC"},
		URL:   "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html",
		Doc:   "PrivateDnsEnabled (interface endpoint): to use a private hosted zone, you must set the following VPC attributes to true: enableDnsHostnames and enableDnsSupport.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, e := range r.Of(gEC2, "VPCEndpoint") {
				v := r.Selected(e, "vpcIdSelector")
				if !FPBool(e, "privateDnsEnabled") || v == nil {
					continue
				}
				for _, attr := range []string{"enableDnsHostnames", "enableDnsSupport"} {
					if !FPBool(v, attr) {
						out = append(out, violation("vpc-endpoint-private-dns", v, "spec.forProvider."+attr, "false",
							"the interface endpoint "+Key(e)+" enables private DNS"))
					}
				}
			}
			return out
		},
	}, {
		ID:    "eks-access-entries-auth-mode",
		Kinds: []string{gEKS + "/AccessEntry", gEKS + "/Cluster"},
		URL:   "https://docs.aws.amazon.com/eks/latest/userguide/setting-up-access-entries.html",
		Doc:   "To begin using access entries, you must change the authentication mode of the cluster to either the API_AND_CONFIG_MAP or API modes.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, ae := range r.Of(gEKS, "AccessEntry") {
				c := r.Selected(ae, "clusterNameSelector")
				if c == nil {
					continue
				}
				if m := FPString(c, "accessConfig", 0, "authenticationMode"); m != "API" && m != "API_AND_CONFIG_MAP" {
					out = append(out, violation("eks-access-entries-auth-mode", c, "spec.forProvider.accessConfig[0].authenticationMode", m,
						"the access entry "+Key(ae)+" needs the EKS API authentication mode"))
				}
			}
			return out
		},
	}, {
		ID:    "eks-secrets-key-same-region",
		Kinds: []string{gEKS + "/Cluster"},
		URL:   "https://github.com/awsdocs/amazon-eks-user-guide/blob/mainline/latest/ug/security/enable-kms.adoc",
		Doc:   "EKS secrets encryption: the KMS key must be symmetric, able to encrypt and decrypt data, and created in the same AWS Region as the cluster.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, c := range r.Of(gEKS, "Cluster") {
				for i := range listLen(FP(c, "encryptionConfig")) {
					arn := FPString(c, "encryptionConfig", i, "provider", 0, "keyArn")
					if parts := strings.Split(arn, ":"); len(parts) >= 6 && parts[3] != FPString(c, "region") {
						out = append(out, violation("eks-secrets-key-same-region", c, fmt.Sprintf("spec.forProvider.encryptionConfig[%d].provider[0].keyArn", i), arn,
							"the key is in "+parts[3]+", the cluster in "+FPString(c, "region")))
					}
				}
			}
			return out
		},
	}, {
		ID:    "flow-log-cloudwatch-role",
		Kinds: []string{gEC2 + "/FlowLog"},
		URL:   "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html",
		Doc:   "DeliverLogsPermissionArn: the ARN of the IAM role that allows Amazon EC2 to publish flow logs to the log destination. This parameter is required if the destination type is cloud-watch-logs.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, f := range r.Of(gEC2, "FlowLog") {
				t := FPString(f, "logDestinationType")
				if (t == "" || t == "cloud-watch-logs") && FPString(f, "iamRoleArn") == "" && FP(f, "iamRoleArnSelector") == nil && FP(f, "iamRoleArnRef") == nil {
					out = append(out, violation("flow-log-cloudwatch-role", f, "spec.forProvider.iamRoleArn", "", "a flow log to CloudWatch Logs names no delivery role"))
				}
			}
			return out
		},
	}}
}
