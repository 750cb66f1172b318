package storage

import (
	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/google/go-cmp/cmp"
	"regexp"
	"slices"
	"strings"
	"testing"

	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
	"github.com/paynext/platform/functions/platform/internal/policy"
	"github.com/paynext/platform/functions/platform/internal/security"
	"github.com/paynext/platform/internal/iampolicy"
)

func config(env v1alpha1.Environment, region, dr string) *platform.Config {
	return platform.Resolve("payments", &v1alpha1.PlatformSpec{
		Environment: env, Region: region, DRRegion: dr,
		Network:  v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: []string{region + "a", region + "b"}},
		Contacts: v1alpha1.ContactsSpec{SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com"},
	}, "111122223333")
}

// render renders the tier once its precursors exist: the storage keys and
// every bucket's versioning.
func render(t *testing.T, cfg *platform.Config) map[string]runtime.Object {
	t.Helper()
	return platformtest.Render(t, Tier{}, cfg, precursors(cfg))
}

func storageKeyARN(cfg *platform.Config, dr bool) string {
	region := cfg.Region
	if dr {
		region = cfg.DRRegion
	}
	return "arn:aws:kms:" + region + ":111122223333:key/storage"
}

func precursors(cfg *platform.Config) platform.Observed {
	o := platformtest.Merge(
		platformtest.Observed(security.KeyName(security.PurposeStorage, false), "kms.aws.upbound.io/v1beta1", "Key", map[string]any{"arn": storageKeyARN(cfg, false)}),
		platformtest.Observed(security.KeyName(security.PurposeStorage, true), "kms.aws.upbound.io/v1beta1", "Key", map[string]any{"arn": storageKeyARN(cfg, true)}),
	)
	for _, p := range Buckets {
		for _, replica := range []bool{false, true} {
			o = platformtest.Merge(o, platformtest.Ready(KeyBucket(p, replica)+"-versioning", "s3.aws.upbound.io/v1beta1", "BucketVersioning"))
		}
	}
	return o
}

var bucketNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// TestEveryBucketIsLockedDown holds every bucket to the S3 controls: a valid,
// stable name; versioning; KMS encryption with bucket keys (SSE-S3 for the
// logs bucket, which AWS requires for access-log delivery); all four public
// access blocks; ACLs disabled; TLS 1.2+ only; access logs (except the logs
// bucket and the replicas).
func TestEveryBucketIsLockedDown(t *testing.T) {
	for _, env := range []v1alpha1.Environment{v1alpha1.EnvironmentDev, v1alpha1.EnvironmentProd} {
		t.Run(string(env), func(t *testing.T) {
			cfg := config(env, "ap-southeast-2", "ap-southeast-4")
			rs := render(t, cfg)
			buckets := 0
			for key, obj := range rs {
				b, ok := obj.(*s3v1beta1.Bucket)
				if !ok {
					continue
				}
				buckets++
				name := b.GetAnnotations()[platform.AnnotationExternalName]
				if !bucketNameRE.MatchString(name) {
					t.Errorf("%s: %q is not a valid bucket name", key, name)
				}
				if b.Spec.ForProvider.ForceDestroy != nil {
					t.Errorf("%s: forceDestroy must never be set", key)
				}
				if _, ok := rs[key+"-versioning"].(*s3v1beta1.BucketVersioning); !ok {
					t.Errorf("%s: no versioning", key)
				}
				pab := rs[key+"-public-access-block"].(*s3v1beta1.BucketPublicAccessBlock).Spec.ForProvider
				if !*pab.BlockPublicAcls || !*pab.BlockPublicPolicy || !*pab.IgnorePublicAcls || !*pab.RestrictPublicBuckets {
					t.Errorf("%s: want all four public access blocks", key)
				}
				if o := rs[key+"-ownership"].(*s3v1beta1.BucketOwnershipControls); *o.Spec.ForProvider.Rule[0].ObjectOwnership != "BucketOwnerEnforced" {
					t.Errorf("%s: want ACLs disabled", key)
				}
				sse := rs[key+"-encryption"].(*s3v1beta1.BucketServerSideEncryptionConfiguration).Spec.ForProvider.Rule[0]
				wantSSE := "aws:kms"
				if key == KeyBucket(Logs, false) {
					wantSSE = "AES256"
				}
				if got := *sse.ApplyServerSideEncryptionByDefault[0].SseAlgorithm; got != wantSSE {
					t.Errorf("%s: want %s, got %s", key, wantSSE, got)
				}
				if wantSSE == "aws:kms" {
					replica := strings.HasSuffix(key, "-replica")
					if got, want := ptr.Deref(sse.ApplyServerSideEncryptionByDefault[0].KMSMasterKeyID, ""), storageKeyARN(cfg, replica); got != want {
						t.Errorf("%s: want the storage key of the bucket's region, %s, by its observed ARN; got %q", key, want, got)
					}
				}
				doc, _ := policy.Parse(*rs[key+"-policy"].(*s3v1beta1.BucketPolicy).Spec.ForProvider.Policy)
				if !slices.ContainsFunc(doc.Statement, func(s policy.Statement) bool {
					return s.Effect == policy.Deny && slices.Equal(s.Condition["Bool"]["aws:SecureTransport"], []string{"false"})
				}) {
					t.Errorf("%s: want a statement denying requests without TLS", key)
				}
				_, logged := rs[key+"-logging"]
				if wantLogged := key != KeyBucket(Logs, false) && !strings.HasSuffix(key, "-replica"); logged != wantLogged {
					t.Errorf("%s: access logging %v, want %v", key, logged, wantLogged)
				}
			}
			want := 5
			if env != v1alpha1.EnvironmentDev {
				want = 7
			}
			if buckets != want {
				t.Errorf("want %d buckets (data, logs, audit, backups and AWS Config's, plus data and audit replicas outside dev), got %d", want, buckets)
			}
		})
	}
}

// TestAuditBucketsAreLocked: outside dev the audit bucket and its replica
// keep every object for their retention: prod's 7 years in compliance mode,
// locked since creation; staging's its log retention in governance mode,
// enabled by the lock configuration once versioning is on (S3 refuses it
// before). A locked bucket, and its lock, are kept when the claim goes: S3
// will not delete a bucket holding retained objects.
func TestAuditBucketsAreLocked(t *testing.T) {
	for name, tc := range map[string]struct {
		env      v1alpha1.Environment
		atCreate bool
		want     *s3v1beta1.RuleDefaultRetentionParameters
	}{
		"Prod":    {v1alpha1.EnvironmentProd, true, &s3v1beta1.RuleDefaultRetentionParameters{Mode: ptr.To("COMPLIANCE"), Years: ptr.To(7.0)}},
		"Staging": {v1alpha1.EnvironmentStaging, false, &s3v1beta1.RuleDefaultRetentionParameters{Mode: ptr.To("GOVERNANCE"), Days: ptr.To(365.0)}},
		"Dev":     {v1alpha1.EnvironmentDev, false, nil},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := config(tc.env, "us-west-2", "us-east-1")
			rs := render(t, cfg)
			keys := []string{KeyBucket(Audit, false)}
			if tc.env != v1alpha1.EnvironmentDev {
				keys = append(keys, KeyBucket(Audit, true))
			}
			for _, key := range keys {
				b := rs[key].(*s3v1beta1.Bucket)
				if got := ptr.Deref(b.Spec.ForProvider.ObjectLockEnabled, false); got != tc.atCreate {
					t.Errorf("%s: want object lock at creation %v, got %v", key, tc.atCreate, got)
				}
				lock, ok := rs[key+"-object-lock"].(*s3v1beta1.BucketObjectLockConfiguration)
				if tc.want == nil {
					if ok {
						t.Errorf("%s: dev's evidence is disposable, want no lock", key)
					}
					continue
				}
				if !ok {
					t.Fatalf("%s: want an object lock configuration", key)
				}
				if diff := cmp.Diff(*tc.want, lock.Spec.ForProvider.Rule[0].DefaultRetention[0]); diff != "" || *lock.Spec.ForProvider.ObjectLockEnabled != "Enabled" {
					t.Errorf("%s: want Object Lock enabled with the default retention (-want +got):\n%s", key, diff)
				}
				if b.Spec.DeletionPolicy != xpv1.DeletionOrphan || lock.Spec.DeletionPolicy != xpv1.DeletionOrphan {
					t.Errorf("%s: want a locked bucket and its lock kept when the claim goes, got %q and %q", key, b.Spec.DeletionPolicy, lock.Spec.DeletionPolicy)
				}
			}
			if !tc.atCreate {
				before := platformtest.Render(t, Tier{}, cfg, nil)
				if _, ok := before[KeyBucket(Audit, false)+"-object-lock"]; ok {
					t.Error("want the lock configuration to wait for versioning: S3 enables Object Lock only on a versioned bucket")
				}
			}
		})
	}
}

// TestAWSConfigEvidenceReachesTheLockedAuditBucket: AWS Config does not
// support delivery to a bucket with Object Lock (AWS::Config::DeliveryChannel),
// so it has its own bucket, locked down like the others and admitting only
// AWS Config of this account; outside dev S3 replicates every new version of
// it into the audit bucket, where prod's default retention locks the copy
// for 7 years, and into the audit replica in the DR region.
func TestAWSConfigEvidenceReachesTheLockedAuditBucket(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "us-west-2", "us-east-1")
	rs := render(t, cfg)
	key := KeyBucket(AWSConfig, false)
	b := rs[key].(*s3v1beta1.Bucket)
	if ptr.Deref(b.Spec.ForProvider.ObjectLockEnabled, false) {
		t.Errorf("%s: AWS Config cannot deliver to a bucket with Object Lock", key)
	}
	if _, ok := rs[key+"-object-lock"]; ok {
		t.Errorf("%s: AWS Config cannot deliver to a bucket with Object Lock", key)
	}
	doc, _ := iampolicy.Parse(*rs[key+"-policy"].(*s3v1beta1.BucketPolicy).Spec.ForProvider.Policy)
	bucketARN := "arn:aws:s3:::" + cfg.BucketName(AWSConfig)
	for _, tc := range []struct {
		account, action, object string
		want                    bool
	}{
		{"111122223333", "s3:GetBucketAcl", "", true},
		{"111122223333", "s3:PutObject", "/AWSLogs/111122223333/Config/us-west-2/x.json.gz", true},
		{"111122223333", "s3:PutObject", "/elsewhere/x", false},
		{"444455556666", "s3:PutObject", "/AWSLogs/444455556666/Config/us-west-2/x.json.gz", false},
	} {
		res := iampolicy.Evaluate(iampolicy.Request{
			Principal: iampolicy.Principal{Service: "config.amazonaws.com"}, Action: tc.action, Resource: bucketARN + tc.object,
			Context: iampolicy.Context{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.2"}, "aws:SourceAccount": {tc.account}},
		}, iampolicy.SameAccount, iampolicy.Source{Name: key, Kind: iampolicy.Resource, Policy: doc})
		if res.Allowed() != tc.want {
			t.Errorf("AWS Config for %s %s on %s%s: want allowed %v, got %s: %s", tc.account, tc.action, key, tc.object, tc.want, res.Decision, res.Reason)
		}
	}
	audit, _ := iampolicy.Parse(*rs[KeyBucket(Audit, false)+"-policy"].(*s3v1beta1.BucketPolicy).Spec.ForProvider.Policy)
	for _, st := range audit.Statements {
		if st.Principal != nil && slices.Contains(st.Principal.Service, "config.amazonaws.com") {
			t.Errorf("the audit bucket still admits AWS Config (%s), which cannot deliver to it in prod", st.Sid)
		}
	}

	rc := rs[key+"-replication"].(*s3v1beta1.BucketReplicationConfiguration).Spec.ForProvider
	type copyTo struct{ bucket, key string }
	var got []copyTo
	priorities := map[float64]bool{}
	for _, r := range rc.Rule {
		if *r.DeleteMarkerReplication[0].Status != "Disabled" {
			t.Errorf("rule %s: deletes must not reach the evidence", *r.ID)
		}
		priorities[*r.Priority] = true
		d := r.Destination[0]
		got = append(got, copyTo{*d.Bucket, *d.EncryptionConfiguration[0].ReplicaKMSKeyID})
	}
	want := []copyTo{
		{"arn:aws:s3:::" + cfg.ReplicaBucketName(Audit), storageKeyARN(cfg, true)},
		{"arn:aws:s3:::" + cfg.BucketName(Audit), storageKeyARN(cfg, false)},
	}
	if !slices.Equal(got, want) {
		t.Errorf("want AWS Config's bucket copied into the audit replica and the audit bucket, each with its region's storage key:\n want %v\n got  %v", want, got)
	}
	if len(priorities) != len(rc.Rule) {
		t.Errorf("S3 needs a distinct priority per rule, got %v", priorities)
	}
	if lock := rs[KeyBucket(Audit, false)+"-object-lock"].(*s3v1beta1.BucketObjectLockConfiguration); *lock.Spec.ForProvider.Rule[0].DefaultRetention[0].Mode != "COMPLIANCE" {
		t.Error("the copies take the audit bucket's default retention: it must be compliance mode")
	}
	if _, ok := render(t, config(v1alpha1.EnvironmentDev, "us-west-2", "us-east-1"))[key+"-replication"]; ok {
		t.Error("dev replicates nothing")
	}
	if _, ok := rs[key+"-logging"]; !ok {
		t.Errorf("%s: want access logging", key)
	}
}

func TestReplicationGoesToTheDRRegionAndKeepsDeletesOut(t *testing.T) {
	if _, ok := render(t, config(v1alpha1.EnvironmentDev, "us-west-2", "us-east-1"))[KeyBucket(Data, false)+"-replication"]; ok {
		t.Error("dev does not replicate")
	}
	cfg := config(v1alpha1.EnvironmentStaging, "us-west-2", "us-east-1")
	rs := render(t, cfg)
	for _, p := range Replicated {
		r := rs[KeyBucket(p, false)+"-replication"].(*s3v1beta1.BucketReplicationConfiguration).Spec.ForProvider
		rule := r.Rule[0]
		if *rule.DeleteMarkerReplication[0].Status != "Disabled" {
			t.Errorf("%s: deletes must not reach the replica", p)
		}
		d := rule.Destination[0]
		if got, want := ptr.Deref(d.Bucket, ""), "arn:aws:s3:::"+cfg.ReplicaBucketName(p); got != want || d.BucketSelector != nil {
			t.Errorf("%s: want the replica %s as destination by ARN (no selector inside the rule list), got %q", p, want, got)
		}
		if got, want := ptr.Deref(d.EncryptionConfiguration[0].ReplicaKMSKeyID, ""), storageKeyARN(cfg, true); got != want {
			t.Errorf("%s: want replicas encrypted with the DR storage key %s, got %q", p, want, got)
		}
		if got := *rs[KeyBucket(p, true)].(*s3v1beta1.Bucket).Spec.ForProvider.Region; got != "us-east-1" {
			t.Errorf("%s: want the replica in the DR region, got %s", p, got)
		}
	}
}

// TestKeyedConfigurationsWaitAndNeverDropOut: encryption and replication
// name their keys by observed ARN (rule is a list in s3 v1beta1, so no
// selector inside it). They wait for the key, and replication for versioning
// on both buckets; once they exist, they keep the key AWS reports while the
// key is briefly unobserved, and never drop out of the desired state.
func TestKeyedConfigurationsWaitAndNeverDropOut(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "us-west-2", "us-east-1")
	data, replication := KeyBucket(Data, false)+"-encryption", KeyBucket(Data, false)+"-replication"

	fresh := platformtest.Render(t, Tier{}, cfg, nil)
	if _, ok := fresh[data]; ok {
		t.Errorf("%s: want it to wait for the storage key's ARN", data)
	}
	if _, ok := fresh[KeyBucket(Logs, false)+"-encryption"]; !ok {
		t.Error("the logs bucket's SSE-S3 configuration needs no key and must not wait")
	}
	if _, ok := fresh[replication]; ok {
		t.Errorf("%s: want it to wait for the DR storage key", replication)
	}

	keysOnly := platformtest.Merge(
		platformtest.Observed(security.KeyName(security.PurposeStorage, false), "kms.aws.upbound.io/v1beta1", "Key", map[string]any{"arn": storageKeyARN(cfg, false)}),
		platformtest.Observed(security.KeyName(security.PurposeStorage, true), "kms.aws.upbound.io/v1beta1", "Key", map[string]any{"arn": storageKeyARN(cfg, true)}),
	)
	if _, ok := platformtest.Render(t, Tier{}, cfg, keysOnly)[replication]; ok {
		t.Errorf("%s: S3 refuses replication until both buckets are versioned; want it to wait", replication)
	}

	existing := platformtest.Merge(
		platformtest.Observed(data, "s3.aws.upbound.io/v1beta1", "BucketServerSideEncryptionConfiguration", map[string]any{
			"rule": []any{map[string]any{"applyServerSideEncryptionByDefault": []any{map[string]any{"kmsMasterKeyId": "arn:aws:kms:us-west-2:111122223333:key/existing"}}}},
		}),
		platformtest.Observed(replication, "s3.aws.upbound.io/v1beta1", "BucketReplicationConfiguration", map[string]any{
			"rule": []any{map[string]any{"destination": []any{map[string]any{"encryptionConfiguration": []any{map[string]any{"replicaKmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/existing"}}}}}},
		}),
	)
	rs := platformtest.Render(t, Tier{}, cfg, existing)
	enc, ok := rs[data].(*s3v1beta1.BucketServerSideEncryptionConfiguration)
	if !ok {
		t.Fatalf("%s dropped out of the desired state while its key was unobserved", data)
	}
	if got := ptr.Deref(enc.Spec.ForProvider.Rule[0].ApplyServerSideEncryptionByDefault[0].KMSMasterKeyID, ""); got != "arn:aws:kms:us-west-2:111122223333:key/existing" {
		t.Errorf("%s: want the key AWS reports, got %q", data, got)
	}
	rep, ok := rs[replication].(*s3v1beta1.BucketReplicationConfiguration)
	if !ok {
		t.Fatalf("%s dropped out of the desired state while its key was unobserved", replication)
	}
	if got := ptr.Deref(rep.Spec.ForProvider.Rule[0].Destination[0].EncryptionConfiguration[0].ReplicaKMSKeyID, ""); got != "arn:aws:kms:us-east-1:111122223333:key/existing" {
		t.Errorf("%s: want the key AWS reports, got %q", replication, got)
	}
}

// TestBucketsRefuseOnlyAnotherEncryption: every bucket's policy denies an
// upload that asks for another encryption than the bucket's, and admits one
// that names none (the bucket's default encryption applies), which is how
// S3 server access logging, ELB access logs and AWS Config deliver. The
// uploader is an identity policy allowing s3:PutObject, so the bucket policy
// alone decides.
func TestBucketsRefuseOnlyAnotherEncryption(t *testing.T) {
	allowPut, err := iampolicy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []v1alpha1.Environment{v1alpha1.EnvironmentDev, v1alpha1.EnvironmentProd} {
		cfg := config(env, "us-west-2", "us-east-1")
		rs := render(t, cfg)
		for key, obj := range rs {
			bp, ok := obj.(*s3v1beta1.BucketPolicy)
			if !ok {
				continue
			}
			doc, err := iampolicy.Parse(*bp.Spec.ForProvider.Policy)
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			own, other := "aws:kms", "AES256"
			if key == KeyBucket(Logs, false)+"-policy" {
				own, other = "AES256", "aws:kms"
			}
			for header, want := range map[string]bool{"": true, own: true, other: false} {
				ctx := iampolicy.Context{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.3"}}
				if header != "" {
					ctx["s3:x-amz-server-side-encryption"] = []string{header}
				}
				res := iampolicy.Evaluate(iampolicy.Request{
					Principal: iampolicy.Principal{ARN: "arn:aws:iam::111122223333:role/uploader", Account: "111122223333"},
					Action:    "s3:PutObject", Resource: "arn:aws:s3:::" + rs[strings.TrimSuffix(key, "-policy")].(*s3v1beta1.Bucket).GetAnnotations()[platform.AnnotationExternalName] + "/k", Context: ctx,
				}, iampolicy.SameAccount,
					iampolicy.Source{Name: key, Kind: iampolicy.Resource, Policy: doc},
					iampolicy.Source{Name: "uploader", Kind: iampolicy.Identity, Policy: allowPut})
				if res.Allowed() != want {
					t.Errorf("%s %s: upload with x-amz-server-side-encryption %q: want allowed %v, got %s: %s", env, key, header, want, res.Decision, res.Reason)
				}
			}
		}
	}
}

// TestJustCreatedConfigurationsNeverDropOut: right after Crossplane creates
// them, before the provider's first observation, the encryption and
// replication configurations have no status.atProvider. With the key
// unobserved they keep what they were rendered with rather than drop out
// of the desired state (which would delete them).
func TestJustCreatedConfigurationsNeverDropOut(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "us-west-2", "us-east-1")
	enc, rep := KeyBucket(Data, false)+"-encryption", KeyBucket(Data, false)+"-replication"
	const key, replicaKey = "arn:aws:kms:us-west-2:111122223333:key/rendered", "arn:aws:kms:us-east-1:111122223333:key/rendered"
	rs := platformtest.Render(t, Tier{}, cfg, platformtest.Merge(
		platformtest.Rendered(enc, "s3.aws.upbound.io/v1beta1", "BucketServerSideEncryptionConfiguration", map[string]any{
			"rule": []any{map[string]any{"applyServerSideEncryptionByDefault": []any{map[string]any{"kmsMasterKeyId": key}}}},
		}),
		platformtest.Rendered(rep, "s3.aws.upbound.io/v1beta1", "BucketReplicationConfiguration", map[string]any{
			"rule": []any{map[string]any{"id": "to-us-east-1", "destination": []any{map[string]any{"encryptionConfiguration": []any{map[string]any{"replicaKmsKeyId": replicaKey}}}}}},
		}),
	))
	e, ok := rs[enc].(*s3v1beta1.BucketServerSideEncryptionConfiguration)
	if !ok {
		t.Fatalf("%s dropped out of the desired state before its first observation", enc)
	}
	if got := ptr.Deref(e.Spec.ForProvider.Rule[0].ApplyServerSideEncryptionByDefault[0].KMSMasterKeyID, ""); got != key {
		t.Errorf("%s: want the key it was rendered with, %s; got %q", enc, key, got)
	}
	r, ok := rs[rep].(*s3v1beta1.BucketReplicationConfiguration)
	if !ok {
		t.Fatalf("%s dropped out of the desired state before its first observation", rep)
	}
	if got := ptr.Deref(r.Spec.ForProvider.Rule[0].Destination[0].EncryptionConfiguration[0].ReplicaKMSKeyID, ""); got != replicaKey {
		t.Errorf("%s: want the key it was rendered with, %s; got %q", rep, replicaKey, got)
	}
}

// TestAccessLogsReachTheLockedAuditBucket: S3 server access logs and ALB
// access logs can only go to a bucket without a default retention (and
// SSE-S3), so the logs bucket stays unlocked and, outside dev, S3 copies
// every new version of it into the locked audit bucket and its replica,
// where the copies take the audit bucket's retention.
func TestAccessLogsReachTheLockedAuditBucket(t *testing.T) {
	for _, env := range []v1alpha1.Environment{v1alpha1.EnvironmentStaging, v1alpha1.EnvironmentProd} {
		t.Run(string(env), func(t *testing.T) {
			cfg := config(env, "us-west-2", "us-east-1")
			rs := render(t, cfg)
			key := KeyBucket(Logs, false)
			if _, ok := rs[key+"-object-lock"]; ok {
				t.Errorf("%s: S3 server access logging does not deliver to a bucket with a default retention", key)
			}
			if _, ok := rs[KeyBucket(Audit, false)+"-object-lock"]; !ok {
				t.Fatal("the audit bucket the copies go to must be locked")
			}
			rc, ok := rs[key+"-replication"].(*s3v1beta1.BucketReplicationConfiguration)
			if !ok {
				t.Fatalf("%s: want the access logs copied into the audit bucket", key)
			}
			var got []string
			for _, r := range rc.Spec.ForProvider.Rule {
				if *r.DeleteMarkerReplication[0].Status != "Disabled" {
					t.Errorf("rule %s: deletes must not reach the evidence", *r.ID)
				}
				got = append(got, *r.Destination[0].Bucket)
			}
			want := []string{"arn:aws:s3:::" + cfg.ReplicaBucketName(Audit), "arn:aws:s3:::" + cfg.BucketName(Audit)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("want the logs bucket copied into the audit replica and the audit bucket (-want +got):\n%s", diff)
			}
		})
	}
	if _, ok := render(t, config(v1alpha1.EnvironmentDev, "us-west-2", "us-east-1"))[KeyBucket(Logs, false)+"-replication"]; ok {
		t.Error("dev replicates nothing")
	}
}
