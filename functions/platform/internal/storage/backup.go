package storage

import (
	backupv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/backup/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// Backup keys.
const (
	KeyVault        = "backup-vault"
	KeyVaultDR      = "backup-vault-dr"
	KeyBackupPlan   = "backup-plan"
	keyVaultLock    = "backup-vault-lock"
	keyVaultLockDR  = "backup-vault-dr-lock"
	keySelection    = "backup-selection"
	sevenYearsDays  = 2557
	continuousDays  = 35
	lockCoolingDays = 3
)

// BackupPlanName names the plan, its vaults and the tag that selects what it
// backs up.
func BackupPlanName(cfg *platform.Config) string { return cfg.Prefix() }

// BackupRule is one rule of the plan.
type BackupRule struct {
	Name       string
	Schedule   string // cron in UTC
	Continuous bool   // point-in-time recovery for Aurora
	KeepDays   int
	CopyToDR   bool
}

// BackupRules per environment. Prod meets the seed's targets: continuous
// backups with hourly recovery points (RPO 1 hour, restorable within the RTO
// of 4 hours) and daily recovery points kept 7 years, copied to the DR region.
func BackupRules(cfg *platform.Config) []BackupRule {
	switch cfg.Environment {
	case v1alpha1.EnvironmentProd:
		return []BackupRule{
			{Name: "hourly-continuous", Schedule: "cron(0 * ? * * *)", Continuous: true, KeepDays: continuousDays},
			{Name: "daily-seven-years", Schedule: "cron(0 5 ? * * *)", KeepDays: sevenYearsDays, CopyToDR: true},
		}
	case v1alpha1.EnvironmentStaging:
		return []BackupRule{{Name: "daily", Schedule: "cron(0 5 ? * * *)", KeepDays: 35, CopyToDR: true}}
	default:
		return []BackupRule{{Name: "daily", Schedule: "cron(0 5 ? * * *)", KeepDays: 7}}
	}
}

func copiesToDR(cfg *platform.Config) bool { return cfg.Environment != v1alpha1.EnvironmentDev }

func backups(cfg *platform.Config) []platform.Resource {
	name := BackupPlanName(cfg)
	rs := []platform.Resource{{Key: KeyVault, Object: vault(cfg, KeyVault, cfg.Region, false)}}
	if copiesToDR(cfg) {
		rs = append(rs, platform.Resource{Key: KeyVaultDR, Object: vault(cfg, KeyVaultDR, cfg.DRRegion, true)})
	}
	drVault := "arn:" + cfg.Partition() + ":backup:" + cfg.DRRegion + ":" + cfg.AccountID + ":backup-vault:" + name
	plan := &backupv1beta1.Plan{
		ObjectMeta: cfg.Meta(platform.TierStorage, KeyBackupPlan),
		Spec: backupv1beta1.PlanSpec{ForProvider: backupv1beta1.PlanParameters{
			Region: ptr.To(cfg.Region),
			Name:   ptr.To(name),
			Tags:   cfg.Tags(platform.TierStorage, name),
		}},
	}
	for _, r := range BackupRules(cfg) {
		rule := backupv1beta1.RuleParameters{
			RuleName:               ptr.To(r.Name),
			TargetVaultName:        ptr.To(name), // rule is a list: no selector in it (see security.KeyARN)
			Schedule:               ptr.To(r.Schedule),
			StartWindow:            ptr.To(60.0),
			CompletionWindow:       ptr.To(180.0),
			EnableContinuousBackup: ptr.To(r.Continuous),
			Lifecycle:              []backupv1beta1.RuleLifecycleParameters{{DeleteAfter: ptr.To(float64(r.KeepDays))}},
		}
		if r.CopyToDR {
			rule.CopyAction = []backupv1beta1.CopyActionParameters{{
				DestinationVaultArn: ptr.To(drVault),
				Lifecycle:           []backupv1beta1.LifecycleParameters{{DeleteAfter: ptr.To(float64(r.KeepDays))}},
			}}
		}
		plan.Spec.ForProvider.Rule = append(plan.Spec.ForProvider.Rule, rule)
	}
	rs = append(rs,
		platform.Resource{Key: KeyBackupPlan, Object: plan},
		platform.Resource{Key: keySelection, Object: &backupv1beta1.Selection{
			ObjectMeta: cfg.Meta(platform.TierStorage, keySelection),
			Spec: backupv1beta1.SelectionSpec{ForProvider: backupv1beta1.SelectionParameters{
				Region:             ptr.To(cfg.Region),
				Name:               ptr.To(name + "-data-stores"),
				PlanIDSelector:     platform.Select(KeyBackupPlan),
				IAMRoleArnSelector: platform.Select(security.KeyRole(security.RoleBackup)),
				// The Aurora cluster and EFS carry this tag.
				SelectionTag: []backupv1beta1.SelectionTagParameters{{Type: ptr.To("STRINGEQUALS"), Key: ptr.To(platform.TagBackupPlan), Value: ptr.To(name)}},
			}},
		}},
	)
	if cfg.Environment == v1alpha1.EnvironmentProd {
		rs = append(rs,
			platform.Resource{Key: keyVaultLock, Object: vaultLock(cfg, keyVaultLock, KeyVault, cfg.Region)},
			platform.Resource{Key: keyVaultLockDR, Object: vaultLock(cfg, keyVaultLockDR, KeyVaultDR, cfg.DRRegion)},
		)
	}
	return rs
}

func vault(cfg *platform.Config, key, region string, dr bool) *backupv1beta1.Vault {
	v := &backupv1beta1.Vault{
		ObjectMeta: cfg.NamedMeta(platform.TierStorage, key, BackupPlanName(cfg)),
		Spec: backupv1beta1.VaultSpec{ForProvider: backupv1beta1.VaultParameters{
			Region:            ptr.To(region),
			KMSKeyArnSelector: platform.Select(security.KeyName(security.PurposeBackup, dr)),
			Tags:              cfg.Tags(platform.TierStorage, BackupPlanName(cfg)),
		}},
	}
	v.Spec.DeletionPolicy = cfg.Orphan()
	return v
}

// vaultLock locks a prod vault in compliance mode once the cooling-off days
// pass: no one, root included, can delete recovery points early or remove the
// lock.
func vaultLock(cfg *platform.Config, key, vaultKey, region string) *backupv1beta1.VaultLockConfiguration {
	return &backupv1beta1.VaultLockConfiguration{
		ObjectMeta: cfg.Meta(platform.TierStorage, key),
		Spec: backupv1beta1.VaultLockConfigurationSpec{ForProvider: backupv1beta1.VaultLockConfigurationParameters{
			Region:                  ptr.To(region),
			BackupVaultNameSelector: platform.Select(vaultKey),
			MinRetentionDays:        ptr.To(7.0),
			MaxRetentionDays:        ptr.To(float64(sevenYearsDays)),
			ChangeableForDays:       ptr.To(float64(lockCoolingDays)),
		}},
	}
}
