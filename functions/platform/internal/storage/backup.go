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
	KeyVault            = "backup-vault"
	KeyVaultDR          = "backup-vault-dr"
	KeyBackupPlan       = "backup-plan"
	keyVaultLock        = "backup-vault-lock"
	keyVaultLockDR      = "backup-vault-dr-lock"
	keySelection        = "backup-selection"
	keyRegionSettings   = "backup-region-settings"
	keyRegionSettingsDR = "backup-region-settings-dr"
	sevenYearsDays      = 2557
	continuousDays      = 35
	hourlyCopyDays      = 7
	lockCoolingDays     = 3
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
// backups (point-in-time recovery in the region, RPO well under an hour);
// hourly snapshots copied to the DR region as they complete, so a regional
// loss costs at most the hour since the last copy finished (AWS Backup's
// most frequent schedule is hourly; continuous backups themselves are not
// copied across regions: a copy is a snapshot); and daily recovery points
// kept 7 years, copied too. The hourly points are kept 7 days, the shortest
// the prod vaults' lock admits.
// https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html
// https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html
func BackupRules(cfg *platform.Config) []BackupRule {
	switch cfg.Environment {
	case v1alpha1.EnvironmentProd:
		return []BackupRule{
			{Name: "hourly-continuous", Schedule: "cron(0 * ? * * *)", Continuous: true, KeepDays: continuousDays},
			{Name: "hourly-to-dr", Schedule: "cron(30 * ? * * *)", KeepDays: hourlyCopyDays, CopyToDR: true},
			{Name: "daily-seven-years", Schedule: "cron(0 5 ? * * *)", KeepDays: sevenYearsDays, CopyToDR: true},
		}
	case v1alpha1.EnvironmentStaging:
		return []BackupRule{{Name: "daily", Schedule: "cron(0 5 ? * * *)", KeepDays: 35, CopyToDR: true}}
	default:
		return []BackupRule{{Name: "daily", Schedule: "cron(0 5 ? * * *)", KeepDays: 7}}
	}
}

func copiesToDR(cfg *platform.Config) bool { return cfg.Environment != v1alpha1.EnvironmentDev }

func backups(cfg *platform.Config, observed platform.Observed) []platform.Resource {
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
	settings := []platform.Resource{{Key: keyRegionSettings, Object: regionSettings(cfg, keyRegionSettings, cfg.Region)}}
	if copiesToDR(cfg) {
		settings = append(settings, platform.Resource{Key: keyRegionSettingsDR, Object: regionSettings(cfg, keyRegionSettingsDR, cfg.DRRegion)})
	}
	if cfg.ManageAccountServices {
		rs = append(rs, settings...)
	} else {
		rs = append(rs, platform.HandOver(settings, observed)...)
	}
	if cfg.Environment == v1alpha1.EnvironmentProd {
		rs = append(rs,
			platform.Resource{Key: keyVaultLock, Object: vaultLock(cfg, keyVaultLock, KeyVault, cfg.Region)},
			platform.Resource{Key: keyVaultLockDR, Object: vaultLock(cfg, keyVaultLockDR, KeyVaultDR, cfg.DRRegion)},
		)
	}
	return rs
}

// backupResourceTypes are the resource types of AWS Backup's opt-in
// preferences, every one of which the provider requires in the map
// (RegionSettings' field description). The platform's plan selects Aurora
// and EFS by tag, which AWS Backup honours only for types opted in: a type
// opted out is silently skipped. Every type is opted in, so no other backup
// plan of the account loses a type it relies on.
// https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
var backupResourceTypes = []string{"Aurora", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "RDS", "S3", "Storage Gateway", "VirtualMachine"}

// regionSettings opts the region in to backing up every resource type. It
// is account-wide, so it is rendered only where the platform manages the
// account's services (monitoring.accountServices: Managed); otherwise the
// account's owner must opt Aurora and EFS in (README).
func regionSettings(cfg *platform.Config, key, region string) *backupv1beta1.RegionSettings {
	optIn := map[string]*bool{}
	for _, t := range backupResourceTypes {
		optIn[t] = ptr.To(true)
	}
	return &backupv1beta1.RegionSettings{
		ObjectMeta: cfg.Meta(platform.TierStorage, key),
		Spec: backupv1beta1.RegionSettingsSpec{ForProvider: backupv1beta1.RegionSettingsParameters{
			Region: ptr.To(region), ResourceTypeOptInPreference: optIn,
		}},
	}
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
