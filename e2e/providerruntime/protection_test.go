package providerruntime

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	xpv1 "github.com/crossplane/crossplane-runtime/v2/apis/common/v1"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	xpresource "github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	eksv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/eks/v1beta1"
	elbv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/elbv2/v1beta1"
	rdsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/rds/v1beta1"

	"github.com/paynext/platform/internal/provider"
)

// kindWorld is the managed reconciler of one kind on a fake API server.
type kindWorld struct {
	t   *testing.T
	c   client.Client
	aws *AWS
	r   *managed.Reconciler
	gvk schema.GroupVersionKind
}

func newKindWorld(t *testing.T, gvk schema.GroupVersionKind, obj xpresource.Managed) *kindWorld {
	t.Helper()
	if err := provider.RegisterResolvers(); err != nil {
		t.Fatal(err)
	}
	s := runtime.NewScheme()
	if err := provider.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(s).WithObjects(obj).WithStatusSubresource(obj).Build()
	aws := NewAWS(&Journal{})
	m := testManager{c: c, s: s}
	empty, err := s.New(gvk)
	if err != nil {
		t.Fatal(err)
	}
	r := managed.NewReconciler(m, xpresource.ManagedKind(gvk), reconcilerOptions(m, gvk, empty.(xpresource.Managed), aws,
		Options{PollInterval: 600e9, MaxReconcileRate: 10, Logger: funcr.New(func(p, a string) { t.Log(p, a) }, funcr.Options{Verbosity: 1})}, "test")...)
	return &kindWorld{t: t, c: c, aws: aws, r: r, gvk: gvk}
}

func (w *kindWorld) reconcile(name string, n int) {
	w.t.Helper()
	for range n {
		if _, err := w.r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Name: name}}); err != nil {
			w.t.Logf("reconcile: %v", err)
		}
	}
}

// get reads the managed resource; nil once it is gone from the API server.
func (w *kindWorld) get(name string) xpresource.Managed {
	w.t.Helper()
	o, err := w.c.Scheme().New(w.gvk)
	if err != nil {
		w.t.Fatal(err)
	}
	mg := o.(xpresource.Managed)
	if err := w.c.Get(context.Background(), types.NamespacedName{Name: name}, mg); err != nil {
		return nil
	}
	return mg
}

func (w *kindWorld) deletes() int {
	n := 0
	for _, e := range w.aws.journal.Since(0, nil) {
		if e.Operation == Delete {
			n++
		}
	}
	return n
}

func protectedMeta(name, resource string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name: name, UID: types.UID(name + "-uid"),
		Labels:      map[string]string{labelComposite: "xr-1", labelClaimNamespace: "payments", labelClaimName: "prod"},
		Annotations: map[string]string{annotationCompositionResource: resource},
	}
}

// The CRD's defaults, which the API server would apply.
var defaults = xpv1.ResourceSpec{DeletionPolicy: xpv1.DeletionDelete, ManagementPolicies: xpv1.ManagementPolicies{"*"}}

// TestAWSRefusesToDeleteAProtectedResource: deleting an Aurora cluster, an
// EKS cluster or a load balancer whose deletion protection is on fails with
// the error AWS answers (RDS InvalidParameterCombination, EKS
// InvalidRequestException, ELB OperationNotPermitted): the managed resource
// keeps its finalizer, Synced=False says why, and nothing is deleted in AWS,
// reconcile after reconcile, even once the managed resource asks for the
// protection off (a resource being deleted is not updated). Orphaned, it
// goes from the API server and stays in AWS; unprotected, it is deleted.
func TestAWSRefusesToDeleteAProtectedResource(t *testing.T) {
	cases := []struct {
		name    string
		gvk     schema.GroupVersionKind
		obj     func(protected bool) xpresource.Managed
		unset   func(xpresource.Managed)
		wantErr string
	}{{
		name: "aurora cluster", gvk: rdsv1beta1.Cluster_GroupVersionKind,
		obj: func(on bool) xpresource.Managed {
			return &rdsv1beta1.Cluster{ObjectMeta: protectedMeta("aurora", "aurora-cluster"), Spec: rdsv1beta1.ClusterSpec{ResourceSpec: defaults,
				ForProvider: rdsv1beta1.ClusterParameters{Region: ptr.To("us-west-2"), Engine: ptr.To("aurora-postgresql"), DeletionProtection: ptr.To(on)}}}
		},
		unset: func(mg xpresource.Managed) {
			mg.(*rdsv1beta1.Cluster).Spec.ForProvider.DeletionProtection = ptr.To(false)
		},
		wantErr: "operation error RDS: DeleteDBCluster, https response error StatusCode: 400, RequestID: ",
	}, {
		name: "EKS cluster", gvk: eksv1beta1.Cluster_GroupVersionKind,
		obj: func(on bool) xpresource.Managed {
			return &eksv1beta1.Cluster{ObjectMeta: protectedMeta("eks", "eks-cluster"), Spec: eksv1beta1.ClusterSpec{ResourceSpec: defaults,
				ForProvider: eksv1beta1.ClusterParameters{Region: ptr.To("us-west-2"), DeletionProtection: ptr.To(on)}}}
		},
		unset: func(mg xpresource.Managed) {
			mg.(*eksv1beta1.Cluster).Spec.ForProvider.DeletionProtection = ptr.To(false)
		},
		wantErr: "operation error EKS: DeleteCluster, https response error StatusCode: 400, RequestID: ",
	}, {
		name: "load balancer", gvk: elbv2v1beta1.LB_GroupVersionKind,
		obj: func(on bool) xpresource.Managed {
			return &elbv2v1beta1.LB{ObjectMeta: protectedMeta("alb", "alb"), Spec: elbv2v1beta1.LBSpec{ResourceSpec: defaults,
				ForProvider: elbv2v1beta1.LBParameters{Region: ptr.To("us-west-2"), Name: ptr.To("paynext-prod-alb"), EnableDeletionProtection: ptr.To(on)}}}
		},
		unset: func(mg xpresource.Managed) {
			mg.(*elbv2v1beta1.LB).Spec.ForProvider.EnableDeletionProtection = ptr.To(false)
		},
		wantErr: "operation error Elastic Load Balancing v2: DeleteLoadBalancer, https response error StatusCode: 400, RequestID: ",
	}}
	apiError := map[string]string{
		"aurora cluster": "api error InvalidParameterCombination: Cannot delete protected Cluster, please disable deletion protection and try again.",
		"EKS cluster":    "api error InvalidRequestException: ",
		"load balancer":  "api error OperationNotPermitted: Load balancer 'arn:",
	}
	for _, tc := range cases {
		// created makes the resource exist in AWS and marks its create long
		// past (within the creation grace period the reconciler would wait
		// for AWS to show it), then deletes it.
		created := func(t *testing.T, protected bool, policy xpv1.DeletionPolicy) (*kindWorld, string) {
			mg := tc.obj(protected)
			w := newKindWorld(t, tc.gvk, mg)
			name := mg.GetName()
			w.reconcile(name, 4)
			live := w.get(name)
			if c := live.GetCondition(xpv1.TypeReady); c.Status != "True" {
				t.Fatalf("want the %s created and Ready first, got %s: %s", tc.name, c.Status, c.Message)
			}
			meta.SetExternalCreatePending(live, time.Now().Add(-2*time.Minute))
			meta.SetExternalCreateSucceeded(live, time.Now().Add(-time.Minute))
			live.(interface{ SetDeletionPolicy(xpv1.DeletionPolicy) }).SetDeletionPolicy(policy)
			if err := w.c.Update(context.Background(), live); err != nil {
				t.Fatal(err)
			}
			if err := w.c.Delete(context.Background(), live); err != nil {
				t.Fatal(err)
			}
			return w, name
		}
		t.Run(tc.name+" protected, Delete", func(t *testing.T) {
			w, name := created(t, true, xpv1.DeletionDelete)
			w.reconcile(name, 3)
			live := w.get(name)
			if live == nil {
				t.Fatalf("the protected %s left the API server: AWS refuses its delete", tc.name)
			}
			c := live.GetCondition(xpv1.TypeSynced)
			if c.Status != "False" || !strings.Contains(c.Message, tc.wantErr) || !strings.Contains(c.Message, apiError[tc.name]) {
				t.Errorf("want Synced=False with AWS's refusal (%q … %q), got %s: %s", tc.wantErr, apiError[tc.name], c.Status, c.Message)
			}
			if n := w.deletes(); n != 0 {
				t.Errorf("want no external delete of a protected %s, got %d", tc.name, n)
			}
			// Asking for the protection off now changes nothing: the
			// reconciler of a resource being deleted only retries the delete.
			tc.unset(live)
			if err := w.c.Update(context.Background(), live); err != nil {
				t.Fatal(err)
			}
			w.reconcile(name, 2)
			if w.get(name) == nil || w.deletes() != 0 {
				t.Errorf("the %s went once its spec asked for the protection off; AWS still holds it protected", tc.name)
			}
		})
		t.Run(tc.name+" protected, Orphan", func(t *testing.T) {
			w, name := created(t, true, xpv1.DeletionOrphan)
			w.reconcile(name, 3)
			if w.get(name) != nil {
				t.Errorf("the orphaned %s kept its finalizer", tc.name)
			}
			if n := w.deletes(); n != 0 {
				t.Errorf("want no external delete of an orphaned %s, got %d", tc.name, n)
			}
		})
		t.Run(tc.name+" unprotected, Delete", func(t *testing.T) {
			w, name := created(t, false, xpv1.DeletionDelete)
			w.reconcile(name, 3)
			if w.get(name) != nil || w.deletes() != 1 {
				t.Errorf("want the unprotected %s deleted in AWS and gone, got %d deletes", tc.name, w.deletes())
			}
		})
	}
}
