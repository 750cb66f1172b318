package v1alpha1

import (
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Defaults the XRD's transition rules (types.go) compare an unset field by.
// A test holds the function's profile to them.
const (
	DefaultClusterName       = "paynext-cluster"
	DefaultMasterUsername    = "paynext_admin"
	DefaultKubernetesVersion = "1.34"
	DefaultEngineVersion     = "16.6"
)

// BuiltWith records the spec values a platform was built with that AWS
// cannot change in place. The function keeps it in the XR's status and
// refuses a spec that moves away from it the way the XRD's transition rules
// refuse the edit: the same checks, for an XR whose edit did not pass
// through them (a render offline, an XRD older than the function).
type BuiltWith struct {
	Environment       Environment `json:"environment"`
	Region            string      `json:"region"`
	DRRegion          string      `json:"drRegion"`
	AccountID         string      `json:"accountId,omitempty"`
	VPCCIDR           string      `json:"vpcCidr"`
	AvailabilityZones []string    `json:"availabilityZones"`
	ClusterName       string      `json:"clusterName"`
	MasterUsername    string      `json:"masterUsername"`
	KubernetesVersion string      `json:"kubernetesVersion"`
	EngineVersion     string      `json:"engineVersion"`
}

// BuiltWith is what s builds: its guarded values, defaults applied.
func (s *PlatformSpec) BuiltWith() *BuiltWith {
	return &BuiltWith{
		Environment: s.Environment, Region: s.Region, DRRegion: s.DRRegion, AccountID: s.AccountID,
		VPCCIDR: s.Network.VPCCIDR, AvailabilityZones: slices.Sorted(slices.Values(s.Network.AvailabilityZones)),
		ClusterName:       or(s.Kubernetes.ClusterName, DefaultClusterName),
		MasterUsername:    or(s.Database.MasterUsername, DefaultMasterUsername),
		KubernetesVersion: or(s.Kubernetes.Version, DefaultKubernetesVersion),
		EngineVersion:     or(s.Database.EngineVersion, DefaultEngineVersion),
	}
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}

// Messages of the XRD's transition rules (types.go), word for word: a test
// holds the two equal. What AWS cannot change in place, by field:
//   - region, drRegion: every resource is created in one Region and stays
//     there (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html);
//   - vpcCidr: ModifyVpcAttribute takes no CIDR block, and cidr_block is
//     replace-only in the provider (internal/forcenew)
//     (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcAttribute.html);
//   - clusterName: UpdateClusterConfig takes no new name
//     (https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterConfig.html);
//   - masterUsername: ModifyDBCluster takes none
//     (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html);
//   - Kubernetes and PostgreSQL versions: the URLs in the messages.
const (
	msgEnvironment    = "spec.environment cannot be changed: it is in the AWS name of every resource (the Aurora cluster, the buckets, the EKS cluster), so AWS would get a second platform and this one would be left running unmanaged; create a claim for the other environment beside this one and migrate"
	msgRegion         = "spec.region cannot be changed: every resource lives in it and AWS cannot move one; create a claim in the other region (the DR procedure in README restores data there)"
	msgDRRegion       = "spec.drRegion cannot be changed: the replica buckets and backup copies live there, and a new DR region would start empty while the old copies are left unmanaged; create a claim with the new DR region and migrate"
	msgAccountID      = "spec.accountId cannot be changed or removed once set: key and trust policies name it, and the platform cannot move to another account; create a claim in the other account"
	msgVPCCIDR        = "spec.network.vpcCidr cannot be changed: AWS replaces a VPC and every subnet for a new range, with everything in them; create a claim with the new range and migrate"
	msgClusterName    = "spec.kubernetes.clusterName cannot be changed: an EKS cluster cannot be renamed, so AWS would get a second cluster and this one would be left running unmanaged; keep the name (the default is paynext-cluster)"
	msgMasterUsername = "spec.database.masterUsername cannot be changed: AWS sets it only when it creates the Aurora cluster (the provider would refuse the update for ever); create further database users inside PostgreSQL instead"
	msgKubeDowngrade  = "spec.kubernetes.version cannot go down: EKS cannot downgrade a cluster (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html); keep the version (the default is 1.34)"
	msgKubeSkip       = "spec.kubernetes.version can go up one minor version at a time: EKS upgrades a cluster to the next minor version only (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html); upgrade in steps, letting each one become Ready"
	msgEngineMajor    = "spec.database.engineVersion cannot change its major version: the platform keeps allowMajorVersionUpgrade off, and a downgrade is impossible (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html); upgrade a major version with an RDS blue/green deployment, then set the new version (the default is 16.6)"
	msgEngineDown     = "spec.database.engineVersion cannot go down: Aurora cannot downgrade a cluster (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html); keep the version (the default is 16.6)"
	msgZoneUnacked    = "spec.network.availabilityZones: removing a zone deletes its subnets, NAT gateway and Aurora instance; list the zone in spec.network.acknowledgeZoneRemoval to confirm"
	msgZoneProtected  = "spec.network.availabilityZones: a zone cannot be removed where data is protected (prod, and staging without dataProtection.allowDeletion): its Aurora instance would be left running in AWS, unmanaged; keep the zone"
)

// ValidateUpdate refuses a spec that changes what the platform was built
// with (built) where AWS cannot follow, as the XRD's transition rules do.
func (s *PlatformSpec) ValidateUpdate(built *BuiltWith, path *field.Path) field.ErrorList {
	if built == nil {
		return nil
	}
	now := s.BuiltWith()
	var errs field.ErrorList
	forbid := func(changed bool, p *field.Path, msg string) {
		if changed {
			errs = append(errs, field.Forbidden(p, msg))
		}
	}
	forbid(now.Environment != built.Environment, path.Child("environment"), msgEnvironment)
	forbid(now.Region != built.Region, path.Child("region"), msgRegion)
	forbid(now.DRRegion != built.DRRegion, path.Child("drRegion"), msgDRRegion)
	forbid(built.AccountID != "" && now.AccountID != built.AccountID, path.Child("accountId"), msgAccountID)
	forbid(now.VPCCIDR != built.VPCCIDR, path.Child("network", "vpcCidr"), msgVPCCIDR)
	forbid(now.ClusterName != built.ClusterName, path.Child("kubernetes", "clusterName"), msgClusterName)
	forbid(now.MasterUsername != built.MasterUsername, path.Child("database", "masterUsername"), msgMasterUsername)
	newMinor, oldMinor := part(now.KubernetesVersion, 1), part(built.KubernetesVersion, 1)
	forbid(newMinor < oldMinor, path.Child("kubernetes", "version"), msgKubeDowngrade)
	forbid(newMinor > oldMinor+1, path.Child("kubernetes", "version"), msgKubeSkip)
	sameMajor := part(now.EngineVersion, 0) == part(built.EngineVersion, 0)
	forbid(!sameMajor, path.Child("database", "engineVersion"), msgEngineMajor)
	forbid(sameMajor && part(now.EngineVersion, 1) < part(built.EngineVersion, 1), path.Child("database", "engineVersion"), msgEngineDown)
	var removed []string
	for _, z := range built.AvailabilityZones {
		if !slices.Contains(now.AvailabilityZones, z) {
			removed = append(removed, z)
		}
	}
	zones := path.Child("network", "availabilityZones")
	forbid(slices.ContainsFunc(removed, func(z string) bool { return !slices.Contains(s.Network.AcknowledgeZoneRemoval, z) }), zones, msgZoneUnacked)
	unprotected := s.Environment == EnvironmentDev || (s.Environment == EnvironmentStaging && s.DataProtection.AllowDeletion)
	forbid(len(removed) > 0 && !unprotected, zones, msgZoneProtected)
	return errs
}

// part is the n-th dot-separated number of a version ("1.34", "16.6"), or -1.
func part(version string, n int) int {
	parts := strings.Split(version, ".")
	if n >= len(parts) {
		return -1
	}
	v, err := strconv.Atoi(parts[n])
	if err != nil {
		return -1
	}
	return v
}
