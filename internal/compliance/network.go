package compliance

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/internal/awsrules"
)

var hipaaTransmission = []string{"164.312(e)(1)"}

var networkControls = []Control{{
	ID: "default-security-group-closed", Title: "The VPC's default security group allows no traffic", Severity: High,
	Refs: Refs{PCI: []string{"1.3.1"}, CIS: "5.5", Checkov: []string{"CKV2_AWS_12"}, ConfigRule: "vpc-default-security-group-closed", HIPAA: hipaaTransmission},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, v := range s.Of(gEC2, "VPC") {
			dsgs := s.SelectingThis(v, gEC2, "DefaultSecurityGroup", "vpcIdSelector")
			if len(dsgs) == 0 {
				out = append(out, missing(v, "DefaultSecurityGroup", "the default security group keeps AWS's allow-all rules"))
				continue
			}
			for _, dir := range []string{"ingress", "egress"} {
				out = append(out, at(dsgs[0], len(fpList(dsgs[0], dir)) == 0, "the default security group has rules", dir))
			}
		}
		return out, "no VPC is rendered"
	},
}, {
	ID: "no-internet-admin-ports", Title: "Nothing admits 0.0.0.0/0 or ::/0 to SSH (22) or RDP (3389)", Severity: Critical,
	Refs: Refs{PCI: []string{"1.3.1"}, CIS: "5.3", Checkov: []string{"CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"}, ConfigRule: "restricted-ssh", HIPAA: hipaaTransmission},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, r := range internetIngress(s) {
			covers := r.all || (r.from <= 22 && 22 <= r.to) || (r.from <= 3389 && 3389 <= r.to)
			out = append(out, Evidence{Resource: r.key, Field: r.field, Value: r.String(), OK: !covers, Why: "admits the internet to an administration port"})
		}
		return out, "nothing admits the internet"
	},
}, {
	ID: "internet-ingress-web-only", Title: "The internet reaches only HTTPS (and HTTP, redirected) and replies on ephemeral ports", Severity: High,
	Refs: Refs{PCI: []string{"1.3.1", "1.4.2"}, ConfigRule: "restricted-common-ports", HIPAA: hipaaTransmission},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, r := range internetIngress(s) {
			web := !r.all && r.from == r.to && (r.from == 80 || r.from == 443)
			// A network ACL is stateless (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html):
			// replies to the platform's own
			// outbound connections come back on ephemeral ports, so a NACL
			// admits ranges above 1023 that reach the top of the range.
			replies := r.nacl && !r.all && r.from >= 1024 && r.to-r.from >= 1000 && (r.from == 1024 || r.to == 65535)
			out = append(out, Evidence{Resource: r.key, Field: r.field, Value: r.String(), OK: web || replies, Why: "admits the internet to a port that is neither web nor a reply"})
		}
		return out, "nothing admits the internet"
	},
}, {
	ID: "no-auto-public-ip", Title: "Subnets do not give instances public IPs", Severity: High,
	Refs: Refs{PCI: []string{"1.3.1", "1.4.4"}, Checkov: []string{"CKV_AWS_130"}, ConfigRule: "subnet-auto-assign-public-ip-disabled"},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, sn := range s.Of(gEC2, "Subnet") {
			out = append(out, at(sn, !fpBool(sn, "mapPublicIpOnLaunch"), "", "mapPublicIpOnLaunch"))
		}
		return out, "no subnet is rendered"
	},
}, {
	ID: "waf-on-alb", Title: "A logged WAF web ACL protects every internet-facing load balancer", Severity: High,
	Refs: Refs{PCI: []string{"6.4.2", "10.2.1"}, Checkov: []string{"CKV2_AWS_28", "CKV2_AWS_31", "CKV2_AWS_76"}, ConfigRule: "alb-waf-enabled"},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, lb := range s.Of(gELB, "LB") {
			if fpBool(lb, "internal") {
				continue
			}
			name := fpString(lb, "name")
			var acl *unstructured.Unstructured
			for _, a := range s.Of(gWAF, "WebACLAssociation") {
				if s.Selected(a, "resourceArnSelector") == lb || (name != "" && strings.Contains(fpString(a, "resourceArn"), ":loadbalancer/app/"+name+"/")) {
					acl = s.Selected(a, "webAclArnSelector")
				}
			}
			if acl == nil {
				out = append(out, missing(lb, "WebACLAssociation", "no web ACL is associated with the load balancer"))
				continue
			}
			out = append(out, Evidence{Resource: awsrules.Key(lb), Field: "WebACLAssociation", Value: awsrules.Key(acl), OK: true})
			logging := s.SelectingThis(acl, gWAF, "WebACLLoggingConfiguration", "resourceArnSelector")
			if len(logging) == 0 {
				out = append(out, missing(acl, "WebACLLoggingConfiguration", "the web ACL is not logged"))
				continue
			}
			dst := fpStrings(logging[0], "logDestinationConfigs")
			out = append(out, at(logging[0], len(dst) == 1 && strings.Contains(dst[0], ":log-group:aws-waf-logs-"),
				"WAF logs only to a log group named aws-waf-logs-*", "logDestinationConfigs"))
		}
		return out, "no internet-facing load balancer is rendered"
	},
	URL: "https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html",
}, {
	ID: "alb-tls", Title: "The load balancer speaks TLS 1.2 or later, redirects HTTP to HTTPS and drops invalid headers", Severity: High,
	Refs: Refs{PCI: []string{"4.2.1"}, Checkov: []string{"CKV_AWS_103", "CKV2_AWS_20", "CKV_AWS_131"}, ConfigRule: "alb-http-to-https-redirection-check",
		GDPR: gdprEncryption, HIPAA: hipaaTransmission},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, lb := range s.Of(gELB, "LB") {
			out = append(out, equals(lb, true, "", "dropInvalidHeaderFields"))
			for _, l := range s.SelectingThis(lb, gELB, "LBListener", "loadBalancerArnSelector") {
				switch fpString(l, "protocol") {
				case "HTTPS":
					// ELB names its policies by minimum protocol:
					// ELBSecurityPolicy-TLS13-1-2-…, -TLS-1-2-…, -FS-1-2-….
					// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
					p := fpString(l, "sslPolicy")
					out = append(out, at(l, strings.Contains(p, "-1-2-") || strings.Contains(p, "-1-3-") || strings.Contains(p, "TLS-1-2"), "the policy admits TLS below 1.2", "sslPolicy"))
				case "HTTP":
					ok := fpString(l, "defaultAction", 0, "type") == "redirect" && fpString(l, "defaultAction", 0, "redirect", 0, "protocol") == "HTTPS"
					out = append(out, at(l, ok, "plain HTTP is served, not redirected", "defaultAction", 0, "redirect", 0, "protocol"))
				default:
					out = append(out, at(l, false, "neither HTTPS nor HTTP", "protocol"))
				}
			}
		}
		return out, "no load balancer is rendered"
	},
}}

// ingressRule is a security group rule or network ACL entry that admits the
// internet.
type ingressRule struct {
	key, field string
	nacl, all  bool
	from, to   int
	proto      string
}

func (r ingressRule) String() string {
	if r.all {
		return "all traffic from the internet"
	}
	return fmt.Sprintf("%s %d-%d from the internet", r.proto, r.from, r.to)
}

// internetIngress is every security group ingress rule and network ACL
// ingress allow entry whose source is 0.0.0.0/0 or ::/0.
func internetIngress(s *scope) []ingressRule {
	var out []ingressRule
	port := func(o *unstructured.Unstructured, f string) int {
		n, _ := fpNumber(o, f)
		return int(n)
	}
	for _, r := range s.Of(gEC2, "SecurityGroupIngressRule") {
		if src := fpString(r, "cidrIpv4") + fpString(r, "cidrIpv6"); src != "0.0.0.0/0" && src != "::/0" {
			continue
		}
		proto := fpString(r, "ipProtocol")
		out = append(out, ingressRule{key: awsrules.Key(r), field: fpPath("cidrIpv4"), proto: proto, all: proto == "-1" || proto == "all",
			from: port(r, "fromPort"), to: port(r, "toPort")})
	}
	for _, r := range s.Of(gEC2, "NetworkACLRule") {
		if fpBool(r, "egress") || fpString(r, "ruleAction") != "allow" {
			continue
		}
		if src := fpString(r, "cidrBlock") + fpString(r, "ipv6CidrBlock"); src != "0.0.0.0/0" && src != "::/0" {
			continue
		}
		proto := fpString(r, "protocol")
		out = append(out, ingressRule{key: awsrules.Key(r), field: fpPath("cidrBlock"), nacl: true, proto: proto, all: proto == "-1" || proto == "all",
			from: port(r, "fromPort"), to: port(r, "toPort")})
	}
	return out
}
