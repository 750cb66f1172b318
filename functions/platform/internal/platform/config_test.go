package platform

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/paynext/platform/apis/platform/v1alpha1"
)

func minimalSpec(env v1alpha1.Environment) *v1alpha1.PlatformSpec {
	return &v1alpha1.PlatformSpec{
		Environment: env, Region: "us-west-2", DRRegion: "us-east-1",
		Network:  v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: []string{"us-west-2c", "us-west-2a"}},
		Contacts: v1alpha1.ContactsSpec{SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com"},
	}
}

func TestResolveAppliesTheEnvironmentProfile(t *testing.T) {
	zones := []Zone{{Name: "us-west-2a", Letter: 0}, {Name: "us-west-2c", Letter: 2}}
	standards := []v1alpha1.ComplianceStandard{"pci-dss", "gdpr", "sox"}
	anywhere := []string{"0.0.0.0/0"}
	cases := map[v1alpha1.Environment]Config{
		v1alpha1.EnvironmentDev: {
			SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com", OperationsEmail: "s@example.com", ManageAccountServices: true,
			Name: "p", Environment: "dev", Region: "us-west-2", DRRegion: "us-east-1", Zones: zones, ProviderConfigName: "default",
			NATGateways: v1alpha1.NATGatewaySingle, LogRetentionDays: 30,
			DatabaseMasterUsername: "paynext_admin", DatabaseInstanceClass: "db.t4g.medium", ClusterName: "paynext-cluster",
			DatabaseEngineVersion: "16.6", BackupRetentionDays: 7, DeletionProtection: false, MonthlyBudgetUSD: 1000, WorkloadCapacityType: "SPOT",
			KubernetesVersion: "1.34", NodeInstanceType: "t3.medium", IngressCIDRs: anywhere, ComplianceStandards: standards,
		},
		v1alpha1.EnvironmentStaging: {
			SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com", OperationsEmail: "s@example.com", ManageAccountServices: true,
			Name: "p", Environment: "staging", Region: "us-west-2", DRRegion: "us-east-1", Zones: zones, ProviderConfigName: "default",
			NATGateways: v1alpha1.NATGatewayPerZone, LogRetentionDays: 365,
			DatabaseMasterUsername: "paynext_admin", DatabaseInstanceClass: "db.r6g.large", ClusterName: "paynext-cluster",
			DatabaseEngineVersion: "16.6", BackupRetentionDays: 14, DeletionProtection: true, MonthlyBudgetUSD: 5000, WorkloadCapacityType: "SPOT",
			KubernetesVersion: "1.34", NodeInstanceType: "m6i.large", IngressCIDRs: anywhere, ComplianceStandards: standards,
		},
		v1alpha1.EnvironmentProd: {
			SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com", OperationsEmail: "s@example.com", ManageAccountServices: true,
			Name: "p", Environment: "prod", Region: "us-west-2", DRRegion: "us-east-1", Zones: zones, ProviderConfigName: "default",
			NATGateways: v1alpha1.NATGatewayPerZone, LogRetentionDays: 2557,
			DatabaseMasterUsername: "paynext_admin", DatabaseInstanceClass: "db.r6g.large", ClusterName: "paynext-cluster",
			DatabaseEngineVersion: "16.6", BackupRetentionDays: 35, DeletionProtection: true, MonthlyBudgetUSD: 20000, WorkloadCapacityType: "ON_DEMAND",
			KubernetesVersion: "1.34", NodeInstanceType: "m6i.large", IngressCIDRs: anywhere, ComplianceStandards: standards,
		},
	}
	for env, want := range cases {
		t.Run(string(env), func(t *testing.T) {
			got := Resolve("p", minimalSpec(env), "")
			if diff := cmp.Diff(want, *got, cmpopts.IgnoreFields(Config{}, "VPCCIDR"), cmp.AllowUnexported(Config{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("a %s spec with only required fields must get the %s profile, zones sorted by name (-want +got):\n%s", env, env, diff)
			}
		})
	}
}

func TestResolvePrefersTheSpec(t *testing.T) {
	s := minimalSpec(v1alpha1.EnvironmentDev)
	s.AccountID = "123456789012"
	s.Network.NATGateways = v1alpha1.NATGatewayPerZone
	s.Logging.RetentionDays = 365
	got := Resolve("p", s, "999999999999")
	if got.AccountID != "123456789012" || got.NATGateways != v1alpha1.NATGatewayPerZone || got.LogRetentionDays != 365 {
		t.Errorf("spec values must win over learned values and profile defaults, got account %s, NAT %s, retention %d",
			got.AccountID, got.NATGateways, got.LogRetentionDays)
	}
}

func TestAccountFromARN(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:ec2:us-west-2:111122223333:vpc/vpc-0abc":         "111122223333",
		"arn:aws-us-gov:ec2:us-gov-west-1:111122223333:vpc/vpc-1": "111122223333",
		"arn:aws:s3:::bucket": "",
		"not-an-arn":          "",
	} {
		if got := AccountFromARN(arn); got != want {
			t.Errorf("AccountFromARN(%q): want %q, got %q", arn, want, got)
		}
	}
}
