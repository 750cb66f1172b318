package main

import (
	"fmt"

	"github.com/crossplane/function-sdk-go/errors"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
)

// RequirementPlatforms names the required resources through which a new
// platform sees the others: every XPayNextPlatform.
const RequirementPlatforms = "platforms"

// allPlatforms selects every XPayNextPlatform: with no match, Crossplane lists
// the kind (crossplane v2.4.0 internal/xfn/required_resources.go).
var allPlatforms = &fnv1.ResourceSelector{ApiVersion: v1alpha1.SchemeGroupVersion.String(), Kind: v1alpha1.CompositeKind}

// require asks Crossplane for the resources selector selects under name.
func require(rsp *fnv1.RunFunctionResponse, name string, selector *fnv1.ResourceSelector) {
	if rsp.Requirements == nil {
		rsp.Requirements = &fnv1.Requirements{}
	}
	if rsp.Requirements.Resources == nil {
		rsp.Requirements.Resources = map[string]*fnv1.ResourceSelector{}
	}
	rsp.Requirements.Resources[name] = selector
}

// DeploymentTakenError refuses a platform whose AWS names another platform of
// the same account already holds.
type DeploymentTakenError struct {
	Deployment, ProviderConfig, Holder string
}

func (e DeploymentTakenError) Error() string {
	return fmt.Sprintf("spec.nameSuffix: the platform %s already deploys paynext-%s in this AWS account (ProviderConfig %q). "+
		"Two platforms with the same AWS names would manage the same IAM roles, keys, buckets and database, and deleting either would delete both, "+
		"so this one composes nothing. Delete it and apply it again with a spec.nameSuffix, or with the providerConfigRef of another account",
		e.Holder, e.Deployment, e.ProviderConfig)
}

// platformIdentity is what says which AWS names a platform holds, decoded
// from another XR without its full spec (which need not be valid).
type platformIdentity struct {
	Metadata struct {
		Name              string            `json:"name"`
		UID               string            `json:"uid"`
		CreationTimestamp string            `json:"creationTimestamp"`
		DeletionTimestamp string            `json:"deletionTimestamp"`
		Labels            map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec   v1alpha1.PlatformSpec `json:"spec"`
	Status struct {
		AccountID string `json:"accountId"`
	} `json:"status"`
}

// checkDeploymentFree is asked only while the platform has composed nothing:
// that is when a second platform of the same AWS names must be stopped, and
// asking only then keeps every live platform from watching all the others.
// It reports the older platform (created first; the name breaks a tie)
// that holds the same deployment through the same ProviderConfig or in the
// same known account.
func checkDeploymentFree(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse, xr *v1alpha1.XPayNextPlatform, accountID string) error {
	require(rsp, RequirementPlatforms, allPlatforms)
	others, _, err := request.GetRequiredResource(req, RequirementPlatforms)
	if err != nil {
		return errors.Wrap(err, "cannot read the required XPayNextPlatforms")
	}
	self := identityOf(xr, accountID)
	for _, o := range others {
		var other platformIdentity
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Resource.Object, &other); err != nil {
			// An XR this function cannot read composes nothing either.
			continue
		}
		if holds(other, self) {
			return DeploymentTakenError{Deployment: self.Spec.Deployment(), ProviderConfig: self.Spec.ProviderConfigName(), Holder: describe(other)}
		}
	}
	return nil
}

func identityOf(xr *v1alpha1.XPayNextPlatform, accountID string) platformIdentity {
	var id platformIdentity
	id.Metadata.Name = xr.GetName()
	id.Metadata.UID = string(xr.GetUID())
	if ts := xr.GetCreationTimestamp(); !ts.IsZero() {
		id.Metadata.CreationTimestamp = ts.UTC().Format("2006-01-02T15:04:05Z")
	}
	id.Spec = xr.Spec
	id.Status.AccountID = accountID
	return id
}

// holds reports whether other, a platform older than self and not being
// deleted, holds the AWS names self would give.
func holds(other, self platformIdentity) bool {
	switch {
	case other.Metadata.Name == self.Metadata.Name, other.Metadata.DeletionTimestamp != "":
		return false
	case other.Spec.Deployment() != self.Spec.Deployment():
		return false
	case !olderThan(other, self):
		return false
	}
	if other.Spec.ProviderConfigName() == self.Spec.ProviderConfigName() {
		return true
	}
	acct := func(p platformIdentity) string {
		if p.Spec.AccountID != "" {
			return p.Spec.AccountID
		}
		return p.Status.AccountID
	}
	return acct(self) != "" && acct(self) == acct(other)
}

// olderThan orders platforms by creation, then name: RFC 3339 timestamps in
// UTC order as strings, and a platform not yet created (a render) is the
// newest.
func olderThan(a, b platformIdentity) bool {
	ta, tb := a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp
	switch {
	case ta == tb:
		return a.Metadata.Name < b.Metadata.Name
	case ta == "":
		return false
	case tb == "":
		return true
	}
	return ta < tb
}

// describe names a platform as its team knows it: the claim, else the XR.
func describe(p platformIdentity) string {
	if n := p.Metadata.Labels["crossplane.io/claim-name"]; n != "" {
		return fmt.Sprintf("%s/%s (XR %s)", p.Metadata.Labels["crossplane.io/claim-namespace"], n, p.Metadata.Name)
	}
	return p.Metadata.Name
}
