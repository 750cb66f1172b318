package kubernetes

import (
	"slices"
	"testing"

	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/platform/platformtest"
	"github.com/paynext/platform/functions/platform/internal/security"
)

func config(env v1alpha1.Environment, mutate ...func(*v1alpha1.PlatformSpec)) *platform.Config {
	s := &v1alpha1.PlatformSpec{
		Environment: env, Region: "us-west-2", DRRegion: "us-east-1",
		Network:  v1alpha1.NetworkSpec{VPCCIDR: "10.0.0.0/16", AvailabilityZones: []string{"us-west-2a", "us-west-2b"}},
		Contacts: v1alpha1.ContactsSpec{SecurityEmail: "s@example.com", ComplianceEmail: "c@example.com"},
	}
	for _, m := range mutate {
		m(s)
	}
	return platform.Resolve("payments", s, "111122223333")
}

var (
	keyObserved     = platformtest.Observed(security.KeyName(security.PurposeKubernetes, false), "kms.aws.upbound.io/v1beta1", "Key", map[string]any{"arn": "arn:aws:kms:us-west-2:111122223333:key/k8s"})
	issuerObserved  = platformtest.Observed(KeyCluster, "eks.aws.upbound.io/v1beta1", "Cluster", map[string]any{"identity": []any{map[string]any{"oidc": []any{map[string]any{"issuer": "https://oidc.eks.us-west-2.amazonaws.com/id/ABC"}}}}})
	ltObserved      = platformtest.Observed(keyLaunchTemplate, "ec2.aws.upbound.io/v1beta1", "LaunchTemplate", map[string]any{"latestVersion": 3.0})
	everyPrecursor  = platformtest.Merge(keyObserved, issuerObserved, ltObserved)
	secondPhaseKeys = []string{KeyCluster, KeyOIDCProvider, KeyNodeGroup(NodeGroupSystem), KeyNodeGroup(NodeGroupWorkload), KeyAddon(AddonEBSCSIDriver)}
)

func render(t *testing.T, cfg *platform.Config, observed platform.Observed) map[string]runtime.Object {
	t.Helper()
	return platformtest.Render(t, Tier{}, cfg, observed)
}

// TestSequencing: nothing is rendered with a guessed value. The cluster waits
// for its key's ARN, the OIDC provider and EBS CSI add-on for the issuer,
// the node groups for the launch template's version.
func TestSequencing(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd)
	cases := map[string]struct {
		observed platform.Observed
		want     []string
	}{
		"NothingObserved": {nil, nil},
		"KeyObserved":     {keyObserved, []string{KeyCluster}},
		"IssuerObserved":  {platformtest.Merge(keyObserved, issuerObserved), []string{KeyCluster, KeyOIDCProvider, KeyAddon(AddonEBSCSIDriver)}},
		"EverythingThere": {everyPrecursor, secondPhaseKeys},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rs := render(t, cfg, tc.observed)
			for _, k := range secondPhaseKeys {
				if _, got := rs[k]; got != slices.Contains(tc.want, k) {
					t.Errorf("%s rendered: %v, want %v", k, got, slices.Contains(tc.want, k))
				}
			}
		})
	}
}

func TestClusterIsPrivateEncryptedAndLogged(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg    *platform.Config
		public bool
	}{
		"Prod":            {config(v1alpha1.EnvironmentProd), false},
		"DevWithoutCIDRs": {config(v1alpha1.EnvironmentDev), false},
		"DevWithCIDRs":    {config(v1alpha1.EnvironmentDev, func(s *v1alpha1.PlatformSpec) { s.Kubernetes.PublicAccessCIDRs = []string{"203.0.113.0/24"} }), true},
	} {
		t.Run(name, func(t *testing.T) {
			c := render(t, tc.cfg, everyPrecursor)[KeyCluster].(*eksv1beta1.Cluster).Spec.ForProvider
			vpc := c.VPCConfig[0]
			if !*vpc.EndpointPrivateAccess || *vpc.EndpointPublicAccess != tc.public {
				t.Errorf("want a private endpoint, public %v; got private %v public %v", tc.public, *vpc.EndpointPrivateAccess, *vpc.EndpointPublicAccess)
			}
			if *c.EncryptionConfig[0].Resources[0] != "secrets" || *c.EncryptionConfig[0].Provider[0].KeyArn != "arn:aws:kms:us-west-2:111122223333:key/k8s" {
				t.Errorf("want secrets encrypted with the observed Kubernetes key, got %+v", c.EncryptionConfig)
			}
			if len(c.EnabledClusterLogTypes) != 5 {
				t.Errorf("want all five control-plane log types, got %d", len(c.EnabledClusterLogTypes))
			}
			if a := c.AccessConfig[0]; *a.AuthenticationMode != "API" || *a.BootstrapClusterCreatorAdminPermissions {
				t.Errorf("want access entries only and no implicit creator admin, got %+v", a)
			}
		})
	}
}

func TestNodeGroupsAndLaunchTemplate(t *testing.T) {
	for env, capacity := range map[v1alpha1.Environment]string{v1alpha1.EnvironmentDev: "SPOT", v1alpha1.EnvironmentStaging: "SPOT", v1alpha1.EnvironmentProd: "ON_DEMAND"} {
		rs := render(t, config(env), everyPrecursor)
		sys := rs[KeyNodeGroup(NodeGroupSystem)].(*eksv1beta1.NodeGroup).Spec.ForProvider
		wl := rs[KeyNodeGroup(NodeGroupWorkload)].(*eksv1beta1.NodeGroup).Spec.ForProvider
		if *sys.CapacityType != "ON_DEMAND" || *wl.CapacityType != capacity {
			t.Errorf("%s: want an on-demand system group and a %s workload group, got %s and %s", env, capacity, *sys.CapacityType, *wl.CapacityType)
		}
		if *wl.LaunchTemplate[0].Version != "3" {
			t.Errorf("%s: want the observed launch template version, got %s", env, *wl.LaunchTemplate[0].Version)
		}
		if *wl.Tags["k8s.io/cluster-autoscaler/enabled"] != "true" {
			t.Errorf("%s: want Cluster Autoscaler discovery tags", env)
		}
	}
	override := config(v1alpha1.EnvironmentStaging, func(s *v1alpha1.PlatformSpec) { s.Kubernetes.WorkloadCapacityType = "ON_DEMAND" })
	if wl := render(t, override, everyPrecursor)[KeyNodeGroup(NodeGroupWorkload)].(*eksv1beta1.NodeGroup); *wl.Spec.ForProvider.CapacityType != "ON_DEMAND" {
		t.Error("spec.kubernetes.workloadCapacityType must override the profile")
	}
	lt := render(t, config(v1alpha1.EnvironmentProd), nil)[keyLaunchTemplate].(*ec2v1beta1.LaunchTemplate).Spec.ForProvider
	m := lt.MetadataOptions[0]
	ebs := lt.BlockDeviceMappings[0].EBS[0]
	if *m.HTTPTokens != "required" || *m.HTTPPutResponseHopLimit != 1 || lt.KeyName != nil || *ebs.Encrypted != "true" || *ebs.VolumeType != "gp3" {
		t.Errorf("want IMDSv2 with hop limit 1, no SSH key, encrypted gp3; got %+v", lt)
	}
}

func TestAddonVersionsCoverEverySupportedVersion(t *testing.T) {
	for _, v := range v1alpha1.SupportedKubernetesVersions {
		for _, a := range Addons {
			if AddonVersions[v][a] == "" {
				t.Errorf("Kubernetes %s: no pinned version of %s", v, a)
			}
		}
	}
	for v := range AddonVersions {
		if !slices.Contains(v1alpha1.SupportedKubernetesVersions, v) {
			t.Errorf("add-on versions for %s, which the API does not accept", v)
		}
	}
}

func TestLoadBalancer(t *testing.T) {
	noCert := render(t, config(v1alpha1.EnvironmentProd), nil)
	lb := noCert[KeyLoadBalancer].(*elbv2v1beta1.LB).Spec.ForProvider
	if *lb.Internal || !*lb.DropInvalidHeaderFields || !*lb.EnableDeletionProtection || !*lb.AccessLogs[0].Enabled {
		t.Errorf("want an internet-facing ALB dropping invalid headers, deletion-protected in prod, with access logs; got %+v", lb)
	}
	if _, ok := noCert[keyHTTPS]; ok {
		t.Error("no listener may render without a certificate")
	}
	if s := Status(config(v1alpha1.EnvironmentProd), nil); s.Ingress != NoCertificateMessage {
		t.Errorf("the status must say why the ALB has no listeners, got %q", s.Ingress)
	}
	withCert := render(t, config(v1alpha1.EnvironmentProd, func(s *v1alpha1.PlatformSpec) {
		s.Kubernetes.Ingress.CertificateARN = "arn:aws:acm:us-west-2:111122223333:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc"
	}), nil)
	https := withCert[keyHTTPS].(*elbv2v1beta1.LBListener).Spec.ForProvider
	if *https.SSLPolicy != TLSPolicy || *https.Protocol != "HTTPS" {
		t.Errorf("want HTTPS with the TLS 1.3/1.2 policy, got %s %s", *https.Protocol, *https.SSLPolicy)
	}
	redirect := withCert[keyHTTPRedirect].(*elbv2v1beta1.LBListener).Spec.ForProvider.DefaultAction[0]
	if *redirect.Type != "redirect" || *redirect.Redirect[0].Protocol != "HTTPS" {
		t.Errorf("HTTP must only redirect to HTTPS, got %+v", redirect)
	}
}
