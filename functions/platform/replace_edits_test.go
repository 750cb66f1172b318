package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/paynext/platform/internal/forcenew"
)

// TestAdmittedEditsReplaceOnlyWhatIsKnown applies each claim edit the XRD
// admits to a converged platform and lists every existing resource, of any
// kind, whose desired state then changes a field AWS can change only by
// replacing it (internal/forcenew, conditional entries included). The
// provider refuses such an update and the resource stays Synced=False, so
// each one the platform still has is stated here, and README "Changing a
// platform" tells teams of it; the function names them on the claim
// (TestReplaceOnlyEditsWarnOnTheClaim). A new one fails this test.
func TestAdmittedEditsReplaceOnlyWhatIsKnown(t *testing.T) {
	edits := map[string]func(s map[string]any){
		"database.instanceClass":       func(s map[string]any) { sub(s, "database")["instanceClass"] = "db.r7g.2xlarge" },
		"database.engineVersion minor": func(s map[string]any) { sub(s, "database")["engineVersion"] = "16.8" },
		"database.backupRetentionDays": func(s map[string]any) { sub(s, "database")["backupRetentionDays"] = 30.0 },
		"tags":                         func(s map[string]any) { sub(s, "tags")["DataClassification"] = "PCI" },
		"logging.retentionDays":        func(s map[string]any) { s["logging"] = map[string]any{"retentionDays": 3653.0} },
		"network.availabilityZones added": func(s map[string]any) {
			net(s)["availabilityZones"] = []any{"us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"}
		},
		"network.availabilityZones order": func(s map[string]any) { net(s)["availabilityZones"] = []any{"us-west-2c", "us-west-2a", "us-west-2b"} },
		"network.natGateways":             func(s map[string]any) { net(s)["natGateways"] = "PerZone" },
		"network.egressCidrs":             func(s map[string]any) { net(s)["egressCidrs"] = []any{"192.0.2.0/24"} },
		"contacts.securityEmail":          func(s map[string]any) { sub(s, "contacts")["securityEmail"] = "soc@yourcompany.com" },
		"monitoring.monthlyBudgetUsd":     func(s map[string]any) { sub(s, "monitoring")["monthlyBudgetUsd"] = 9000.0 },
		"kubernetes.version up one":       func(s map[string]any) { sub(s, "kubernetes")["version"] = "1.34" },
		"kubernetes.nodeInstanceType":     func(s map[string]any) { sub(s, "kubernetes")["nodeInstanceType"] = "m6i.xlarge" },
		"kubernetes.workloadCapacityType": func(s map[string]any) { sub(s, "kubernetes")["workloadCapacityType"] = "ON_DEMAND" },
		"kubernetes.adminRoleArn": func(s map[string]any) {
			sub(s, "kubernetes")["adminRoleArn"] = "arn:aws:iam::111122223333:role/platform-admin"
		},
		"kubernetes.ingress.allowedCidrs": func(s map[string]any) {
			sub(sub(s, "kubernetes"), "ingress")["allowedCidrs"] = []any{"198.51.100.0/24"}
		},
		"compliance.standards with hipaa":    func(s map[string]any) { sub(s, "compliance")["standards"] = []any{"pci-dss", "gdpr", "sox", "hipaa"} },
		"dataProtection.allowDeletion":       func(s map[string]any) { sub(s, "dataProtection")["allowDeletion"] = true },
		"kubernetes.publicAccessCidrs (dev)": func(s map[string]any) { sub(s, "kubernetes")["publicAccessCidrs"] = []any{"203.0.113.0/24"} },
	}
	// What each edit replaces, as "env: key field"; every other edit
	// changes everything in place. AWS sets these only when it creates the
	// resource (ForceNew in the provider's Terraform schema): an SNS e-mail
	// subscription's endpoint, an EKS access entry's (and its policy
	// association's) principal, a node group's instance types and capacity
	// type.
	var want = map[string][]string{}
	for _, env := range []string{"dev", "staging"} {
		add := func(edit string, entries ...string) {
			for _, e := range entries {
				want[edit] = append(want[edit], env+": "+e)
			}
		}
		add("contacts.securityEmail", "sns-topic-operations-email spec.forProvider.endpoint", "sns-topic-security-email spec.forProvider.endpoint")
		add("kubernetes.adminRoleArn", "eks-access-entry-admin spec.forProvider.principalArn", "eks-access-policy-admin spec.forProvider.principalArn")
		add("kubernetes.nodeInstanceType", "eks-node-group-system spec.forProvider.instanceTypes", "eks-node-group-workload spec.forProvider.instanceTypes")
		add("kubernetes.workloadCapacityType", "eks-node-group-workload spec.forProvider.capacityType")
	}
	f := newTestFunction(t)
	got := map[string][]string{}
	for _, env := range []string{"dev", "staging"} {
		base := readXR(t, exampleXR(env))
		sub(spec(base), "kubernetes")["version"] = "1.33"
		req := converged(t, f, base)
		for name, edit := range edits {
			x := readXR(t, exampleXR(env))
			sub(spec(x), "kubernetes")["version"] = "1.33"
			edit(spec(x))
			if env != "dev" && name == "kubernetes.publicAccessCidrs (dev)" || env == "dev" && name == "dataProtection.allowDeletion" {
				continue // the XRD refuses these there
			}
			rsp := run(t, f, edited(t, req, func(s map[string]any) {
				for k := range s {
					delete(s, k)
				}
				for k, v := range spec(x) {
					s[k] = v
				}
			}))
			if msg := fatalOf(rsp); msg != "" {
				t.Errorf("%s %s: refused: %s", env, name, msg)
				continue
			}
			desired := desiredOf(t, rsp)
			for key, o := range req.GetObserved().GetResources() {
				d, ok := desired[resourceName(key)]
				if !ok {
					continue
				}
				obs := o.GetResource().AsMap()
				for _, c := range forcenew.Changes(d.Resource.GroupVersionKind(), d.Resource.Object, obs) {
					got[name] = append(got[name], fmt.Sprintf("%s: %s %s", env, key, c.Path))
				}
			}
			slices.Sort(got[name])
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("an admitted claim edit changes replace-only fields other than those stated (-stated +found):\n%s", diff)
	}
}
