package storage

import (
	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// replication copies every new version of the bucket of purpose to its
// replica in the DR region, re-encrypted with the DR storage key. Deletes are
// not replicated: the replica is what survives a mistake.
// rule is a list in s3 v1beta1, so the destination is named by literals (see
// security.KeyARN): the replica's ARN, known from its name, and the DR
// storage key's observed ARN. It waits for that key and for versioning on
// both buckets, which S3 requires before it accepts the configuration
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html),
// unless it already exists: then it keeps the key AWS reports, and never
// drops out.
func replication(cfg *platform.Config, observed platform.Observed, purpose string) (platform.Resource, bool) {
	key := KeyBucket(purpose, false) + "-replication"
	replicaKey := observedReplicaKey(observed, key)
	if arn := security.KeyARN(observed, security.PurposeStorage, true); arn != "" {
		if replicaKey == "" && !(observed.Ready(KeyBucket(purpose, false)+"-versioning") && observed.Ready(KeyBucket(purpose, true)+"-versioning")) {
			return platform.Resource{}, false
		}
		replicaKey = arn
	}
	if replicaKey == "" {
		return platform.Resource{}, false
	}
	return platform.Resource{Key: key, Object: &s3v1beta1.BucketReplicationConfiguration{
		ObjectMeta: cfg.Meta(platform.TierStorage, key),
		Spec: s3v1beta1.BucketReplicationConfigurationSpec{ForProvider: s3v1beta1.BucketReplicationConfigurationParameters{
			Region:         ptr.To(cfg.Region),
			BucketSelector: platform.Select(KeyBucket(purpose, false)),
			RoleSelector:   platform.Select(security.KeyRole(security.RoleReplication)),
			Rule: []s3v1beta1.BucketReplicationConfigurationRuleParameters{{
				ID:                      ptr.To("to-" + cfg.DRRegion),
				Status:                  ptr.To("Enabled"),
				Priority:                ptr.To(0.0),
				Filter:                  []s3v1beta1.BucketReplicationConfigurationRuleFilterParameters{{}},
				DeleteMarkerReplication: []s3v1beta1.DeleteMarkerReplicationParameters{{Status: ptr.To("Disabled")}},
				SourceSelectionCriteria: []s3v1beta1.RuleSourceSelectionCriteriaParameters{{
					SseKMSEncryptedObjects: []s3v1beta1.SourceSelectionCriteriaSseKMSEncryptedObjectsParameters{{Status: ptr.To("Enabled")}},
				}},
				Destination: []s3v1beta1.RuleDestinationParameters{{
					Bucket:       ptr.To("arn:" + cfg.Partition() + ":s3:::" + cfg.ReplicaBucketName(purpose)),
					StorageClass: ptr.To("STANDARD_IA"),
					EncryptionConfiguration: []s3v1beta1.EncryptionConfigurationParameters{{
						ReplicaKMSKeyID: ptr.To(replicaKey),
					}},
				}},
			}},
		}},
	}}, true
}

// observedReplicaKey is the key the observed replication configuration key
// re-encrypts replicas with, "" when it is not observed.
func observedReplicaKey(observed platform.Observed, key string) string {
	var c s3v1beta1.BucketReplicationConfiguration
	if !observed.Get(key, &c) {
		return ""
	}
	for _, r := range c.Status.AtProvider.Rule {
		for _, d := range r.Destination {
			for _, e := range d.EncryptionConfiguration {
				if ptr.Deref(e.ReplicaKMSKeyID, "") != "" {
					return *e.ReplicaKMSKeyID
				}
			}
		}
	}
	return ""
}
