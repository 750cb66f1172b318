// Package platform holds what every tier shares: the resolved configuration
// (the claim's spec with the environment profile applied), stable naming,
// labels and selectors, and typed access to observed state.
package platform

import (
	"net/netip"

	"github.com/crossplane/function-sdk-go/resource"
	"slices"
	"strings"

	"github.com/paynext/platform/apis/platform/v1alpha1"
)

// Zone is one availability zone, identified by its name; Letter is its index
// in a–f and decides its subnets, so zones can be listed in any order.
type Zone struct {
	Name   string
	Letter int
}

// Config is the platform spec resolved against its environment profile. Tiers
// read only Config: every default lives in Resolve.
type Config struct {
	// Name identifies the platform: the claim's name when claimed, else the XR's.
	Name        string
	Environment v1alpha1.Environment
	Region      string
	DRRegion    string
	// AccountID is empty until it is given in the spec or learned from AWS.
	AccountID string
	// NameSuffix distinguishes a second platform of the environment in
	// every AWS name ("" for none).
	NameSuffix string
	// ProviderConfigName is the provider-aws ProviderConfig, and so the AWS
	// account, every composed resource is reconciled with.
	ProviderConfigName string

	VPCCIDR netip.Prefix
	// Zones sorted by name.
	Zones            []Zone
	NATGateways      v1alpha1.NATGatewayMode
	LogRetentionDays int32

	DatabaseMasterUsername string
	DatabaseInstanceClass  string
	DatabaseEngineVersion  string
	BackupRetentionDays    int32
	// DeletionProtection guards the data stores on the AWS side: staging and
	// prod, unless spec.dataProtection.allowDeletion opts staging out.
	DeletionProtection                              bool
	ClusterName                                     string
	KubernetesVersion                               string
	NodeInstanceType                                string
	SecurityEmail, ComplianceEmail, OperationsEmail string
	MonthlyBudgetUSD                                int64
	// ManageAccountServices: GuardDuty, Security Hub and AWS Config are
	// this platform's to turn on.
	ManageAccountServices bool
	WorkloadCapacityType  string
	PublicAccessCIDRs     []string
	// AdminRoleARN gets cluster-admin; "" means the break-glass role.
	AdminRoleARN   string
	CertificateARN string
	// IngressCIDRs may reach the load balancer.
	IngressCIDRs []string
	// EgressCIDRs are the only networks outside the VPC the nodes reach;
	// nil means anywhere (on HTTPS).
	EgressCIDRs         []string
	ComplianceStandards []v1alpha1.ComplianceStandard

	userTags map[string]string
}

// Profile is what an environment defaults to.
type Profile struct {
	NATGateways      v1alpha1.NATGatewayMode
	LogRetentionDays int32
	// KeyDeletionWindowDays is how long a scheduled CMK deletion can be cancelled.
	KeyDeletionWindowDays int32
	// KeyDeletionNeedsMFA protects CMKs from being disabled or scheduled for
	// deletion without MFA. Dev relaxes it so Crossplane can tear it down.
	KeyDeletionNeedsMFA bool
	// OrphanOnDelete keeps data stores, audit logs and keys in AWS when the
	// claim is deleted.
	OrphanOnDelete bool

	DatabaseInstanceClass string
	NodeInstanceType      string
	BackupRetentionDays   int32
	// PerformanceInsightsRetentionDays: 7 is free; prod keeps two years.
	PerformanceInsightsRetentionDays int32
	MonthlyBudgetUSD                 int64
	WorkloadCapacityType             string
	// Nodes: min, desired, max of the system and the workload node group.
	SystemNodes, WorkloadNodes [3]int
}

// ProfileFor returns the environment's profile.
func ProfileFor(env v1alpha1.Environment) Profile {
	switch env {
	case v1alpha1.EnvironmentProd:
		return Profile{
			NATGateways: v1alpha1.NATGatewayPerZone, LogRetentionDays: 2557, KeyDeletionWindowDays: 30, KeyDeletionNeedsMFA: true, OrphanOnDelete: true,
			DatabaseInstanceClass: "db.r6g.large", NodeInstanceType: "m6i.large",
			BackupRetentionDays: 35, PerformanceInsightsRetentionDays: 731, MonthlyBudgetUSD: 20000,
			WorkloadCapacityType: "ON_DEMAND", SystemNodes: [3]int{3, 3, 6}, WorkloadNodes: [3]int{3, 6, 30},
		}
	case v1alpha1.EnvironmentStaging:
		return Profile{
			NATGateways: v1alpha1.NATGatewayPerZone, LogRetentionDays: 365, KeyDeletionWindowDays: 30, KeyDeletionNeedsMFA: true,
			DatabaseInstanceClass: "db.r6g.large", NodeInstanceType: "m6i.large",
			BackupRetentionDays: 14, PerformanceInsightsRetentionDays: 7, MonthlyBudgetUSD: 5000,
			WorkloadCapacityType: "SPOT", SystemNodes: [3]int{2, 2, 4}, WorkloadNodes: [3]int{2, 3, 10},
		}
	default:
		return Profile{
			NATGateways: v1alpha1.NATGatewaySingle, LogRetentionDays: 30, KeyDeletionWindowDays: 7,
			DatabaseInstanceClass: "db.t4g.medium", NodeInstanceType: "t3.medium",
			BackupRetentionDays: 7, PerformanceInsightsRetentionDays: 7, MonthlyBudgetUSD: 1000,
			WorkloadCapacityType: "SPOT", SystemNodes: [3]int{1, 1, 2}, WorkloadNodes: [3]int{1, 1, 3},
		}
	}
}

// Profile of this platform's environment.
func (c *Config) Profile() Profile { return ProfileFor(c.Environment) }

// DefaultKubernetesVersion is the EKS version a platform gets unless its spec
// names one.
const DefaultKubernetesVersion = v1alpha1.DefaultKubernetesVersion

// DefaultEngineVersion is the Aurora PostgreSQL version a platform gets unless
// its spec names one.
const DefaultEngineVersion = v1alpha1.DefaultEngineVersion

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}

// Resolve applies the environment profile to a validated spec. name is the
// platform's identity and accountID the account learned so far ("" if none).
func Resolve(name string, s *v1alpha1.PlatformSpec, accountID string) *Config {
	p := ProfileFor(s.Environment)
	c := &Config{
		Name:               name,
		Environment:        s.Environment,
		Region:             s.Region,
		DRRegion:           s.DRRegion,
		AccountID:          accountID,
		NameSuffix:         s.NameSuffix,
		ProviderConfigName: s.ProviderConfigName(),
		VPCCIDR:            netip.MustParsePrefix(s.Network.VPCCIDR),
		NATGateways:        s.Network.NATGateways,
		LogRetentionDays:   s.Logging.RetentionDays,

		DatabaseMasterUsername: or(s.Database.MasterUsername, v1alpha1.DefaultMasterUsername),
		DatabaseInstanceClass:  or(s.Database.InstanceClass, p.DatabaseInstanceClass),
		DatabaseEngineVersion:  or(s.Database.EngineVersion, DefaultEngineVersion),
		BackupRetentionDays:    s.Database.BackupRetentionDays,
		DeletionProtection:     s.Environment != v1alpha1.EnvironmentDev && !s.DataProtection.AllowDeletion,
		ClusterName:            or(s.Kubernetes.ClusterName, v1alpha1.DefaultClusterName),
		KubernetesVersion:      or(s.Kubernetes.Version, DefaultKubernetesVersion),
		NodeInstanceType:       or(s.Kubernetes.NodeInstanceType, p.NodeInstanceType),
		IngressCIDRs:           s.Kubernetes.Ingress.AllowedCIDRs,
		EgressCIDRs:            s.Network.EgressCIDRs,
		WorkloadCapacityType:   or(s.Kubernetes.WorkloadCapacityType, p.WorkloadCapacityType),
		PublicAccessCIDRs:      s.Kubernetes.PublicAccessCIDRs,
		AdminRoleARN:           s.Kubernetes.AdminRoleARN,
		CertificateARN:         s.Kubernetes.Ingress.CertificateARN,
		SecurityEmail:          s.Contacts.SecurityEmail,
		ComplianceEmail:        s.Contacts.ComplianceEmail,
		OperationsEmail:        or(s.Contacts.OperationsEmail, s.Contacts.SecurityEmail),
		MonthlyBudgetUSD:       s.Monitoring.MonthlyBudgetUSD,
		ManageAccountServices:  s.Monitoring.AccountServices != "External",
		ComplianceStandards:    s.Compliance.Standards,

		userTags: s.Tags,
	}
	if c.MonthlyBudgetUSD == 0 {
		c.MonthlyBudgetUSD = p.MonthlyBudgetUSD
	}
	if c.BackupRetentionDays == 0 {
		c.BackupRetentionDays = p.BackupRetentionDays
	}
	if len(c.IngressCIDRs) == 0 {
		c.IngressCIDRs = []string{"0.0.0.0/0"}
	}
	if len(c.ComplianceStandards) == 0 {
		c.ComplianceStandards = v1alpha1.DefaultComplianceStandards
	}
	if s.AccountID != "" {
		c.AccountID = s.AccountID
	}
	if c.NATGateways == "" {
		c.NATGateways = p.NATGateways
	}
	if c.LogRetentionDays == 0 {
		c.LogRetentionDays = p.LogRetentionDays
	}
	for _, z := range s.Network.AvailabilityZones {
		c.Zones = append(c.Zones, Zone{Name: z, Letter: int(z[len(z)-1] - 'a')})
	}
	slices.SortFunc(c.Zones, func(a, b Zone) int { return strings.Compare(a.Name, b.Name) })
	return c
}

// AnchorZone is the zone of something the platform places in one zone only
// (dev's NAT gateway and Aurora instance): the zone it already lives in while
// that zone is still listed, else the alphabetically first. Listing a zone
// that sorts earlier must not move it, which would replace it.
func (c *Config) AnchorZone(observed Observed, key func(zone string) string) Zone {
	for _, z := range c.Zones {
		if _, ok := observed[resource.Name(key(z.Name))]; ok {
			return z
		}
	}
	return c.Zones[0]
}

// Partition of the region: aws, or aws-us-gov for GovCloud.
func (c *Config) Partition() string {
	if strings.Contains(c.Region, "-gov-") {
		return "aws-us-gov"
	}
	return "aws"
}

// ARN builds an ARN of this platform's partition, region and account.
func (c *Config) ARN(service, resource string) string {
	return "arn:" + c.Partition() + ":" + service + ":" + c.Region + ":" + c.AccountID + ":" + resource
}

// ServiceName is the VPC endpoint service name of an AWS service in the region.
func (c *Config) ServiceName(service string) string {
	return "com.amazonaws." + c.Region + "." + service
}

// AccountFromARN returns the account field of an ARN, "" if it has none.
func AccountFromARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || len(parts[4]) != 12 {
		return ""
	}
	for _, r := range parts[4] {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return parts[4]
}
