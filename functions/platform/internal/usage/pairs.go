package usage

import (
	backupv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/backup/v1beta1"
	cloudtrailv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudtrail/v1beta1"
	cwlv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchlogs/v1beta1"
	configv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/configservice/v1beta1"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	efsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/efs/v1beta1"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"
	iamv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/iam/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"
	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	smv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/secretsmanager/v1beta1"
	snsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/sns/v1beta1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

type pair struct{ user, used schema.GroupKind }

var (
	role          = iamv1beta1.Role_GroupVersionKind.GroupKind()
	key           = kmsv1beta1.Key_GroupVersionKind.GroupKind()
	subnet        = ec2v1beta1.Subnet_GroupVersionKind.GroupKind()
	securityGroup = ec2v1beta1.SecurityGroup_GroupVersionKind.GroupKind()
	bucket        = s3v1beta1.Bucket_GroupVersionKind.GroupKind()
	logGroup      = cwlv1beta1.Group_GroupVersionKind.GroupKind()
	eksCluster    = eksv1beta1.Cluster_GroupVersionKind.GroupKind()
	nodeGroup     = eksv1beta1.NodeGroup_GroupVersionKind.GroupKind()
	aurora        = rdsv1beta1.Cluster_GroupVersionKind.GroupKind()
	auroraNode    = rdsv1beta1.ClusterInstance_GroupVersionKind.GroupKind()
	subnetGroup   = rdsv1beta1.SubnetGroup_GroupVersionKind.GroupKind()
	proxy         = rdsv1beta1.Proxy_GroupVersionKind.GroupKind()
	fileSystem    = efsv1beta1.FileSystem_GroupVersionKind.GroupKind()
	mountTarget   = efsv1beta1.MountTarget_GroupVersionKind.GroupKind()
	loadBalancer  = elbv2v1beta1.LB_GroupVersionKind.GroupKind()
	natGateway    = ec2v1beta1.NATGateway_GroupVersionKind.GroupKind()
	vpc           = ec2v1beta1.VPC_GroupVersionKind.GroupKind()
)

// Reasons AWS needs the order, shared by several pairs.
const (
	holdsENIs = "AWS refuses to delete a subnet or security group while network interfaces use it (DependencyViolation) " +
		"(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html)"
	encryptsData = "its data is encrypted with the key: a key scheduled for deletion or deleted first leaves the data unreadable, and in dev the key's deletion window starts before the data goes " +
		"(https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html)"
	actsAs = "AWS acts as the role while deleting it; deleted first, the delete cannot clean up and hangs"
)

// protects lists the reference pairs (user kind, used kind) that are
// deletion dependencies in AWS, with why. A reference between kinds not
// listed (a subnet's VPC, a route's table) gets no usage: AWS or the
// provider resolves that order itself with a retry, and a usage per such
// reference would double the platform's objects.
var protects = map[pair]string{
	// Kubernetes tier.
	{eksCluster, role}:          "the cluster role: " + actsAs + " (EKS deletes the cluster's network interfaces with it)",
	{eksCluster, subnet}:        "the cluster's control-plane network interfaces: " + holdsENIs,
	{eksCluster, securityGroup}: "the cluster's control-plane network interfaces: " + holdsENIs,
	{eksCluster, key}:           "the cluster's Kubernetes secrets: " + encryptsData,
	{nodeGroup, eksCluster}:     "AWS refuses to delete a cluster that still has managed node groups (https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteCluster.html)",
	{nodeGroup, role}:           "the node role: the nodes act as it until they are terminated",
	{nodeGroup, subnet}:         "the nodes' network interfaces: " + holdsENIs,
	{nodeGroup, ec2v1beta1.LaunchTemplate_GroupVersionKind.GroupKind()}: "the node group launches and replaces its instances from it until the node group is gone",
	{loadBalancer, subnet}:        "the load balancer's network interfaces: " + holdsENIs,
	{loadBalancer, securityGroup}: "the load balancer's network interfaces: " + holdsENIs,
	{loadBalancer, bucket}:        "the load balancer writes its access logs there until it is gone",

	// Database tier.
	{aurora, subnetGroup}:   "AWS refuses to delete a DB subnet group a cluster uses (InvalidDBSubnetGroupStateFault) (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html)",
	{aurora, securityGroup}: "the cluster's network interfaces: " + holdsENIs,
	{aurora, key}:           "the cluster's storage and master secret: " + encryptsData,
	{aurora, rdsv1beta1.ClusterParameterGroup_GroupVersionKind.GroupKind()}: "AWS refuses to delete a DB cluster parameter group a cluster uses (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBClusterParameterGroup.html)",
	{aurora, role}:            "a role associated with the cluster: " + actsAs,
	{auroraNode, aurora}:      "AWS refuses to delete a cluster that still has instances (InvalidDBClusterStateFault) (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html)",
	{auroraNode, role}:        "the enhanced-monitoring role: RDS publishes the instance's metrics as it",
	{auroraNode, key}:         "the instance's Performance Insights data: " + encryptsData,
	{auroraNode, subnetGroup}: "AWS refuses to delete a DB subnet group an instance uses (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html)",
	{auroraNode, rdsv1beta1.ParameterGroup_GroupVersionKind.GroupKind()}: "AWS refuses to delete a DB parameter group an instance uses (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBParameterGroup.html)",
	{subnetGroup, subnet}:  "the database's network interfaces are placed through the group: " + holdsENIs,
	{proxy, role}:          "the proxy reads the database secret as the role",
	{proxy, subnet}:        "the proxy's network interfaces: " + holdsENIs,
	{proxy, securityGroup}: "the proxy's network interfaces: " + holdsENIs,
	{proxy, smv1beta1.Secret_GroupVersionKind.GroupKind()}: "the proxy authenticates with the secret",

	// Storage tier.
	{bucket, key}:                "the bucket's objects: " + encryptsData,
	{bucket, role}:               "S3 replicates the bucket's objects as the replication role",
	{bucket, bucket}:             "the bucket replicates to, or logs its access to, the other bucket until it is gone",
	{fileSystem, key}:            "the file system's data: " + encryptsData,
	{mountTarget, fileSystem}:    "AWS refuses to delete a file system that has mount targets (FileSystemInUse) (https://docs.aws.amazon.com/efs/latest/ug/API_DeleteFileSystem.html)",
	{mountTarget, subnet}:        "the mount target's network interface: " + holdsENIs,
	{mountTarget, securityGroup}: "the mount target's network interface: " + holdsENIs,
	{backupv1beta1.Vault_GroupVersionKind.GroupKind(), key}:      "the vault's recovery points: " + encryptsData,
	{backupv1beta1.Selection_GroupVersionKind.GroupKind(), role}: "AWS Backup backs up the selected resources as the role",

	// Security and monitoring tiers.
	{smv1beta1.Secret_GroupVersionKind.GroupKind(), key}: "the secret's value: " + encryptsData,
	{snsv1beta1.Topic_GroupVersionKind.GroupKind(), key}: "the topic's messages: " + encryptsData,
	{logGroup, key}: "the log group's events: " + encryptsData,
	{cloudtrailv1beta1.Trail_GroupVersionKind.GroupKind(), bucket}:           "the trail delivers its log files to the bucket until it is gone",
	{cloudtrailv1beta1.Trail_GroupVersionKind.GroupKind(), key}:              "the trail's log files: " + encryptsData,
	{cloudtrailv1beta1.Trail_GroupVersionKind.GroupKind(), role}:             "CloudTrail writes to CloudWatch Logs as the role",
	{cloudtrailv1beta1.Trail_GroupVersionKind.GroupKind(), logGroup}:         "the trail delivers its events to the log group until it is gone",
	{ec2v1beta1.FlowLog_GroupVersionKind.GroupKind(), role}:                  "VPC Flow Logs publishes as the role",
	{ec2v1beta1.FlowLog_GroupVersionKind.GroupKind(), logGroup}:              "the flow log delivers to the log group until it is gone",
	{configv1beta1.ConfigurationRecorder_GroupVersionKind.GroupKind(), role}: "AWS Config records as the role",
	{configv1beta1.DeliveryChannel_GroupVersionKind.GroupKind(), bucket}:     "AWS Config delivers its snapshots and history to the bucket",
	{subnet, vpc}:        "AWS refuses to delete a VPC that still has subnets (DependencyViolation) (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html)",
	{securityGroup, vpc}: "AWS refuses to delete a VPC that still has security groups (DependencyViolation) (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html)",
	{natGateway, subnet}: "the NAT gateway's network interface: " + holdsENIs,
	{natGateway, ec2v1beta1.EIP_GroupVersionKind.GroupKind()}: "AWS refuses to release an Elastic IP a NAT gateway holds",
}

// configures lists the kinds that configure another resource, by the field
// naming it: their references are the configured resource's (a bucket's
// encryption configuration names the key the bucket's objects use). A
// bucket's access logging is left out: the logs bucket replicates into the
// audit bucket, which logs its access into the logs bucket, and usages both
// ways would let neither be deleted.
var configures = map[schema.GroupKind]string{
	s3v1beta1.BucketServerSideEncryptionConfiguration_GroupVersionKind.GroupKind(): "bucketSelector",
	s3v1beta1.BucketReplicationConfiguration_GroupVersionKind.GroupKind():          "bucketSelector",
}
