package platform

import (
	protectionv1beta1 "github.com/crossplane/crossplane/apis/v2/protection/v1beta1"
	"sync"

	"github.com/crossplane/function-sdk-go/resource/composed"
	orv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	backupv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/backup/v1beta1"
	budgetsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/budgets/v1beta1"
	cloudtrailv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudtrail/v1beta1"
	cwv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatch/v1beta1"
	cwev1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchevents/v1beta1"
	cwlv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/cloudwatchlogs/v1beta1"
	configv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/configservice/v1beta1"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	ec2v1beta2 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta2"
	efsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/efs/v1beta1"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"
	gdv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/guardduty/v1beta1"
	iamv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/iam/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"
	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	smv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/secretsmanager/v1beta1"
	shv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/securityhub/v1beta1"
	snsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/sns/v1beta1"
	wafv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/wafv2/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
)

var (
	registerOnce sync.Once
	// registerErr is the first call's error, returned to every call: the
	// callers that only need the scheme ready ask again.
	registerErr error
)

// RegisterSchemes adds the provider API groups the tiers render to the
// scheme composed.From types objects with. It runs once, before any request:
// a runtime.Scheme is safe for concurrent reads only after registration.
func RegisterSchemes() error {
	registerOnce.Do(func() {
		for _, add := range []func(*runtime.Scheme) error{
			cwlv1beta1.AddToScheme,
			ec2v1beta1.AddToScheme,
			ec2v1beta2.AddToScheme,
			iamv1beta1.AddToScheme,
			kmsv1beta1.AddToScheme,
			eksv1beta1.AddToScheme,
			elbv2v1beta1.AddToScheme,
			backupv1beta1.AddToScheme,
			budgetsv1beta1.AddToScheme,
			cloudtrailv1beta1.AddToScheme,
			cwv1beta1.AddToScheme,
			cwev1beta1.AddToScheme,
			configv1beta1.AddToScheme,
			gdv1beta1.AddToScheme,
			shv1beta1.AddToScheme,
			snsv1beta1.AddToScheme,
			efsv1beta1.AddToScheme,
			rdsv1beta1.AddToScheme,
			s3v1beta1.AddToScheme,
			smv1beta1.AddToScheme,
			wafv2v1beta1.AddToScheme,
			// The compliance report, composed when OpenReports is installed.
			orv1alpha1.AddToScheme,
			// The usages that order deletion.
			protectionv1beta1.AddToScheme,
		} {
			if registerErr = add(composed.Scheme); registerErr != nil {
				return
			}
		}
		compileKindShapes()
		compileKindEncoders()
	})
	return registerErr
}
