package v1alpha1

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Patterns shared by the kubebuilder markers in types.go and Validate. A test
// checks the generated XRD carries exactly these.
const (
	ZonePattern           = `^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-f]$`
	AccountIDPattern      = `^[0-9]{12}$`
	EmailPattern          = `^[^@\s]+@[^@\s]+\.[^@\s]+$`
	UsernamePattern       = `^[a-zA-Z][a-zA-Z0-9_]*$`
	DBInstanceClassRegex  = `^db\.[a-z0-9-]+\.[a-z0-9]+$`
	EngineVersionPattern  = `^1[3-9]\.[0-9]{1,3}$`
	ClusterNamePattern    = `^[a-zA-Z][a-zA-Z0-9-]*$`
	KubeVersionPattern    = `^1\.[0-9]{2}$`
	InstanceTypePattern   = `^[a-z][a-z0-9-]*\.[a-z0-9]+$`
	RoleARNPattern        = `^arn:aws(-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$`
	CertificateARNPattern = `^arn:aws(-us-gov)?:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$`
	// ObjectNamePattern is a Kubernetes object name (RFC 1123 subdomain).
	ObjectNamePattern = `^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
)

// Limits shared with the markers in types.go.
const (
	MinVPCPrefix = 16
	MaxVPCPrefix = 20
	MaxZones     = 6
	MaxUserTags  = 40
)

// SupportedKubernetesVersions are the EKS versions the platform renders (its
// add-on table has an entry for each).
var SupportedKubernetesVersions = []string{"1.31", "1.32", "1.33", "1.34"}

// LogRetentionDays lists the retention values CloudWatch Logs accepts.
var LogRetentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var (
	zoneRE           = regexp.MustCompile(ZonePattern)
	accountRE        = regexp.MustCompile(AccountIDPattern)
	emailRE          = regexp.MustCompile(EmailPattern)
	usernameRE       = regexp.MustCompile(UsernamePattern)
	dbClassRE        = regexp.MustCompile(DBInstanceClassRegex)
	engineVersionRE  = regexp.MustCompile(EngineVersionPattern)
	clusterNameRE    = regexp.MustCompile(ClusterNamePattern)
	nameSuffixRE     = regexp.MustCompile(`^[a-z][a-z0-9]{0,4}$`)
	objectNameRE     = regexp.MustCompile(ObjectNamePattern)
	kubeVersionRE    = regexp.MustCompile(KubeVersionPattern)
	instanceTypeRE   = regexp.MustCompile(InstanceTypePattern)
	roleARNRE        = regexp.MustCompile(RoleARNPattern)
	certificateARNRE = regexp.MustCompile(CertificateARNPattern)
)

// Validate applies the XRD's rules again, because `crossplane render` and
// kubectl dry runs never reach the API server's validation. Every error
// names the offending field path under path.
func (s *PlatformSpec) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList

	switch s.Environment {
	case EnvironmentDev, EnvironmentStaging, EnvironmentProd:
	default:
		errs = append(errs, field.NotSupported(path.Child("environment"), s.Environment, []Environment{EnvironmentDev, EnvironmentStaging, EnvironmentProd}))
	}
	errs = append(errs, validRegion(path.Child("region"), s.Region)...)
	errs = append(errs, validRegion(path.Child("drRegion"), s.DRRegion)...)
	if s.DRRegion != "" && s.DRRegion == s.Region {
		errs = append(errs, field.Invalid(path.Child("drRegion"), s.DRRegion, "must differ from spec.region"))
	}
	errs = append(errs, s.validateDRRegion(path.Child("drRegion"))...)
	if s.AccountID == "" && (s.Environment == EnvironmentStaging || s.Environment == EnvironmentProd) {
		errs = append(errs, field.Required(path.Child("accountId"), "required in staging and prod: key and trust policies name the account"))
	}
	if s.AccountID != "" && !accountRE.MatchString(s.AccountID) {
		errs = append(errs, field.Invalid(path.Child("accountId"), s.AccountID, "must be a 12-digit AWS account ID"))
	}
	errs = append(errs, optionalMatch(path.Child("nameSuffix"), s.NameSuffix, nameSuffixRE, 5, "1–5 lowercase letters and digits, starting with a letter")...)
	if s.NameSuffix != "" && len(s.Kubernetes.ClusterName)+len(s.Environment)+len(s.NameSuffix) > 98 {
		errs = append(errs, field.Invalid(path.Child("kubernetes", "clusterName"), s.Kubernetes.ClusterName,
			"is too long with spec.nameSuffix: the EKS cluster name <clusterName>-<environment>-<nameSuffix> must fit 100 characters"))
	}
	if s.ProviderConfigRef != nil {
		p := path.Child("providerConfigRef", "name")
		if s.ProviderConfigRef.Name == "" {
			errs = append(errs, field.Required(p, "the name of a provider-aws ProviderConfig"))
		}
		errs = append(errs, optionalMatch(p, s.ProviderConfigRef.Name, objectNameRE, 253, "a Kubernetes object name: lowercase letters, digits, '-' and '.'")...)
	}
	errs = append(errs, s.Network.validate(path.Child("network"), s.Region, s.Environment)...)
	errs = append(errs, matches(path.Child("contacts", "securityEmail"), s.Contacts.SecurityEmail, emailRE, "an e-mail address")...)
	errs = append(errs, matches(path.Child("contacts", "complianceEmail"), s.Contacts.ComplianceEmail, emailRE, "an e-mail address")...)
	errs = append(errs, optionalMatch(path.Child("contacts", "operationsEmail"), s.Contacts.OperationsEmail, emailRE, 254, "an e-mail address")...)
	switch s.Monitoring.AccountServices {
	case "", "Managed", "External":
	default:
		errs = append(errs, field.NotSupported(path.Child("monitoring", "accountServices"), s.Monitoring.AccountServices, []string{"Managed", "External"}))
	}
	if b := s.Monitoring.MonthlyBudgetUSD; b < 0 || b > 10000000 {
		errs = append(errs, field.Invalid(path.Child("monitoring", "monthlyBudgetUsd"), b, "must be between 1 and 10000000 US dollars"))
	}
	errs = append(errs, optionalMatch(path.Child("database", "masterUsername"), s.Database.MasterUsername, usernameRE, 63, "a letter followed by letters, digits or underscores")...)
	errs = append(errs, optionalMatch(path.Child("database", "instanceClass"), s.Database.InstanceClass, dbClassRE, 32, "an RDS instance class such as db.r6g.large")...)
	errs = append(errs, optionalMatch(path.Child("database", "engineVersion"), s.Database.EngineVersion, engineVersionRE, 8, `an Aurora PostgreSQL version such as "16.6"`)...)
	if d := s.Database.BackupRetentionDays; d != 0 && (d < 1 || d > 35) {
		errs = append(errs, field.Invalid(path.Child("database", "backupRetentionDays"), d, "must be between 1 and 35 days"))
	}
	if s.DataProtection.AllowDeletion && s.Environment == EnvironmentProd {
		errs = append(errs, field.Forbidden(path.Child("dataProtection", "allowDeletion"), "cannot be set in prod"))
	}
	errs = append(errs, optionalMatch(path.Child("kubernetes", "clusterName"), s.Kubernetes.ClusterName, clusterNameRE, 90, "a letter followed by letters, digits or hyphens")...)
	errs = append(errs, optionalMatch(path.Child("kubernetes", "version"), s.Kubernetes.Version, kubeVersionRE, 5, `a Kubernetes minor version such as "1.34"`)...)
	errs = append(errs, optionalMatch(path.Child("kubernetes", "nodeInstanceType"), s.Kubernetes.NodeInstanceType, instanceTypeRE, 32, "an EC2 instance type such as t3.medium")...)
	for i, c := range s.Kubernetes.PublicAccessCIDRs {
		if p, err := netip.ParsePrefix(c); err != nil || !p.Addr().Is4() || p.Masked() != p {
			errs = append(errs, field.Invalid(path.Child("kubernetes", "publicAccessCidrs").Index(i), c, "must be an IPv4 network in CIDR notation such as 203.0.113.0/24"))
		}
	}
	if len(s.Kubernetes.PublicAccessCIDRs) > 0 && s.Environment != EnvironmentDev {
		errs = append(errs, field.Forbidden(path.Child("kubernetes", "publicAccessCidrs"), "allowed in dev only: staging and prod endpoints are private"))
	}
	switch s.Kubernetes.WorkloadCapacityType {
	case "", "ON_DEMAND", "SPOT":
	default:
		errs = append(errs, field.NotSupported(path.Child("kubernetes", "workloadCapacityType"), s.Kubernetes.WorkloadCapacityType, []string{"ON_DEMAND", "SPOT"}))
	}
	errs = append(errs, optionalMatch(path.Child("kubernetes", "adminRoleArn"), s.Kubernetes.AdminRoleARN, roleARNRE, 2048, "an IAM role ARN")...)
	errs = append(errs, optionalMatch(path.Child("kubernetes", "ingress", "certificateArn"), s.Kubernetes.Ingress.CertificateARN, certificateARNRE, 2048, "an ACM certificate ARN")...)
	if v := s.Kubernetes.Version; v != "" && kubeVersionRE.MatchString(v) && !slices.Contains(SupportedKubernetesVersions, v) {
		errs = append(errs, field.NotSupported(path.Child("kubernetes", "version"), v, SupportedKubernetesVersions))
	}
	errs = append(errs, cidrList(path.Child("kubernetes", "ingress", "allowedCidrs"), s.Kubernetes.Ingress.AllowedCIDRs)...)
	errs = append(errs, cidrList(path.Child("network", "egressCidrs"), s.Network.EgressCIDRs)...)
	errs = append(errs, s.Compliance.validate(path.Child("compliance"))...)
	if r := s.Logging.RetentionDays; r != 0 && !contains(LogRetentionDays, r) {
		errs = append(errs, field.NotSupported(path.Child("logging", "retentionDays"), r, retentionStrings()))
	}
	errs = append(errs, validateTags(path.Child("tags"), s.Tags, s.Environment)...)
	return errs
}

func (n *NetworkSpec) validate(path *field.Path, region string, env Environment) field.ErrorList {
	var errs field.ErrorList
	cidr := path.Child("vpcCidr")
	switch p, err := netip.ParsePrefix(n.VPCCIDR); {
	case n.VPCCIDR == "":
		errs = append(errs, field.Required(cidr, "an IPv4 CIDR such as 10.0.0.0/16"))
	case err != nil || !p.Addr().Is4():
		errs = append(errs, field.Invalid(cidr, n.VPCCIDR, "must be an IPv4 CIDR such as 10.0.0.0/16"))
	case p.Bits() < MinVPCPrefix || p.Bits() > MaxVPCPrefix:
		errs = append(errs, field.Invalid(cidr, n.VPCCIDR, fmt.Sprintf("prefix length must be between /%d and /%d", MinVPCPrefix, MaxVPCPrefix)))
	case p.Masked() != p:
		errs = append(errs, field.Invalid(cidr, n.VPCCIDR, fmt.Sprintf("must be a network address: did you mean %s?", p.Masked())))
	}

	zones := path.Child("availabilityZones")
	switch {
	case len(n.AvailabilityZones) == 0:
		errs = append(errs, field.Required(zones, "at least one availability zone of spec.region"))
	case len(n.AvailabilityZones) > MaxZones:
		errs = append(errs, field.TooMany(zones, len(n.AvailabilityZones), MaxZones))
	case env != EnvironmentDev && len(n.AvailabilityZones) < 2:
		errs = append(errs, field.Invalid(zones, n.AvailabilityZones, fmt.Sprintf("%s needs at least 2 availability zones", env)))
	}
	seen := map[string]bool{}
	for i, z := range n.AvailabilityZones {
		p := zones.Index(i)
		switch {
		case !zoneRE.MatchString(z):
			errs = append(errs, field.Invalid(p, z, "must be an availability zone name such as us-west-2a (zone letters a to f)"))
		case slices.Contains(SupportedRegions(), region) && (!strings.HasPrefix(z, region) || len(z) != len(region)+1):
			errs = append(errs, field.Invalid(p, z, "must be a zone of spec.region "+region))
		case seen[z]:
			errs = append(errs, field.Duplicate(p, z))
		}
		seen[z] = true
	}

	switch n.NATGateways {
	case "", NATGatewaySingle, NATGatewayPerZone:
	default:
		errs = append(errs, field.NotSupported(path.Child("natGateways"), n.NATGateways, []NATGatewayMode{NATGatewaySingle, NATGatewayPerZone}))
	}
	return errs
}

func (c *ComplianceSpec) validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	known := []ComplianceStandard{"pci-dss", "gdpr", "sox", "hipaa"}
	seen := map[ComplianceStandard]bool{}
	for i, s := range c.Standards {
		switch {
		case !contains(known, s):
			errs = append(errs, field.NotSupported(path.Child("standards").Index(i), s, known))
		case seen[s]:
			errs = append(errs, field.Duplicate(path.Child("standards").Index(i), s))
		}
		seen[s] = true
	}
	controls := map[ControlID]bool{}
	for i, e := range c.Exceptions {
		p := path.Child("exceptions").Index(i)
		if controls[e.Control] {
			errs = append(errs, field.Duplicate(p.Child("control"), e.Control))
		}
		controls[e.Control] = true
		if n := len(e.Reason); n < 10 || n > 500 {
			errs = append(errs, field.Invalid(p.Child("reason"), e.Reason, "must say why in 10 to 500 characters"))
		}
		if _, err := e.ExpiresOn(); err != nil {
			errs = append(errs, field.Invalid(p.Child("expires"), e.Expires, "must be a date, YYYY-MM-DD"))
		}
	}
	return errs
}

// ExpiresOn is the exception's last day, at midnight UTC.
func (e ComplianceException) ExpiresOn() (time.Time, error) {
	return time.Parse(time.DateOnly, e.Expires)
}

func validateTags(path *field.Path, tags map[string]string, env Environment) field.ErrorList {
	var errs field.ErrorList
	if len(tags) > MaxUserTags {
		errs = append(errs, field.TooMany(path, len(tags), MaxUserTags))
	}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		v, p := tags[k], path.Key(k)
		switch {
		case k == "" || len(k) > 128:
			errs = append(errs, field.Invalid(p, k, "tag keys must be 1 to 128 characters"))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			errs = append(errs, field.Invalid(p, k, `tag keys starting with "aws:" are reserved by AWS`))
		case len(v) > 256:
			errs = append(errs, field.TooLong(p, v, 256))
		case k == "Environment" && v != string(env):
			errs = append(errs, field.Invalid(p, v, "must equal spec.environment ("+string(env)+") or be left out: the platform sets it"))
		}
	}
	return errs
}

func matches(path *field.Path, v string, re *regexp.Regexp, what string) field.ErrorList {
	if v == "" {
		return field.ErrorList{field.Required(path, "must be "+what)}
	}
	if !re.MatchString(v) {
		return field.ErrorList{field.Invalid(path, v, "must be "+what)}
	}
	return nil
}

func optionalMatch(path *field.Path, v string, re *regexp.Regexp, maxLen int, what string) field.ErrorList {
	switch {
	case v == "":
		return nil
	case len(v) > maxLen:
		return field.ErrorList{field.TooLong(path, v, maxLen)}
	case !re.MatchString(v):
		return field.ErrorList{field.Invalid(path, v, "must be "+what)}
	}
	return nil
}

func contains[T comparable](list []T, v T) bool { return slices.Contains(list, v) }

func retentionStrings() []string {
	out := make([]string, len(LogRetentionDays))
	for i, d := range LogRetentionDays {
		out[i] = fmt.Sprint(d)
	}
	return out
}

// validRegion refuses a name that is no AWS region and a region of a
// partition the platform does not render for, saying which.
func validRegion(path *field.Path, region string) field.ErrorList {
	if region == "" {
		return field.ErrorList{field.Required(path, "an AWS region such as us-west-2")}
	}
	p, ok := PartitionOf(region)
	switch {
	case !ok:
		return field.ErrorList{field.NotSupported(path, region, SupportedRegions())}
	case p.Unsupported != "":
		return field.ErrorList{field.Invalid(path, region, p.Unsupported)}
	}
	return nil
}

// validateDRRegion: copies stay in the platform's partition (AWS cannot
// replicate or copy backups across partitions), and, under GDPR, in the EU.
func (s *PlatformSpec) validateDRRegion(path *field.Path) field.ErrorList {
	rp, rok := PartitionOf(s.Region)
	dp, dok := PartitionOf(s.DRRegion)
	if !rok || !dok {
		return nil
	}
	if rp.ID != dp.ID {
		return field.ErrorList{field.Invalid(path, s.DRRegion, "must be in the partition of spec.region ("+rp.ID+"): AWS does not copy across partitions")}
	}
	standards := s.Compliance.Standards
	gdpr := len(standards) == 0 || slices.Contains(standards, ComplianceStandard("gdpr"))
	if gdpr && InEU(s.Region) && !InEU(s.DRRegion) {
		return field.ErrorList{field.Invalid(path, s.DRRegion, "must be an EU region: spec.region is in the EU and gdpr is among spec.compliance.standards (the default), so the DR copies of personal data stay in the EU")}
	}
	return nil
}

// cidrList checks every entry is an IPv4 network in CIDR notation.
func cidrList(path *field.Path, cidrs []string) field.ErrorList {
	var errs field.ErrorList
	for i, c := range cidrs {
		if p, err := netip.ParsePrefix(c); err != nil || !p.Addr().Is4() || p.Masked() != p {
			errs = append(errs, field.Invalid(path.Index(i), c, "must be an IPv4 network in CIDR notation such as 203.0.113.0/24"))
		}
	}
	return errs
}
