package storage

import (
	"regexp"
	"slices"
	"testing"

	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

func config(env v1alpha1.Environment, region, dr string) *platform.Config {
	return platform.Resolve("payments", &v1alpha1.PlatformSpec{
		Environment: env, Region: region, DRRegion: dr,
		Network:  v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: []string{region + "a", region + "b"}},
		Contacts: v1alpha1.ContactsSpec{SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com"},
	}, "111122223333")
}

func render(t *testing.T, cfg *platform.Config) map[string]runtime.Object {
	t.Helper()
	return platformtest.Render(t, Tier{}, cfg, nil)
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
				doc, _ := policy.Parse(*rs[key+"-policy"].(*s3v1beta1.BucketPolicy).Spec.ForProvider.Policy)
				if !slices.ContainsFunc(doc.Statement, func(s policy.Statement) bool {
					return s.Effect == policy.Deny && slices.Equal(s.Condition["Bool"]["aws:SecureTransport"], []string{"false"})
				}) {
					t.Errorf("%s: want a statement denying requests without TLS", key)
				}
				_, logged := rs[key+"-logging"]
				if wantLogged := key == KeyBucket(Data, false) || key == KeyBucket(Audit, false) || key == KeyBucket(Backups, false); logged != wantLogged {
					t.Errorf("%s: access logging %v, want %v", key, logged, wantLogged)
				}
			}
			want := 4
			if env != v1alpha1.EnvironmentDev {
				want = 6
			}
			if buckets != want {
				t.Errorf("want %d buckets (the four, plus data and audit replicas outside dev), got %d", want, buckets)
			}
		})
	}
}

func TestProdAuditBucketIsLockedForSevenYears(t *testing.T) {
	rs := render(t, config(v1alpha1.EnvironmentProd, "us-west-2", "us-east-1"))
	for _, key := range []string{KeyBucket(Audit, false), KeyBucket(Audit, true)} {
		if b := rs[key].(*s3v1beta1.Bucket); b.Spec.ForProvider.ObjectLockEnabled == nil || !*b.Spec.ForProvider.ObjectLockEnabled {
			t.Errorf("%s: want object lock enabled at creation", key)
		}
		lock, ok := rs[key+"-object-lock"].(*s3v1beta1.BucketObjectLockConfiguration)
		if !ok {
			t.Fatalf("%s: want an object lock configuration", key)
		}
		r := lock.Spec.ForProvider.Rule[0].DefaultRetention[0]
		if *r.Mode != "COMPLIANCE" || *r.Years != 7 {
			t.Errorf("%s: want COMPLIANCE mode for 7 years, got %s %v", key, *r.Mode, *r.Years)
		}
	}
	if _, ok := render(t, config(v1alpha1.EnvironmentStaging, "us-west-2", "us-east-1"))[KeyBucket(Audit, false)+"-object-lock"]; ok {
		t.Error("object lock is prod's: staging evidence may be deleted")
	}
}

func TestReplicationGoesToTheDRRegionAndKeepsDeletesOut(t *testing.T) {
	if _, ok := render(t, config(v1alpha1.EnvironmentDev, "us-west-2", "us-east-1"))[KeyBucket(Data, false)+"-replication"]; ok {
		t.Error("dev does not replicate")
	}
	rs := render(t, config(v1alpha1.EnvironmentStaging, "us-west-2", "us-east-1"))
	for _, p := range Replicated {
		r := rs[KeyBucket(p, false)+"-replication"].(*s3v1beta1.BucketReplicationConfiguration).Spec.ForProvider
		rule := r.Rule[0]
		if *rule.DeleteMarkerReplication[0].Status != "Disabled" {
			t.Errorf("%s: deletes must not reach the replica", p)
		}
		if got := rule.Destination[0].BucketSelector.MatchLabels[platform.LabelResource]; got != KeyBucket(p, true) {
			t.Errorf("%s: want the replica as destination, got %s", p, got)
		}
		if got := *rs[KeyBucket(p, true)].(*s3v1beta1.Bucket).Spec.ForProvider.Region; got != "us-east-1" {
			t.Errorf("%s: want the replica in the DR region, got %s", p, got)
		}
	}
}
