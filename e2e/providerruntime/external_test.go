package providerruntime

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpresource "github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	ec2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/ec2/v1beta1"

	"github.com/paynext/platform/internal/provider"
)

// testManager is the part of a manager the managed reconciler uses.
type testManager struct {
	manager.Manager
	c client.Client
	s *runtime.Scheme
}

func (m testManager) GetClient() client.Client   { return m.c }
func (m testManager) GetScheme() *runtime.Scheme { return m.s }
func (m testManager) GetEventRecorderFor(string) record.EventRecorder {
	return record.NewFakeRecorder(100)
}

func vpc(name string, mutate ...func(*ec2v1beta1.VPC)) *ec2v1beta1.VPC {
	v := &ec2v1beta1.VPC{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, UID: types.UID(name + "-uid"),
			Labels:      map[string]string{labelComposite: "xr-1", labelClaimNamespace: "payments", labelClaimName: "dev"},
			Annotations: map[string]string{annotationCompositionResource: "network-vpc"},
		},
		// The CRD's defaults, which the API server would apply.
		Spec: ec2v1beta1.VPCSpec{ResourceSpec: xpv1.ResourceSpec{DeletionPolicy: xpv1.DeletionDelete, ManagementPolicies: xpv1.ManagementPolicies{"*"}}, ForProvider: ec2v1beta1.VPCParameters_2{Region: ptr.To("us-west-2"), CidrBlock: ptr.To("10.0.0.0/16")}},
	}
	for _, m := range mutate {
		m(v)
	}
	return v
}

// world is one managed resource kind's reconciler on a fake API server.
type world struct {
	t   *testing.T
	c   client.Client
	aws *AWS
	r   *managed.Reconciler
}

func newWorld(t *testing.T, objs ...client.Object) *world {
	t.Helper()
	if err := provider.RegisterResolvers(); err != nil {
		t.Fatal(err)
	}
	s := runtime.NewScheme()
	if err := provider.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).WithStatusSubresource(objs...).Build()
	aws := NewAWS(&Journal{})
	m := testManager{c: c, s: s}
	gvk := ec2v1beta1.VPC_GroupVersionKind
	mg := &ec2v1beta1.VPC{}
	r := managed.NewReconciler(m, xpresource.ManagedKind(gvk), reconcilerOptions(m, gvk, mg, aws, Options{PollInterval: 600e9, MaxReconcileRate: 10, Logger: funcr.New(func(p, a string) { t.Log(p, a) }, funcr.Options{Verbosity: 1})}, "test")...)
	return &world{t: t, c: c, aws: aws, r: r}
}

// reconcile runs n reconciles of the VPC, as requeues would.
func (w *world) reconcile(name string, n int) {
	w.t.Helper()
	for range n {
		if _, err := w.r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: name}}); err != nil {
			w.t.Logf("reconcile: %v", err)
		}
	}
}

func (w *world) get(name string) *ec2v1beta1.VPC {
	w.t.Helper()
	v := &ec2v1beta1.VPC{}
	if err := w.c.Get(context.Background(), types.NamespacedName{Name: name}, v); err != nil {
		w.t.Fatalf("cannot get VPC %s: %v", name, err)
	}
	return v
}

func (w *world) operations() []string {
	var out []string
	for _, e := range w.aws.journal.Since(0, nil) {
		out = append(out, string(e.Operation)+" "+e.Kind+" "+e.Resource+" "+e.ExternalName)
	}
	return out
}

// The managed reconciler with the fake external client creates the VPC once,
// learns the ID AWS assigned as its external name, reports what AWS reports
// in status.atProvider, and is then Ready and Synced with nothing more done.
func TestCreateThenObserve(t *testing.T) {
	w := newWorld(t, vpc("v"))
	w.reconcile("v", 4)
	got := w.get("v")
	id := meta.GetExternalName(got)
	if !strings.HasPrefix(id, "vpc-") {
		t.Fatalf("want the external name AWS assigns on create (vpc-…), got %q", id)
	}
	if diff := cmp.Diff([]string{"create ec2.aws.upbound.io/VPC network-vpc " + id}, w.operations()); diff != "" {
		t.Errorf("want exactly one external create (-want +got):\n%s", diff)
	}
	if got.Status.AtProvider.ID == nil || *got.Status.AtProvider.ID != id {
		t.Errorf("want status.atProvider.id %q as AWS reports it, got %v", id, got.Status.AtProvider.ID)
	}
	for _, c := range []xpv1.Condition{got.GetCondition(xpv1.TypeReady), got.GetCondition(xpv1.TypeSynced)} {
		if c.Status != "True" {
			t.Errorf("want %s True, got %s: %s", c.Type, c.Status, c.Message)
		}
	}
	// upjet's tagger adds the crossplane-* tags before the create.
	if got.Spec.ForProvider.Tags["crossplane-kind"] == nil {
		t.Errorf("want the provider's crossplane-kind tag on spec.forProvider.tags, got %v", got.Spec.ForProvider.Tags)
	}
}

// A spec change is an external update; an unchanged spec is none.
func TestSpecChangeUpdates(t *testing.T) {
	w := newWorld(t, vpc("v"))
	w.reconcile("v", 4)
	v := w.get("v")
	v.Spec.ForProvider.EnableDNSHostnames = ptr.To(true)
	if err := w.c.Update(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	w.reconcile("v", 3)
	id := meta.GetExternalName(v)
	want := []string{"create ec2.aws.upbound.io/VPC network-vpc " + id, "update ec2.aws.upbound.io/VPC network-vpc " + id}
	if diff := cmp.Diff(want, w.operations()); diff != "" {
		t.Errorf("want one create and one update (-want +got):\n%s", diff)
	}
}

// A change only to fields Terraform never sees (a selector, tf:"-") is no
// external update: the provider's Terraform plan would show no change.
func TestSelectorOnlyChangeIsNoUpdate(t *testing.T) {
	w := newWorld(t, vpc("v"))
	w.reconcile("v", 4)
	v := w.get("v")
	// Optional, so matching nothing is no error and leaves the ID empty.
	v.Spec.ForProvider.IPv4IpamPoolIDSelector = &xpv1.Selector{
		MatchLabels: map[string]string{"nothing": "matches"},
		Policy:      &xpv1.Policy{Resolution: ptr.To(xpv1.ResolutionPolicyOptional)},
	}
	if err := w.c.Update(context.Background(), v); err != nil {
		t.Fatal(err)
	}
	w.reconcile("v", 3)
	id := meta.GetExternalName(v)
	if diff := cmp.Diff([]string{"create ec2.aws.upbound.io/VPC network-vpc " + id}, w.operations()); diff != "" {
		t.Errorf("want the create only: a selector is not a Terraform attribute (-want +got):\n%s", diff)
	}
}

// Deletion follows crossplane-runtime's management policy resolver: the
// external resource goes only when deletionPolicy and managementPolicies
// both allow it; the finalizer goes either way.
func TestDeletionAndManagementPolicies(t *testing.T) {
	cases := []struct {
		name           string
		deletionPolicy xpv1.DeletionPolicy
		policies       xpv1.ManagementPolicies
		wantDelete     bool
	}{
		{"defaults delete", "", nil, true},
		{"Orphan with the default policies orphans", xpv1.DeletionOrphan, nil, false},
		{"Orphan with an explicit Delete policy deletes", xpv1.DeletionOrphan, xpv1.ManagementPolicies{"Observe", "Create", "Update", "Delete", "LateInitialize"}, true},
		{"Delete without a Delete policy orphans", xpv1.DeletionDelete, xpv1.ManagementPolicies{"Observe", "Create", "Update", "LateInitialize"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, vpc("v", func(v *ec2v1beta1.VPC) {
				if tc.deletionPolicy != "" {
					v.Spec.DeletionPolicy = tc.deletionPolicy
				}
				if tc.policies != nil {
					v.Spec.ManagementPolicies = tc.policies
				}
			}))
			w.reconcile("v", 4)
			// Deleted well after its create: within the creation grace
			// period (30 s) the reconciler would wait for AWS to show it.
			v := w.get("v")
			meta.SetExternalCreatePending(v, time.Now().Add(-2*time.Minute))
			meta.SetExternalCreateSucceeded(v, time.Now().Add(-time.Minute))
			if err := w.c.Update(context.Background(), v); err != nil {
				t.Fatal(err)
			}
			if err := w.c.Delete(context.Background(), v); err != nil {
				t.Fatal(err)
			}
			w.reconcile("v", 3)
			deleted := false
			for _, e := range w.aws.journal.Since(0, nil) {
				deleted = deleted || e.Operation == Delete
			}
			if deleted != tc.wantDelete {
				t.Errorf("deletionPolicy %q, managementPolicies %v: want external delete %v, got journal %v", tc.deletionPolicy, tc.policies, tc.wantDelete, w.operations())
			}
			if err := w.c.Get(context.Background(), types.NamespacedName{Name: "v"}, &ec2v1beta1.VPC{}); err == nil {
				t.Errorf("the VPC kept its finalizer after the delete")
			}
		})
	}
}

// Observe-only resources are imported, never created: one that does not
// exist in AWS stays Synced=False saying so.
func TestObserveOnlyNeverCreates(t *testing.T) {
	w := newWorld(t, vpc("v", func(v *ec2v1beta1.VPC) {
		v.Spec.ManagementPolicies = xpv1.ManagementPolicies{"Observe"}
		meta.SetExternalName(v, "vpc-0123456789abcdef0")
	}))
	w.reconcile("v", 3)
	if ops := w.operations(); len(ops) != 0 {
		t.Errorf("want no external operation on an observe-only resource, got %v", ops)
	}
	if c := w.get("v").GetCondition(xpv1.TypeSynced); c.Status != "False" || !strings.Contains(c.Message, "external resource does not exist") {
		t.Errorf("want Synced=False naming the missing external resource, got %s: %s", c.Status, c.Message)
	}
}

// Injected errors surface as the provider surfaces AWS errors, on Synced,
// and change nothing in AWS; the same seed fails the same calls.
func TestFaultsSurfaceOnSynced(t *testing.T) {
	w := newWorld(t, vpc("v"))
	w.aws.SetFaults(Faults{Rate: 1, Seed: 7})
	w.reconcile("v", 2)
	if ops := w.operations(); len(ops) != 0 {
		t.Errorf("want no external operation while every call is throttled, got %v", ops)
	}
	c := w.get("v").GetCondition(xpv1.TypeSynced)
	if c.Status != "False" || !strings.Contains(c.Message, "observe failed: operation error EC2: DescribeVPC, https response error StatusCode: 400") || !strings.Contains(c.Message, "api error ThrottlingException: Rate exceeded") {
		t.Errorf("want Synced=False with the throttling error, got %s: %s", c.Status, c.Message)
	}
	if n := len(w.aws.Injected()); n != 2 {
		t.Errorf("want 2 injected faults (one per reconcile), got %d", n)
	}

	draws := func(seed uint64) []bool {
		a := NewAWS(&Journal{})
		a.SetFaults(Faults{Rate: 0.3, Seed: seed})
		var out []bool
		for i := range 40 {
			out = append(out, a.fault(subject{kind: "ec2.aws.upbound.io/VPC", resource: "r" + string(rune('a'+i%5)), claim: "payments/prod"}, "observe", Throttling) != nil)
		}
		return out
	}
	if diff := cmp.Diff(draws(1), draws(1)); diff != "" {
		t.Errorf("the same seed failed different calls:\n%s", diff)
	}
	if cmp.Equal(draws(1), draws(2)) {
		t.Errorf("seeds 1 and 2 failed the same 40 calls: the seed is not used")
	}
}

// A resource that AWS does not yet show right after its create is not
// created again: the reconciler waits out its creation grace period.
func TestNotFoundAfterCreateIsNotRecreated(t *testing.T) {
	w := newWorld(t, vpc("v"))
	w.aws.SetFaults(Faults{Rate: 1, Seed: 1})
	w.reconcile("v", 1) // Throttled observe.
	w.aws.SetFaults(Faults{})
	w.reconcile("v", 2) // Create.
	id := externalID{composite: "xr-1", kind: "ec2.aws.upbound.io/VPC", region: "us-west-2", name: meta.GetExternalName(w.get("v"))}
	w.aws.unseen[id] = time.Now()
	w.reconcile("v", 3)
	creates := 0
	for _, e := range w.aws.journal.Since(0, nil) {
		if e.Operation == Create {
			creates++
		}
	}
	if creates != 1 {
		t.Errorf("want one external create despite NotFound after it, got %v", w.operations())
	}
	if c := w.get("v").GetCondition(xpv1.TypeReady); c.Status != "True" {
		t.Errorf("want Ready once AWS shows the VPC, got %s: %s", c.Status, c.Message)
	}
}

// AWS resources are regional: two resources of a kind under one name in two
// regions (a KMS alias and its DR twin) are two external resources.
func TestSameNameInTwoRegionsIsTwoResources(t *testing.T) {
	w := newWorld(t, vpc("primary"), vpc("dr", func(v *ec2v1beta1.VPC) { v.Spec.ForProvider.Region = ptr.To("us-east-1") }))
	w.reconcile("primary", 2)
	w.reconcile("dr", 2)
	if a, b := meta.GetExternalName(w.get("primary")), meta.GetExternalName(w.get("dr")); a != b {
		t.Fatalf("the test wants one external name in two regions, got %q and %q", a, b)
	}
	if n := len(w.aws.resources); n != 2 {
		t.Errorf("want AWS to hold one VPC per region, it holds %d (operations %v)", n, w.operations())
	}
}
