package monitoring

import (
	cloudtrailv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudtrail/v1beta1"
	cwv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatch/v1beta1"
	cwlv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchlogs/v1beta1"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
	"github.com/paynext/platform/functions/platform/internal/storage"
)

// KeyTrail is the CloudTrail trail's key.
const KeyTrail = "cloudtrail-trail"

// TrailName is the trail's name (the security tier's roles and bucket
// policies name it too).
func TrailName(cfg *platform.Config) string { return cfg.Prefix() }

// trail records every management event of every region, and the S3 data
// events of the data bucket, encrypted with the logs key, into the audit
// bucket and the audit log group. The DR replicas of the data and audit
// buckets are in another region, where S3 server access logging (same
// region only) cannot log them: the multi-region trail records their reads
// (PCI DSS 10.2.1.1, 10.2.1.3). Reads only: the replicas' writes are S3's
// own replication, and logging them would log the trail's own deliveries
// copied to the audit replica.
func trail(cfg *platform.Config) []platform.Resource {
	auditGroup := cfg.ARN("logs", "log-group:"+security.AuditLogGroupName(cfg)+":*")
	return []platform.Resource{{Key: KeyTrail, Object: &cloudtrailv1beta1.Trail{
		ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, KeyTrail, TrailName(cfg)),
		Spec: cloudtrailv1beta1.TrailSpec{ForProvider: cloudtrailv1beta1.TrailParameters{
			Region:                        ptr.To(cfg.Region),
			IsMultiRegionTrail:            ptr.To(true),
			IncludeGlobalServiceEvents:    ptr.To(true),
			EnableLogFileValidation:       ptr.To(true),
			EnableLogging:                 ptr.To(true),
			KMSKeyIDSelector:              platform.Select(security.KeyLogsKMSKey),
			S3BucketNameSelector:          platform.Select(storage.KeyBucket(storage.Audit, false)),
			CloudWatchLogsGroupArn:        ptr.To(auditGroup),
			CloudWatchLogsRoleArnSelector: platform.Select(security.KeyRole(security.RoleCloudTrail)),
			EventSelector:                 eventSelectors(cfg),
			Tags:                          cfg.Tags(platform.TierMonitoring, TrailName(cfg)),
		}},
	}}}
}

func eventSelectors(cfg *platform.Config) []cloudtrailv1beta1.EventSelectorParameters {
	objects := func(bucket string) *string { return ptr.To("arn:" + cfg.Partition() + ":s3:::" + bucket + "/") }
	selectors := []cloudtrailv1beta1.EventSelectorParameters{{
		ReadWriteType:           ptr.To("All"),
		IncludeManagementEvents: ptr.To(true),
		DataResource:            []cloudtrailv1beta1.DataResourceParameters{{Type: ptr.To("AWS::S3::Object"), Values: []*string{objects(cfg.BucketName(security.BucketData))}}},
	}}
	if storage.Replicates(cfg) {
		selectors = append(selectors, cloudtrailv1beta1.EventSelectorParameters{
			ReadWriteType:           ptr.To("ReadOnly"),
			IncludeManagementEvents: ptr.To(false),
			DataResource: []cloudtrailv1beta1.DataResourceParameters{{Type: ptr.To("AWS::S3::Object"), Values: []*string{
				objects(cfg.ReplicaBucketName(security.BucketData)), objects(cfg.ReplicaBucketName(security.BucketAudit)),
			}}},
		})
	}
	return selectors
}

// CISAlarm is one CIS AWS Foundations monitoring control: a metric filter on
// the trail's log group and an alarm to the security topic.
type CISAlarm struct {
	Name, Description, Pattern string
}

// CISAlarms are the CIS AWS Foundations Benchmark's monitoring controls.
var CISAlarms = []CISAlarm{
	{"unauthorized-api-calls", "Unauthorized API calls",
		`{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`},
	{"console-sign-in-without-mfa", "Console sign-in without MFA",
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`},
	{"root-account-usage", "Use of the root account",
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`},
	{"iam-policy-changes", "IAM policy changes",
		`{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }`},
	{"cloudtrail-changes", "CloudTrail configuration changes",
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`},
	{"console-authentication-failures", "Console authentication failures",
		`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`},
	{"cmk-disabled-or-scheduled-for-deletion", "Customer-managed keys disabled or scheduled for deletion",
		`{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`},
	{"s3-bucket-policy-changes", "S3 bucket policy changes",
		`{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`},
	{"config-changes", "AWS Config configuration changes",
		`{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }`},
	{"security-group-changes", "Security group changes",
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`},
	{"nacl-changes", "Network ACL changes",
		`{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`},
	{"network-gateway-changes", "Network gateway changes",
		`{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`},
	{"route-table-changes", "Route table changes",
		`{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`},
	{"vpc-changes", "VPC changes",
		`{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) }`},
}

// CISNamespace is where the CIS metrics live.
func CISNamespace(cfg *platform.Config) string {
	return "PayNext/" + cfg.Deployment() + "/CISBenchmark"
}

func cisAlarms(cfg *platform.Config) []platform.Resource {
	var rs []platform.Resource
	for _, a := range CISAlarms {
		filterKey, alarmKey := "cis-metric-filter-"+a.Name, "cis-alarm-"+a.Name
		rs = append(rs,
			platform.Resource{Key: filterKey, Object: &cwlv1beta1.MetricFilter{
				ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, filterKey, cfg.Prefix()+"-cis-"+a.Name),
				Spec: cwlv1beta1.MetricFilterSpec{ForProvider: cwlv1beta1.MetricFilterParameters{
					Region:               ptr.To(cfg.Region),
					LogGroupNameSelector: platform.Select(KeyLogGroup("audit")),
					Pattern:              ptr.To(a.Pattern),
					MetricTransformation: []cwlv1beta1.MetricTransformationParameters{{
						Name: ptr.To(a.Name), Namespace: ptr.To(CISNamespace(cfg)), Value: ptr.To("1"), DefaultValue: ptr.To("0"),
					}},
				}},
			}},
			platform.Resource{Key: alarmKey, Object: alarm(cfg, alarmKey, alarmSpec{
				name: "cis-" + a.Name, description: "CIS AWS Foundations: " + a.Description,
				namespace: CISNamespace(cfg), metric: a.Name, statistic: "Sum", period: 300, threshold: 1,
				comparison: "GreaterThanOrEqualToThreshold", topic: TopicSecurity,
			})},
		)
	}
	return rs
}

// alarmSpec is one CloudWatch alarm.
type alarmSpec struct {
	name, description, namespace, metric, statistic, comparison, topic string
	period, threshold                                                  float64
	dimensions                                                         map[string]string
}

func alarm(cfg *platform.Config, key string, a alarmSpec) *cwv1beta1.MetricAlarm {
	p := cwv1beta1.MetricAlarmParameters{
		Region:             ptr.To(cfg.Region),
		AlarmDescription:   ptr.To(a.description),
		Namespace:          ptr.To(a.namespace),
		MetricName:         ptr.To(a.metric),
		Statistic:          ptr.To(a.statistic),
		Period:             ptr.To(a.period),
		EvaluationPeriods:  ptr.To(1.0),
		Threshold:          ptr.To(a.threshold),
		ComparisonOperator: ptr.To(a.comparison),
		TreatMissingData:   ptr.To("notBreaching"),
		AlarmActions:       []*string{ptr.To(TopicARN(cfg, a.topic))},
		Tags:               cfg.Tags(platform.TierMonitoring, cfg.Prefix()+"-"+a.name),
	}
	if len(a.dimensions) > 0 {
		p.Dimensions = map[string]*string{}
		for k, v := range a.dimensions {
			p.Dimensions[k] = ptr.To(v)
		}
	}
	return &cwv1beta1.MetricAlarm{
		ObjectMeta: cfg.NamedMeta(platform.TierMonitoring, key, cfg.Prefix()+"-"+a.name),
		Spec:       cwv1beta1.MetricAlarmSpec{ForProvider: p},
	}
}
