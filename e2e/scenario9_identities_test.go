//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/paynext/platform/e2e/controlplane"
)

// TestUsageWebhookRejectsDeletingAnObjectInUse proves Crossplane's webhooks
// are live: the API server calls Crossplane's validating webhook (the only
// one v2.4.0 configures, nousages.protection.crossplane.io) and its
// rejection reaches the client. A Usage marks an object in use; Crossplane,
// as its own service account, labels the object; deleting it is then denied
// by the webhook naming the Usage's reason. Once the Usage is gone, the
// delete goes through.
func TestUsageWebhookRejectsDeletingAnObjectInUse(t *testing.T) {
	ctx := context.Background()
	const reason = "e2e: proves the usage webhook answers the API server"
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: controlplane.CrossplaneNamespace, Name: "webhook-proof"}}
	if err := env.c.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	usage := object("protection.crossplane.io/v1beta1", "Usage", controlplane.CrossplaneNamespace, "webhook-proof")
	usage.Object["spec"] = map[string]any{
		"of":     map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "resourceRef": map[string]any{"name": cm.GetName()}},
		"reason": reason,
	}
	if err := env.c.Create(ctx, usage); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "Crossplane labels the ConfigMap in use", func() error {
		got := &corev1.ConfigMap{}
		if err := env.c.Get(ctx, client.ObjectKeyFromObject(cm), got); err != nil {
			return err
		}
		if got.GetLabels()["crossplane.io/in-use"] != "true" {
			return errorf("labels are %v", got.GetLabels())
		}
		return nil
	})

	err := env.c.Delete(ctx, cm)
	if err == nil {
		t.Fatal("the API server deleted a ConfigMap a Usage protects: the webhook was not called")
	}
	// The API server words a webhook's denial this way; an unreachable
	// webhook reads "failed calling webhook" instead.
	for _, want := range []string{`admission webhook "nousages.protection.crossplane.io" denied the request`, "This resource is in-use by 1 usage(s)", reason} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the delete's error does not contain %q:\n%v", want, err)
		}
	}
	t.Logf("the webhook's rejection as the client got it: %v", err)

	if err := env.c.Delete(ctx, usage); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "the ConfigMap is deleted once its Usage is gone", func() error {
		if err := env.c.Delete(ctx, cm); err != nil && !kerrors.IsNotFound(err) {
			return err
		}
		return nil
	})
}

// TestCrossplaneIsNotASuperuser proves the identities are the chart's: the
// API server, asked as it authorizes requests (SubjectAccessReview), lets
// Crossplane's service account manage the XRs (through the role the RBAC
// manager made for the XRD), the claims and the provider-aws kinds it
// composes (through the stand-in provider role), and refuses it what the
// chart does not grant, which a superuser would have.
func TestCrossplaneIsNotASuperuser(t *testing.T) {
	ctx := context.Background()
	const user = "system:serviceaccount:" + controlplane.CrossplaneNamespace + ":crossplane"
	groups := []string{"system:serviceaccounts", "system:serviceaccounts:" + controlplane.CrossplaneNamespace, "system:authenticated"}
	cases := []struct {
		verb, group, resource, namespace string
		allowed                          bool
	}{
		{"update", "platform.paynext.io", "xpaynextplatforms", "", true},
		{"update", "platform.paynext.io", "paynextplatforms", claimNamespace, true},
		{"create", "ec2.aws.upbound.io", "vpcs", "", true},
		{"delete", "rds.aws.upbound.io", "clusters", "", true},
		{"create", "", "pods", "kube-system", false},
		{"delete", "", "namespaces", "", false},
		{"create", "rbac.authorization.k8s.io", "clusterrolebindings", "", false},
	}
	for _, tc := range cases {
		sar := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
			User: user, Groups: groups,
			ResourceAttributes: &authzv1.ResourceAttributes{Verb: tc.verb, Group: tc.group, Resource: tc.resource, Namespace: tc.namespace},
		}}
		if err := env.c.Create(ctx, sar); err != nil {
			t.Fatal(err)
		}
		if sar.Status.Allowed != tc.allowed {
			t.Errorf("Crossplane may %s %s.%s in %q: %t, want %t (%s)", tc.verb, tc.resource, tc.group, tc.namespace, sar.Status.Allowed, tc.allowed, sar.Status.Reason)
		}
	}
	xrdRole := &rbacv1.ClusterRole{}
	if err := env.c.Get(ctx, client.ObjectKey{Name: "crossplane:composite:xpaynextplatforms.platform.paynext.io:aggregate-to-crossplane"}, xrdRole); err != nil {
		t.Fatalf("the RBAC manager made no role for the XRD: %v", err)
	}
	if ref := metav1.GetControllerOf(xrdRole); ref == nil || ref.Kind != "CompositeResourceDefinition" {
		t.Errorf("the XRD's role is not controlled by the XRD: %v", xrdRole.GetOwnerReferences())
	}
}
