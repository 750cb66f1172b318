package controlplane

import (
	"context"
	"path/filepath"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// ServiceAccountKubeconfig writes dir/<name>.kubeconfig, which authenticates
// as the service account namespace/name with a token the API server issues
// for it (a TokenRequest, as the kubelet gets a pod's projected token). The
// component then has exactly the RBAC bound to that service account.
func (k *Kubernetes) ServiceAccountKubeconfig(ctx context.Context, c client.Client, namespace, name, dir string) (string, error) {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}
	tr := &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](12 * 3600)}}
	if err := c.SubResource("token").Create(ctx, sa, tr); err != nil {
		return "", errors.Wrapf(err, "cannot request a token for service account %s/%s", namespace, name)
	}
	user := "system:serviceaccount:" + namespace + ":" + name
	kc := clientcmdapi.NewConfig()
	kc.Clusters["e2e"] = &clientcmdapi.Cluster{Server: k.Host, CertificateAuthorityData: k.Config.CAData}
	kc.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	kc.Contexts["e2e"] = &clientcmdapi.Context{Cluster: "e2e", AuthInfo: user}
	kc.CurrentContext = "e2e"
	path := filepath.Join(dir, name+".kubeconfig")
	return path, errors.Wrapf(clientcmd.WriteToFile(*kc, path), "cannot write the kubeconfig of %s", user)
}
