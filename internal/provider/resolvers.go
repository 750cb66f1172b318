// Package provider runs provider-aws v2.4.0's own generated code outside the
// provider's binary, so tests and the e2e provider runtime resolve references
// exactly as the provider does.
package provider

import (
	"sync"
	_ "unsafe" // go:linkname, see buildResolverScheme

	acmv1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/acm/v1beta2"
	apigatewayv1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/apigateway/v1beta2"
	autoscalingv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/autoscaling/v1beta1"
	backupv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/backup/v1beta1"
	backupv1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/backup/v1beta2"
	budgetsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/budgets/v1beta1"
	cloudtrailv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudtrail/v1beta1"
	cwv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatch/v1beta1"
	cwev1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchevents/v1beta1"
	cwev1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchevents/v1beta2"
	cwlv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchlogs/v1beta1"
	cognitoidpv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cognitoidp/v1beta1"
	configv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/configservice/v1beta1"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	ec2v1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta2"
	ecsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ecs/v1beta1"
	efsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/efs/v1beta1"
	efsv1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/efs/v1beta2"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	eksv1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta2"
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"
	elbv2v1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta2"
	firehosev1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/firehose/v1beta2"
	gdv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/guardduty/v1beta1"
	gdv1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/guardduty/v1beta2"
	iamv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/iam/v1beta1"
	kinesisv1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/kinesis/v1beta2"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"
	lambdav1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/lambda/v1beta1"
	organizationsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/organizations/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"
	rdsv1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta2"
	rdsv1beta3 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta3"
	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	s3v1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta2"
	s3controlv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3control/v1beta1"
	smv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/secretsmanager/v1beta1"
	shv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/securityhub/v1beta1"
	snsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/sns/v1beta1"
	sqsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/sqs/v1beta1"
	vpclatticev1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/vpclattice/v1beta1"
	wafv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/wafv2/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
)

// buildResolverScheme is provider-aws's internal/apis.BuildScheme. The
// generated ResolveReferences methods look their target kinds up in a scheme
// private to that package, which only the provider's main fills; Go's
// internal-package rule leaves no other way to fill it from here. The empty
// resolvers.s lets this declaration have no body.
//
//go:linkname buildResolverScheme github.com/upbound/provider-aws/v2/internal/apis.BuildScheme
func buildResolverScheme(sb runtime.SchemeBuilder) error

// ResolverGroupVersions are the API group versions the generated resolvers
// of every kind the platform renders name as reference targets (read off
// their zz_generated.resolvers.go files). A resolver whose target is not
// registered fails before it looks at its selector, for every field, so
// TestEveryRenderedKindResolves fails when this list falls behind.
var ResolverGroupVersions = runtime.SchemeBuilder{
	acmv1beta2.AddToScheme, apigatewayv1beta2.AddToScheme, autoscalingv1beta1.AddToScheme,
	backupv1beta1.AddToScheme, backupv1beta2.AddToScheme, budgetsv1beta1.AddToScheme,
	cloudtrailv1beta1.AddToScheme, cwv1beta1.AddToScheme, cwev1beta1.AddToScheme, cwev1beta2.AddToScheme,
	cwlv1beta1.AddToScheme, cognitoidpv1beta1.AddToScheme, configv1beta1.AddToScheme,
	ec2v1beta1.AddToScheme, ec2v1beta2.AddToScheme, ecsv1beta1.AddToScheme,
	efsv1beta1.AddToScheme, efsv1beta2.AddToScheme, eksv1beta1.AddToScheme, eksv1beta2.AddToScheme,
	elbv2v1beta1.AddToScheme, elbv2v1beta2.AddToScheme, firehosev1beta2.AddToScheme,
	gdv1beta1.AddToScheme, gdv1beta2.AddToScheme, iamv1beta1.AddToScheme, kinesisv1beta2.AddToScheme,
	kmsv1beta1.AddToScheme, lambdav1beta1.AddToScheme, organizationsv1beta1.AddToScheme,
	rdsv1beta1.AddToScheme, rdsv1beta2.AddToScheme, rdsv1beta3.AddToScheme,
	s3v1beta1.AddToScheme, s3v1beta2.AddToScheme, s3controlv1beta1.AddToScheme,
	smv1beta1.AddToScheme, shv1beta1.AddToScheme, snsv1beta1.AddToScheme, sqsv1beta1.AddToScheme,
	vpclatticev1beta1.AddToScheme, wafv2v1beta1.AddToScheme,
}

var (
	resolverOnce sync.Once
	resolverErr  error
)

// RegisterResolvers fills the provider's resolver scheme once, as the
// provider's main does at start-up. Call it before any ResolveReferences.
func RegisterResolvers() error {
	resolverOnce.Do(func() { resolverErr = buildResolverScheme(ResolverGroupVersions) })
	return resolverErr
}

// AddToScheme registers the same group versions with s (a client's scheme),
// so a client can read every kind a resolver lists.
func AddToScheme(s *runtime.Scheme) error { return ResolverGroupVersions.AddToScheme(s) }
