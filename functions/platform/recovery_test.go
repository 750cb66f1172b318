package main

import (
	"maps"
	"slices"
	"testing"

	"github.com/paynext/platform/internal/awsrules"
)

// awsIdentity is what AWS knows a named resource by: its kind, where its
// name must be unique (a region, or the whole account or partition for IAM
// and S3), and the name.
func awsIdentities(r *awsrules.Render) map[string]string {
	out := map[string]string{}
	for _, o := range r.Objects() {
		name := o.GetAnnotations()["crossplane.io/external-name"]
		if name == "" {
			name, _ = awsrules.Dig(o.Object, "spec", "forProvider", "name").(string)
		}
		if name == "" {
			continue // AWS assigns the ID
		}
		scope, _ := awsrules.Dig(o.Object, "spec", "forProvider", "region").(string)
		switch o.GetKind() {
		case "Role", "Policy", "OpenIDConnectProvider", "Bucket":
			scope = "global"
		case "Trail":
			// A multi-region trail's name is taken in every region.
			scope = "every region"
		}
		out[o.GetKind()+" "+scope+" "+name] = awsrules.Key(o)
	}
	return out
}

// TestRecoveryPlatformNamesNothingTheOriginalOwns: the DR procedure applies
// a second claim of the same environment and account in the original's DR
// region, with spec.nameSuffix. Nothing it names (IAM roles and buckets
// account-wide; vaults, key aliases, log groups, clusters, secrets in the
// region) may be a name the original claim already owns, or the two would
// fight over one resource.
func TestRecoveryPlatformNamesNothingTheOriginalOwns(t *testing.T) {
	f := newTestFunction(t)
	original := awsIdentities(convergedRender(t, f, exampleXR("prod")))
	recovery := awsIdentities(convergedRender(t, f, "testdata/claims/us-east-1-prod-recovery.yaml"))
	if len(original) == 0 || len(recovery) == 0 {
		t.Fatal("nothing named in the renders")
	}
	for _, id := range slices.Sorted(maps.Keys(recovery)) {
		if o, ok := original[id]; ok {
			t.Errorf("the recovery platform's %s is the original's %s: %s", recovery[id], o, id)
		}
	}
}
