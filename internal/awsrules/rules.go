package awsrules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const (
	gS3     = "s3.aws.upbound.io"
	gConfig = "configservice.aws.upbound.io"
	gELB    = "elbv2.aws.upbound.io"
	gRDS    = "rds.aws.upbound.io"
	gEKS    = "eks.aws.upbound.io"
	gKMS    = "kms.aws.upbound.io"
	gIAM    = "iam.aws.upbound.io"
	gLogs   = "cloudwatchlogs.aws.upbound.io"
)

// All is the catalogue, in a stable order.
func All() []Rule {
	return slices.Concat(s3Rules(), lifecycleRules(), serviceRules(), networkRules(), dependencyRules(), rdsRules(), nameRules())
}

// objectLocked is whether bucket b has S3 Object Lock: set on the bucket at
// creation, or by an object lock configuration that selects it.
func (r *Render) objectLocked(b *unstructured.Unstructured) bool {
	if FPBool(b, "objectLockEnabled") {
		return true
	}
	for _, c := range r.SelectingThis(b, gS3, "BucketObjectLockConfiguration", "bucketSelector") {
		if FPString(c, "objectLockEnabled") == "Enabled" {
			return true
		}
	}
	return false
}

// versioned is whether a versioning configuration enables versioning on b.
func (r *Render) versioned(b *unstructured.Unstructured) bool {
	for _, v := range r.SelectingThis(b, gS3, "BucketVersioning", "bucketSelector") {
		if FPString(v, "versioningConfiguration", 0, "status") == "Enabled" {
			return true
		}
	}
	return false
}

// defaultEncryption is the sseAlgorithm of b's default encryption, and the
// configuration that sets it ("" and nil when none is rendered: S3 then
// applies SSE-S3).
func (r *Render) defaultEncryption(b *unstructured.Unstructured) (string, *unstructured.Unstructured) {
	for _, c := range r.SelectingThis(b, gS3, "BucketServerSideEncryptionConfiguration", "bucketSelector") {
		return FPString(c, "rule", 0, "applyServerSideEncryptionByDefault", 0, "sseAlgorithm"), c
	}
	return "", nil
}

func s3Rules() []Rule {
	return []Rule{{
		ID:    "object-lock-on-existing-bucket-needs-versioning",
		Kinds: []string{gS3 + "/BucketObjectLockConfiguration", gS3 + "/Bucket", gS3 + "/BucketVersioning"},
		URL:   "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html",
		Doc:   "To enable Object Lock on an existing bucket ... you must first enable versioning on the bucket (PutObjectLockConfiguration returns InvalidBucketState otherwise).",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, c := range r.Of(gS3, "BucketObjectLockConfiguration") {
				b := r.Selected(c, "bucketSelector")
				if b == nil || FPBool(b, "objectLockEnabled") || r.versioned(b) {
					continue
				}
				out = append(out, violation("object-lock-on-existing-bucket-needs-versioning", c, "spec.forProvider.bucketSelector", Key(b),
					"the bucket is not locked at creation and no versioning configuration enables versioning on it"))
			}
			return out
		},
	}, {
		ID:    "config-delivery-channel-no-object-lock",
		Kinds: []string{gConfig + "/DeliveryChannel", gS3 + "/Bucket"},
		URL:   "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html",
		Doc:   "AWS Config does not support the delivery channel to an Amazon S3 bucket where object lock is enabled.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, dc := range r.Of(gConfig, "DeliveryChannel") {
				if b := r.Selected(dc, "s3BucketNameSelector"); b != nil && r.objectLocked(b) {
					out = append(out, violation("config-delivery-channel-no-object-lock", dc, "spec.forProvider.s3BucketNameSelector", Key(b),
						"the delivery channel's bucket has S3 Object Lock, which AWS Config does not support"))
				}
			}
			return out
		},
	}, {
		ID:    "alb-access-logs-sse-s3",
		Kinds: []string{gELB + "/LB", gS3 + "/BucketServerSideEncryptionConfiguration"},
		URL:   "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
		Doc:   "The only server-side encryption option that's supported is Amazon S3-managed keys (SSE-S3).",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, lb := range r.Of(gELB, "LB") {
				if !FPBool(lb, "accessLogs", 0, "enabled") {
					continue
				}
				b := r.Selected(lb, "accessLogs", 0, "bucketSelector")
				if b == nil {
					continue
				}
				if alg, c := r.defaultEncryption(b); c != nil && alg != "AES256" {
					out = append(out, violation("alb-access-logs-sse-s3", c, "spec.forProvider.rule[0].applyServerSideEncryptionByDefault[0].sseAlgorithm", alg,
						"the bucket receives "+Key(lb)+"'s access logs, which ELB writes only to SSE-S3 buckets"))
				}
			}
			return out
		},
	}, {
		ID:    "alb-access-logs-same-region",
		Kinds: []string{gELB + "/LB", gS3 + "/Bucket"},
		URL:   "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
		Doc:   "The bucket must be located in the same Region as the load balancer.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, lb := range r.Of(gELB, "LB") {
				b := r.Selected(lb, "accessLogs", 0, "bucketSelector")
				if b != nil && FPBool(lb, "accessLogs", 0, "enabled") && FPString(b, "region") != FPString(lb, "region") {
					out = append(out, violation("alb-access-logs-same-region", lb, "spec.forProvider.region", FPString(lb, "region"),
						"the access log bucket "+Key(b)+" is in "+FPString(b, "region")))
				}
			}
			return out
		},
	}, {
		ID:    "server-access-logs-target-no-object-lock",
		Kinds: []string{gS3 + "/BucketLogging", gS3 + "/Bucket"},
		URL:   "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html",
		Doc:   "S3 buckets with Object Lock can't be used as destination buckets for server access logs.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, l := range r.Of(gS3, "BucketLogging") {
				if t := r.Selected(l, "targetBucketSelector"); t != nil && r.objectLocked(t) {
					out = append(out, violation("server-access-logs-target-no-object-lock", l, "spec.forProvider.targetBucketSelector", Key(t),
						"the server access log destination has S3 Object Lock"))
				}
			}
			return out
		},
	}, {
		ID:    "object-lock-requires-versioning",
		Kinds: []string{gS3 + "/Bucket", gS3 + "/BucketVersioning"},
		URL:   "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html",
		Doc:   "Before you lock any objects, you must enable S3 Versioning and Object Lock on a general purpose bucket.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, b := range r.Of(gS3, "Bucket") {
				if r.objectLocked(b) && !r.versioned(b) {
					out = append(out, violation("object-lock-requires-versioning", b, "spec.forProvider.objectLockEnabled", "true",
						"no BucketVersioning enables versioning on this Object Lock bucket"))
				}
			}
			return out
		},
	}, {
		ID:    "replication-requires-versioning",
		Kinds: []string{gS3 + "/BucketReplicationConfiguration", gS3 + "/BucketVersioning"},
		URL:   "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-failure-codes.html",
		Doc:   "DstBucketUnversioned: Versioning is not enabled for the S3 destination bucket (replication requires versioning on source and destination).",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, rc := range r.Of(gS3, "BucketReplicationConfiguration") {
				if src := r.Selected(rc, "bucketSelector"); src != nil && !r.versioned(src) {
					out = append(out, violation("replication-requires-versioning", rc, "spec.forProvider.bucketSelector", Key(src), "the source bucket is not versioned"))
				}
				for i := range listLen(FP(rc, "rule")) {
					if dst := r.Selected(rc, "rule", i, "destination", 0, "bucketSelector"); dst != nil && !r.versioned(dst) {
						out = append(out, violation("replication-requires-versioning", rc, fmt.Sprintf("spec.forProvider.rule[%d].destination[0].bucketSelector", i), Key(dst),
							"the destination bucket is not versioned"))
					}
				}
			}
			return out
		},
	}, {
		ID:    "replication-object-lock-destination",
		Kinds: []string{gS3 + "/BucketReplicationConfiguration", gS3 + "/Bucket"},
		URL:   "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-failure-codes.html",
		Doc:   "DstBucketObjectLockConfigMissing: To replicate objects from a source bucket with Object Lock enabled, the destination bucket must also have Object Lock enabled.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, rc := range r.Of(gS3, "BucketReplicationConfiguration") {
				src := r.Selected(rc, "bucketSelector")
				if src == nil || !r.objectLocked(src) {
					continue
				}
				for i := range listLen(FP(rc, "rule")) {
					if dst := r.Selected(rc, "rule", i, "destination", 0, "bucketSelector"); dst != nil && !r.objectLocked(dst) {
						out = append(out, violation("replication-object-lock-destination", rc, fmt.Sprintf("spec.forProvider.rule[%d].destination[0].bucketSelector", i), Key(dst),
							"the source has Object Lock and the destination does not"))
					}
				}
			}
			return out
		},
	}}
}

func listLen(v any) int {
	l, _ := v.([]any)
	return len(l)
}

func lifecycleRules() []Rule {
	return []Rule{{
		ID:    "deletion-protection-vs-deletion-policy",
		Kinds: []string{gRDS + "/Cluster", gEKS + "/Cluster", gELB + "/LB"},
		URL:   "https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html",
		Doc: "EKS: if you enable deletion protection on a cluster, you must first disable deletion protection before you can delete the cluster. " +
			"RDS (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html): the database can't be deleted when deletion protection is enabled. " +
			"ELB (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection): " +
			"if you enable deletion protection, you must disable it before you can delete the load balancer. " +
			"A protected resource under deletionPolicy Delete is deleted with the claim, so the delete can never finish.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, c := range []struct{ group, kind, field string }{
				{gRDS, "Cluster", "deletionProtection"}, {gEKS, "Cluster", "deletionProtection"}, {gELB, "LB", "enableDeletionProtection"},
			} {
				for _, o := range r.Of(c.group, c.kind) {
					if FPBool(o, c.field) && deletionPolicy(o) == "Delete" {
						out = append(out, violation("deletion-protection-vs-deletion-policy", o, "spec.deletionPolicy", "Delete",
							"spec.forProvider."+c.field+" is true, so AWS refuses the delete Crossplane issues when the claim is deleted"))
					}
				}
			}
			return out
		},
	}, {
		ID:    "rds-final-snapshot-identifier-unique",
		Kinds: []string{gRDS + "/Cluster"},
		URL:   "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html",
		Doc: "DeleteDBCluster with SkipFinalSnapshot false creates a DB cluster snapshot named FinalDBSnapshotIdentifier; " +
			"DBClusterSnapshotAlreadyExistsFault: the user already has a DB cluster snapshot with the given identifier. " +
			"A fixed identifier on a cluster deleted with its claim fails the second teardown of a claim of the same name.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, c := range r.Of(gRDS, "Cluster") {
				id := FPString(c, "finalSnapshotIdentifier")
				if deletionPolicy(c) != "Delete" || FPBool(c, "skipFinalSnapshot") || id == "" {
					continue
				}
				if !slices.ContainsFunc(r.InstanceIDs, func(u string) bool { return u != "" && strings.Contains(id, u) }) {
					out = append(out, violation("rds-final-snapshot-identifier-unique", c, "spec.forProvider.finalSnapshotIdentifier", id,
						"the identifier is the same for every composite of this name; the second teardown fails with DBClusterSnapshotAlreadyExistsFault"))
				}
			}
			return out
		},
	}, {
		ID:    "rds-final-snapshot-key-outlives-teardown",
		Kinds: []string{gRDS + "/Cluster", gKMS + "/Key"},
		URL:   "https://docs.aws.amazon.com/kms/latest/cryptographic-details/key-deletion.html",
		Doc: "ScheduleKeyDeletion deletes the KMS key and all associated key material after the waiting period (an inherently destructive operation); " +
			"a final snapshot encrypted under a key deleted by the same teardown cannot be restored.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, c := range r.Of(gRDS, "Cluster") {
				if deletionPolicy(c) != "Delete" || FPBool(c, "skipFinalSnapshot") {
					continue
				}
				if k := r.Selected(c, "kmsKeyIdSelector"); k != nil && deletionPolicy(k) == "Delete" {
					out = append(out, violation("rds-final-snapshot-key-outlives-teardown", c, "spec.forProvider.kmsKeyIdSelector", Key(k),
						"the final snapshot is encrypted with a key the same teardown schedules for deletion"))
				}
			}
			return out
		},
	}, {
		ID:    "kms-deletion-window",
		Kinds: []string{gKMS + "/Key"},
		URL:   "https://docs.aws.amazon.com/kms/latest/cryptographic-details/key-deletion.html",
		Doc:   "PendingWindowInDays: the range is 7-30 days and the default value is 30 days.",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, k := range r.Of(gKMS, "Key") {
				if d, ok := FPInt(k, "deletionWindowInDays"); ok && (d < 7 || d > 30) {
					out = append(out, violation("kms-deletion-window", k, "spec.forProvider.deletionWindowInDays", fmt.Sprint(d), "outside 7–30 days"))
				}
			}
			return out
		},
	}, {
		ID:    "secret-recovery-window",
		Kinds: []string{"secretsmanager.aws.upbound.io/Secret"},
		URL:   "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html",
		Doc: "RecoveryWindowInDays: the number of days from 7 to 30 that Secrets Manager waits before permanently deleting the secret " +
			"(the provider maps 0 to ForceDeleteWithoutRecovery: zz_secret_types.go, recoveryWindowInDays).",
		Check: func(r *Render) []Violation {
			var out []Violation
			for _, s := range r.Of("secretsmanager.aws.upbound.io", "Secret") {
				if d, ok := FPInt(s, "recoveryWindowInDays"); ok && d != 0 && (d < 7 || d > 30) {
					out = append(out, violation("secret-recovery-window", s, "spec.forProvider.recoveryWindowInDays", fmt.Sprint(d), "outside 7–30 days"))
				}
			}
			return out
		},
	}, {
		ID:    "log-group-retention-values",
		Kinds: []string{gLogs + "/Group"},
		URL:   "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
		Doc:   "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653.",
		Check: func(r *Render) []Violation {
			allowed := []int64{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
			var out []Violation
			for _, g := range r.Of(gLogs, "Group") {
				if d, ok := FPInt(g, "retentionInDays"); ok && d != 0 && !slices.Contains(allowed, d) {
					out = append(out, violation("log-group-retention-values", g, "spec.forProvider.retentionInDays", fmt.Sprint(d), "not one of the values CloudWatch Logs accepts"))
				}
			}
			return out
		},
	}}
}

// nameRule judges the name of every resource of group/kind.
func nameRule(id, group, kind, url, doc string, name func(*unstructured.Unstructured) (field, value string), bad func(string) string) Rule {
	return Rule{ID: id, Kinds: []string{group + "/" + kind}, URL: url, Doc: doc, Check: func(r *Render) []Violation {
		var out []Violation
		for _, o := range r.Of(group, kind) {
			field, v := name(o)
			if why := bad(v); why != "" {
				out = append(out, violation(id, o, field, v, why))
			}
		}
		return out
	}}
}

func byExternalName(o *unstructured.Unstructured) (string, string) {
	return "metadata.annotations[crossplane.io/external-name]", externalName(o)
}

func byForProviderName(o *unstructured.Unstructured) (string, string) {
	return "spec.forProvider.name", FPString(o, "name")
}

var (
	bucketName   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	ipAddress    = regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)
	lbName       = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?$`)
	dbIdentifier = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	logGroupName = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)
	roleName     = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	aliasName    = regexp.MustCompile(`^alias/[A-Za-z0-9/_-]{1,250}$`)
	eksName      = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)
)

func matches(re *regexp.Regexp, what string) func(string) string {
	return func(v string) string {
		if !re.MatchString(v) {
			return "does not satisfy " + what
		}
		return ""
	}
}

func nameRules() []Rule {
	return append([]Rule{
		nameRule("s3-bucket-name", gS3, "Bucket", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
			"Bucket names must be between 3 and 63 characters long, consist only of lowercase letters, numbers, periods and hyphens, begin and end with a letter or number, "+
				"not contain two adjacent periods, not be formatted as an IP address, and not start with xn--, sthree- or amzn-s3-demo- nor end with -s3alias, --ol-s3, .mrap or --x-s3.",
			byExternalName, func(v string) string {
				switch {
				case !bucketName.MatchString(v):
					return "not 3–63 lowercase letters, digits, periods or hyphens beginning and ending with a letter or digit"
				case strings.Contains(v, ".."), ipAddress.MatchString(v):
					return "adjacent periods or an IP address"
				}
				for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
					if strings.HasPrefix(v, p) {
						return "reserved prefix " + p
					}
				}
				for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3"} {
					if strings.HasSuffix(v, s) {
						return "reserved suffix " + s
					}
				}
				return ""
			}),
		nameRule("lb-name", gELB, "LB", "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
			`The name can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, must not begin or end with a hyphen, and must not begin with "internal-".`,
			byForProviderName, func(v string) string {
				if strings.HasPrefix(v, "internal-") {
					return `begins with "internal-"`
				}
				return matches(lbName, "1–32 alphanumerics or hyphens, no hyphen at either end")(v)
			}),
		nameRule("rds-cluster-identifier", gRDS, "Cluster", "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html",
			"DBClusterIdentifier: must contain from 1 to 63 (Aurora) letters, numbers, or hyphens; first character must be a letter; can't end with a hyphen or contain two consecutive hyphens.",
			byExternalName, func(v string) string {
				if strings.Contains(v, "--") {
					return "two consecutive hyphens"
				}
				return matches(dbIdentifier, "1–63 letters, digits or hyphens, starting with a letter, not ending with a hyphen")(v)
			}),
		nameRule("log-group-name", gLogs, "Group", "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
			"Log group names can be between 1 and 512 characters long and consist of a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'.",
			byExternalName, matches(logGroupName, "1–512 of [.-_/#A-Za-z0-9]")),
		nameRule("iam-role-name", gIAM, "Role", "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyRole.html",
			`RoleName: length constraints minimum 1, maximum 64; pattern [\w+=,.@-]+.`,
			byExternalName, matches(roleName, `1–64 of [\w+=,.@-]`)),
		nameRule("kms-alias-name", gKMS, "Alias", "https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html",
			"The alias must be a string of 1–256 characters of alphanumerics, '/', '_' and '-'; the alias name for a customer managed key cannot begin with alias/aws/ "+
				"(the API takes it with the alias/ prefix).",
			byExternalName, func(v string) string {
				if strings.HasPrefix(v, "alias/aws/") {
					return "alias/aws/ is reserved for AWS managed keys"
				}
				return matches(aliasName, "alias/ followed by alphanumerics, '/', '_' or '-', 256 characters at most")(v)
			}),
		nameRule("eks-cluster-name", gEKS, "Cluster", "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html",
			"The name can contain only alphanumeric characters (case-sensitive), hyphens, and underscores. It must start with an alphanumeric character and can't be longer than 100 characters.",
			byExternalName, matches(eksName, "1–100 alphanumerics, hyphens or underscores starting with an alphanumeric")),
	}, formatRules()...)
}
