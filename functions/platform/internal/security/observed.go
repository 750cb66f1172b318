package security

import (
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"

	"github.com/paynext/platform/functions/platform/internal/platform"
)

// KeyARN is the observed ARN of the CMK of purpose (in the DR region when
// dr), "" until AWS reports it. Fields nested in a provider-aws v1beta1 list
// take this literal rather than a selector: the list is atomic under
// server-side apply, so the IDs the provider's resolver writes into it are
// removed by Crossplane's next apply of the list, and the two fight for it.
func KeyARN(observed platform.Observed, purpose string, dr bool) string {
	var k kmsv1beta1.Key
	if observed.Get(KeyName(purpose, dr), &k) && k.Status.AtProvider.Arn != nil {
		return *k.Status.AtProvider.Arn
	}
	return ""
}

// SecurityGroupID is the observed ID of the security group key, "" until AWS
// reports it.
func SecurityGroupID(observed platform.Observed, key string) string {
	var sg ec2v1beta1.SecurityGroup
	if observed.Get(key, &sg) && sg.Status.AtProvider.ID != nil {
		return *sg.Status.AtProvider.ID
	}
	return ""
}
