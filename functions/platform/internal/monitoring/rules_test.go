package monitoring

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	configv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/configservice/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
)

// controlsRules are the AWS Config managed rules controls.md names
// (../shared/reference/controls.md, "AWS Config rule" column), by the
// identifiers AWS gives them. config-enabled-all-regions is not a managed
// rule: the recorder itself is that control.
var controlsRules = []string{
	"S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", "S3_BUCKET_SSL_REQUESTS_ONLY", "S3_DEFAULT_ENCRYPTION_KMS", "S3_BUCKET_VERSIONING_ENABLED",
	"S3_BUCKET_LOGGING_ENABLED", "S3_BUCKET_REPLICATION_ENABLED", "S3_BUCKET_DEFAULT_LOCK_ENABLED", "S3_BUCKET_ACL_PROHIBITED",
	"RDS_STORAGE_ENCRYPTED", "RDS_INSTANCE_PUBLIC_ACCESS_CHECK", "RDS_CLUSTER_DELETION_PROTECTION_ENABLED", "DB_INSTANCE_BACKUP_ENABLED",
	"RDS_CLUSTER_IAM_AUTHENTICATION_ENABLED", "RDS_LOGGING_ENABLED", "RDS_MULTI_AZ_SUPPORT", "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED",
	"CMK_BACKING_KEY_ROTATION_ENABLED", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
	"CLOUD_TRAIL_ENCRYPTION_ENABLED", "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
	"CW_LOGGROUP_RETENTION_PERIOD_CHECK", "VPC_FLOW_LOGS_ENABLED", "VPC_DEFAULT_SECURITY_GROUP_CLOSED", "INCOMING_SSH_DISABLED",
	"RESTRICTED_INCOMING_TRAFFIC", "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", "EKS_SECRETS_ENCRYPTED", "EKS_ENDPOINT_NO_PUBLIC_ACCESS",
	"EKS_CLUSTER_LOGGING_ENABLED", "EKS_CLUSTER_OLDEST_SUPPORTED_VERSION", "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
	"IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", "SECRETSMANAGER_USING_CMK", "SECRETSMANAGER_ROTATION_ENABLED_CHECK",
	"WAFV2_LOGGING_ENABLED", "ALB_WAF_ENABLED", "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "ALB_HTTP_DROP_INVALID_HEADER_ENABLED",
	"GUARDDUTY_ENABLED_CENTRALIZED", "EFS_ENCRYPTED_CHECK", "SNS_ENCRYPTED_KMS",
}

func inRegion(region string) *platform.Config {
	return platform.Resolve("payments", &v1alpha1.PlatformSpec{
		Environment: v1alpha1.EnvironmentProd, Region: region, DRRegion: "us-gov-east-1",
		Network:  v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: []string{region + "a", region + "b"}},
		Contacts: v1alpha1.ContactsSpec{SecurityEmail: "sec@example.com", ComplianceEmail: "grc@example.com"},
	}, "111122223333")
}

var masterSecret = platformtest.Observed("aurora-cluster", "rds.aws.upbound.io/v1beta1", "Cluster",
	map[string]any{"masterUserSecret": []any{map[string]any{"secretArn": "arn:aws:secretsmanager:us-west-2:111122223333:secret:rds!cluster-abc"}}})

// TestEveryControlHasItsRuleWhereAWSConfigOffersIt: in a region where AWS
// Config offers them all, every rule controls.md names is rendered; where
// it does not (GovCloud lacks several), the missing ones are exactly those
// reported unavailable, and nothing AWS Config would refuse is rendered.
func TestEveryControlHasItsRuleWhereAWSConfigOffersIt(t *testing.T) {
	for _, region := range []string{"us-west-2", "us-gov-west-1", "ap-east-2"} {
		t.Run(region, func(t *testing.T) {
			cfg := inRegion(region)
			rs := render(t, cfg, masterSecret)
			var rendered, unavailable []string
			for _, o := range rs {
				if r, ok := o.(*configv1beta1.ConfigRule); ok {
					rendered = append(rendered, *r.Spec.ForProvider.Source[0].SourceIdentifier)
				}
			}
			for _, r := range UnavailableConfigRules(cfg) {
				unavailable = append(unavailable, r.Identifier)
				if slices.Contains(rendered, r.Identifier) {
					t.Errorf("%s is rendered in %s, where AWS Config does not offer it", r.Identifier, region)
				}
			}
			if region == "us-west-2" && len(unavailable) > 0 {
				t.Errorf("want every rule offered in us-west-2, got %v unavailable", unavailable)
			}
			got := slices.Sorted(slices.Values(append(rendered, unavailable...)))
			if diff := cmp.Diff(slices.Sorted(slices.Values(controlsRules)), got); diff != "" {
				t.Errorf("want every rule controls.md names rendered or reported unavailable (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRuleParametersAreWhatTheControlsNeed: the EKS version rule flags the
// oldest version the platform accepts, the port rule blocks RDP and the
// database ports, and the rotation rule allows 90 days at most.
func TestRuleParametersAreWhatTheControlsNeed(t *testing.T) {
	rs := render(t, inRegion("us-west-2"), masterSecret)
	for name, want := range map[string]map[string]string{
		"eks-cluster-oldest-supported-version":  {"oldestVersionSupported": v1alpha1.SupportedKubernetesVersions[0]},
		"restricted-common-ports":               {"blockedPort1": "20", "blockedPort2": "21", "blockedPort3": "3389", "blockedPort4": "3306", "blockedPort5": "5432"},
		"secretsmanager-rotation-enabled-check": {"maximumAllowedRotationFrequency": "90"},
	} {
		r := rs[KeyConfigRule(name)].(*configv1beta1.ConfigRule)
		var got map[string]string
		if err := json.Unmarshal([]byte(*r.Spec.ForProvider.InputParameters), &got); err != nil {
			t.Fatalf("%s: input parameters are not a JSON object of strings: %v", name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: parameters (-want +got):\n%s", name, diff)
		}
	}
}

// TestRotationRuleCoversOnlyTheMasterSecret: the rotation rule waits for the
// master secret RDS creates and is scoped to it alone (the API keys rotate
// outside Secrets Manager), and keeps its scope while the cluster is
// briefly unobserved.
func TestRotationRuleCoversOnlyTheMasterSecret(t *testing.T) {
	key := KeyConfigRule(secretRotationRule.Name)
	cfg := inRegion("us-west-2")
	if _, ok := render(t, cfg, nil)[key]; ok {
		t.Error("want no rotation rule before RDS reports the master secret")
	}
	want := []configv1beta1.ScopeParameters{{
		ComplianceResourceTypes: []*string{ptr.To("AWS::SecretsManager::Secret")},
		ComplianceResourceID:    ptr.To("arn:aws:secretsmanager:us-west-2:111122223333:secret:rds!cluster-abc"),
	}}
	r := render(t, cfg, masterSecret)[key].(*configv1beta1.ConfigRule)
	if diff := cmp.Diff(want, r.Spec.ForProvider.Scope); diff != "" {
		t.Errorf("want the rule scoped to the master secret (-want +got):\n%s", diff)
	}
	ruleOnly := platformtest.Observed(key, "configservice.aws.upbound.io/v1beta1", "ConfigRule",
		map[string]any{"scope": []any{map[string]any{"complianceResourceId": *want[0].ComplianceResourceID, "complianceResourceTypes": []any{"AWS::SecretsManager::Secret"}}}})
	r, ok := render(t, cfg, ruleOnly)[key].(*configv1beta1.ConfigRule)
	if !ok {
		t.Fatal("the rotation rule dropped out while the cluster was unobserved")
	}
	if diff := cmp.Diff(want, r.Spec.ForProvider.Scope); diff != "" {
		t.Errorf("want the scope the rule already has (-want +got):\n%s", diff)
	}
}
