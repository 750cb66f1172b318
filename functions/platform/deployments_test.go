package main

import (
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"google.golang.org/protobuf/types/known/structpb"
)

// TestEveryManagedResourceUsesTheSpecsProviderConfig: the ProviderConfig is
// the AWS account, so every composed managed resource names the spec's (or
// "default") explicitly rather than leaving it to the CRD's default; one
// management cluster then serves many accounts.
func TestEveryManagedResourceUsesTheSpecsProviderConfig(t *testing.T) {
	f := newTestFunction(t)
	cases := map[string]struct {
		withRef string
		want    string
	}{
		"no providerConfigRef: provider-aws's default": {want: "default"},
		"a team's account": {withRef: "payments-prod", want: "payments-prod"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, exampleXR("prod"))
			if tc.withRef != "" {
				spec(xr)["providerConfigRef"] = map[string]any{"name": tc.withRef}
			}
			desired := desiredOf(t, run(t, f, converged(t, f, xr)))
			managed := 0
			for key, d := range desired {
				if !strings.HasSuffix(d.Resource.GroupVersionKind().Group, ".aws.upbound.io") {
					continue // the compliance report and the usages are no provider's
				}
				managed++
				got, _ := d.Resource.GetString("spec.providerConfigRef.name")
				if got != tc.want {
					t.Errorf("%s (%s) uses ProviderConfig %q, want %q", key, d.Resource.GetKind(), got, tc.want)
				}
			}
			if managed < 300 {
				t.Fatalf("the prod platform rendered %d managed resources; the check needs the whole platform", managed)
			}
		})
	}
}

// platformXR is another XPayNextPlatform as Crossplane lists it.
func platformXR(name, created, env, suffix, providerConfig, account string, claim ...string) map[string]any {
	meta := map[string]any{"name": name, "uid": "uid-" + name, "creationTimestamp": created}
	if len(claim) == 2 {
		meta["labels"] = map[string]any{"crossplane.io/claim-namespace": claim[0], "crossplane.io/claim-name": claim[1]}
	}
	s := map[string]any{"environment": env}
	if suffix != "" {
		s["nameSuffix"] = suffix
	}
	if providerConfig != "" {
		s["providerConfigRef"] = map[string]any{"name": providerConfig}
	}
	if account != "" {
		s["accountId"] = account
	}
	return map[string]any{"apiVersion": "platform.paynext.io/v1alpha1", "kind": "XPayNextPlatform", "metadata": meta, "spec": s}
}

func withPlatforms(t *testing.T, req *fnv1.RunFunctionRequest, xrs ...map[string]any) {
	t.Helper()
	items := &fnv1.Resources{}
	for _, xr := range xrs {
		s, err := structpb.NewStruct(xr)
		if err != nil {
			t.Fatal(err)
		}
		items.Items = append(items.Items, &fnv1.Resource{Resource: s})
	}
	req.RequiredResources = map[string]*fnv1.Resources{RequirementPlatforms: items}
}

// TestASecondPlatformOfTheSameAWSNamesIsRefused: two platforms of one
// deployment (environment and name suffix) in one account would render the
// same IAM roles, keys and buckets and co-manage them. A new platform (one
// that has composed nothing) sees every XPayNextPlatform and is refused with
// a Fatal result naming the older one, composing nothing; it is not refused
// for a platform in another account, of another deployment, younger than
// itself, or being deleted.
func TestASecondPlatformOfTheSameAWSNamesIsRefused(t *testing.T) {
	f := newTestFunction(t)
	const created = "2026-11-30T10:00:00Z"
	cases := map[string]struct {
		other      map[string]any
		refused    bool
		wantHolder string
	}{
		"an older prod platform through the same ProviderConfig": {
			other: platformXR("payments-prod-x7k2q", "2026-11-01T09:00:00Z", "prod", "", "", "", "payments", "prod"), refused: true, wantHolder: "payments/prod (XR payments-prod-x7k2q)",
		},
		"an older prod platform naming the default ProviderConfig explicitly": {
			other: platformXR("older", "2026-11-01T09:00:00Z", "prod", "", "default", ""), refused: true, wantHolder: "older",
		},
		"created in the same second: the name decides": {
			other: platformXR("a-first", created, "prod", "", "", ""), refused: true, wantHolder: "a-first",
		},
		"an older prod platform through another ProviderConfig of the same known account": {
			other: platformXR("older", "2026-11-01T09:00:00Z", "prod", "", "prod-admin", "111122223333"), refused: true, wantHolder: "older",
		},
		"an older prod platform in another account": {
			other: platformXR("older", "2026-11-01T09:00:00Z", "prod", "", "acme-prod", "444455556666"),
		},
		"an older prod platform through another ProviderConfig, its account unknown": {
			other: platformXR("older", "2026-11-01T09:00:00Z", "prod", "", "acme-prod", ""),
		},
		"an older recovery platform (prod-dr)": {
			other: platformXR("older", "2026-11-01T09:00:00Z", "prod", "dr", "", ""),
		},
		"an older staging platform": {
			other: platformXR("older", "2026-11-01T09:00:00Z", "staging", "", "", ""),
		},
		"a younger prod platform": {
			other: platformXR("younger", "2026-12-01T09:00:00Z", "prod", "", "", ""),
		},
		"an older prod platform being deleted": {
			other: func() map[string]any {
				xr := platformXR("older", "2026-11-01T09:00:00Z", "prod", "", "", "")
				xr["metadata"].(map[string]any)["deletionTimestamp"] = "2026-11-30T09:59:00Z"
				return xr
			}(),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, exampleXR("prod"))
			meta := xr["metadata"].(map[string]any)
			meta["name"] = "b-second"
			meta["creationTimestamp"] = created
			spec(xr)["accountId"] = "111122223333"
			req := newRequest(t, xr, nil)
			withPlatforms(t, req, xr, tc.other)
			rsp := run(t, f, req)
			if _, ok := rsp.GetRequirements().GetResources()[RequirementPlatforms]; !ok {
				t.Errorf("a platform that has composed nothing did not ask for the other platforms")
			}
			msg := fatalOf(rsp)
			if !tc.refused {
				if msg != "" {
					t.Fatalf("the platform was refused: %s", msg)
				}
				if len(desiredOf(t, rsp)) == 0 {
					t.Errorf("the platform rendered nothing")
				}
				return
			}
			if msg == "" {
				t.Fatalf("a second platform of paynext-prod in the same account rendered")
			}
			for _, want := range []string{"spec.nameSuffix", wantHolderText(tc.wantHolder), "paynext-prod"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the Fatal result does not name %q: %s", want, msg)
				}
			}
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("a refused platform desired %d composed resources; it must compose nothing", n)
			}
		})
	}
}

func wantHolderText(holder string) string { return "platform " + holder + " already deploys" }

// TestALivePlatformDoesNotWatchTheOthers: once a platform has composed
// anything it no longer asks for every XPayNextPlatform, so Crossplane does
// not re-reconcile every platform whenever any of them changes, and a
// platform that exists is never refused for one created after it.
func TestALivePlatformDoesNotWatchTheOthers(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("dev"))
	observed := map[resource.Name]resource.ObservedComposed{}
	first := run(t, f, newRequest(t, xr, nil))
	for name, d := range desiredOf(t, first) {
		observed[name] = resource.ObservedComposed{Resource: d.Resource}
		break
	}
	req := newRequest(t, xr, observed)
	withPlatforms(t, req, platformXR("older", "2020-01-01T00:00:00Z", "dev", "", "", ""))
	rsp := run(t, f, req)
	if msg := fatalOf(rsp); msg != "" {
		t.Fatalf("a platform with composed resources was refused: %s", msg)
	}
	if _, ok := rsp.GetRequirements().GetResources()[RequirementPlatforms]; ok {
		t.Errorf("a platform with composed resources still asks for every XPayNextPlatform")
	}
}
