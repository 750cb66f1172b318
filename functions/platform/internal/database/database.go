// Package database renders the database tier: an Aurora PostgreSQL cluster in
// the database subnets, encrypted with the database CMK, its master
// credential kept by RDS in Secrets Manager, TLS enforced, one instance per
// zone outside dev, and an RDS Proxy in front of it.
package database

import (
	"strings"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	cwlv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchlogs/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
)

// Composed resource keys.
const (
	KeyCluster        = "aurora-cluster"
	KeySubnetGroup    = "aurora-subnet-group"
	KeyParameterGroup = "aurora-cluster-parameter-group"
	KeyProxy          = "rds-proxy"
	KeyLogGroup       = "aurora-log-group"
	keyProxyTargets   = "rds-proxy-default-target-group"
	keyProxyTarget    = "rds-proxy-target-cluster"
)

// Port and DatabaseName of the cluster.
const (
	Port         = 5432
	DatabaseName = "paynext"
)

// KeyInstance is the key of the cluster instance in zone.
func KeyInstance(zone string) string { return "aurora-instance-" + zone }

// ClusterIdentifier is the cluster's AWS name, set as its external name so a
// recreated claim adopts the same cluster.
func ClusterIdentifier(cfg *platform.Config) string { return cfg.AuroraClusterIdentifier() }

// FinalSnapshotIdentifier is the final snapshot of a cluster the claim's
// delete keeps (prod's, and staging's while it is protected): a name known in
// advance, for whoever deletes that cluster later. A cluster the claim's
// delete deletes takes no final snapshot (finalSnapshot).
func FinalSnapshotIdentifier(cfg *platform.Config) string {
	return ClusterIdentifier(cfg) + "-final-snapshot"
}

// clusterPolicy is the cluster's deletion policy: kept with the claim's
// delete while deletion protection is on (staging unless allowDeletion, and
// prod, which keeps its data stores anyway), as rendered or as AWS still
// reports it; deleted otherwise (dev; staging with allowDeletion once AWS
// reports the protection off).
func clusterPolicy(cfg *platform.Config, observed platform.Observed) xpv1.DeletionPolicy {
	var c rdsv1beta1.Cluster
	observedProtection := observed.Get(KeyCluster, &c) && ptr.Deref(c.Status.AtProvider.DeletionProtection, false)
	return cfg.KeepWhileProtected(cfg.DeletionProtection, observedProtection)
}

// finalSnapshot is whether deleting the cluster skips the final snapshot,
// and the snapshot's name if not. A cluster deleted with its claim (dev, and
// staging with allowDeletion) skips it: its data is declared disposable (dev
// always; staging by allowDeletion), a snapshot kept forever would outlive
// any retention the data is held to (PCI DSS v4.0 3.2.1), the database key
// it would be encrypted with is scheduled for deletion by the same teardown,
// which would leave a snapshot nobody can restore
// (https://docs.aws.amazon.com/kms/latest/cryptographic-details/key-deletion.html),
// and a fixed name would fail the next teardown of a claim of the same name
// with DBClusterSnapshotAlreadyExistsFault
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html).
// Its automated backups are still kept for their retention period
// (deleteAutomatedBackups false), restorable while the key is not deleted
// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Backups.Retaining.html).
func finalSnapshot(cfg *platform.Config, policy xpv1.DeletionPolicy) (skip bool, identifier *string) {
	if policy != xpv1.DeletionOrphan {
		return true, nil
	}
	return false, ptr.To(FinalSnapshotIdentifier(cfg))
}

// ParameterGroupFamily is the parameter group family of the engine version.
func ParameterGroupFamily(engineVersion string) string {
	major, _, _ := strings.Cut(engineVersion, ".")
	return "aurora-postgresql" + major
}

// Tier is the database tier.
type Tier struct{}

// Name of the tier.
func (Tier) Name() string { return platform.TierDatabase }

// Render returns the tier's resources. Everything uses the security tier's
// keys, so nothing renders before the account is known; the proxy renders
// once RDS reports the master secret it authenticates with.
func (Tier) Render(cfg *platform.Config, observed platform.Observed) ([]platform.Resource, error) {
	if cfg.AccountID == "" || !Possible(cfg) {
		return nil, nil
	}
	policy := clusterPolicy(cfg, observed)
	var rs []platform.Resource
	// AWS needs the subnets at creation: a new group waits until they are
	// observed (network.TierSubnets), and the cluster's selector with it; one
	// that exists is always rendered, or Crossplane would delete it.
	if g := subnetGroup(cfg, observed); g.Spec.ForProvider.SubnetIds != nil || observed.Has(KeySubnetGroup) {
		rs = append(rs, platform.Resource{Key: KeySubnetGroup, Object: g})
	}
	rs = append(rs, []platform.Resource{
		{Key: KeyParameterGroup, Object: parameterGroup(cfg)},
		{Key: KeyCluster, Object: cluster(cfg, policy)},
		{Key: KeyLogGroup, Object: logGroup(cfg, policy)},
	}...)
	for _, z := range instanceZones(cfg, observed) {
		rs = append(rs, platform.Resource{Key: KeyInstance(z.Name), Object: instance(cfg, z.Name, policy)})
	}
	if secret := proxySecretARN(observed); secret != "" {
		rs = append(rs, proxy(cfg, secret)...)
	}
	return rs, nil
}

// Possible reports whether the platform can hold a database: an RDS subnet
// group needs subnets in two zones, which a single-zone dev platform lacks.
func Possible(cfg *platform.Config) bool { return len(cfg.Zones) >= 2 }

// instanceZones: one instance in dev (in its anchor zone: where it already
// runs, else the alphabetically first), one per zone elsewhere (at least two:
// staging and prod have two zones or more).
func instanceZones(cfg *platform.Config, observed platform.Observed) []platform.Zone {
	if cfg.Environment == v1alpha1.EnvironmentDev {
		return []platform.Zone{cfg.AnchorZone(observed, KeyInstance)}
	}
	return cfg.Zones
}

func subnetGroup(cfg *platform.Config, observed platform.Observed) *rdsv1beta1.SubnetGroup {
	name := cfg.Prefix() + "-aurora"
	var held rdsv1beta1.SubnetGroup
	observed.Get(KeySubnetGroup, &held)
	subnets := network.TierSubnets(cfg, observed, network.Database, held.Spec.ForProvider.SubnetIds)
	return &rdsv1beta1.SubnetGroup{
		ObjectMeta: cfg.NamedMeta(platform.TierDatabase, KeySubnetGroup, name),
		Spec: rdsv1beta1.SubnetGroupSpec{ForProvider: rdsv1beta1.SubnetGroupParameters{
			Region:      ptr.To(cfg.Region),
			Description: ptr.To("PayNext " + string(cfg.Environment) + ": the database subnets, unreachable from the internet"),
			SubnetIds:   subnets,
			Tags:        cfg.Tags(platform.TierDatabase, name),
		}},
	}
}

// clusterParameters enforce TLS and record what PCI DSS 10.2.1 asks for:
// connections and disconnections, every DDL statement, and through pgaudit
// every read and write of data (10.2.1.1) and every role, function and
// administrative statement (10.2.1.2). Statement parameters are never logged
// (pgaudit.log_parameter 0): bind values can carry card data, which must not
// reach the logs (PCI DSS 3.3, 3.5). shared_preload_libraries is static, so
// it applies at the next reboot (a new cluster boots with it); the rest are
// dynamic. pgaudit's object auditing role is rds_pgaudit, as AWS documents
// it. https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html
var clusterParameters = []struct {
	name, value string
	static      bool
}{
	{name: "rds.force_ssl", value: "1"},
	{name: "log_connections", value: "1"},
	{name: "log_disconnections", value: "1"},
	{name: "log_statement", value: "ddl"},
	{name: "log_min_duration_statement", value: "1000"},
	{name: "shared_preload_libraries", value: "pg_stat_statements,pgaudit", static: true},
	{name: "pgaudit.log", value: "ddl,function,misc,read,role,write"},
	{name: "pgaudit.log_catalog", value: "0"},
	{name: "pgaudit.log_parameter", value: "0"},
	{name: "pgaudit.log_relation", value: "1"},
	{name: "pgaudit.role", value: "rds_pgaudit"},
}

func parameterGroup(cfg *platform.Config) *rdsv1beta1.ClusterParameterGroup {
	name := cfg.Prefix() + "-" + ParameterGroupFamily(cfg.DatabaseEngineVersion)
	p := rdsv1beta1.ClusterParameterGroupParameters{
		Region:      ptr.To(cfg.Region),
		Family:      ptr.To(ParameterGroupFamily(cfg.DatabaseEngineVersion)),
		Description: ptr.To("PayNext " + string(cfg.Environment) + ": TLS only, connection, DDL and pgaudit logging"),
		Tags:        cfg.Tags(platform.TierDatabase, name),
	}
	for _, a := range clusterParameters {
		apply := "immediate"
		if a.static {
			apply = "pending-reboot"
		}
		p.Parameter = append(p.Parameter, rdsv1beta1.ClusterParameterGroupParameterParameters{
			Name: ptr.To(a.name), Value: ptr.To(a.value), ApplyMethod: ptr.To(apply),
		})
	}
	// The family is part of the name: a major upgrade gets a new group
	// beside the old one instead of replacing the one in use.
	return &rdsv1beta1.ClusterParameterGroup{
		ObjectMeta: cfg.NamedMeta(platform.TierDatabase, KeyParameterGroup, name),
		Spec:       rdsv1beta1.ClusterParameterGroupSpec{ForProvider: p},
	}
}

func cluster(cfg *platform.Config, policy xpv1.DeletionPolicy) *rdsv1beta1.Cluster {
	skipFinalSnapshot, finalSnapshotIdentifier := finalSnapshot(cfg, policy)
	c := &rdsv1beta1.Cluster{
		ObjectMeta: cfg.NamedMeta(platform.TierDatabase, KeyCluster, ClusterIdentifier(cfg)),
		Spec: rdsv1beta1.ClusterSpec{ForProvider: rdsv1beta1.ClusterParameters{
			Region:                              ptr.To(cfg.Region),
			Engine:                              ptr.To("aurora-postgresql"),
			EngineMode:                          ptr.To("provisioned"),
			EngineVersion:                       ptr.To(cfg.DatabaseEngineVersion),
			DatabaseName:                        ptr.To(DatabaseName),
			Port:                                ptr.To(float64(Port)),
			MasterUsername:                      ptr.To(cfg.DatabaseMasterUsername),
			ManageMasterUserPassword:            ptr.To(true),
			MasterUserSecretKMSKeyIDSelector:    platform.Select(security.KeyName(security.PurposeSecrets, false)),
			StorageEncrypted:                    ptr.To(true),
			KMSKeyIDSelector:                    platform.Select(security.KeyName(security.PurposeDatabase, false)),
			IAMDatabaseAuthenticationEnabled:    ptr.To(true),
			EnabledCloudwatchLogsExports:        []*string{ptr.To(platform.AuroraLogExport)},
			DBSubnetGroupNameSelector:           platform.Select(KeySubnetGroup),
			DBClusterParameterGroupNameSelector: platform.Select(KeyParameterGroup),
			VPCSecurityGroupIDSelector:          platform.Select(security.KeyDatabaseSecurityGroup),
			BackupRetentionPeriod:               ptr.To(float64(cfg.BackupRetentionDays)),
			PreferredBackupWindow:               ptr.To("03:00-04:00"),
			PreferredMaintenanceWindow:          ptr.To("sun:05:00-sun:06:00"),
			CopyTagsToSnapshot:                  ptr.To(true),
			DeletionProtection:                  ptr.To(cfg.DeletionProtection),
			SkipFinalSnapshot:                   ptr.To(skipFinalSnapshot),
			FinalSnapshotIdentifier:             finalSnapshotIdentifier,
			DeleteAutomatedBackups:              ptr.To(false),
			AllowMajorVersionUpgrade:            ptr.To(false),
			Tags:                                cfg.Tags(platform.TierDatabase, ClusterIdentifier(cfg)),
		}},
	}
	// The AWS Backup plan selects the cluster by this tag.
	c.Spec.ForProvider.Tags[platform.TagBackupPlan] = ptr.To(cfg.Prefix())
	c.Spec.DeletionPolicy = policy
	return c
}

// logGroup is the group the cluster's PostgreSQL log goes to. RDS would
// create it on its first export, without the logs CMK and kept forever; the
// platform creates it first (an Aurora cluster's first export comes minutes
// after its create, a log group's create takes a second) and keeps it as
// long as the cluster (policy is the cluster's), so a cluster the claim's
// delete keeps still logs into a group with the CMK.
func logGroup(cfg *platform.Config, policy xpv1.DeletionPolicy) *cwlv1beta1.Group {
	g := security.LogGroup(cfg, platform.TierDatabase, KeyLogGroup, cfg.AuroraLogGroupName())
	g.Spec.DeletionPolicy = policy
	return g
}

// instance is one instance of the cluster; it goes or stays with the cluster
// (policy is the cluster's).
func instance(cfg *platform.Config, zone string, policy xpv1.DeletionPolicy) *rdsv1beta1.ClusterInstance {
	id := cfg.Prefix() + "-aurora-" + zone
	i := &rdsv1beta1.ClusterInstance{
		ObjectMeta: cfg.NamedMeta(platform.TierDatabase, KeyInstance(zone), id),
		Spec: rdsv1beta1.ClusterInstanceSpec{ForProvider: rdsv1beta1.ClusterInstanceParameters{
			Region:                              ptr.To(cfg.Region),
			ClusterIdentifierSelector:           platform.Select(KeyCluster),
			Engine:                              ptr.To("aurora-postgresql"),
			InstanceClass:                       ptr.To(cfg.DatabaseInstanceClass),
			AvailabilityZone:                    ptr.To(zone),
			DBSubnetGroupNameSelector:           platform.Select(KeySubnetGroup),
			PubliclyAccessible:                  ptr.To(false),
			AutoMinorVersionUpgrade:             ptr.To(true),
			CopyTagsToSnapshot:                  ptr.To(true),
			MonitoringInterval:                  ptr.To(60.0),
			MonitoringRoleArnSelector:           platform.Select(security.KeyRole(security.RoleRDSMonitoring)),
			PerformanceInsightsEnabled:          ptr.To(true),
			PerformanceInsightsKMSKeyIDSelector: platform.Select(security.KeyName(security.PurposeDatabase, false)),
			PerformanceInsightsRetentionPeriod:  ptr.To(float64(cfg.Profile().PerformanceInsightsRetentionDays)),
			PreferredMaintenanceWindow:          ptr.To("sun:05:00-sun:06:00"),
			Tags:                                cfg.Tags(platform.TierDatabase, id),
		}},
	}
	i.Spec.DeletionPolicy = policy
	return i
}

// MasterSecretARN is the RDS-managed master secret, "" until RDS reports it.
func MasterSecretARN(observed platform.Observed) string {
	var c rdsv1beta1.Cluster
	if !observed.Get(KeyCluster, &c) {
		return ""
	}
	for _, s := range c.Status.AtProvider.MasterUserSecret {
		if s.SecretArn != nil {
			return *s.SecretArn
		}
	}
	return ""
}

// proxySecretARN is the master secret the cluster reports or, while the
// cluster is not observed, the one the existing proxy uses, so the proxy
// never drops out of the desired state (which would delete it).
func proxySecretARN(observed platform.Observed) string {
	if s := MasterSecretARN(observed); s != "" {
		return s
	}
	var p rdsv1beta1.Proxy
	if observed.Get(KeyProxy, &p) {
		for _, a := range p.Status.AtProvider.Auth {
			if a.SecretArn != nil {
				return *a.SecretArn
			}
		}
	}
	return ""
}
