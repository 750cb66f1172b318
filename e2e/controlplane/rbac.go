package controlplane

import (
	"context"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// providerStandInRevision names the ProviderRevision the stand-in role is
// for. No ProviderRevision exists: provider packages cannot be pulled here, so
// the suite installs provider-aws's CRDs directly and the RBAC manager, which
// derives a provider's roles from its revision's CRDs, never creates them.
const providerStandInRevision = "provider-aws-crds-installed-directly"

// CreateProviderEditRole creates the one ClusterRole that stands in for the
// provider revisions: the "aggregate-to-edit" role Crossplane's RBAC manager
// renders for a ProviderRevision (internal/controller/rbac/provider/roles,
// RenderClusterRoles in Crossplane v2.4.0), over every CRD of the
// provider-aws family in the API server. Its aggregate-to-crossplane label
// is what lets Crossplane's service account compose these managed resources;
// without it every composed resource fails with a Forbidden error. The view
// and system roles the RBAC manager also renders are for users and for the
// provider's own service account, neither of which runs here.
func CreateProviderEditRole(ctx context.Context, c client.Client) error {
	crds := &extv1.CustomResourceDefinitionList{}
	if err := c.List(ctx, crds); err != nil {
		return errors.Wrap(err, "cannot list CRDs")
	}
	resources := map[string][]string{}
	var groups []string
	for _, crd := range crds.Items {
		g := crd.Spec.Group
		if g != "aws.upbound.io" && !strings.HasSuffix(g, ".aws.upbound.io") {
			continue
		}
		if _, ok := resources[g]; !ok {
			groups = append(groups, g)
		}
		resources[g] = append(resources[g], crd.Spec.Names.Plural, crd.Spec.Names.Plural+"/status")
	}
	if len(groups) == 0 {
		return errors.New("no provider-aws CRDs installed: nothing for Crossplane to compose")
	}
	sort.Strings(groups)
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{
			Name: "crossplane:provider:" + providerStandInRevision + ":aggregate-to-edit",
			Labels: map[string]string{
				"rbac.crossplane.io/aggregate-to-crossplane": "true",
				"rbac.crossplane.io/aggregate-to-admin":      "true",
				"rbac.crossplane.io/aggregate-to-edit":       "true",
			},
		},
	}
	for _, g := range groups {
		sort.Strings(resources[g])
		role.Rules = append(role.Rules, rbacv1.PolicyRule{APIGroups: []string{g}, Resources: resources[g], Verbs: []string{rbacv1.VerbAll}})
	}
	return errors.Wrapf(c.Create(ctx, role), "cannot create ClusterRole %s", role.GetName())
}
