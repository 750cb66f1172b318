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
func replication(cfg *platform.Config, purpose string) platform.Resource {
	key := KeyBucket(purpose, false) + "-replication"
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
					BucketSelector: platform.Select(KeyBucket(purpose, true)),
					StorageClass:   ptr.To("STANDARD_IA"),
					EncryptionConfiguration: []s3v1beta1.EncryptionConfigurationParameters{{
						ReplicaKMSKeyIDSelector: platform.Select(security.KeyName(security.PurposeStorage, true)),
					}},
				}},
			}},
		}},
	}}
}
