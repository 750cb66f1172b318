package storage

import (
	"slices"
	"strings"
	"testing"

	backupv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/backup/v1beta1"
	efsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/efs/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// TestProdBackupsMeetTheTargets: continuous backups in the region, hourly
// points copied to the DR-region vault (RPO 1 hour after a regional loss),
// and daily points kept 7 years and copied too, both vaults locked and no
// rule keeping points shorter than the lock's minimum (AWS Backup refuses
// them); staging copies daily to DR; dev does neither.
func TestProdBackupsMeetTheTargets(t *testing.T) {
	cases := map[v1alpha1.Environment]struct {
		rules  []string
		copied bool
		locked bool
	}{
		v1alpha1.EnvironmentDev:     {rules: []string{"daily"}},
		v1alpha1.EnvironmentStaging: {rules: []string{"daily"}, copied: true},
		v1alpha1.EnvironmentProd:    {rules: []string{"hourly-continuous", "hourly-to-dr", "daily-seven-years"}, copied: true, locked: true},
	}
	for env, want := range cases {
		t.Run(string(env), func(t *testing.T) {
			rs := render(t, config(env, "us-west-2", "us-east-1"))
			plan := rs[KeyBackupPlan].(*backupv1beta1.Plan).Spec.ForProvider
			var names []string
			copied := false
			vault := rs[KeyVault].(*backupv1beta1.Vault).GetAnnotations()[platform.AnnotationExternalName]
			for _, r := range plan.Rule {
				names = append(names, *r.RuleName)
				if r.TargetVaultNameSelector != nil || ptr.Deref(r.TargetVaultName, "") != vault {
					t.Errorf("rule %s: want the vault %s by name (no selector inside the rule list), got %v", *r.RuleName, vault, ptr.Deref(r.TargetVaultName, ""))
				}
				copied = copied || len(r.CopyAction) > 0
				if env == v1alpha1.EnvironmentProd && *r.RuleName == "daily-seven-years" && *r.Lifecycle[0].DeleteAfter != 2557 {
					t.Errorf("prod must keep daily recovery points 7 years, got %v days", *r.Lifecycle[0].DeleteAfter)
				}
				if env == v1alpha1.EnvironmentProd && *r.RuleName == "hourly-continuous" && (*r.Schedule != "cron(0 * ? * * *)" || !*r.EnableContinuousBackup) {
					t.Errorf("prod must back up continuously with hourly points for an RPO of 1 hour, got %s", *r.Schedule)
				}
			}
			if env == v1alpha1.EnvironmentProd {
				hourlyCopy := false
				for _, r := range plan.Rule {
					hourlyCopy = hourlyCopy || (len(r.CopyAction) > 0 && strings.HasPrefix(*r.Schedule, "cron(") && strings.Contains(*r.Schedule, " * ? * * *)"))
					lock := rs[keyVaultLock].(*backupv1beta1.VaultLockConfiguration).Spec.ForProvider
					if *r.Lifecycle[0].DeleteAfter < *lock.MinRetentionDays {
						t.Errorf("rule %s keeps points %v days, under the vault lock's minimum %v", *r.RuleName, *r.Lifecycle[0].DeleteAfter, *lock.MinRetentionDays)
					}
				}
				if !hourlyCopy {
					t.Error("want a rule copying to the DR region every hour: the RPO after a regional loss is the age of the last copy")
				}
			}
			if !slices.Equal(names, want.rules) || copied != want.copied {
				t.Errorf("want rules %v copied to DR %v, got %v copied %v", want.rules, want.copied, names, copied)
			}
			_, dr := rs[KeyVaultDR]
			_, locked := rs[keyVaultLock]
			if dr != want.copied || locked != want.locked {
				t.Errorf("want a DR vault %v and vault lock %v, got %v and %v", want.copied, want.locked, dr, locked)
			}
			if sel := rs[keySelection].(*backupv1beta1.Selection).Spec.ForProvider.SelectionTag[0]; *sel.Value != "paynext-"+string(env) {
				t.Errorf("want the plan to select the platform's data stores by tag, got %v", *sel.Value)
			}
		})
	}
}

func TestFileSystemIsEncryptedAndTLSOnly(t *testing.T) {
	rs := render(t, config(v1alpha1.EnvironmentProd, "us-west-2", "us-east-1"))
	fs := rs[KeyFileSystem].(*efsv1beta1.FileSystem).Spec.ForProvider
	if !*fs.Encrypted || *fs.ThroughputMode != "elastic" || *fs.LifecyclePolicy[0].TransitionToIa != "AFTER_30_DAYS" {
		t.Errorf("want encryption, elastic throughput and IA after 30 days, got %+v", fs)
	}
	for _, z := range []string{"us-west-2a", "us-west-2b"} {
		if _, ok := rs[KeyMountTarget(z)].(*efsv1beta1.MountTarget); !ok {
			t.Errorf("want a mount target in the private subnet of %s", z)
		}
	}
	doc := FileSystemPolicy()
	if !slices.ContainsFunc(doc.Statement, func(s policy.Statement) bool {
		return s.Effect == policy.Deny && slices.Equal(s.Condition["Bool"]["aws:SecureTransport"], []string{"false"})
	}) {
		t.Error("the file system policy must deny access without TLS")
	}
	if b := rs[keyEFSBackups].(*efsv1beta1.BackupPolicy); *b.Spec.ForProvider.BackupPolicy[0].Status != "ENABLED" {
		t.Error("want the EFS backup policy on")
	}
}

// TestBackupRegionsOptInTheDataStores: AWS Backup skips a resource type the
// region has not opted in to, so where the platform manages the account's
// services it opts both regions in to every type (the provider requires all
// in the map); where it does not, it renders none (the account owner's).
func TestBackupRegionsOptInTheDataStores(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "us-west-2", "us-east-1")
	rs := render(t, cfg)
	for key, region := range map[string]string{keyRegionSettings: "us-west-2", keyRegionSettingsDR: "us-east-1"} {
		s, ok := rs[key].(*backupv1beta1.RegionSettings)
		if !ok {
			t.Fatalf("want the Backup region settings of %s", region)
		}
		p := s.Spec.ForProvider
		if *p.Region != region || !*p.ResourceTypeOptInPreference["Aurora"] || !*p.ResourceTypeOptInPreference["EFS"] || len(p.ResourceTypeOptInPreference) != 10 {
			t.Errorf("%s: want every type opted in, Aurora and EFS among them, got %v", region, p.ResourceTypeOptInPreference)
		}
	}
	cfg.ManageAccountServices = false
	if _, ok := render(t, cfg)[keyRegionSettings]; ok {
		t.Error("the region settings are account-wide: not rendered when the account's services are external")
	}
}
