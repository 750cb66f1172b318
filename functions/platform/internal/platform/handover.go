package platform

import (
	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	xpresource "github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	"github.com/crossplane/function-sdk-go/resource"
)

// HandOver is what a platform renders of the account services (GuardDuty,
// Security Hub and its standards, the Config recorder and rules, AWS
// Backup's region settings) once
// spec.monitoring.accountServices turns External: they are account-wide, and
// whoever takes them over (an organisation's delegated administrator, a
// landing zone) needs them running, so they must stay in AWS. Dropped at
// once, Crossplane would delete them, and the provider with them. So each one
// still composed is first rendered with deletionPolicy Orphan, and dropped
// only once it is observed with that policy: its delete then removes the
// managed resource alone.
func HandOver(services []Resource, observed Observed) []Resource {
	var keep []Resource
	for _, r := range services {
		oc, ok := observed[resource.Name(r.Key)]
		if !ok || oc.Resource == nil {
			continue
		}
		if policy, _ := oc.Resource.GetString("spec.deletionPolicy"); policy == string(xpv1.DeletionOrphan) {
			continue
		}
		if o, ok := r.Object.(xpresource.Orphanable); ok {
			o.SetDeletionPolicy(xpv1.DeletionOrphan)
			keep = append(keep, r)
		}
	}
	return keep
}
