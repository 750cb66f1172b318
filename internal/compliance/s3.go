package compliance

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/iampolicy"
)

var gdprEncryption = []string{"Art. 32(1)(a)"}

var s3Controls = []Control{{
	ID: "s3-block-public-access", Title: "S3 buckets block every form of public access", Severity: Critical,
	Refs: Refs{PCI: []string{"1.3.1"}, CIS: "2.1.4", Checkov: []string{"CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"},
		ConfigRule: "s3-bucket-level-public-access-prohibited", GDPR: []string{"Art. 32(1)(b)"}, HIPAA: []string{"164.312(a)(1)"}},
	check: eachBucket(func(s *scope, b *unstructured.Unstructured) []Evidence {
		pabs := s.SelectingThis(b, gS3, "BucketPublicAccessBlock", "bucketSelector")
		if len(pabs) == 0 {
			return []Evidence{missing(b, "BucketPublicAccessBlock", "no public access block selects the bucket")}
		}
		var out []Evidence
		for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			out = append(out, equals(pabs[0], true, "", f))
		}
		return out
	}),
}, {
	ID: "s3-tls-only", Title: "S3 buckets refuse requests without TLS, and TLS below 1.2", Severity: High,
	Refs: Refs{PCI: []string{"4.2.1"}, CIS: "2.1.1", Checkov: []string{"CKV_AWS_379"}, ConfigRule: "s3-bucket-ssl-requests-only",
		GDPR: []string{"Art. 32(1)(a)"}, HIPAA: []string{"164.312(e)(1)"}},
	URL:   "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit",
	check: eachBucket(bucketDeniesInsecureTransport),
}, {
	ID: "s3-kms-default-encryption", Title: "S3 buckets encrypt by default with a customer-managed KMS key", Severity: High,
	Refs: Refs{PCI: []string{"3.5.1"}, Checkov: []string{"CKV_AWS_145"}, ConfigRule: "s3-default-encryption-kms",
		GDPR: gdprEncryption, HIPAA: []string{"164.312(a)(2)(iv)"}},
	URL: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
	check: eachBucket(func(s *scope, b *unstructured.Unstructured) []Evidence {
		cs := s.SelectingThis(b, gS3, "BucketServerSideEncryptionConfiguration", "bucketSelector")
		if len(cs) == 0 {
			return []Evidence{missing(b, "BucketServerSideEncryptionConfiguration", "no default encryption: S3 applies SSE-S3, not a CMK")}
		}
		path := []any{"rule", 0, "applyServerSideEncryptionByDefault", 0}
		alg := fpString(cs[0], append(path, "sseAlgorithm")...)
		// ELB writes access logs only to SSE-S3 buckets (the URL), and S3
		// server access logs support SSE-S3 only as the target's default
		// encryption, so the bucket that receives them cannot use a CMK.
		// https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
		switch {
		case alg == "AES256" && s.receivesALBLogs(b):
			return []Evidence{at(cs[0], true, "receives ALB access logs, which ELB writes only to SSE-S3 buckets", append(path, "sseAlgorithm")...)}
		case alg == "AES256" && len(s.SelectingThis(b, gS3, "BucketLogging", "targetBucketSelector")) > 0:
			return []Evidence{at(cs[0], true, "receives S3 server access logs, which need SSE-S3 default encryption", append(path, "sseAlgorithm")...)}
		}
		if alg != "aws:kms" && alg != "aws:kms:dsse" {
			return []Evidence{at(cs[0], false, "not SSE-KMS", append(path, "sseAlgorithm")...)}
		}
		key := fpString(cs[0], append(path, "kmsMasterKeyId")...)
		return []Evidence{at(cs[0], key != "" && key != "alias/aws/s3", "SSE-KMS with the AWS managed key, not a CMK", append(path, "kmsMasterKeyId")...)}
	}),
}, {
	ID: "s3-versioning", Title: "S3 buckets keep object versions", Severity: Medium,
	Refs: Refs{PCI: []string{"10.3.4"}, Checkov: []string{"CKV_AWS_21"}, ConfigRule: "s3-bucket-versioning-enabled",
		SOX: []string{"ITGC: data integrity"}, GDPR: []string{"Art. 32(1)(c)"}, HIPAA: []string{"164.312(c)(1)"}},
	check: eachBucket(func(s *scope, b *unstructured.Unstructured) []Evidence {
		vs := s.SelectingThis(b, gS3, "BucketVersioning", "bucketSelector")
		if len(vs) == 0 {
			return []Evidence{missing(b, "BucketVersioning", "no versioning configuration selects the bucket")}
		}
		return []Evidence{equals(vs[0], "Enabled", "", "versioningConfiguration", 0, "status")}
	}),
}, {
	ID: "s3-access-logs", Title: "S3 buckets log access to the platform's log bucket", Severity: Medium,
	Refs: Refs{PCI: []string{"10.2.1"}, Checkov: []string{"CKV_AWS_18"}, ConfigRule: "s3-bucket-logging-enabled",
		SOX: []string{"ITGC: logging and monitoring"}, HIPAA: []string{"164.312(b)"}},
	check: eachBucket(func(s *scope, b *unstructured.Unstructured) []Evidence {
		ls := s.SelectingThis(b, gS3, "BucketLogging", "bucketSelector")
		if len(ls) > 0 {
			target, ok := selects(ls[0], "targetBucket")
			return []Evidence{{Resource: awsrules.Key(ls[0]), Field: fpPath("targetBucketSelector"), Value: target, OK: ok}}
		}
		// A bucket does not log its own access into itself (every write
		// would log a write); the log bucket is the target of the others.
		if len(s.SelectingThis(b, gS3, "BucketLogging", "targetBucketSelector")) > 0 {
			return []Evidence{{Resource: awsrules.Key(b), Field: "BucketLogging", Value: "<target of the others>", OK: true, Why: "the access-log bucket itself"}}
		}
		// Server access logs go to a bucket in the same region
		// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html); a replica
		// in the DR region is written only by replication, and CloudTrail
		// data events record who reads it.
		if rw := s.trailDataEvents(b); s.isReplica(b) && rw != "" {
			return []Evidence{{Resource: awsrules.Key(b), Field: "Trail eventSelector", Value: "CloudTrail data events (" + rw + ")", OK: true,
				Why: "a replica is written only by replication; CloudTrail records its reads"}}
		}
		return []Evidence{missing(b, "BucketLogging", "no access logging selects the bucket")}
	}),
}, {
	ID: "s3-replication", Title: "Data and audit buckets replicate to the disaster-recovery region", Severity: Medium,
	Refs: Refs{Checkov: []string{"CKV_AWS_144"}, ConfigRule: "s3-bucket-replication-enabled",
		SOX: []string{"ITGC: backup and recovery"}, GDPR: []string{"Art. 32(1)(c)"}, HIPAA: []string{"164.308(a)(7)(ii)(A)"}},
	DevRelaxation: "a dev platform has no disaster-recovery replicas",
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, purpose := range []string{"s3-bucket-data", "s3-bucket-audit"} {
			b := s.byKey(gS3, "Bucket", purpose)
			if b == nil {
				continue
			}
			rcs := s.SelectingThis(b, gS3, "BucketReplicationConfiguration", "bucketSelector")
			if len(rcs) == 0 {
				out = append(out, missing(b, "BucketReplicationConfiguration", "the bucket does not replicate"))
				continue
			}
			out = append(out, equals(rcs[0], "Enabled", "", "rule", 0, "status"))
		}
		return out, "no data or audit bucket is rendered"
	},
}, {
	ID: "s3-audit-object-lock", Title: "The audit-log bucket locks objects (WORM) by default", Severity: High,
	Refs: Refs{PCI: []string{"10.3.4", "10.5.1"}, Checkov: []string{"CKV_AWS_143"}, ConfigRule: "s3-bucket-default-lock-enabled",
		SOX: []string{"ITGC: logging and monitoring"}, HIPAA: []string{"164.312(c)(1)"}},
	DevRelaxation: "dev audit logs are deleted with the platform, so they are not write-once",
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, t := range s.Of(gTrail, "Trail") {
			b := s.Selected(t, "s3BucketNameSelector")
			if b == nil {
				out = append(out, missing(t, fpPath("s3BucketNameSelector"), "the trail's bucket is not rendered"))
				continue
			}
			locks := s.SelectingThis(b, gS3, "BucketObjectLockConfiguration", "bucketSelector")
			if len(locks) == 0 {
				out = append(out, missing(b, "BucketObjectLockConfiguration", "no Object Lock and no default retention"))
				continue
			}
			// Object Lock is on from the bucket's creation, or turned on by
			// the configuration once versioning is.
			// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
			if fpBool(b, "objectLockEnabled") {
				out = append(out, equals(b, true, "", "objectLockEnabled"))
			} else {
				out = append(out, equals(locks[0], "Enabled", "", "objectLockEnabled"))
			}
			mode := fpString(locks[0], "rule", 0, "defaultRetention", 0, "mode")
			out = append(out, at(locks[0], mode == "COMPLIANCE" || (mode == "GOVERNANCE" && !s.prod()), "prod audit logs need COMPLIANCE mode", "rule", 0, "defaultRetention", 0, "mode"))
		}
		return out, "no CloudTrail trail is rendered"
	},
}, {
	ID: "s3-acls-disabled", Title: "S3 buckets disable ACLs (bucket owner enforced)", Severity: Medium,
	Refs: Refs{PCI: []string{"7.2.1"}, Checkov: []string{"CKV2_AWS_65"}, ConfigRule: "s3-bucket-acl-prohibited", HIPAA: []string{"164.312(a)(1)"}},
	check: eachBucket(func(s *scope, b *unstructured.Unstructured) []Evidence {
		ocs := s.SelectingThis(b, gS3, "BucketOwnershipControls", "bucketSelector")
		if len(ocs) == 0 {
			return []Evidence{missing(b, "BucketOwnershipControls", "ACLs stay enabled")}
		}
		return []Evidence{equals(ocs[0], "BucketOwnerEnforced", "", "rule", 0, "objectOwnership")}
	}),
}}

// eachBucket judges every rendered bucket with f.
func eachBucket(f func(*scope, *unstructured.Unstructured) []Evidence) func(*scope) ([]Evidence, string) {
	return func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, b := range s.Of(gS3, "Bucket") {
			out = append(out, f(s, b)...)
		}
		return out, "no S3 bucket is rendered"
	}
}

// receivesALBLogs is whether a load balancer delivers its access logs to b,
// by selector or by the bucket's name.
func (s *scope) receivesALBLogs(b *unstructured.Unstructured) bool {
	for _, lb := range s.Of(gELB, "LB") {
		if fpBool(lb, "accessLogs", 0, "enabled") && (s.Selected(lb, "accessLogs", 0, "bucketSelector") == b || fpString(lb, "accessLogs", 0, "bucket") == bucketName(b)) {
			return true
		}
	}
	return false
}

// trailDataEvents is the read/write type with which a CloudTrail trail
// records the object-level events of bucket b, or "".
func (s *scope) trailDataEvents(b *unstructured.Unstructured) string {
	prefix := bucketARN(b) + "/"
	for _, t := range s.Of(gTrail, "Trail") {
		for i := range len(fpList(t, "eventSelector")) {
			for j := range len(fpList(t, "eventSelector", i, "dataResource")) {
				if slices.Contains(fpStrings(t, "eventSelector", i, "dataResource", j, "values"), prefix) {
					return fpString(t, "eventSelector", i, "readWriteType")
				}
			}
		}
	}
	return ""
}

// byKey is the rendered resource of group/kind with the composed resource
// key, or nil.
func (s *scope) byKey(group, kind, key string) *unstructured.Unstructured {
	i := slices.IndexFunc(s.Of(group, kind), func(o *unstructured.Unstructured) bool { return awsrules.Key(o) == key })
	if i < 0 {
		return nil
	}
	return s.Of(group, kind)[i]
}

// probe is a principal of another account: a bucket policy's Deny for
// everyone must stop it as well as anyone in the account.
var probe = iampolicy.Principal{ARN: "arn:aws:iam::000000000000:role/probe", Account: "000000000000"}

// bucketDeniesInsecureTransport evaluates the bucket policy with the
// request context S3 sends: aws:SecureTransport for TLS, s3:TlsVersion for
// its version.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version
func bucketDeniesInsecureTransport(s *scope, b *unstructured.Unstructured) []Evidence {
	bps := s.SelectingThis(b, gS3, "BucketPolicy", "bucketSelector")
	if len(bps) == 0 {
		return []Evidence{missing(b, "BucketPolicy", "no bucket policy denies requests without TLS")}
	}
	p, err := s.policies.Parse(fpString(bps[0], "policy"))
	if err != nil {
		return []Evidence{at(bps[0], false, "the policy does not parse: "+err.Error(), "policy")}
	}
	object := bucketARN(b) + "/any-object"
	var out []Evidence
	for _, c := range []struct {
		what string
		ctx  iampolicy.Context
	}{
		{"GetObject over plain HTTP", iampolicy.Context{"aws:SecureTransport": {"false"}}},
		{"GetObject over TLS 1.1", iampolicy.Context{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.1"}}},
	} {
		r := iampolicy.Evaluate(iampolicy.Request{Principal: probe, Action: "s3:GetObject", Resource: object, Context: c.ctx},
			iampolicy.SameAccount, iampolicy.Source{Name: awsrules.Key(bps[0]), Kind: iampolicy.Resource, Policy: p})
		out = append(out, Evidence{Resource: awsrules.Key(bps[0]), Field: fpPath("policy"), Value: c.what + ": " + string(r.Decision),
			OK: r.Decision == iampolicy.ExplicitDeny, Why: r.Reason})
	}
	return out
}
