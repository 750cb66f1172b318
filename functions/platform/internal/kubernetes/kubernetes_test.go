package kubernetes

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/network"
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
	// The cluster's precursors: its secrets key, the private subnets and its
	// security group.
	keyObserved = platformtest.Merge(
		platformtest.Observed(security.KeyName(security.PurposeKubernetes, false), "kms.aws.upbound.io/v1beta1", "Key", map[string]any{"arn": "arn:aws:kms:us-west-2:111122223333:key/k8s"}),
		subnetObserved("us-west-2a"), subnetObserved("us-west-2b"),
		platformtest.Observed(security.KeyClusterSecurityGroup, "ec2.aws.upbound.io/v1beta1", "SecurityGroup", map[string]any{"id": "sg-cluster"}),
	)
	volumeKeyARN      = "arn:aws:kms:us-west-2:111122223333:key/storage"
	volumeKeyObserved = platformtest.Observed(security.KeyName(security.PurposeStorage, false), "kms.aws.upbound.io/v1beta1", "Key", map[string]any{"arn": volumeKeyARN})
	issuerObserved    = platformtest.Observed(KeyCluster, "eks.aws.upbound.io/v1beta1", "Cluster", map[string]any{"identity": []any{map[string]any{"oidc": []any{map[string]any{"issuer": "https://oidc.eks.us-west-2.amazonaws.com/id/ABC"}}}}})
	ltObserved        = platformtest.Observed(keyLaunchTemplate, "ec2.aws.upbound.io/v1beta1", "LaunchTemplate", map[string]any{"latestVersion": 3.0})
	everyPrecursor    = platformtest.Merge(keyObserved, issuerObserved, ltObserved, volumeKeyObserved)
	secondPhaseKeys   = []string{KeyCluster, KeyOIDCProvider, KeyNodeGroup(NodeGroupSystem), KeyNodeGroup(NodeGroupWorkload), KeyAddon(AddonEBSCSIDriver)}
)

func subnetObserved(zone string) platform.Observed {
	return platformtest.Observed(network.KeySubnet(network.Private, zone), "ec2.aws.upbound.io/v1beta1", "Subnet", map[string]any{"id": "subnet-" + zone})
}

func render(t *testing.T, cfg *platform.Config, observed platform.Observed) map[string]runtime.Object {
	t.Helper()
	return platformtest.Render(t, Tier{}, cfg, observed)
}

// TestSequencing: nothing is rendered with a guessed value. The cluster waits
// for its key's ARN and its subnets' and security group's IDs, the OIDC provider and EBS CSI add-on for the issuer,
// the node groups for the launch template's version.
func TestSequencing(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd)
	cases := map[string]struct {
		observed platform.Observed
		want     []string
	}{
		"NothingObserved": {nil, nil},
		"OnlyTheKey":      {platformtest.Observed(security.KeyName(security.PurposeKubernetes, false), "kms.aws.upbound.io/v1beta1", "Key", map[string]any{"arn": "arn:aws:kms:us-west-2:111122223333:key/k8s"}), nil},
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
	lt := render(t, config(v1alpha1.EnvironmentProd), volumeKeyObserved)[keyLaunchTemplate].(*ec2v1beta1.LaunchTemplate).Spec.ForProvider
	m := lt.MetadataOptions[0]
	ebs := lt.BlockDeviceMappings[0].EBS[0]
	if *m.HTTPTokens != "required" || *m.HTTPPutResponseHopLimit != 1 || lt.KeyName != nil || *ebs.Encrypted != "true" || *ebs.VolumeType != "gp3" {
		t.Errorf("want IMDSv2 with hop limit 1, no SSH key, encrypted gp3; got %+v", lt)
	}
	if ebs.KMSKeyIDSelector != nil || ptr.Deref(ebs.KMSKeyID, "") != volumeKeyARN {
		t.Errorf("want the root volume encrypted with the storage key's observed ARN and no selector in the list, got %+v", ebs)
	}
}

// TestLaunchTemplateWaitsForItsKeyAndNeverDropsOut: blockDeviceMappings is a
// list, so the volume key is a literal the template waits for; once the
// template exists it keeps the key AWS reports while the key is unobserved.
func TestLaunchTemplateWaitsForItsKeyAndNeverDropsOut(t *testing.T) {
	cfg := config(v1alpha1.EnvironmentProd)
	if _, ok := render(t, cfg, nil)[keyLaunchTemplate]; ok {
		t.Error("want no launch template before the storage key's ARN is observed")
	}
	existing := platformtest.Observed(keyLaunchTemplate, "ec2.aws.upbound.io/v1beta1", "LaunchTemplate", map[string]any{
		"latestVersion":       3.0,
		"blockDeviceMappings": []any{map[string]any{"ebs": []any{map[string]any{"kmsKeyId": volumeKeyARN}}}},
	})
	lt, ok := render(t, cfg, existing)[keyLaunchTemplate].(*ec2v1beta1.LaunchTemplate)
	if !ok {
		t.Fatal("an existing launch template dropped out of the desired state while its key was unobserved")
	}
	if got := ptr.Deref(lt.Spec.ForProvider.BlockDeviceMappings[0].EBS[0].KMSKeyID, ""); got != volumeKeyARN {
		t.Errorf("want the key the existing template names, %s; got %s", volumeKeyARN, got)
	}
}

// TestClusterNetworkFollowsTheZones: vpcConfig is a list, so the cluster
// names its subnets and security group by observed IDs. A zone added to the
// claim reaches the cluster once its subnet exists; until then, and while any
// precursor is briefly unobserved, the cluster keeps what AWS reports it has.
func TestClusterNetworkFollowsTheZones(t *testing.T) {
	threeZones := config(v1alpha1.EnvironmentProd, func(s *v1alpha1.PlatformSpec) {
		s.Network.AvailabilityZones = []string{"us-west-2a", "us-west-2b", "us-west-2c"}
	})
	existingCluster := platformtest.Observed(KeyCluster, "eks.aws.upbound.io/v1beta1", "Cluster", map[string]any{
		"vpcConfig":        []any{map[string]any{"subnetIds": []any{"subnet-us-west-2a", "subnet-us-west-2b"}, "securityGroupIds": []any{"sg-cluster"}}},
		"encryptionConfig": []any{map[string]any{"provider": []any{map[string]any{"keyArn": "arn:aws:kms:us-west-2:111122223333:key/k8s"}}}},
	})
	cases := map[string]struct {
		cfg         *platform.Config
		observed    platform.Observed
		wantSubnets []string
		wantGroups  []string
	}{
		"TwoZones":                  {config(v1alpha1.EnvironmentProd), keyObserved, []string{"subnet-us-west-2a", "subnet-us-west-2b"}, []string{"sg-cluster"}},
		"NewZoneNotYetObserved":     {threeZones, platformtest.Merge(keyObserved, existingCluster), []string{"subnet-us-west-2a", "subnet-us-west-2b"}, []string{"sg-cluster"}},
		"NewZoneObserved":           {threeZones, platformtest.Merge(keyObserved, subnetObserved("us-west-2c")), []string{"subnet-us-west-2a", "subnet-us-west-2b", "subnet-us-west-2c"}, []string{"sg-cluster"}},
		"NewClusterWaitsForSubnets": {threeZones, keyObserved, nil, nil},
		"PrecursorsGone":            {config(v1alpha1.EnvironmentProd), existingCluster, []string{"subnet-us-west-2a", "subnet-us-west-2b"}, []string{"sg-cluster"}},
		"JustCreatedPrecursorsGone": {config(v1alpha1.EnvironmentProd), platformtest.Rendered(KeyCluster, "eks.aws.upbound.io/v1beta1", "Cluster", map[string]any{
			"vpcConfig":        []any{map[string]any{"subnetIds": []any{"subnet-us-west-2a", "subnet-us-west-2b"}, "securityGroupIds": []any{"sg-cluster"}}},
			"encryptionConfig": []any{map[string]any{"provider": []any{map[string]any{"keyArn": "arn:aws:kms:us-west-2:111122223333:key/k8s"}}}},
		}), []string{"subnet-us-west-2a", "subnet-us-west-2b"}, []string{"sg-cluster"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, ok := render(t, tc.cfg, tc.observed)[KeyCluster].(*eksv1beta1.Cluster)
			if !ok {
				if tc.wantSubnets != nil {
					t.Fatal("want the cluster rendered")
				}
				return
			}
			if tc.wantSubnets == nil {
				t.Fatal("want no cluster until every zone's private subnet is observed")
			}
			vpc := c.Spec.ForProvider.VPCConfig[0]
			if vpc.SubnetIDSelector != nil || vpc.SecurityGroupIDSelector != nil {
				t.Error("want no selector inside vpcConfig: Crossplane's apply of the list removes what the resolver wrote")
			}
			if diff := cmp.Diff(tc.wantSubnets, derefAll(vpc.SubnetIds)); diff != "" {
				t.Errorf("subnets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantGroups, derefAll(vpc.SecurityGroupIds)); diff != "" {
				t.Errorf("security groups (-want +got):\n%s", diff)
			}
		})
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

// publicSubnets is the observed public subnet of every zone of cfg, with the
// IDs in the reverse of the zones' order.
func publicSubnets(cfg *platform.Config) platform.Observed {
	var out []platform.Observed
	for i, z := range cfg.Zones {
		out = append(out, platformtest.Observed(network.KeySubnet(network.Public, z.Name), "ec2.aws.upbound.io/v1beta1", "Subnet",
			map[string]any{"id": fmt.Sprintf("subnet-%d", len(cfg.Zones)-i)}))
	}
	return platformtest.Merge(out...)
}

func TestLoadBalancer(t *testing.T) {
	if _, ok := render(t, config(v1alpha1.EnvironmentProd), nil)[KeyLoadBalancer]; ok {
		t.Error("the ALB must wait for its subnets to be observed: AWS needs them at creation, and a selector would leave the resolver owning the list")
	}
	cfg := config(v1alpha1.EnvironmentProd)
	noCert := render(t, cfg, publicSubnets(cfg))
	lb := noCert[KeyLoadBalancer].(*elbv2v1beta1.LB).Spec.ForProvider
	var want []string
	for i := range cfg.Zones {
		want = append(want, fmt.Sprintf("subnet-%d", i+1))
	}
	if d := cmp.Diff(want, derefAll(lb.Subnets)); d != "" || lb.SubnetSelector != nil {
		t.Errorf("want the ALB on the observed public subnets, sorted, and no selector (-want +got):\n%s", d)
	}
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
	}), publicSubnets(cfg))
	https := withCert[keyHTTPS].(*elbv2v1beta1.LBListener).Spec.ForProvider
	if *https.SSLPolicy != TLSPolicy || *https.Protocol != "HTTPS" {
		t.Errorf("want HTTPS with the TLS 1.3/1.2 policy, got %s %s", *https.Protocol, *https.SSLPolicy)
	}
	redirect := withCert[keyHTTPRedirect].(*elbv2v1beta1.LBListener).Spec.ForProvider.DefaultAction[0]
	if *redirect.Type != "redirect" || *redirect.Redirect[0].Protocol != "HTTPS" {
		t.Errorf("HTTP must only redirect to HTTPS, got %+v", redirect)
	}
}

func derefAll(ps []*string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, ptr.Deref(p, ""))
	}
	return out
}

// TestProtectedClusterAndLoadBalancerAreKept: in prod the EKS cluster and the
// load balancer have deletion protection, which AWS enforces by refusing the
// delete (EKS: InvalidRequestException; ELB: OperationNotPermitted), so the
// claim's delete orphans them instead of retrying for ever; elsewhere they
// are unprotected and go with the claim.
func TestProtectedClusterAndLoadBalancerAreKept(t *testing.T) {
	for _, env := range []v1alpha1.Environment{v1alpha1.EnvironmentDev, v1alpha1.EnvironmentStaging, v1alpha1.EnvironmentProd} {
		cfg := config(env)
		rs := render(t, cfg, platformtest.Merge(keyObserved, publicSubnets(cfg)))
		c := rs[KeyCluster].(*eksv1beta1.Cluster)
		lb := rs[KeyLoadBalancer].(*elbv2v1beta1.LB)
		want := env == v1alpha1.EnvironmentProd
		for what, got := range map[string]struct {
			protected bool
			policy    string
		}{
			"EKS cluster":   {*c.Spec.ForProvider.DeletionProtection, string(c.Spec.DeletionPolicy)},
			"load balancer": {*lb.Spec.ForProvider.EnableDeletionProtection, string(lb.Spec.DeletionPolicy)},
		} {
			if got.protected != want || (got.policy == "Orphan") != want {
				t.Errorf("%s %s: deletion protection %v, deletion policy %q; want protection %v and orphaned exactly when protected", env, what, got.protected, got.policy, want)
			}
		}
	}
	// A protection AWS still reports keeps the resource orphaned, whatever
	// the render says, until AWS has turned it off.
	stillProtected := platformtest.Merge(keyObserved,
		platformtest.Observed(KeyCluster, "eks.aws.upbound.io/v1beta1", "Cluster", map[string]any{"deletionProtection": true}),
		platformtest.Observed(KeyLoadBalancer, "elbv2.aws.upbound.io/v1beta1", "LB", map[string]any{"enableDeletionProtection": true}))
	rs := render(t, config(v1alpha1.EnvironmentDev), stillProtected)
	if p := rs[KeyCluster].(*eksv1beta1.Cluster).Spec.DeletionPolicy; p != "Orphan" {
		t.Errorf("EKS cluster AWS reports protected: deletion policy %q, want Orphan", p)
	}
	if p := rs[KeyLoadBalancer].(*elbv2v1beta1.LB).Spec.DeletionPolicy; p != "Orphan" {
		t.Errorf("load balancer AWS reports protected: deletion policy %q, want Orphan", p)
	}
}

// TestNetworkPoliciesAreEnforced: the VPC CNI add-on runs its network policy
// agent, so the NetworkPolicies workloads rely on for segmentation are
// enforced rather than silently ignored.
func TestNetworkPoliciesAreEnforced(t *testing.T) {
	for _, env := range []v1alpha1.Environment{v1alpha1.EnvironmentDev, v1alpha1.EnvironmentProd} {
		cni, ok := render(t, config(env), everyPrecursor)[KeyAddon(AddonVPCCNI)].(*eksv1beta1.Addon)
		if !ok {
			t.Fatalf("%s: no vpc-cni add-on", env)
		}
		var values map[string]string
		if err := json.Unmarshal([]byte(ptr.Deref(cni.Spec.ForProvider.ConfigurationValues, "{}")), &values); err != nil {
			t.Fatalf("%s: vpc-cni configurationValues is not JSON: %v", env, err)
		}
		if values["enableNetworkPolicy"] != "true" {
			t.Errorf("%s: want vpc-cni enableNetworkPolicy \"true\", got %v", env, values)
		}
	}
}
