package security

import (
	"slices"
	"testing"

	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

func config(env v1alpha1.Environment, account string) *platform.Config {
	return platform.Resolve("payments", &v1alpha1.PlatformSpec{
		Environment: env, Region: "eu-central-1", DRRegion: "eu-west-1",
		Network:  v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: []string{"eu-central-1a", "eu-central-1b"}},
		Contacts: v1alpha1.ContactsSpec{SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com"},
	}, account)
}

func TestLogsKey(t *testing.T) {
	cases := map[v1alpha1.Environment]struct {
		window float64
		mfa    bool
		orphan bool
	}{
		v1alpha1.EnvironmentDev:     {window: 7},
		v1alpha1.EnvironmentStaging: {window: 30, mfa: true, orphan: true},
		v1alpha1.EnvironmentProd:    {window: 30, mfa: true, orphan: true},
	}
	for env, want := range cases {
		t.Run(string(env), func(t *testing.T) {
			rs := byKey(t, config(env, "111122223333"))
			k, ok := rs[KeyLogsKMSKey].(*kmsv1beta1.Key)
			if !ok {
				t.Fatal("want the logs key rendered once the account is known")
			}
			p := k.Spec.ForProvider
			if !*p.EnableKeyRotation {
				t.Error("rotation must be on (CKV_AWS_7)")
			}
			if *p.DeletionWindowInDays != want.window {
				t.Errorf("want a %v-day deletion window, got %v", want.window, *p.DeletionWindowInDays)
			}
			if orphan := k.Spec.DeletionPolicy == "Orphan"; orphan != want.orphan {
				t.Errorf("want orphaned on claim deletion: %v, got deletionPolicy %q", want.orphan, k.Spec.DeletionPolicy)
			}
			doc, err := policy.Parse(*p.Policy)
			if err != nil {
				t.Fatal(err)
			}
			mfaGuarded := false
			for _, s := range doc.Statement {
				if s.Principal == nil || (len(s.Principal.AWS) == 0 && len(s.Principal.Service) == 0) {
					t.Errorf("statement %s: every key policy statement names its principal", s.Sid)
				}
				if s.Principal != nil && slices.Contains(s.Principal.AWS, "*") && len(s.Condition) == 0 {
					t.Errorf("statement %s: unconditioned * principal (CKV_AWS_33)", s.Sid)
				}
				if slices.Contains(s.Action, "kms:*") || slices.Contains(s.Action, "*") {
					t.Errorf("statement %s: wildcard action", s.Sid)
				}
				if slices.Contains(s.Action, "kms:ScheduleKeyDeletion") {
					mfaGuarded = len(s.Condition["Bool"]["aws:MultiFactorAuthPresent"]) == 1
				}
				if s.Principal != nil && slices.Equal(s.Principal.Service, []string{"cloudtrail.amazonaws.com"}) {
					if got := s.Condition["StringEquals"]["aws:SourceArn"]; len(got) != 1 || got[0] != "arn:aws:cloudtrail:eu-central-1:111122223333:trail/paynext-"+string(env) {
						t.Errorf("%s: CloudTrail may use the logs key only for the platform's trail, got %v", s.Sid, got)
					}
					continue
				}
				if len(s.Principal.Service) == 1 && s.Principal.Service[0] != "logs.eu-central-1.amazonaws.com" {
					t.Errorf("statement %s: only CloudWatch Logs of the region may use the logs key, got %v", s.Sid, s.Principal.Service)
				}
				if len(s.Principal.Service) == 1 && s.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"][0] != "arn:aws:logs:eu-central-1:111122223333:log-group:/aws/paynext/"+string(env)+"/*" {
					t.Errorf("statement %s: CloudWatch Logs must be limited to the platform's log groups, got %v", s.Sid, s.Condition)
				}
			}
			if mfaGuarded != want.mfa {
				t.Errorf("want scheduling key deletion to need MFA: %v, got %v", want.mfa, mfaGuarded)
			}
			if a := rs[KeyLogsKMSAlias].(*kmsv1beta1.Alias); a.GetAnnotations()[platform.AnnotationExternalName] != "alias/paynext/"+string(env)+"/logs" {
				t.Errorf("want the alias alias/paynext/%s/logs, got %v", env, a.GetAnnotations())
			}
		})
	}
}

func TestNoKeyRendersBeforeTheAccountIsKnown(t *testing.T) {
	for key, obj := range byKey(t, config(v1alpha1.EnvironmentProd, "")) {
		switch obj.(type) {
		case *kmsv1beta1.Key, *kmsv1beta1.Alias:
			t.Errorf("%s: key policies name the account; nothing of a key may render before it is known", key)
		}
	}
}

func byKey(t *testing.T, cfg *platform.Config) map[string]runtime.Object {
	t.Helper()
	return platformtest.Render(t, Tier{}, cfg, nil)
}

// TestSecurityGroupRules holds every rule to the controls: only the ALB takes
// traffic from outside the VPC, and only on 443 and 80; nothing is open on 22
// or 3389; every rule says what it is for and points at a rendered group.
func TestSecurityGroupRules(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "111122223333")
	cfg.IngressCIDRs = []string{"0.0.0.0/0", "203.0.113.0/24"}
	rs := byKey(t, cfg)
	groups := 0
	for key, obj := range rs {
		var group, peer string
		var p struct {
			egress         bool
			protocol, cidr string
			from, to       float64
			description    *string
		}
		switch r := obj.(type) {
		case *ec2v1beta1.SecurityGroup:
			groups++
			continue
		case *ec2v1beta1.SecurityGroupIngressRule:
			f := r.Spec.ForProvider
			group, p.protocol, p.description = f.SecurityGroupIDSelector.MatchLabels[platform.LabelResource], *f.IPProtocol, f.Description
			p.cidr, p.from, p.to = deref(f.CidrIPv4), derefF(f.FromPort), derefF(f.ToPort)
			if f.ReferencedSecurityGroupIDSelector != nil {
				peer = f.ReferencedSecurityGroupIDSelector.MatchLabels[platform.LabelResource]
			}
		case *ec2v1beta1.SecurityGroupEgressRule:
			f := r.Spec.ForProvider
			p.egress = true
			group, p.protocol, p.description = f.SecurityGroupIDSelector.MatchLabels[platform.LabelResource], *f.IPProtocol, f.Description
			p.cidr, p.from, p.to = deref(f.CidrIPv4), derefF(f.FromPort), derefF(f.ToPort)
			if f.ReferencedSecurityGroupIDSelector != nil {
				peer = f.ReferencedSecurityGroupIDSelector.MatchLabels[platform.LabelResource]
			}
		default:
			continue
		}
		if p.description == nil || *p.description == "" {
			t.Errorf("%s: every rule needs a description", key)
		}
		if _, ok := rs[group].(*ec2v1beta1.SecurityGroup); !ok {
			t.Errorf("%s: its group %q is not rendered", key, group)
		}
		if peer != "" {
			if _, ok := rs[peer].(*ec2v1beta1.SecurityGroup); !ok {
				t.Errorf("%s: its peer group %q is not rendered", key, peer)
			}
		}
		if (p.cidr == "") == (peer == "") && !(p.egress && p.cidr == "" && peer == "" && obj.(*ec2v1beta1.SecurityGroupEgressRule).Spec.ForProvider.PrefixListID != nil) {
			t.Errorf("%s: want exactly one of a CIDR, a peer group and (egress only) a prefix list", key)
		}
		if p.egress {
			continue
		}
		for _, port := range []float64{22, 3389} {
			covers := p.protocol == "-1" || (p.from <= port && port <= p.to)
			if p.cidr != "" && covers {
				t.Errorf("%s: opens %v to %s (CKV_AWS_24/25)", key, port, p.cidr)
			}
		}
		if p.cidr == "0.0.0.0/0" && !(group == KeyALBSecurityGroup && (p.from == 443 || p.from == 80) && p.from == p.to) {
			t.Errorf("%s: only the ALB may take traffic from 0.0.0.0/0, and only on 443 and 80", key)
		}
	}
	if groups != 6 {
		t.Errorf("want one security group per tier (alb, eks-cluster, eks-nodes, database, rds-proxy, efs), got %d", groups)
	}
	for _, want := range []string{"security-group-alb-ingress-https-0-0-0-0-0", "security-group-alb-ingress-https-203-0-113-0-24"} {
		if _, ok := rs[want]; !ok {
			t.Errorf("want %s: one HTTPS rule per allowed CIDR, keyed by the CIDR", want)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefF(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}
