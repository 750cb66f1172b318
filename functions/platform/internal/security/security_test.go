package security

import (
	"slices"
	"testing"

	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
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
		v1alpha1.EnvironmentStaging: {window: 30, mfa: true},
		v1alpha1.EnvironmentProd:    {window: 30, mfa: true, orphan: true},
	}
	for env, want := range cases {
		t.Run(string(env), func(t *testing.T) {
			rs, err := Tier{}.Render(config(env, "111122223333"), nil)
			if err != nil || len(rs) != 2 {
				t.Fatalf("want the logs key and its alias, got %d resources, err %v", len(rs), err)
			}
			k := rs[0].Object.(*kmsv1beta1.Key)
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
			if a := rs[1].Object.(*kmsv1beta1.Alias); a.GetAnnotations()[platform.AnnotationExternalName] != "alias/paynext/"+string(env)+"/logs" {
				t.Errorf("want the alias alias/paynext/%s/logs, got %v", env, a.GetAnnotations())
			}
		})
	}
}

func TestNothingRendersBeforeTheAccountIsKnown(t *testing.T) {
	if rs, _ := (Tier{}).Render(config(v1alpha1.EnvironmentProd, ""), nil); len(rs) != 0 {
		t.Errorf("key policies name the account: want nothing before it is known, got %d resources", len(rs))
	}
}
