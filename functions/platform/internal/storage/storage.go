// Package storage renders the storage tier: S3 buckets (data, logs, audit,
// backups), each encrypted, versioned, private, TLS-only, access-logged and
// lifecycled per environment, with the data and audit buckets replicated to
// the disaster-recovery region outside dev; EFS for Kubernetes workloads; and
// the AWS Backup vaults and plan that protect Aurora and EFS.
package storage

import (
	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// Bucket purposes.
const (
	Data    = security.BucketData
	Logs    = security.BucketLogs
	Audit   = security.BucketAudit
	Backups = "backups"
	// AWSConfig is where AWS Config delivers: it does not support delivery
	// to a bucket with S3 Object Lock, which the prod audit bucket has
	// (replication.go copies its deliveries into the audit bucket).
	AWSConfig = security.BucketConfig
)

// bucket is one bucket of the platform.
type bucket struct {
	purpose string
	// replica is the copy in the DR region of the bucket of purpose.
	replica bool
}

// Buckets in rendering order.
var Buckets = []string{Data, Logs, Audit, Backups, AWSConfig}

// Replicated buckets have a replica in the DR region in staging and prod.
var Replicated = []string{Data, Audit}

// KeyBucket is the composed resource key of the bucket of purpose.
func KeyBucket(purpose string, replica bool) string {
	if replica {
		return "s3-bucket-" + purpose + "-replica"
	}
	return "s3-bucket-" + purpose
}

// Tier is the storage tier.
type Tier struct{}

// Name of the tier.
func (Tier) Name() string { return platform.TierStorage }

// Render returns the tier's resources. Bucket names carry the account, so
// nothing renders before it is known.
func (Tier) Render(cfg *platform.Config, observed platform.Observed) ([]platform.Resource, error) {
	if cfg.AccountID == "" {
		return nil, nil
	}
	var rs []platform.Resource
	for _, p := range Buckets {
		rs = append(rs, bucketResources(cfg, observed, bucket{purpose: p})...)
	}
	if Replicates(cfg) {
		for _, p := range Replicated {
			rs = append(rs, bucketResources(cfg, observed, bucket{purpose: p, replica: true})...)
		}
		for _, p := range ReplicationSources {
			if r, ok := replication(cfg, observed, p); ok {
				rs = append(rs, r)
			}
		}
	}
	rs = append(rs, fileSystem(cfg)...)
	rs = append(rs, backups(cfg, observed)...)
	return rs, nil
}

// Replicates reports whether the platform keeps DR replicas of its buckets
// (staging and prod).
func Replicates(cfg *platform.Config) bool { return cfg.Environment != v1alpha1.EnvironmentDev }

// objectLocked: the audit bucket and its replica (S3 requires Object Lock
// on the destination to replicate locked objects) outside dev. Every object,
// the copies of AWS Config's deliveries and of the access logs included,
// takes the bucket's default retention: in prod 7 years in compliance mode,
// which nobody, root included, can shorten; in staging the environment's
// log retention in governance mode, which only a principal allowed
// s3:BypassGovernanceRetention can shorten, and the platform allows none.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
func objectLocked(cfg *platform.Config, b bucket) bool {
	return b.purpose == Audit && cfg.Environment != v1alpha1.EnvironmentDev
}

// lockedAtCreation: prod's audit buckets were created with Object Lock,
// which S3 otherwise enables only through the bucket's object lock
// configuration once versioning is on (objectLockConfiguration). Setting it
// on an existing bucket would replace the bucket, so staging enables it the
// second way.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
func lockedAtCreation(cfg *platform.Config, b bucket) bool {
	return objectLocked(cfg, b) && cfg.Environment == v1alpha1.EnvironmentProd
}

// defaultRetention is the locked bucket's default retention.
func defaultRetention(cfg *platform.Config) s3v1beta1.RuleDefaultRetentionParameters {
	if cfg.Environment == v1alpha1.EnvironmentProd {
		return s3v1beta1.RuleDefaultRetentionParameters{Mode: ptr.To("COMPLIANCE"), Years: ptr.To(7.0)}
	}
	return s3v1beta1.RuleDefaultRetentionParameters{Mode: ptr.To("GOVERNANCE"), Days: ptr.To(float64(cfg.LogRetentionDays))}
}

func (b bucket) name(cfg *platform.Config) string {
	if b.replica {
		return cfg.ReplicaBucketName(b.purpose)
	}
	return cfg.BucketName(b.purpose)
}

func (b bucket) region(cfg *platform.Config) string {
	if b.replica {
		return cfg.DRRegion
	}
	return cfg.Region
}

func bucketResources(cfg *platform.Config, observed platform.Observed, b bucket) []platform.Resource {
	key := KeyBucket(b.purpose, b.replica)
	region := ptr.To(b.region(cfg))
	sel := platform.Select(key)
	bkt := &s3v1beta1.Bucket{
		ObjectMeta: cfg.NamedMeta(platform.TierStorage, key, b.name(cfg)),
		Spec: s3v1beta1.BucketSpec{ForProvider: s3v1beta1.BucketParameters{
			Region: region,
			Tags:   cfg.Tags(platform.TierStorage, b.name(cfg)),
		}},
	}
	if lockedAtCreation(cfg, b) {
		bkt.Spec.ForProvider.ObjectLockEnabled = ptr.To(true)
	}
	// Buckets hold the platform's data and evidence: prod keeps them when
	// the claim goes. A locked bucket is always kept: S3 refuses to delete
	// it while it holds retained objects, which would hold the claim's
	// delete forever.
	bkt.Spec.DeletionPolicy = cfg.Orphan()
	if objectLocked(cfg, b) {
		bkt.Spec.DeletionPolicy = xpv1.DeletionOrphan
	}

	rs := []platform.Resource{
		{Key: key, Object: bkt},
		{Key: key + "-versioning", Object: &s3v1beta1.BucketVersioning{
			ObjectMeta: cfg.Meta(platform.TierStorage, key+"-versioning"),
			Spec: s3v1beta1.BucketVersioningSpec{ForProvider: s3v1beta1.BucketVersioningParameters{
				Region: region, BucketSelector: sel,
				VersioningConfiguration: []s3v1beta1.VersioningConfigurationParameters{{Status: ptr.To("Enabled")}},
			}},
		}},
		{Key: key + "-public-access-block", Object: &s3v1beta1.BucketPublicAccessBlock{
			ObjectMeta: cfg.Meta(platform.TierStorage, key+"-public-access-block"),
			Spec: s3v1beta1.BucketPublicAccessBlockSpec{ForProvider: s3v1beta1.BucketPublicAccessBlockParameters{
				Region: region, BucketSelector: sel,
				BlockPublicAcls: ptr.To(true), BlockPublicPolicy: ptr.To(true), IgnorePublicAcls: ptr.To(true), RestrictPublicBuckets: ptr.To(true),
			}},
		}},
		{Key: key + "-ownership", Object: &s3v1beta1.BucketOwnershipControls{
			ObjectMeta: cfg.Meta(platform.TierStorage, key+"-ownership"),
			Spec: s3v1beta1.BucketOwnershipControlsSpec{ForProvider: s3v1beta1.BucketOwnershipControlsParameters{
				Region: region, BucketSelector: sel,
				Rule: []s3v1beta1.BucketOwnershipControlsRuleParameters{{ObjectOwnership: ptr.To("BucketOwnerEnforced")}},
			}},
		}},
		{Key: key + "-policy", Object: &s3v1beta1.BucketPolicy{
			ObjectMeta: cfg.Meta(platform.TierStorage, key+"-policy"),
			Spec: s3v1beta1.BucketPolicySpec{ForProvider: s3v1beta1.BucketPolicyParameters{
				Region: region, BucketSelector: sel, Policy: ptr.To(BucketPolicy(cfg, b).JSON()),
			}},
		}},
		{Key: key + "-lifecycle", Object: lifecycle(cfg, b, key)},
	}
	if enc := encryption(cfg, observed, b, key); enc != nil {
		rs = append(rs, platform.Resource{Key: key + "-encryption", Object: enc})
	}
	// Every bucket but the logs bucket logs its access there. (Replicas
	// live in another region; S3 logs only within a region.)
	if b.purpose != Logs && !b.replica {
		rs = append(rs, platform.Resource{Key: key + "-logging", Object: &s3v1beta1.BucketLogging{
			ObjectMeta: cfg.Meta(platform.TierStorage, key+"-logging"),
			Spec: s3v1beta1.BucketLoggingSpec{ForProvider: s3v1beta1.BucketLoggingParameters{
				Region: region, BucketSelector: sel,
				TargetBucketSelector: platform.Select(KeyBucket(Logs, false)),
				TargetPrefix:         ptr.To("s3-access/" + b.name(cfg) + "/"),
			}},
		}})
	}
	if lock := objectLockConfiguration(cfg, observed, b, key); lock != nil {
		rs = append(rs, platform.Resource{Key: key + "-object-lock", Object: lock})
	}
	return rs
}

// objectLockConfiguration sets the locked bucket's default retention. On a
// bucket not locked at creation it also enables Object Lock, which S3
// accepts only once versioning is on: it waits for the bucket's versioning,
// unless it already exists, and then never drops out.
func objectLockConfiguration(cfg *platform.Config, observed platform.Observed, b bucket, key string) *s3v1beta1.BucketObjectLockConfiguration {
	if !objectLocked(cfg, b) {
		return nil
	}
	if !lockedAtCreation(cfg, b) && !observed.Ready(key+"-versioning") && !observed.Has(key+"-object-lock") {
		return nil
	}
	lock := &s3v1beta1.BucketObjectLockConfiguration{
		ObjectMeta: cfg.Meta(platform.TierStorage, key+"-object-lock"),
		Spec: s3v1beta1.BucketObjectLockConfigurationSpec{ForProvider: s3v1beta1.BucketObjectLockConfigurationParameters{
			Region: ptr.To(b.region(cfg)), BucketSelector: platform.Select(key), ObjectLockEnabled: ptr.To("Enabled"),
			Rule: []s3v1beta1.BucketObjectLockConfigurationRuleParameters{{
				DefaultRetention: []s3v1beta1.RuleDefaultRetentionParameters{defaultRetention(cfg)},
			}},
		}},
	}
	// Object Lock cannot be turned off again; the configuration stays with
	// the bucket.
	lock.Spec.DeletionPolicy = xpv1.DeletionOrphan
	return lock
}

// encryption is SSE-KMS with the storage key (the DR storage key for
// replicas) and bucket keys. The logs bucket is the exception: S3 server
// access logs and ALB access logs can only be delivered to SSE-S3 buckets.
// The key is named by its observed ARN, not a selector: rule is a list in
// s3 v1beta1 (see security.KeyARN). Until the key is observed the
// configuration waits (S3 encrypts with SSE-S3 meanwhile), unless it already
// exists: then it keeps the key AWS reports, and never drops out.
func encryption(cfg *platform.Config, observed platform.Observed, b bucket, key string) *s3v1beta1.BucketServerSideEncryptionConfiguration {
	def := s3v1beta1.RuleApplyServerSideEncryptionByDefaultParameters{SseAlgorithm: ptr.To("AES256")}
	if b.purpose != Logs {
		arn := security.KeyARN(observed, security.PurposeStorage, b.replica)
		if arn == "" {
			arn = observedEncryptionKey(observed, key+"-encryption")
		}
		if arn == "" {
			return nil
		}
		def = s3v1beta1.RuleApplyServerSideEncryptionByDefaultParameters{SseAlgorithm: ptr.To("aws:kms"), KMSMasterKeyID: ptr.To(arn)}
	}
	return &s3v1beta1.BucketServerSideEncryptionConfiguration{
		ObjectMeta: cfg.Meta(platform.TierStorage, key+"-encryption"),
		Spec: s3v1beta1.BucketServerSideEncryptionConfigurationSpec{ForProvider: s3v1beta1.BucketServerSideEncryptionConfigurationParameters{
			Region: ptr.To(b.region(cfg)), BucketSelector: platform.Select(key),
			Rule: []s3v1beta1.BucketServerSideEncryptionConfigurationRuleParameters{{
				ApplyServerSideEncryptionByDefault: []s3v1beta1.RuleApplyServerSideEncryptionByDefaultParameters{def},
				BucketKeyEnabled:                   ptr.To(b.purpose != Logs),
			}},
		}},
	}
}

// observedEncryptionKey is the KMS key the observed encryption configuration
// key applies, "" when it is not observed.
func observedEncryptionKey(observed platform.Observed, key string) string {
	var c s3v1beta1.BucketServerSideEncryptionConfiguration
	if !observed.Get(key, &c) {
		return ""
	}
	// What it was last rendered with, then what AWS reports (atProvider is
	// empty until the provider's first observation).
	for _, r := range c.Spec.ForProvider.Rule {
		for _, d := range r.ApplyServerSideEncryptionByDefault {
			if ptr.Deref(d.KMSMasterKeyID, "") != "" {
				return *d.KMSMasterKeyID
			}
		}
	}
	for _, r := range c.Status.AtProvider.Rule {
		for _, d := range r.ApplyServerSideEncryptionByDefault {
			if ptr.Deref(d.KMSMasterKeyID, "") != "" {
				return *d.KMSMasterKeyID
			}
		}
	}
	return ""
}
