package main

import (
	"maps"
	"slices"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/paynext/platform/apis/platform/v1alpha1/invalidspec"
	"github.com/paynext/platform/functions/platform/internal/network"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/security"
	"github.com/paynext/platform/internal/fakeaws"
)

// spec returns the spec map of an XR for in-place edits.
func spec(xr map[string]any) map[string]any { return xr["spec"].(map[string]any) }

func TestRunFunctionRejectsBadInputNamingTheField(t *testing.T) {
	cases, err := invalidspec.Cases()
	if err != nil {
		t.Fatal(err)
	}
	f := newTestFunction(t)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			xr := readXR(t, exampleXR("prod"))
			tc.Apply(spec(xr))
			rsp := run(t, f, newRequest(t, xr, nil))
			msg := fatalOf(rsp)
			if msg == "" {
				t.Fatalf("want a Fatal result naming %s, got none", tc.FieldForFunction())
			}
			if !strings.Contains(msg, tc.FieldForFunction()+":") {
				t.Errorf("want the Fatal message to name %s, got: %s", tc.FieldForFunction(), msg)
			}
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("want no desired resources with a Fatal result (Crossplane would delete the rest), got %d", n)
			}
		})
	}
}

func net(s map[string]any) map[string]any { return sub(s, "network") }

func sub(s map[string]any, k string) map[string]any {
	if _, ok := s[k]; !ok {
		s[k] = map[string]any{}
	}
	return s[k].(map[string]any)
}

func TestRenderIsDeterministic(t *testing.T) {
	f := newTestFunction(t)
	for _, env := range examples {
		t.Run(env, func(t *testing.T) {
			req := converged(t, f, readXR(t, exampleXR(env)))
			a, _ := proto.MarshalOptions{Deterministic: true}.Marshal(run(t, f, req))
			b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(run(t, f, req))
			if string(a) != string(b) {
				t.Error("two renders of the same request must be byte-identical")
			}
		})
	}
}

func TestZoneOrderChangesNothing(t *testing.T) {
	f := newTestFunction(t)
	for _, env := range examples {
		t.Run(env, func(t *testing.T) {
			xr := readXR(t, exampleXR(env))
			want := run(t, f, converged(t, f, xr))

			permuted := readXR(t, exampleXR(env))
			net(spec(permuted))["availabilityZones"] = []any{"us-west-2c", "us-west-2a", "us-west-2b"}
			req := converged(t, f, xr)
			req.Observed.Composite = newRequest(t, permuted, nil).Observed.Composite
			got := run(t, f, req)
			if diff := cmp.Diff(want.GetDesired(), got.GetDesired(), protocmp.Transform()); diff != "" {
				t.Errorf("reordering availabilityZones must not change any desired resource (-in order +permuted):\n%s", diff)
			}
		})
	}
}

func TestAccountDependentResourcesWaitForTheAccount(t *testing.T) {
	f := newTestFunction(t)
	accountKeys := []string{security.KeyLogsKMSKey, security.KeyLogsKMSAlias, network.KeyFlowLogGroup, network.KeyFlowLogRole, network.KeyFlowLog}

	t.Run("NotYetKnown", func(t *testing.T) {
		// Dev: staging and prod must name their account.
		rsp := run(t, f, newRequest(t, readXR(t, exampleXR("dev")), nil))
		d := desiredOf(t, rsp)
		for _, k := range accountKeys {
			if _, ok := d[resource.Name(k)]; ok {
				t.Errorf("%s names the account in a policy: it must wait until the account is known", k)
			}
		}
		if len(rsp.GetResults()) != 1 || rsp.GetResults()[0].GetSeverity() != fnv1.Severity_SEVERITY_NORMAL || !strings.Contains(rsp.GetResults()[0].GetMessage(), "spec.accountId") {
			t.Errorf("want one Normal result saying what waits for the account, got %v", rsp.GetResults())
		}
	})
	known := map[string]func(xr map[string]any) map[resource.Name]resource.ObservedComposed{
		"FromSpec": func(xr map[string]any) map[resource.Name]resource.ObservedComposed {
			spec(xr)["accountId"] = fakeaws.AccountID
			return nil
		},
		"FromStatus": func(xr map[string]any) map[resource.Name]resource.ObservedComposed {
			xr["status"] = map[string]any{"accountId": fakeaws.AccountID}
			return nil
		},
		"FromTheObservedVPC": func(xr map[string]any) map[resource.Name]resource.ObservedComposed {
			rsp := run(t, f, newRequest(t, xr, nil))
			vpc := desiredOf(t, rsp)[network.KeyVPC]
			return map[resource.Name]resource.ObservedComposed{network.KeyVPC: {Resource: fakeaws.ObserveOne(network.KeyVPC, vpc.Resource, "us-west-2")}}
		},
	}
	for name, setup := range known {
		t.Run(name, func(t *testing.T) {
			xr := readXR(t, exampleXR("dev"))
			observed := setup(xr)
			rsp := run(t, f, newRequest(t, xr, observed))
			d := desiredOf(t, rsp)
			for _, k := range accountKeys {
				if _, ok := d[resource.Name(k)]; !ok {
					t.Errorf("want %s rendered once the account is known", k)
				}
			}
			if got := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)["accountId"]; got != fakeaws.AccountID {
				t.Errorf("want status.accountId %s recorded, got %v", fakeaws.AccountID, got)
			}
		})
	}
}

func TestReadinessFollowsTheProvider(t *testing.T) {
	f := newTestFunction(t)
	xr := readXR(t, exampleXR("dev"))
	req := converged(t, f, xr)
	vpc := req.Observed.Resources[network.KeyVPC].GetResource().AsMap()
	vpc["status"].(map[string]any)["conditions"] = []any{map[string]any{"type": "Ready", "status": "False", "reason": "Creating"}}
	req.Observed.Resources[network.KeyVPC] = newRequest(t, vpc, nil).Observed.Composite
	delete(req.Observed.Resources, network.KeyInternetGateway)

	got := map[string]fnv1.Ready{}
	for k, r := range run(t, f, req).GetDesired().GetResources() {
		got[k] = r.GetReady()
	}
	want := map[string]fnv1.Ready{
		network.KeyVPC:             fnv1.Ready_READY_UNSPECIFIED,
		network.KeyInternetGateway: fnv1.Ready_READY_UNSPECIFIED,
		network.KeyS3Endpoint:      fnv1.Ready_READY_TRUE,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: want readiness %s (Ready=True observed → TRUE, else left unspecified, never FALSE), got %s", k, w, got[k])
		}
	}
	for k, r := range got {
		if r == fnv1.Ready_READY_FALSE {
			t.Errorf("%s is marked not ready: readiness must stay unspecified until the provider says Ready", k)
		}
	}
}

func TestStatusCarriesNetworkOutputs(t *testing.T) {
	f := newTestFunction(t)
	rsp := run(t, f, converged(t, f, readXR(t, exampleXR("staging"))))
	status := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	n := status["network"].(map[string]any)
	if !strings.HasPrefix(n["vpcId"].(string), "vpc-") {
		t.Errorf("want status.network.vpcId from the observed VPC, got %v", n["vpcId"])
	}
	for _, k := range []string{"publicSubnetIds", "privateSubnetIds", "databaseSubnetIds", "natGatewayIds"} {
		m, _ := n[k].(map[string]any)
		if got := slices.Sorted(maps.Keys(m)); !slices.Equal(got, []string{"us-west-2a", "us-west-2b", "us-west-2c"}) {
			t.Errorf("want status.network.%s keyed by every zone, got %v", k, got)
		}
	}
	if n["flowLogGroup"] != "/aws/paynext/staging/vpc-flow-logs" {
		t.Errorf("want status.network.flowLogGroup, got %v", n["flowLogGroup"])
	}
	keys, _ := status["security"].(map[string]any)["keys"].(map[string]any)
	logs, _ := keys["logs"].(map[string]any)
	if arn, _ := logs["arn"].(string); !strings.HasPrefix(arn, "arn:aws:kms:us-west-2:") || logs["alias"] != "alias/paynext/staging/logs" {
		t.Errorf("want status.security.keys.logs with the observed ARN and the alias, got %v", logs)
	}
	if dr, _ := keys["storage-dr"].(map[string]any); !strings.HasPrefix(dr["arn"].(string), "arn:aws:kms:us-east-1:") {
		t.Errorf("want the DR storage key in the DR region, got %v", dr)
	}
}

func TestEarlierStepsDesiredStateIsKept(t *testing.T) {
	f := newTestFunction(t)
	req := newRequest(t, readXR(t, exampleXR("dev")), nil)
	earlier := newRequest(t, map[string]any{"apiVersion": "example.org/v1", "kind": "Thing", "metadata": map[string]any{"name": "kept"}}, nil)
	req.Desired = &fnv1.State{Resources: map[string]*fnv1.Resource{"from-an-earlier-step": earlier.Observed.Composite}}
	if _, ok := run(t, f, req).GetDesired().GetResources()["from-an-earlier-step"]; !ok {
		t.Error("want the desired resources of earlier pipeline steps carried forward")
	}
}

func TestNATGatewaysFollowTheEnvironment(t *testing.T) {
	f := newTestFunction(t)
	for env, want := range map[string][]string{
		"dev":     {"nat-gateway-us-west-2a"},
		"staging": {"nat-gateway-us-west-2a", "nat-gateway-us-west-2b", "nat-gateway-us-west-2c"},
		"prod":    {"nat-gateway-us-west-2a", "nat-gateway-us-west-2b", "nat-gateway-us-west-2c"},
	} {
		t.Run(env, func(t *testing.T) {
			var got []string
			for name, r := range desiredOf(t, run(t, f, newRequest(t, readXR(t, exampleXR(env)), nil))) {
				if r.Resource.GetKind() == "NATGateway" {
					got = append(got, string(name))
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: want one shared NAT gateway in dev and one per zone elsewhere (-want +got):\n%s", env, diff)
			}
		})
	}
}

// TestEveryLogGroupIsEncryptedAndRetained: every log group of the platform is
// encrypted with the logs CMK and kept for the environment's retention.
func TestEveryLogGroupIsEncryptedAndRetained(t *testing.T) {
	f := newTestFunction(t)
	for env, days := range map[string]float64{"dev": 30, "staging": 365, "prod": 2557} {
		t.Run(env, func(t *testing.T) {
			xr := readXR(t, exampleXR(env))
			spec(xr)["accountId"] = fakeaws.AccountID
			groups := 0
			for name, r := range desiredOf(t, run(t, f, converged(t, f, xr))) {
				if r.Resource.GetKind() != "Group" || r.Resource.GroupVersionKind().Group != "cloudwatchlogs.aws.upbound.io" {
					continue
				}
				groups++
				fp := r.Resource.Object["spec"].(map[string]any)["forProvider"].(map[string]any)
				sel, _ := fp["kmsKeyIdSelector"].(map[string]any)
				if labels, _ := sel["matchLabels"].(map[string]any); labels[platform.LabelResource] != security.KeyLogsKMSKey {
					t.Errorf("%s: want encryption with the logs CMK, got kmsKeyIdSelector %v", name, sel)
				}
				if fp["retentionInDays"] != days {
					t.Errorf("%s: want %v days of retention in %s, got %v", name, days, env, fp["retentionInDays"])
				}
			}
			if groups < 2 {
				t.Errorf("want the flow-log and WAF log groups at least, found %d", groups)
			}
		})
	}
}

func TestConnectionSecretCarriesNoPassword(t *testing.T) {
	f := newTestFunction(t)
	rsp := run(t, f, converged(t, f, readXR(t, "testdata/claims/us-east-1-prod-six-zones.yaml")))
	got := rsp.GetDesired().GetComposite().GetConnectionDetails()
	want := []string{"clusterCA", "clusterEndpoint", "database", "endpoint", "masterSecretArn", "port", "proxyEndpoint", "readerEndpoint"}
	if diff := cmp.Diff(want, slices.Sorted(maps.Keys(got))); diff != "" {
		t.Errorf("the claim's connection secret must carry how to reach the database and the cluster (-want +got):\n%s", diff)
	}
	for k, v := range got {
		if strings.Contains(strings.ToLower(k), "password") || strings.Contains(strings.ToLower(string(v)), "password") {
			t.Errorf("connection detail %s must not carry a password", k)
		}
	}
}

func TestSingleZonePlatformWarnsItHasNoDatabase(t *testing.T) {
	f := newTestFunction(t)
	xr := asXR(t, readXR(t, "testdata/claims/ap-southeast-2-dev-minimal.yaml"))
	spec(xr)["accountId"] = fakeaws.AccountID
	rsp := run(t, f, newRequest(t, xr, nil))
	for name := range desiredOf(t, rsp) {
		if strings.HasPrefix(string(name), "aurora-") {
			t.Errorf("%s rendered: an RDS subnet group needs two zones", name)
		}
	}
	warned := false
	for _, r := range rsp.GetResults() {
		warned = warned || (r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING && strings.Contains(r.GetMessage(), "spec.network.availabilityZones"))
	}
	if !warned {
		t.Errorf("want a Warning naming spec.network.availabilityZones, got %v", rsp.GetResults())
	}
}

// TestUnreadableObservedResourceIsFatal: an observed resource the function
// cannot decode must stop the render, not look missing (what waits for it
// would drop out of the desired state and be deleted).
func TestUnreadableObservedResourceIsFatal(t *testing.T) {
	f := newTestFunction(t)
	req := converged(t, f, readXR(t, exampleXR("prod")))
	vpc := req.Observed.Resources[network.KeyVPC].GetResource().AsMap()
	vpc["status"].(map[string]any)["atProvider"].(map[string]any)["cidrBlock"] = map[string]any{"unexpected": "shape"}
	req.Observed.Resources[network.KeyVPC] = newRequest(t, vpc, nil).Observed.Composite
	rsp := run(t, f, req)
	if msg := fatalOf(rsp); !strings.Contains(msg, `"vpc"`) {
		t.Errorf("want a Fatal result naming the unreadable resource vpc, got %q", msg)
	}
	if n := len(rsp.GetDesired().GetResources()); n != 0 {
		t.Errorf("want no desired resources with a Fatal result, got %d", n)
	}
}
