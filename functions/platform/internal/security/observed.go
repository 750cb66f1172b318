package security

import (
	"github.com/paynext/platform/functions/platform/internal/platform"
)

// KeyARN is the observed ARN of the CMK of purpose (in the DR region when
// dr), "" until AWS reports it. Fields nested in a provider-aws v1beta1 list
// take this literal rather than a selector: the list is atomic under
// server-side apply, so the IDs the provider's resolver writes into it are
// removed by Crossplane's next apply of the list, and the two fight for it.
func KeyARN(observed platform.Observed, purpose string, dr bool) string {
	return observed.AtProvider(KeyName(purpose, dr), "arn")
}

// SecurityGroupID is the observed ID of the security group key, "" until AWS
// reports it.
func SecurityGroupID(observed platform.Observed, key string) string {
	return observed.AtProvider(key, "id")
}
