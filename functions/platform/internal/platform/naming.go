package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"strings"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
)

// Labels every composed resource carries. Selectors between composed resources
// match on them (with matchControllerRef), never on cloud IDs.
const (
	LabelTier     = "platform.paynext.io/tier"
	LabelResource = "platform.paynext.io/resource"
	// LabelComposite is the label Crossplane puts on every resource it
	// composes, naming the XR. The function does not render it.
	LabelComposite = "crossplane.io/composite"
)

// Keys other tiers read across tier boundaries.
const (
	// KeyVPC is the network tier's VPC, which other tiers place resources in.
	KeyVPC = "vpc"
	// KeyS3Endpoint is the network tier's S3 gateway endpoint, whose prefix
	// list the node security group's egress names.
	KeyS3Endpoint = "endpoint-s3"
	// KeyEKSCluster is the Kubernetes tier's cluster, whose OIDC issuer the
	// IRSA roles trust.
	KeyEKSCluster = "eks-cluster"
)

// TagBackupPlan marks the data stores the AWS Backup plan selects; its value
// is the plan's name (paynext-<env>).
const TagBackupPlan = "paynext:backup-plan"

// AnnotationExternalName names the AWS resource for kinds AWS lets us name.
const AnnotationExternalName = "crossplane.io/external-name"

// Tiers of the platform.
const (
	TierNetwork    = "network"
	TierSecurity   = "security"
	TierMonitoring = "monitoring"
	TierKubernetes = "kubernetes"
	TierDatabase   = "database"
	TierStorage    = "storage"
)

// Deployment names the platform among the account's: its environment, and
// its name suffix when it has one (prod-dr). One platform per deployment per
// account is the model: the seed's one per environment, plus the suffixed
// ones (a recovery platform) beside them.
func (c *Config) Deployment() string {
	if c.NameSuffix != "" {
		return string(c.Environment) + "-" + c.NameSuffix
	}
	return string(c.Environment)
}

// Prefix of every AWS name the platform gives: paynext-<deployment>.
func (c *Config) Prefix() string { return "paynext-" + c.Deployment() }

// LogGroupPrefix is the path under which the platform's log groups live.
func (c *Config) LogGroupPrefix() string { return "/aws/paynext/" + c.Deployment() }

// EKSClusterName is the EKS cluster's name: the spec's name with the
// deployment appended, as in the reference design (paynext-cluster-prod).
func (c *Config) EKSClusterName() string { return c.ClusterName + "-" + c.Deployment() }

// AuroraClusterIdentifier is the Aurora cluster's identifier (its external
// name); RDS names the cluster's log groups after it.
func (c *Config) AuroraClusterIdentifier() string { return c.Prefix() + "-aurora" }

// AuroraLogExport is the one log type Aurora PostgreSQL exports: the
// PostgreSQL log, which carries the connection and pgaudit records.
const AuroraLogExport = "postgresql"

// AuroraLogGroupName is the log group RDS exports the cluster's PostgreSQL
// log to: RDS chooses the name; the platform creates the group first, so it
// has the logs CMK and the environment's retention.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.CloudWatch.html
func (c *Config) AuroraLogGroupName() string {
	return "/aws/rds/cluster/" + c.AuroraClusterIdentifier() + "/" + AuroraLogExport
}

// IngressTargetGroupName is the target group of the platform's ALB that the
// AWS Load Balancer Controller binds pods to.
func (c *Config) IngressTargetGroupName() string { return c.Prefix() + "-ingress" }

// RoleName is the IAM role name of purpose.
func (c *Config) RoleName(purpose string) string { return c.Prefix() + "-" + purpose }

// BucketName is the S3 bucket of purpose: globally unique through the account
// and region, and derived only from stable inputs, so it never changes.
func (c *Config) BucketName(purpose string) string {
	return c.Prefix() + "-" + purpose + "-" + c.AccountID + "-" + c.Region
}

// ReplicaBucketName is the disaster-recovery replica of the bucket of purpose.
func (c *Config) ReplicaBucketName(purpose string) string {
	return c.Prefix() + "-" + purpose + "-replica-" + c.AccountID + "-" + c.DRRegion
}

// Meta is the metadata of the composed resource key of tier.
func (c *Config) Meta(tier, key string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Labels: map[string]string{LabelTier: tier, LabelResource: ResourceLabel(key)}}
}

// ResourceLabel is the LabelResource value of key: the key itself, or, when
// the key is longer than a label value may be (63 bytes, e.g. the database
// ACL rules of a zone in ap-southeast-1), its first 54 bytes, a dash and 8
// hex digits of its SHA-256, so it stays unique and stable. Keys that fit
// keep their label, so no existing selector changes.
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
func ResourceLabel(key string) string {
	if len(key) <= validation.LabelValueMaxLength {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return strings.TrimRight(key[:54], "-_.") + "-" + hex.EncodeToString(sum[:4])
}

// NamedMeta is Meta for a resource whose AWS name we choose: the name is set
// as its external name, so a recreated claim adopts the same AWS resource.
func (c *Config) NamedMeta(tier, key, externalName string) metav1.ObjectMeta {
	m := c.Meta(tier, key)
	m.Annotations = map[string]string{AnnotationExternalName: externalName}
	return m
}

// Tags for an AWS resource of tier: the claim's tags, then the platform's own
// (which win), with Name set to the resource's AWS-visible name.
func (c *Config) Tags(tier, name string) map[string]*string {
	out := make(map[string]*string, len(c.userTags)+5)
	for k, v := range c.userTags {
		out[k] = ptr.To(v)
	}
	maps.Copy(out, map[string]*string{
		"Environment":      ptr.To(string(c.Environment)),
		"ManagedBy":        ptr.To("crossplane"),
		"paynext:platform": ptr.To(c.Name),
		"paynext:tier":     ptr.To(tier),
		"Name":             ptr.To(name),
	})
	return out
}

// Select is the selector of the composed resource key of the same XR.
func Select(key string) *xpv1.Selector {
	return &xpv1.Selector{MatchControllerRef: ptr.To(true), MatchLabels: map[string]string{LabelResource: ResourceLabel(key)}}
}

// Orphan returns the deletion policy for a stateful resource: Orphan where the
// environment keeps data past the claim, else the provider's default.
func (c *Config) Orphan() xpv1.DeletionPolicy {
	if c.Profile().OrphanOnDelete {
		return xpv1.DeletionOrphan
	}
	return ""
}

// KeepWhileProtected returns the deletion policy of a resource that has AWS
// deletion protection: Orphan while the protection is on, as rendered or as
// AWS still reports it, else what Orphan returns. AWS refuses to delete a
// protected resource, and Crossplane's managed reconciler only retries the
// delete of a resource being deleted (it applies no update first), so a
// protected resource under deletionPolicy Delete would hold the claim's
// delete forever. Orphaned, the claim's delete finishes and the resource
// stays in AWS, still protected. Turning protection off (staging's
// dataProtection.allowDeletion) makes it Delete once AWS reports the
// protection off, not before.
// https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection
func (c *Config) KeepWhileProtected(protected, observedProtected bool) xpv1.DeletionPolicy {
	if protected || observedProtected {
		return xpv1.DeletionOrphan
	}
	return c.Orphan()
}
