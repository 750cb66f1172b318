package storage

import (
	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// Lifecycle is how long a bucket keeps what it holds and when it moves it to
// cheaper storage. Zero means never.
type Lifecycle struct {
	// IntelligentTieringDays moves current objects to Intelligent-Tiering.
	IntelligentTieringDays int
	// GlacierDays moves current objects to Glacier Flexible Retrieval.
	GlacierDays int
	// ExpireDays deletes current objects (a delete marker; versions follow
	// NoncurrentExpireDays).
	ExpireDays int
	// NoncurrentGlacierDays and NoncurrentExpireDays apply to old versions.
	NoncurrentGlacierDays, NoncurrentExpireDays int
}

// LifecycleFor is the lifecycle of a bucket purpose in an environment. Logs
// and audit evidence (AWS Config's too) are kept for the environment's log
// retention (7 years in prod); data lives until the application deletes it.
func LifecycleFor(cfg *platform.Config, purpose string) Lifecycle {
	retention := int(cfg.LogRetentionDays)
	dev := cfg.Environment == v1alpha1.EnvironmentDev
	switch purpose {
	case Data:
		l := Lifecycle{IntelligentTieringDays: 30, NoncurrentGlacierDays: 30, NoncurrentExpireDays: 365}
		if dev {
			l.NoncurrentGlacierDays, l.NoncurrentExpireDays = 0, 30
		}
		return l
	case Logs, Audit, AWSConfig:
		l := Lifecycle{GlacierDays: 90, ExpireDays: retention, NoncurrentExpireDays: 30}
		if dev {
			l.GlacierDays = 0
		}
		return l
	default: // backups and artifacts
		l := Lifecycle{GlacierDays: 30, ExpireDays: retention, NoncurrentExpireDays: 90}
		if dev {
			l.GlacierDays, l.NoncurrentExpireDays = 0, 7
		}
		return l
	}
}

func lifecycle(cfg *platform.Config, b bucket, key string) *s3v1beta1.BucketLifecycleConfiguration {
	l := LifecycleFor(cfg, b.purpose)
	rule := s3v1beta1.BucketLifecycleConfigurationRuleParameters{
		ID:     ptr.To(cfg.Prefix() + "-" + b.purpose),
		Status: ptr.To("Enabled"),
		// Every object.
		Filter:                         []s3v1beta1.RuleFilterParameters{{}},
		AbortIncompleteMultipartUpload: []s3v1beta1.AbortIncompleteMultipartUploadParameters{{DaysAfterInitiation: ptr.To(7.0)}},
	}
	if l.IntelligentTieringDays > 0 {
		rule.Transition = append(rule.Transition, s3v1beta1.RuleTransitionParameters{Days: days(l.IntelligentTieringDays), StorageClass: ptr.To("INTELLIGENT_TIERING")})
	}
	if l.GlacierDays > 0 {
		rule.Transition = append(rule.Transition, s3v1beta1.RuleTransitionParameters{Days: days(l.GlacierDays), StorageClass: ptr.To("GLACIER")})
	}
	if l.ExpireDays > 0 {
		rule.Expiration = []s3v1beta1.RuleExpirationParameters{{Days: days(l.ExpireDays)}}
	}
	if l.NoncurrentGlacierDays > 0 {
		rule.NoncurrentVersionTransition = []s3v1beta1.RuleNoncurrentVersionTransitionParameters{{NoncurrentDays: days(l.NoncurrentGlacierDays), StorageClass: ptr.To("GLACIER")}}
	}
	if l.NoncurrentExpireDays > 0 {
		rule.NoncurrentVersionExpiration = []s3v1beta1.RuleNoncurrentVersionExpirationParameters{{NoncurrentDays: days(l.NoncurrentExpireDays)}}
	}
	return &s3v1beta1.BucketLifecycleConfiguration{
		ObjectMeta: cfg.Meta(platform.TierStorage, key+"-lifecycle"),
		Spec: s3v1beta1.BucketLifecycleConfigurationSpec{ForProvider: s3v1beta1.BucketLifecycleConfigurationParameters{
			Region: ptr.To(b.region(cfg)), BucketSelector: platform.Select(key),
			Rule: []s3v1beta1.BucketLifecycleConfigurationRuleParameters{rule},
		}},
	}
}

func days(d int) *float64 { return ptr.To(float64(d)) }
