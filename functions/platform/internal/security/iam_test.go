package security

import (
	"slices"
	"testing"

	iamv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/iam/v1beta1"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

func observedCluster(issuer string) platform.Observed {
	if issuer == "" {
		return platformtest.Observed(platform.KeyEKSCluster, "eks.aws.upbound.io/v1beta1", "Cluster", nil)
	}
	return platformtest.Observed(platform.KeyEKSCluster, "eks.aws.upbound.io/v1beta1", "Cluster",
		map[string]any{"identity": []any{map[string]any{"oidc": []any{map[string]any{"issuer": issuer}}}}})
}

// TestIRSARolesWaitForTheClustersIssuer: the IRSA roles trust the cluster's
// OIDC provider, so they render only once EKS reports the issuer, never with
// a guessed one.
func TestIRSARolesWaitForTheClustersIssuer(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd, "111122223333")
	irsa := []string{KeyRole(RoleEBSCSIDriver), KeyRole(RoleLBController)}
	for name, observed := range map[string]platform.Observed{
		"NoCluster":               nil,
		"ClusterWithoutIssuerYet": observedCluster(""),
	} {
		t.Run(name, func(t *testing.T) {
			rs, err := platform.RenderIndexed(Tier{}, cfg, observed)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range irsa {
				if _, ok := rs[k]; ok {
					t.Errorf("%s rendered before the cluster's OIDC issuer is observed", k)
				}
			}
		})
	}
	t.Run("IssuerObserved", func(t *testing.T) {
		issuer := "oidc.eks.eu-central-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
		rs, err := platform.RenderIndexed(Tier{}, cfg, observedCluster("https://"+issuer))
		if err != nil {
			t.Fatal(err)
		}
		role, ok := rs[KeyRole(RoleEBSCSIDriver)].(*iamv1beta1.Role)
		if !ok {
			t.Fatal("want the EBS CSI driver role once the issuer is observed")
		}
		trust, _ := policy.Parse(*role.Spec.ForProvider.AssumeRolePolicy)
		st := trust.Statement[0]
		if !slices.Equal(st.Principal.Federated, []string{"arn:aws:iam::111122223333:oidc-provider/" + issuer}) {
			t.Errorf("want the cluster's OIDC provider as the only principal, got %v", st.Principal)
		}
		if got := st.Condition["StringEquals"][issuer+":sub"]; !slices.Equal(got, []string{"system:serviceaccount:kube-system:ebs-csi-controller-sa"}) {
			t.Errorf("want only the driver's service account, got %v", got)
		}
		if _, ok := rs[KeyRole(RoleLBController)]; !ok {
			t.Error("want the load balancer controller role once the issuer is observed")
		}
	})
}

func TestServiceRolesTrustOnlyTheirServiceForThisAccount(t *testing.T) {
	rs := byKey(t, config(v1alpha1.EnvironmentProd, "111122223333"))
	cases := map[string]string{
		RoleRDSMonitoring: "monitoring.rds.amazonaws.com", RoleEKSCluster: "eks.amazonaws.com", RoleEKSNodes: "ec2.amazonaws.com",
		RoleBackup: "backup.amazonaws.com", RoleConfig: "config.amazonaws.com", RoleCloudTrail: "cloudtrail.amazonaws.com",
		RoleReplication: "s3.amazonaws.com",
	}
	for purpose, service := range cases {
		role, ok := rs[KeyRole(purpose)].(*iamv1beta1.Role)
		if !ok {
			t.Errorf("want the %s role", purpose)
			continue
		}
		if got := role.GetAnnotations()[platform.AnnotationExternalName]; got != "paynext-prod-"+purpose {
			t.Errorf("%s: want the stable name paynext-prod-%s, got %s", purpose, purpose, got)
		}
		trust, _ := policy.Parse(*role.Spec.ForProvider.AssumeRolePolicy)
		for _, st := range trust.Statement {
			if !slices.Equal(st.Principal.Service, []string{service}) {
				t.Errorf("%s: want only %s trusted, got %v", purpose, service, st.Principal)
			}
			if !slices.Equal(st.Condition["StringEquals"]["aws:SourceAccount"], []string{"111122223333"}) {
				t.Errorf("%s: want aws:SourceAccount against the confused deputy, got %v", purpose, st.Condition)
			}
		}
	}
}

func TestBreakGlassNeedsRecentMFA(t *testing.T) {
	role := byKey(t, config(v1alpha1.EnvironmentProd, "111122223333"))[KeyRole(RoleBreakGlass)].(*iamv1beta1.Role)
	trust, _ := policy.Parse(*role.Spec.ForProvider.AssumeRolePolicy)
	c := trust.Statement[0].Condition
	if !slices.Equal(c["Bool"]["aws:MultiFactorAuthPresent"], []string{"true"}) || !slices.Equal(c["NumericLessThan"]["aws:MultiFactorAuthAge"], []string{"3600"}) {
		t.Errorf("the break-glass role must need MFA from the last hour, got %v", c)
	}
	if *role.Spec.ForProvider.MaxSessionDuration != 3600 {
		t.Errorf("break-glass sessions last at most an hour, got %v", *role.Spec.ForProvider.MaxSessionDuration)
	}
}
