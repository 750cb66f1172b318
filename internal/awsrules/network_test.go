package awsrules

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

func vpc(cidr string) *unstructured.Unstructured {
	return mr(gEC2, "VPC", "vpc", map[string]any{"cidrBlock": cidr})
}

func subnet(key, tier, zone, cidr string) *unstructured.Unstructured {
	s := mr(gEC2, "Subnet", key, map[string]any{"availabilityZone": zone, "cidrBlock": cidr, "vpcIdSelector": sel("vpc")})
	l := s.GetLabels()
	l["platform.paynext.io/subnet-tier"] = tier
	s.SetLabels(l)
	return s
}

// observedSubnet is a subnet as AWS reports it, with its ID.
func observedSubnet(key, tier, zone, cidr string) *unstructured.Unstructured {
	s := subnet(key, tier, zone, cidr)
	_ = unstructured.SetNestedField(s.Object, "subnet-"+key, "status", "atProvider", "id")
	return s
}

func tierSel(tier string) map[string]any {
	return map[string]any{"matchLabels": map[string]any{"platform.paynext.io/subnet-tier": tier}}
}

func alarm(period, n int64) *unstructured.Unstructured {
	return mr(gCloudWatch, "MetricAlarm", "alarm", map[string]any{"period": period, "evaluationPeriods": n})
}

func init() {
	dbGroup := mr(gRDS, "SubnetGroup", "db-subnets", map[string]any{"subnetIdSelector": tierSel("database")})
	alb := mr(gELB, "LB", "alb", map[string]any{"subnetSelector": tierSel("public")})
	for id, cases := range map[string][]ruleCase{
		"vpc-subnet-cidr": {{
			name:   "disjoint subnets inside the VPC",
			render: NewRender([]*unstructured.Unstructured{vpc("10.0.0.0/16"), subnet("a", "private", "z1", "10.0.0.0/19"), subnet("b", "private", "z2", "10.0.32.0/19")}),
		}, {
			name: "overlapping, outside, too small",
			render: NewRender([]*unstructured.Unstructured{vpc("10.0.0.0/16"), subnet("a", "private", "z1", "10.0.0.0/19"),
				subnet("b", "private", "z2", "10.0.16.0/20"), subnet("c", "private", "z3", "10.1.0.0/20"), subnet("d", "private", "z3", "10.0.64.0/29")}),
			want: []Violation{
				{Rule: "vpc-subnet-cidr", Resource: "b", Field: "spec.forProvider.cidrBlock", Value: "10.0.16.0/20"},
				{Rule: "vpc-subnet-cidr", Resource: "c", Field: "spec.forProvider.cidrBlock", Value: "10.1.0.0/20"},
				{Rule: "vpc-subnet-cidr", Resource: "d", Field: "spec.forProvider.cidrBlock", Value: "10.0.64.0/29"}},
		}},
		"db-subnet-group-two-zones": {{
			name:   "two zones",
			render: NewRender([]*unstructured.Unstructured{dbGroup, subnet("a", "database", "z1", "10.0.0.0/24"), subnet("b", "database", "z2", "10.0.1.0/24")}),
		}, {
			name: "one zone",
			render: NewRender([]*unstructured.Unstructured{dbGroup, subnet("a", "database", "z1", "10.0.0.0/24"), subnet("b", "database", "z1", "10.0.1.0/24"),
				subnet("c", "private", "z2", "10.0.2.0/24")}),
			want: []Violation{{Rule: "db-subnet-group-two-zones", Resource: "db-subnets", Field: "spec.forProvider.subnetIdSelector", Value: "[z1]"}},
		}, {
			name: "observed IDs of two zones",
			render: NewRender([]*unstructured.Unstructured{mr(gRDS, "SubnetGroup", "db-subnets", map[string]any{"subnetIds": []any{"subnet-a", "subnet-b"}}),
				observedSubnet("a", "database", "z1", "10.0.0.0/24"), observedSubnet("b", "database", "z2", "10.0.1.0/24")}),
		}, {
			name: "observed IDs of one zone, though the tier spans two",
			render: NewRender([]*unstructured.Unstructured{mr(gRDS, "SubnetGroup", "db-subnets", map[string]any{"subnetIds": []any{"subnet-a"}, "subnetIdSelector": tierSel("database")}),
				observedSubnet("a", "database", "z1", "10.0.0.0/24"), observedSubnet("b", "database", "z2", "10.0.1.0/24")}),
			want: []Violation{{Rule: "db-subnet-group-two-zones", Resource: "db-subnets", Field: "spec.forProvider.subnetIds", Value: "[z1]"}},
		}},
		"alb-two-zones": {{
			name:   "two zones",
			render: NewRender([]*unstructured.Unstructured{alb, subnet("a", "public", "z1", "10.0.0.0/24"), subnet("b", "public", "z2", "10.0.1.0/24")}),
		}, {
			name:   "one zone",
			render: NewRender([]*unstructured.Unstructured{alb, subnet("a", "public", "z1", "10.0.0.0/24")}),
			want:   []Violation{{Rule: "alb-two-zones", Resource: "alb", Field: "spec.forProvider.subnetSelector", Value: "[z1]"}},
		}},
		"metric-alarm-period": {{
			name:   "five minutes, a day of them",
			render: NewRender([]*unstructured.Unstructured{alarm(300, 288)}),
		}, {
			name:   "45 seconds",
			render: NewRender([]*unstructured.Unstructured{alarm(45, 1)}),
			want:   []Violation{{Rule: "metric-alarm-period", Resource: "alarm", Field: "spec.forProvider.period", Value: "45"}},
		}, {
			name:   "more than a day of five-minute periods",
			render: NewRender([]*unstructured.Unstructured{alarm(300, 289)}),
			want:   []Violation{{Rule: "metric-alarm-period", Resource: "alarm", Field: "spec.forProvider.evaluationPeriods", Value: "289"}},
		}},
	} {
		ruleCases[id] = cases
	}
}

func init() {
	endpoint := mr(gEC2, "VPCEndpoint", "endpoint-ssm", map[string]any{"privateDnsEnabled": true, "vpcIdSelector": sel("vpc")})
	cluster := func(mode string) *unstructured.Unstructured {
		return mr(gEKS, "Cluster", "eks", map[string]any{"accessConfig": []any{map[string]any{"authenticationMode": mode}}}, named("paynext-cluster-dev"))
	}
	entry := mr(gEKS, "AccessEntry", "entry", map[string]any{"clusterNameSelector": sel("eks")})
	flowLog := func(fp map[string]any) *unstructured.Unstructured {
		fp["logDestinationType"] = "cloud-watch-logs"
		return mr(gEC2, "FlowLog", "flow-log", fp)
	}
	for id, cases := range map[string][]ruleCase{
		"vpc-endpoint-private-dns": {{
			name:   "DNS hostnames and support",
			render: NewRender([]*unstructured.Unstructured{endpoint, mr(gEC2, "VPC", "vpc", map[string]any{"enableDnsHostnames": true, "enableDnsSupport": true})}),
		}, {
			name:   "no DNS hostnames",
			render: NewRender([]*unstructured.Unstructured{endpoint, mr(gEC2, "VPC", "vpc", map[string]any{"enableDnsSupport": true})}),
			want:   []Violation{{Rule: "vpc-endpoint-private-dns", Resource: "vpc", Field: "spec.forProvider.enableDnsHostnames", Value: "false"}},
		}},
		"eks-access-entries-auth-mode": {{
			name:   "API",
			render: NewRender([]*unstructured.Unstructured{cluster("API"), entry}),
		}, {
			name:   "CONFIG_MAP",
			render: NewRender([]*unstructured.Unstructured{cluster("CONFIG_MAP"), entry}),
			want:   []Violation{{Rule: "eks-access-entries-auth-mode", Resource: "eks", Field: "spec.forProvider.accessConfig[0].authenticationMode", Value: "CONFIG_MAP"}},
		}},
		"flow-log-cloudwatch-role": {{
			name:   "a role",
			render: NewRender([]*unstructured.Unstructured{flowLog(map[string]any{"iamRoleArnSelector": sel("flow-log-role")})}),
		}, {
			name:   "no role",
			render: NewRender([]*unstructured.Unstructured{flowLog(map[string]any{})}),
			want:   []Violation{{Rule: "flow-log-cloudwatch-role", Resource: "flow-log", Field: "spec.forProvider.iamRoleArn", Value: ""}},
		}},
	} {
		ruleCases[id] = cases
	}
}

func init() {
	secret := func(days int64) *Render {
		return NewRender([]*unstructured.Unstructured{mr("secretsmanager.aws.upbound.io", "Secret", "secret", map[string]any{"recoveryWindowInDays": days})})
	}
	ruleCases["secret-recovery-window"] = []ruleCase{
		{name: "30 days", render: secret(30)},
		{name: "forced deletion", render: secret(0)},
		{name: "3 days", render: secret(3),
			want: []Violation{{Rule: "secret-recovery-window", Resource: "secret", Field: "spec.forProvider.recoveryWindowInDays", Value: "3"}}},
	}
}
