package database

import (
	"slices"
	"testing"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/google/go-cmp/cmp"
	cwlv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchlogs/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
)

func config(env v1alpha1.Environment, mutate ...func(*v1alpha1.PlatformSpec)) *platform.Config {
	s := &v1alpha1.PlatformSpec{
		Environment: env, Region: "us-west-2", DRRegion: "us-east-1",
		Network:  v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: []string{"us-west-2c", "us-west-2a", "us-west-2b"}},
		Contacts: v1alpha1.ContactsSpec{SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com"},
	}
	for _, m := range mutate {
		m(s)
	}
	return platform.Resolve("payments", s, "111122223333")
}

func render(t *testing.T, cfg *platform.Config, observed platform.Observed) map[string]runtime.Object {
	t.Helper()
	return platformtest.Render(t, Tier{}, cfg, observed)
}

func TestClusterFollowsTheEnvironment(t *testing.T) {
	cases := map[string]struct {
		cfg        *platform.Config
		instances  []string
		retention  float64
		protection bool
		orphan     bool
	}{
		"Dev":     {config(v1alpha1.EnvironmentDev), []string{"aurora-instance-us-west-2a"}, 7, false, false},
		"Staging": {config(v1alpha1.EnvironmentStaging), []string{"aurora-instance-us-west-2a", "aurora-instance-us-west-2b", "aurora-instance-us-west-2c"}, 14, true, true},
		"StagingOptedOut": {config(v1alpha1.EnvironmentStaging, func(s *v1alpha1.PlatformSpec) { s.DataProtection.AllowDeletion = true }),
			[]string{"aurora-instance-us-west-2a", "aurora-instance-us-west-2b", "aurora-instance-us-west-2c"}, 14, false, false},
		"Prod": {config(v1alpha1.EnvironmentProd), []string{"aurora-instance-us-west-2a", "aurora-instance-us-west-2b", "aurora-instance-us-west-2c"}, 35, true, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rs := render(t, tc.cfg, nil)
			var instances []string
			c := rs[KeyCluster].(*rdsv1beta1.Cluster)
			for k, o := range rs {
				if i, ok := o.(*rdsv1beta1.ClusterInstance); ok {
					instances = append(instances, k)
					if *i.Spec.ForProvider.PubliclyAccessible || !*i.Spec.ForProvider.AutoMinorVersionUpgrade || !*i.Spec.ForProvider.PerformanceInsightsEnabled {
						t.Errorf("%s: want private, auto minor upgrades and Performance Insights", k)
					}
					if i.Spec.DeletionPolicy != c.Spec.DeletionPolicy {
						t.Errorf("%s: deletion policy %q, want the cluster's %q: instances go or stay with their cluster", k, i.Spec.DeletionPolicy, c.Spec.DeletionPolicy)
					}
				}
			}
			slices.Sort(instances)
			if diff := cmp.Diff(tc.instances, instances); diff != "" {
				t.Errorf("want one instance in dev, one per zone elsewhere (-want +got):\n%s", diff)
			}
			p := c.Spec.ForProvider
			if *p.BackupRetentionPeriod != tc.retention || *p.DeletionProtection != tc.protection || (c.Spec.DeletionPolicy == "Orphan") != tc.orphan {
				t.Errorf("want retention %v, deletion protection %v, orphaned %v; got %v, %v, %q",
					tc.retention, tc.protection, tc.orphan, *p.BackupRetentionPeriod, *p.DeletionProtection, c.Spec.DeletionPolicy)
			}
			if !*p.StorageEncrypted || !*p.IAMDatabaseAuthenticationEnabled || !*p.ManageMasterUserPassword || *p.EnabledCloudwatchLogsExports[0] != "postgresql" || *p.DeleteAutomatedBackups {
				t.Errorf("want encryption, IAM auth, an RDS-managed password, postgresql logs exported and automated backups kept, got %+v", p)
			}
		})
	}
}

// TestProtectedClustersAreKeptAndDeletedOnesTakeNoSnapshot: AWS refuses to
// delete a cluster with deletion protection (DeleteDBCluster), so a protected
// cluster is orphaned, never deleted with the claim, and so are its
// instances. A cluster deleted with its claim takes no final snapshot: the
// snapshot would be encrypted with the database key the same teardown
// schedules for deletion, and a fixed name fails the next teardown with
// DBClusterSnapshotAlreadyExistsFault. A kept cluster keeps a final snapshot
// named in advance for whoever deletes it later.
func TestProtectedClustersAreKeptAndDeletedOnesTakeNoSnapshot(t *testing.T) {
	optOut := func(s *v1alpha1.PlatformSpec) { s.DataProtection.AllowDeletion = true }
	protected := platformtest.Observed(KeyCluster, "rds.aws.upbound.io/v1beta1", "Cluster", map[string]any{"deletionProtection": true})
	unprotected := platformtest.Observed(KeyCluster, "rds.aws.upbound.io/v1beta1", "Cluster", map[string]any{"deletionProtection": false})
	for name, tc := range map[string]struct {
		cfg      *platform.Config
		observed platform.Observed
		kept     bool
	}{
		"Dev":                                  {config(v1alpha1.EnvironmentDev), nil, false},
		"Staging":                              {config(v1alpha1.EnvironmentStaging), nil, true},
		"StagingOptedOut":                      {config(v1alpha1.EnvironmentStaging, optOut), unprotected, false},
		"StagingOptedOutWhileAWSStillProtects": {config(v1alpha1.EnvironmentStaging, optOut), protected, true},
		"Prod":                                 {config(v1alpha1.EnvironmentProd), nil, true},
	} {
		t.Run(name, func(t *testing.T) {
			rs := render(t, tc.cfg, tc.observed)
			c := rs[KeyCluster].(*rdsv1beta1.Cluster)
			p := c.Spec.ForProvider
			kept := c.Spec.DeletionPolicy == xpv1.DeletionOrphan
			if kept != tc.kept {
				t.Fatalf("want kept %v, got deletion policy %q", tc.kept, c.Spec.DeletionPolicy)
			}
			if *p.DeletionProtection && !kept {
				t.Error("a cluster with deletion protection is deleted with the claim: AWS refuses that delete for ever")
			}
			switch {
			case kept && (*p.SkipFinalSnapshot || ptr.Deref(p.FinalSnapshotIdentifier, "") != "paynext-"+string(tc.cfg.Environment)+"-aurora-final-snapshot"):
				t.Errorf("a kept cluster keeps its final snapshot, named in advance; got skip %v, %v", *p.SkipFinalSnapshot, p.FinalSnapshotIdentifier)
			case !kept && (!*p.SkipFinalSnapshot || p.FinalSnapshotIdentifier != nil):
				t.Errorf("a cluster deleted with its claim takes no final snapshot; got skip %v, %v", *p.SkipFinalSnapshot, p.FinalSnapshotIdentifier)
			}
		})
	}
}

// TestParameterGroupEnforcesTLSAndAuditLogging: TLS only, connections and
// DDL in the PostgreSQL log, and pgaudit loaded (a static parameter, applied
// at reboot: RDS refuses "immediate" for it) logging reads, writes and every
// administrative class without bind parameters, which can carry card data.
func TestParameterGroupEnforcesTLSAndAuditLogging(t *testing.T) {
	pg := render(t, config(v1alpha1.EnvironmentProd, func(s *v1alpha1.PlatformSpec) { s.Database.EngineVersion = "17.4" }), nil)[KeyParameterGroup].(*rdsv1beta1.ClusterParameterGroup)
	if *pg.Spec.ForProvider.Family != "aurora-postgresql17" {
		t.Errorf("want the family of engine 17, got %s", *pg.Spec.ForProvider.Family)
	}
	type setting struct{ value, apply string }
	got := map[string]setting{}
	for _, p := range pg.Spec.ForProvider.Parameter {
		got[*p.Name] = setting{*p.Value, *p.ApplyMethod}
	}
	want := map[string]setting{
		"rds.force_ssl": {"1", "immediate"}, "log_connections": {"1", "immediate"}, "log_disconnections": {"1", "immediate"},
		"log_statement": {"ddl", "immediate"}, "log_min_duration_statement": {"1000", "immediate"},
		"shared_preload_libraries": {"pg_stat_statements,pgaudit", "pending-reboot"},
		"pgaudit.log":              {"ddl,function,misc,read,role,write", "immediate"},
		"pgaudit.log_catalog":      {"0", "immediate"}, "pgaudit.log_parameter": {"0", "immediate"},
		"pgaudit.log_relation": {"1", "immediate"}, "pgaudit.role": {"rds_pgaudit", "immediate"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(setting{})); diff != "" {
		t.Errorf("want TLS, connection and DDL logging, and pgaudit loaded at reboot logging data access and admin actions without parameters (-want +got):\n%s", diff)
	}
}

// TestClusterLogGroupIsThePlatforms: the group RDS exports the PostgreSQL
// log to is rendered under the name RDS gives it, with the logs CMK and the
// environment's retention, and goes or stays with the cluster.
func TestClusterLogGroupIsThePlatforms(t *testing.T) {
	for _, env := range []v1alpha1.Environment{v1alpha1.EnvironmentDev, v1alpha1.EnvironmentStaging, v1alpha1.EnvironmentProd} {
		t.Run(string(env), func(t *testing.T) {
			cfg := config(env)
			rs := render(t, cfg, nil)
			g := rs[KeyLogGroup].(*cwlv1beta1.Group)
			c := rs[KeyCluster].(*rdsv1beta1.Cluster)
			name := "/aws/rds/cluster/" + c.Annotations[platform.AnnotationExternalName] + "/" + *c.Spec.ForProvider.EnabledCloudwatchLogsExports[0]
			if got := g.Annotations[platform.AnnotationExternalName]; got != name {
				t.Errorf("want the group RDS exports to, %s, got %s", name, got)
			}
			if g.Spec.ForProvider.KMSKeyIDSelector == nil || *g.Spec.ForProvider.RetentionInDays != float64(cfg.LogRetentionDays) {
				t.Errorf("want the logs CMK and %d days' retention, got %+v", cfg.LogRetentionDays, g.Spec.ForProvider)
			}
			if g.Spec.DeletionPolicy != c.Spec.DeletionPolicy {
				t.Errorf("want the cluster's deletion policy %q, got %q", c.Spec.DeletionPolicy, g.Spec.DeletionPolicy)
			}
		})
	}
}

func TestProxyWaitsForTheMasterSecret(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd)
	if _, ok := render(t, cfg, nil)[KeyProxy]; ok {
		t.Error("the proxy authenticates with the RDS-managed secret: it must wait until RDS reports it")
	}
	arn := "arn:aws:secretsmanager:us-west-2:111122223333:secret:rds!cluster-abc"
	rs := render(t, cfg, platformtest.Observed(KeyCluster, "rds.aws.upbound.io/v1beta1", "Cluster",
		map[string]any{"masterUserSecret": []any{map[string]any{"secretArn": arn}}}))
	p, ok := rs[KeyProxy].(*rdsv1beta1.Proxy)
	if !ok {
		t.Fatal("want the proxy once the master secret is observed")
	}
	auth := p.Spec.ForProvider.Auth[0]
	if *auth.SecretArn != arn || *auth.IAMAuth != "REQUIRED" || !*p.Spec.ForProvider.RequireTLS {
		t.Errorf("want the observed secret, IAM auth required and TLS required, got %+v", p.Spec.ForProvider)
	}
}
