package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Environment selects the profile every unset knob defaults from.
// +kubebuilder:validation:Enum=dev;staging;prod
type Environment string

// Environments, from cheapest to most protected.
const (
	EnvironmentDev     Environment = "dev"
	EnvironmentStaging Environment = "staging"
	EnvironmentProd    Environment = "prod"
)

// XPayNextPlatform is one payments team's regulated AWS estate: network,
// security, monitoring, Kubernetes, database and storage tiers rendered from
// one spec. Teams create it through the namespaced PayNextPlatform claim.
//
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster
// +kubebuilder:subresource:status
type XPayNextPlatform struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PlatformSpec   `json:"spec"`
	Status PlatformStatus `json:"status,omitempty"`
}

// PlatformSpec is what a team asks for. Fields marked optional default from
// the environment profile (see README "Spec fields").
//
// +kubebuilder:validation:XValidation:rule="self.environment == 'dev' || has(self.accountId)",message="spec.accountId is required in staging and prod: key and trust policies name the account, and a platform that had to learn it from AWS would render less whenever AWS could not say",fieldPath=".accountId",reason="FieldValueRequired"
// +kubebuilder:validation:XValidation:rule="self.drRegion != self.region",message="spec.drRegion must differ from spec.region",fieldPath=".drRegion",reason="FieldValueInvalid"
// +kubebuilder:validation:XValidation:rule="self.region.startsWith('us-gov-') == self.drRegion.startsWith('us-gov-')",message="spec.drRegion must be in the partition of spec.region: GovCloud regions copy only to GovCloud, commercial regions only to commercial ones",fieldPath=".drRegion",reason="FieldValueInvalid"
// +kubebuilder:validation:XValidation:rule="!self.region.startsWith('eu-') || self.drRegion.startsWith('eu-') || (has(self.compliance) && has(self.compliance.standards) && size(self.compliance.standards) > 0 && !self.compliance.standards.exists(s, s == 'gdpr'))",message="spec.drRegion must be an EU region when spec.region is one and gdpr is among spec.compliance.standards (the default): GDPR keeps the DR copies of personal data in the EU",fieldPath=".drRegion",reason="FieldValueInvalid"
// +kubebuilder:validation:XValidation:rule="self.network.availabilityZones.all(z, z.startsWith(self.region) && size(z) == size(self.region) + 1)",message="spec.network.availabilityZones must all be zones of spec.region (the region name followed by one letter)",fieldPath=".network.availabilityZones",reason="FieldValueInvalid"
// +kubebuilder:validation:XValidation:rule="self.environment == 'dev' || size(self.network.availabilityZones) >= 2",message="spec.network.availabilityZones needs at least 2 zones in staging and prod",fieldPath=".network.availabilityZones",reason="FieldValueInvalid"
// +kubebuilder:validation:XValidation:rule="self.environment == 'dev' || !has(self.kubernetes) || !has(self.kubernetes.publicAccessCidrs) || size(self.kubernetes.publicAccessCidrs) == 0",message="spec.kubernetes.publicAccessCidrs is allowed in dev only: staging and prod endpoints are private",fieldPath=".kubernetes.publicAccessCidrs",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="(has(self.providerConfigRef) ? self.providerConfigRef.name : 'default') == (has(oldSelf.providerConfigRef) ? oldSelf.providerConfigRef.name : 'default')",message="spec.providerConfigRef cannot be changed: it selects the AWS account every composed resource lives in, and the provider would build the whole platform again in the other account, leaving this one unmanaged",fieldPath=".providerConfigRef",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="has(self.nameSuffix) == has(oldSelf.nameSuffix) && (!has(self.nameSuffix) || self.nameSuffix == oldSelf.nameSuffix)",message="spec.nameSuffix cannot be added, changed or removed: every AWS name of the platform carries it, so each stateful resource would be replaced",fieldPath=".nameSuffix",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="!has(self.nameSuffix) || !has(self.kubernetes) || !has(self.kubernetes.clusterName) || size(self.kubernetes.clusterName) + size(self.environment) + size(self.nameSuffix) <= 98",message="spec.kubernetes.clusterName is too long with spec.nameSuffix: the EKS cluster name <clusterName>-<environment>-<nameSuffix> must fit 100 characters",fieldPath=".kubernetes.clusterName",reason="FieldValueInvalid"
// +kubebuilder:validation:XValidation:rule="self.environment != 'prod' || !has(self.dataProtection) || !has(self.dataProtection.allowDeletion) || !self.dataProtection.allowDeletion",message="spec.dataProtection.allowDeletion cannot be set in prod",fieldPath=".dataProtection.allowDeletion",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="self.environment == oldSelf.environment",message="spec.environment cannot be changed: it is in the AWS name of every resource (the Aurora cluster, the buckets, the EKS cluster), so AWS would get a second platform and this one would be left running unmanaged; create a claim for the other environment beside this one and migrate",fieldPath=".environment",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="self.region == oldSelf.region",message="spec.region cannot be changed: every resource lives in it and AWS cannot move one; create a claim in the other region (the DR procedure in README restores data there)",fieldPath=".region",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="self.drRegion == oldSelf.drRegion",message="spec.drRegion cannot be changed: the replica buckets and backup copies live there, and a new DR region would start empty while the old copies are left unmanaged; create a claim with the new DR region and migrate",fieldPath=".drRegion",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="!has(oldSelf.accountId) || (has(self.accountId) && self.accountId == oldSelf.accountId)",message="spec.accountId cannot be changed or removed once set: key and trust policies name it, and the platform cannot move to another account; create a claim in the other account",fieldPath=".accountId",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="self.network.vpcCidr == oldSelf.network.vpcCidr",message="spec.network.vpcCidr cannot be changed: AWS replaces a VPC and every subnet for a new range, with everything in them; create a claim with the new range and migrate",fieldPath=".network.vpcCidr",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="(has(self.kubernetes) && has(self.kubernetes.clusterName) ? self.kubernetes.clusterName : 'paynext-cluster') == (has(oldSelf.kubernetes) && has(oldSelf.kubernetes.clusterName) ? oldSelf.kubernetes.clusterName : 'paynext-cluster')",message="spec.kubernetes.clusterName cannot be changed: an EKS cluster cannot be renamed, so AWS would get a second cluster and this one would be left running unmanaged; keep the name (the default is paynext-cluster)",fieldPath=".kubernetes.clusterName",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="(has(self.database) && has(self.database.masterUsername) ? self.database.masterUsername : 'paynext_admin') == (has(oldSelf.database) && has(oldSelf.database.masterUsername) ? oldSelf.database.masterUsername : 'paynext_admin')",message="spec.database.masterUsername cannot be changed: AWS sets it only when it creates the Aurora cluster (the provider would refuse the update for ever); create further database users inside PostgreSQL instead",fieldPath=".database.masterUsername",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="int((has(self.kubernetes) && has(self.kubernetes.version) ? self.kubernetes.version : '1.34').split('.')[1]) >= int((has(oldSelf.kubernetes) && has(oldSelf.kubernetes.version) ? oldSelf.kubernetes.version : '1.34').split('.')[1])",message="spec.kubernetes.version cannot go down: EKS cannot downgrade a cluster (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html); keep the version (the default is 1.34)",fieldPath=".kubernetes.version",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="int((has(self.kubernetes) && has(self.kubernetes.version) ? self.kubernetes.version : '1.34').split('.')[1]) <= int((has(oldSelf.kubernetes) && has(oldSelf.kubernetes.version) ? oldSelf.kubernetes.version : '1.34').split('.')[1]) + 1",message="spec.kubernetes.version can go up one minor version at a time: EKS upgrades a cluster to the next minor version only (https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html); upgrade in steps, letting each one become Ready",fieldPath=".kubernetes.version",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="(has(self.database) && has(self.database.engineVersion) ? self.database.engineVersion : '16.6').split('.')[0] == (has(oldSelf.database) && has(oldSelf.database.engineVersion) ? oldSelf.database.engineVersion : '16.6').split('.')[0]",message="spec.database.engineVersion cannot change its major version: the platform keeps allowMajorVersionUpgrade off, and a downgrade is impossible (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html); upgrade a major version with an RDS blue/green deployment, then set the new version (the default is 16.6)",fieldPath=".database.engineVersion",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="(has(self.database) && has(self.database.engineVersion) ? self.database.engineVersion : '16.6').split('.')[0] != (has(oldSelf.database) && has(oldSelf.database.engineVersion) ? oldSelf.database.engineVersion : '16.6').split('.')[0] || int((has(self.database) && has(self.database.engineVersion) ? self.database.engineVersion : '16.6').split('.')[1]) >= int((has(oldSelf.database) && has(oldSelf.database.engineVersion) ? oldSelf.database.engineVersion : '16.6').split('.')[1])",message="spec.database.engineVersion cannot go down: Aurora cannot downgrade a cluster (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBCluster.html); keep the version (the default is 16.6)",fieldPath=".database.engineVersion",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="oldSelf.network.availabilityZones.all(z, z in self.network.availabilityZones || (has(self.network.acknowledgeZoneRemoval) && z in self.network.acknowledgeZoneRemoval))",message="spec.network.availabilityZones: removing a zone deletes its subnets, NAT gateway and Aurora instance; list the zone in spec.network.acknowledgeZoneRemoval to confirm",fieldPath=".network.availabilityZones",reason="FieldValueForbidden"
// +kubebuilder:validation:XValidation:rule="oldSelf.network.availabilityZones.all(z, z in self.network.availabilityZones) || self.environment == 'dev' || (self.environment == 'staging' && has(self.dataProtection) && has(self.dataProtection.allowDeletion) && self.dataProtection.allowDeletion)",message="spec.network.availabilityZones: a zone cannot be removed where data is protected (prod, and staging without dataProtection.allowDeletion): its Aurora instance would be left running in AWS, unmanaged; keep the zone",fieldPath=".network.availabilityZones",reason="FieldValueForbidden"
type PlatformSpec struct {
	// Environment drives every default: dev is cheap and short-lived, staging
	// is production-like and private, prod is multi-AZ and deletion-protected.
	Environment Environment `json:"environment"`

	// Region is the AWS region of the platform, e.g. us-west-2: a region of
	// the aws or aws-us-gov partition (see SupportedRegions).
	// +kubebuilder:validation:Enum=af-south-1;ap-east-1;ap-east-2;ap-northeast-1;ap-northeast-2;ap-northeast-3;ap-south-1;ap-south-2;ap-southeast-1;ap-southeast-2;ap-southeast-3;ap-southeast-4;ap-southeast-5;ap-southeast-6;ap-southeast-7;ca-central-1;ca-west-1;eu-central-1;eu-central-2;eu-north-1;eu-south-1;eu-south-2;eu-west-1;eu-west-2;eu-west-3;il-central-1;me-central-1;me-south-1;mx-central-1;sa-east-1;us-east-1;us-east-2;us-west-1;us-west-2;us-gov-east-1;us-gov-west-1
	Region string `json:"region"`

	// DRRegion is the disaster-recovery region replicas and backup copies go
	// to. It must differ from region and be in its partition; with gdpr
	// among the standards, an EU platform's DR region is in the EU too.
	// +kubebuilder:validation:Enum=af-south-1;ap-east-1;ap-east-2;ap-northeast-1;ap-northeast-2;ap-northeast-3;ap-south-1;ap-south-2;ap-southeast-1;ap-southeast-2;ap-southeast-3;ap-southeast-4;ap-southeast-5;ap-southeast-6;ap-southeast-7;ca-central-1;ca-west-1;eu-central-1;eu-central-2;eu-north-1;eu-south-1;eu-south-2;eu-west-1;eu-west-2;eu-west-3;il-central-1;me-central-1;me-south-1;mx-central-1;sa-east-1;us-east-1;us-east-2;us-west-1;us-west-2;us-gov-east-1;us-gov-west-1
	DRRegion string `json:"drRegion"`

	// AccountID is the AWS account the provider credentials act in. Key and
	// trust policies name it. Required in staging and prod, where data lives;
	// optional in dev, where it is learned from the VPC's ARN once AWS
	// reports it, and the resources that need it render in the following
	// reconcile.
	// +optional
	// +kubebuilder:validation:Pattern=`^[0-9]{12}$`
	AccountID string `json:"accountId,omitempty"`

	// NameSuffix distinguishes a second platform of the same environment in
	// the account, such as the recovery platform of the DR procedure
	// (README): every AWS name the platform gives carries it
	// (paynext-<environment>-<nameSuffix>-…), so nothing collides with what
	// another claim owns in the region or account-wide (IAM roles, bucket
	// names). Up to 5 lowercase letters and digits. It cannot be added,
	// changed or removed later.
	// +optional
	// +kubebuilder:validation:Pattern=`^[a-z][a-z0-9]{0,4}$`
	NameSuffix string `json:"nameSuffix,omitempty"`

	// ProviderConfigRef names the provider-aws ProviderConfig every composed
	// resource is reconciled with: its credentials, and so the AWS account
	// the platform lives in. One management cluster serves many accounts
	// with one ProviderConfig per account. Defaults to "default". It cannot
	// be changed later.
	// +optional
	ProviderConfigRef *ProviderConfigReference `json:"providerConfigRef,omitempty"`

	Network  NetworkSpec  `json:"network"`
	Contacts ContactsSpec `json:"contacts"`

	// +optional
	Database DatabaseSpec `json:"database,omitempty"`
	// +optional
	Kubernetes KubernetesSpec `json:"kubernetes,omitempty"`
	// +optional
	Compliance ComplianceSpec `json:"compliance,omitempty"`
	// +optional
	Logging LoggingSpec `json:"logging,omitempty"`
	// +optional
	DataProtection DataProtectionSpec `json:"dataProtection,omitempty"`
	// +optional
	Monitoring MonitoringSpec `json:"monitoring,omitempty"`

	// Tags are added to every AWS resource that takes tags, beside the
	// platform's own (Environment, ManagedBy, paynext:tier, Name). Keys must
	// not start with "aws:"; an Environment tag must equal spec.environment.
	// +optional
	// +kubebuilder:validation:MaxProperties=40
	Tags map[string]string `json:"tags,omitempty"`
}

// NATGatewayMode says how private subnets reach the internet.
// +kubebuilder:validation:Enum=Single;PerZone
type NATGatewayMode string

// NAT gateway modes.
const (
	// NATGatewaySingle shares one NAT gateway, in the alphabetically first
	// zone, between all private subnets (dev default: cheap, not zone-resilient).
	NATGatewaySingle NATGatewayMode = "Single"
	// NATGatewayPerZone gives every zone its own NAT gateway (staging and prod).
	NATGatewayPerZone NATGatewayMode = "PerZone"
)

// NetworkSpec shapes the VPC.
type NetworkSpec struct {
	// VPCCIDR is the VPC's IPv4 range, a network address with a prefix of
	// /16 to /20. Each zone gets a private /(p+3), a public /(p+6) and a
	// database /(p+6) derived from the zone's letter.
	// +kubebuilder:validation:Pattern=`^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/(1[6-9]|20)$`
	VPCCIDR string `json:"vpcCidr"`

	// AvailabilityZones of spec.region to spread subnets over (zone letters
	// a to f). Order does not matter: resources are keyed by zone name.
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=6
	// +kubebuilder:validation:items:MaxLength=33
	// +kubebuilder:validation:items:Pattern=`^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-f]$`
	AvailabilityZones []string `json:"availabilityZones"`

	// AcknowledgeZoneRemoval lists zones removed from availabilityZones on
	// purpose: removing a zone deletes its subnets, NAT gateway and Aurora
	// instance, so an edit that drops a zone not listed here is refused. A
	// zone can be removed only where data is not protected (dev, and staging
	// with dataProtection.allowDeletion).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=6
	// +kubebuilder:validation:items:MaxLength=33
	// +kubebuilder:validation:items:Pattern=`^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-f]$`
	AcknowledgeZoneRemoval []string `json:"acknowledgeZoneRemoval,omitempty"`

	// NATGateways is Single (dev default) or PerZone (staging and prod default).
	// +optional
	NATGateways NATGatewayMode `json:"natGateways,omitempty"`

	// EgressCIDRs, when set, are the only networks outside the VPC the
	// worker nodes and pods may reach, on HTTPS only: for example an egress
	// proxy's or an inspection firewall's (AWS Network Firewall) with an
	// FQDN allow-list. The VPC's own range (its interface endpoints) and S3
	// (its gateway endpoint, which serves container image layers) stay
	// reachable. Default: HTTPS to anywhere (PCI DSS 1.3.2 asks for the
	// narrowest egress the workloads allow).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MaxLength=18
	// +kubebuilder:validation:items:Pattern=`^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$`
	EgressCIDRs []string `json:"egressCidrs,omitempty"`
}

// ContactsSpec names who is alerted.
type ContactsSpec struct {
	// SecurityEmail receives security findings and alarms.
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+\.[^@\s]+$`
	SecurityEmail string `json:"securityEmail"`

	// ComplianceEmail receives compliance and budget notifications.
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+\.[^@\s]+$`
	ComplianceEmail string `json:"complianceEmail"`

	// OperationsEmail receives operational alarms and budget alerts. Default
	// securityEmail.
	// +optional
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:Pattern=`^[^@\s]+@[^@\s]+\.[^@\s]+$`
	OperationsEmail string `json:"operationsEmail,omitempty"`
}

// DatabaseSpec shapes the Aurora PostgreSQL cluster (database tier).
type DatabaseSpec struct {
	// MasterUsername of the cluster; its password is generated and kept by
	// RDS in Secrets Manager, never in the claim. Default paynext_admin.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-zA-Z][a-zA-Z0-9_]*$`
	MasterUsername string `json:"masterUsername,omitempty"`

	// InstanceClass of every cluster instance. Default db.t4g.medium in dev,
	// db.r6g.large in staging and prod.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^db\.[a-z0-9-]+\.[a-z0-9]+$`
	InstanceClass string `json:"instanceClass,omitempty"`

	// EngineVersion of Aurora PostgreSQL, "major.minor". Default 16.6. Minor
	// versions also upgrade automatically in the maintenance window.
	// +optional
	// +kubebuilder:validation:MaxLength=6
	// +kubebuilder:validation:Pattern=`^1[3-9]\.[0-9]{1,3}$`
	EngineVersion string `json:"engineVersion,omitempty"`

	// BackupRetentionDays of automated backups (point-in-time recovery).
	// Default 7 in dev, 14 in staging, 35 in prod; 7-year retention comes
	// from AWS Backup.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=35
	BackupRetentionDays int32 `json:"backupRetentionDays,omitempty"`
}

// MonitoringSpec shapes alerting and cost control.
type MonitoringSpec struct {
	// MonthlyBudgetUSD is the monthly cost budget; alerts go out at 80% and
	// 100%. Default 1000 in dev, 5000 in staging, 20000 in prod.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=10000000
	MonthlyBudgetUSD int64 `json:"monthlyBudgetUsd,omitempty"`

	// AccountServices says whether this platform turns on the services AWS
	// allows once per account and region: GuardDuty, Security Hub and the
	// AWS Config recorder. Managed (default) for one platform per account
	// and region; External when another platform or the organization's
	// security account already runs them (their findings still reach this
	// platform's topics through EventBridge).
	// +optional
	// +kubebuilder:validation:Enum=Managed;External
	AccountServices string `json:"accountServices,omitempty"`
}

// DataProtectionSpec is the explicit opt-out from the protection of data
// stores outside prod.
type DataProtectionSpec struct {
	// AllowDeletion turns off deletion protection of the data stores in
	// staging, so a staging platform can be deleted with its data. Never
	// allowed in prod.
	// +optional
	AllowDeletion bool `json:"allowDeletion,omitempty"`
}

// KubernetesSpec shapes the EKS cluster (Kubernetes tier).
type KubernetesSpec struct {
	// ClusterName of the EKS cluster; the environment is appended
	// (paynext-cluster-prod). Default paynext-cluster.
	// +optional
	// +kubebuilder:validation:MaxLength=90
	// +kubebuilder:validation:Pattern=`^[a-zA-Z][a-zA-Z0-9-]*$`
	ClusterName string `json:"clusterName,omitempty"`

	// Version of Kubernetes, "major.minor". Default 1.34.
	// +optional
	// +kubebuilder:validation:MaxLength=4
	// +kubebuilder:validation:Pattern=`^1\.[0-9]{2}$`
	// +kubebuilder:validation:Enum="1.31";"1.32";"1.33";"1.34"
	Version string `json:"version,omitempty"`

	// NodeInstanceType of the managed node groups. Default t3.medium in dev,
	// m6i.large in staging and prod.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^[a-z][a-z0-9-]*\.[a-z0-9]+$`
	NodeInstanceType string `json:"nodeInstanceType,omitempty"`

	// WorkloadCapacityType of the workload node group: SPOT (dev and staging
	// default: the seed runs non-critical workloads on spot) or ON_DEMAND
	// (prod default). The system node group is always ON_DEMAND.
	// +optional
	// +kubebuilder:validation:Enum=ON_DEMAND;SPOT
	WorkloadCapacityType string `json:"workloadCapacityType,omitempty"`

	// PublicAccessCIDRs opens the cluster's API endpoint to these networks.
	// Dev only: staging and prod endpoints are private.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MaxLength=18
	// +kubebuilder:validation:items:Pattern=`^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$`
	PublicAccessCIDRs []string `json:"publicAccessCidrs,omitempty"`

	// AdminRoleARN gets cluster-admin through an EKS access entry. Default
	// the platform's break-glass role. No one else is admin implicitly.
	// +optional
	// +kubebuilder:validation:Pattern=`^arn:aws(-us-gov)?:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$`
	AdminRoleARN string `json:"adminRoleArn,omitempty"`

	// +optional
	Ingress IngressSpec `json:"ingress,omitempty"`
}

// IngressSpec shapes how traffic reaches the cluster's load balancer.
type IngressSpec struct {
	// AllowedCIDRs may reach the load balancer on 443 (and 80, which only
	// redirects to HTTPS). Default [0.0.0.0/0]: the ALB is the one place open
	// to the internet.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MaxLength=18
	// +kubebuilder:validation:items:Pattern=`^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$`
	AllowedCIDRs []string `json:"allowedCidrs,omitempty"`

	// CertificateARN of the ACM certificate the HTTPS listener presents.
	// Without it the load balancer has no listeners, and the status says so.
	// +optional
	// +kubebuilder:validation:Pattern=`^arn:aws(-us-gov)?:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$`
	CertificateARN string `json:"certificateArn,omitempty"`
}

// ComplianceStandard is a framework the platform is assessed against.
// +kubebuilder:validation:Enum=pci-dss;gdpr;sox;hipaa
type ComplianceStandard string

// DefaultComplianceStandards hold a platform whose spec names none.
var DefaultComplianceStandards = []ComplianceStandard{"pci-dss", "gdpr", "sox"}

// ComplianceSpec lists the standards that switch on extra controls, and the
// exceptions the platform's owners accept.
type ComplianceSpec struct {
	// Standards the platform is held to. Default [pci-dss, gdpr, sox].
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=4
	Standards []ComplianceStandard `json:"standards,omitempty"`

	// Exceptions accept a failing control until they expire: the control is
	// reported "waived" with the reason, and "fail" again from the day after
	// expires. At most one per control.
	// +optional
	// +listType=map
	// +listMapKey=control
	// +kubebuilder:validation:MaxItems=50
	Exceptions []ComplianceException `json:"exceptions,omitempty"`
}

// ComplianceException accepts one failing control for a while.
type ComplianceException struct {
	// Control is the id of the control (status.compliance and make audit
	// name them).
	Control ControlID `json:"control"`

	// Reason the control is accepted as failing: the compensating control,
	// the ticket, who signed it off.
	// +kubebuilder:validation:MinLength=10
	// +kubebuilder:validation:MaxLength=500
	Reason string `json:"reason"`

	// Expires is the last day (UTC) the exception holds, as YYYY-MM-DD.
	// +kubebuilder:validation:Format=date
	// +kubebuilder:validation:Pattern=`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
	Expires string `json:"expires"`
}

// ControlID names a control of the compliance engine
// (internal/compliance; a test keeps this list equal to its catalogue).
// +kubebuilder:validation:Enum=s3-block-public-access;s3-tls-only;s3-kms-default-encryption;s3-versioning;s3-access-logs;s3-replication;s3-audit-object-lock;s3-acls-disabled;rds-encrypted-cmk;rds-not-public;rds-deletion-protection;rds-backup-retention;rds-iam-auth;rds-logs-exported;rds-tls-in-transit;rds-multi-az;rds-minor-version-upgrades;kms-rotation;kms-no-public-principal;kms-use-through-services;secrets-cmk-rotation;efs-encrypted-cmk;sns-encrypted;cloudtrail-multi-region;cloudtrail-log-file-validation;cloudtrail-kms;cloudtrail-cloudwatch-logs;log-groups-kms-retention;vpc-flow-logs;guardduty-enabled;config-records-everything;default-security-group-closed;no-internet-admin-ports;internet-ingress-web-only;no-auto-public-ip;waf-on-alb;alb-tls;eks-secrets-encryption;eks-private-endpoint;eks-control-plane-logs;eks-supported-version;iam-no-admin-statements
type ControlID string

// LoggingSpec overrides the log retention of the environment profile.
type LoggingSpec struct {
	// RetentionDays of every CloudWatch log group the platform owns. Default
	// 30 in dev, 365 in staging, 2557 (7 years) in prod. CloudWatch accepts
	// only its own set of values.
	// +optional
	// +kubebuilder:validation:Enum=1;3;5;7;14;30;60;90;120;150;180;365;400;545;731;1096;1827;2192;2557;2922;3288;3653
	RetentionDays int32 `json:"retentionDays,omitempty"`
}

// ProviderConfigReference names a cluster-scoped provider-aws ProviderConfig.
type ProviderConfigReference struct {
	// Name of the ProviderConfig (a Kubernetes object name).
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	Name string `json:"name"`
}

// DefaultProviderConfig is the ProviderConfig a platform uses when its spec
// names none, as provider-aws's own default.
const DefaultProviderConfig = "default"

// ProviderConfigName is the ProviderConfig the platform's resources use.
func (s *PlatformSpec) ProviderConfigName() string {
	if s.ProviderConfigRef == nil || s.ProviderConfigRef.Name == "" {
		return DefaultProviderConfig
	}
	return s.ProviderConfigRef.Name
}

// Deployment names the platform among the account's AWS names: its
// environment, and its name suffix when it has one (prod-dr). Every AWS name
// the platform gives starts paynext-<deployment>.
func (s *PlatformSpec) Deployment() string {
	if s.NameSuffix != "" {
		return string(s.Environment) + "-" + s.NameSuffix
	}
	return string(s.Environment)
}

// PlatformStatus carries what the platform's users need from AWS, read from
// the observed state of the composed resources.
type PlatformStatus struct {
	// AccountID the platform lives in, from spec.accountId or learned from
	// the VPC's ARN. Kept here so it survives the VPC being re-observed.
	// +optional
	AccountID string `json:"accountId,omitempty"`

	// BuiltWith is what the platform was last rendered from among the spec
	// values AWS cannot change in place (defaults applied): the function
	// refuses a spec that moves away from it, as the XRD refuses the edit.
	// +optional
	BuiltWith *BuiltWith `json:"builtWith,omitempty"`

	// +optional
	Network *NetworkStatus `json:"network,omitempty"`
	// +optional
	Security *SecurityStatus `json:"security,omitempty"`
	// +optional
	Database *DatabaseStatus `json:"database,omitempty"`
	// +optional
	Kubernetes *KubernetesStatus `json:"kubernetes,omitempty"`
	// +optional
	Compliance *ComplianceStatus `json:"compliance,omitempty"`
}

// ComplianceStatus is the compliance engine's verdict on the rendered
// platform: the same results as `make audit` for the same claim.
type ComplianceStatus struct {
	// Standards the platform was judged against.
	// +optional
	Standards []ComplianceStandard `json:"standards,omitempty"`
	// Counts of controls by result.
	Counts ComplianceCounts `json:"counts"`
	// Failing controls, by id.
	// +optional
	Failing []string `json:"failing,omitempty"`
	// Warnings are controls that fail in dev where the profile relaxes them.
	// +optional
	Warnings []string `json:"warnings,omitempty"`
	// Waived controls fail under an unexpired exception.
	// +optional
	Waived []string `json:"waived,omitempty"`
}

// ComplianceCounts are the number of controls with each result.
type ComplianceCounts struct {
	Pass   int `json:"pass"`
	Fail   int `json:"fail"`
	Warn   int `json:"warn"`
	Waived int `json:"waived"`
	Skip   int `json:"skip"`
}

// KubernetesStatus is the Kubernetes tier's output.
type KubernetesStatus struct {
	// +optional
	ClusterName string `json:"clusterName,omitempty"`
	// +optional
	Endpoint string `json:"endpoint,omitempty"`
	// +optional
	OIDCIssuer string `json:"oidcIssuer,omitempty"`
	// +optional
	NodeGroups []string `json:"nodeGroups,omitempty"`
	// +optional
	LoadBalancerDNSName string `json:"loadBalancerDnsName,omitempty"`
	// Ingress says why the load balancer has no listeners, when it has none.
	// +optional
	Ingress string `json:"ingress,omitempty"`
}

// DatabaseStatus is the database tier's output. The master password is never
// here: it stays in the RDS-managed secret.
type DatabaseStatus struct {
	// +optional
	Endpoint string `json:"endpoint,omitempty"`
	// +optional
	ReaderEndpoint string `json:"readerEndpoint,omitempty"`
	// +optional
	ProxyEndpoint string `json:"proxyEndpoint,omitempty"`
	// +optional
	Port int32 `json:"port,omitempty"`
	// +optional
	DatabaseName string `json:"databaseName,omitempty"`
	// MasterSecretARN is the RDS-managed secret holding the master credential.
	// +optional
	MasterSecretARN string `json:"masterSecretArn,omitempty"`
}

// NetworkStatus is the network tier's output.
type NetworkStatus struct {
	// +optional
	VPCID string `json:"vpcId,omitempty"`
	// PublicSubnetIDs by availability zone.
	// +optional
	PublicSubnetIDs map[string]string `json:"publicSubnetIds,omitempty"`
	// PrivateSubnetIDs by availability zone.
	// +optional
	PrivateSubnetIDs map[string]string `json:"privateSubnetIds,omitempty"`
	// DatabaseSubnetIDs by availability zone.
	// +optional
	DatabaseSubnetIDs map[string]string `json:"databaseSubnetIds,omitempty"`
	// NATGatewayIDs by availability zone.
	// +optional
	NATGatewayIDs map[string]string `json:"natGatewayIds,omitempty"`
	// FlowLogGroup is the CloudWatch log group the VPC flow logs go to.
	// +optional
	FlowLogGroup string `json:"flowLogGroup,omitempty"`
}

// SecurityStatus is the security tier's output.
type SecurityStatus struct {
	// Keys by purpose (database, storage, storage-dr, kubernetes, logs,
	// messaging, secrets, backup, backup-dr).
	// +optional
	Keys map[string]KeyStatus `json:"keys,omitempty"`
	// SecurityGroupIDs by purpose: alb, eks-cluster, eks-nodes, database,
	// rds-proxy, efs.
	// +optional
	SecurityGroupIDs map[string]string `json:"securityGroupIds,omitempty"`
}

// KeyStatus identifies one customer-managed key.
type KeyStatus struct {
	ARN   string `json:"arn"`
	Alias string `json:"alias"`
}
