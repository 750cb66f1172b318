package storage

import (
	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// ReplicationSources are the buckets that replicate in staging and prod.
var ReplicationSources = []string{Data, Audit, AWSConfig, Logs}

// destinations are where the bucket of purpose replicates to, in rule order.
// The data and audit buckets go to their replicas in the DR region. AWS
// Config's bucket and the logs bucket go into the audit bucket and the audit
// replica: AWS Config cannot deliver to the object-locked audit bucket, nor
// can S3 server access logging (a target with a default retention is not
// supported) or ELB (SSE-S3 only) deliver into it, and a
// replica of an object without retention takes the destination bucket's
// default retention (7 years, compliance mode, in prod), so its evidence is
// kept as immutably as CloudTrail's, here and in the DR region. The copies
// of the audit bucket's own access logs are written into the audit bucket
// and logged in turn: a trickle of one log object per delivery, not a loop
// that grows. (A replica
// is not replicated again, hence the second rule to the audit replica.)
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
func destinations(purpose string) []bucket {
	if purpose == AWSConfig || purpose == Logs {
		return []bucket{{purpose: Audit, replica: true}, {purpose: Audit}}
	}
	return []bucket{{purpose: purpose, replica: true}}
}

// ruleID names the rule that replicates to dst: by region for the DR
// replicas (as it always has), by purpose within the region.
func ruleID(cfg *platform.Config, dst bucket) string {
	if dst.replica {
		return "to-" + cfg.DRRegion
	}
	return "to-" + dst.purpose
}

// replication copies every new version of the bucket of purpose to its
// destinations, re-encrypted with the storage key of the destination's
// region (the DR storage key for replicas). Deletes are not replicated: the
// copies are what survive a mistake.
// rule is a list in s3 v1beta1, so each destination is named by literals (see
// security.KeyARN): the bucket's ARN, known from its name, and the storage
// key's observed ARN. It waits for those keys and for versioning on the
// source and every destination, which S3 requires before it accepts the
// configuration
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html),
// unless it already exists: then it keeps the keys AWS reports, and never
// drops out.
func replication(cfg *platform.Config, observed platform.Observed, purpose string) (platform.Resource, bool) {
	key := KeyBucket(purpose, false) + "-replication"
	dsts := destinations(purpose)
	versioned := observed.Ready(KeyBucket(purpose, false) + "-versioning")
	for _, d := range dsts {
		versioned = versioned && observed.Ready(KeyBucket(d.purpose, d.replica)+"-versioning")
	}
	existing := observedReplicaKeys(observed, key)
	var rules []s3v1beta1.BucketReplicationConfigurationRuleParameters
	for i, d := range dsts {
		id := ruleID(cfg, d)
		replicaKey, ok := existing[id]
		if !ok && len(dsts) == 1 && len(existing) == 1 {
			// One rule each way: it is this one, whatever AWS reports as
			// its ID.
			for _, k := range existing {
				replicaKey = k
			}
		}
		if arn := security.KeyARN(observed, security.PurposeStorage, d.replica); arn != "" && (replicaKey != "" || versioned) {
			replicaKey = arn
		}
		if replicaKey == "" {
			return platform.Resource{}, false
		}
		rules = append(rules, s3v1beta1.BucketReplicationConfigurationRuleParameters{
			ID:                      ptr.To(id),
			Status:                  ptr.To("Enabled"),
			Priority:                ptr.To(float64(i)),
			Filter:                  []s3v1beta1.BucketReplicationConfigurationRuleFilterParameters{{}},
			DeleteMarkerReplication: []s3v1beta1.DeleteMarkerReplicationParameters{{Status: ptr.To("Disabled")}},
			SourceSelectionCriteria: []s3v1beta1.RuleSourceSelectionCriteriaParameters{{
				SseKMSEncryptedObjects: []s3v1beta1.SourceSelectionCriteriaSseKMSEncryptedObjectsParameters{{Status: ptr.To("Enabled")}},
			}},
			Destination: []s3v1beta1.RuleDestinationParameters{{
				Bucket:       ptr.To("arn:" + cfg.Partition() + ":s3:::" + d.name(cfg)),
				StorageClass: ptr.To(storageClass(d)),
				EncryptionConfiguration: []s3v1beta1.EncryptionConfigurationParameters{{
					ReplicaKMSKeyID: ptr.To(replicaKey),
				}},
			}},
		})
	}
	return platform.Resource{Key: key, Object: &s3v1beta1.BucketReplicationConfiguration{
		ObjectMeta: cfg.Meta(platform.TierStorage, key),
		Spec: s3v1beta1.BucketReplicationConfigurationSpec{ForProvider: s3v1beta1.BucketReplicationConfigurationParameters{
			Region:         ptr.To(cfg.Region),
			BucketSelector: platform.Select(KeyBucket(purpose, false)),
			RoleSelector:   platform.Select(security.KeyRole(security.RoleReplication)),
			Rule:           rules,
		}},
	}}, true
}

// storageClass of the copies: the DR replicas are rarely read; the audit
// bucket's copies of AWS Config's deliveries live under the audit bucket's
// own lifecycle, like CloudTrail's.
func storageClass(dst bucket) string {
	if dst.replica {
		return "STANDARD_IA"
	}
	return "STANDARD"
}

// observedReplicaKeys are the keys the observed replication configuration
// key re-encrypts copies with, by rule ID; empty when it is not observed.
func observedReplicaKeys(observed platform.Observed, key string) map[string]string {
	out := map[string]string{}
	var c s3v1beta1.BucketReplicationConfiguration
	if !observed.Get(key, &c) {
		return out
	}
	// What it was last rendered with, then what AWS reports (atProvider is
	// empty until the provider's first observation).
	for _, r := range c.Spec.ForProvider.Rule {
		for _, d := range r.Destination {
			for _, e := range d.EncryptionConfiguration {
				if k := ptr.Deref(e.ReplicaKMSKeyID, ""); k != "" && out[ptr.Deref(r.ID, "")] == "" {
					out[ptr.Deref(r.ID, "")] = k
				}
			}
		}
	}
	for _, r := range c.Status.AtProvider.Rule {
		for _, d := range r.Destination {
			for _, e := range d.EncryptionConfiguration {
				if k := ptr.Deref(e.ReplicaKMSKeyID, ""); k != "" && out[ptr.Deref(r.ID, "")] == "" {
					out[ptr.Deref(r.ID, "")] = k
				}
			}
		}
	}
	return out
}
