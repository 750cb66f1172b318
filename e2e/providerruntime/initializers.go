package providerruntime

// nameAsExternalName are the rendered kinds whose generated controller
// (provider-aws v2.4.0 internal/controller/cluster/<group>/<kind>/
// zz_controller.go) adds managed.NewNameAsExternalName: upjet adds it unless
// the kind's external-name configuration disables the name initializer
// (IdentifierFromProvider and the like, whose external name AWS assigns on
// create). TestNameAsExternalNameMatchesTheProvider reads those files.
var nameAsExternalName = map[string]bool{
	"backup.aws.upbound.io/Vault":                                 true,
	"budgets.aws.upbound.io/Budget":                               true,
	"cloudtrail.aws.upbound.io/Trail":                             true,
	"cloudwatch.aws.upbound.io/Dashboard":                         true,
	"cloudwatch.aws.upbound.io/MetricAlarm":                       true,
	"cloudwatchevents.aws.upbound.io/Rule":                        true,
	"cloudwatchlogs.aws.upbound.io/Group":                         true,
	"cloudwatchlogs.aws.upbound.io/MetricFilter":                  true,
	"configservice.aws.upbound.io/AWSConfigurationRecorderStatus": true,
	"configservice.aws.upbound.io/ConfigRule":                     true,
	"configservice.aws.upbound.io/ConfigurationRecorder":          true,
	"configservice.aws.upbound.io/DeliveryChannel":                true,
	"eks.aws.upbound.io/Cluster":                                  true,
	"eks.aws.upbound.io/NodeGroup":                                true,
	"iam.aws.upbound.io/Role":                                     true,
	"kms.aws.upbound.io/Alias":                                    true,
	"rds.aws.upbound.io/Cluster":                                  true,
	"rds.aws.upbound.io/ClusterInstance":                          true,
	"rds.aws.upbound.io/ClusterParameterGroup":                    true,
	"rds.aws.upbound.io/Proxy":                                    true,
	"rds.aws.upbound.io/SubnetGroup":                              true,
	"s3.aws.upbound.io/Bucket":                                    true,
	"sns.aws.upbound.io/Topic":                                    true,
	"wafv2.aws.upbound.io/WebACLAssociation":                      true,
	"wafv2.aws.upbound.io/WebACLLoggingConfiguration":             true,
}
