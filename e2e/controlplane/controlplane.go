// Package controlplane runs a real Kubernetes control plane and Crossplane as
// local processes on 127.0.0.1, for the end-to-end suite: etcd,
// kube-apiserver, kube-controller-manager (garbage collector and namespace
// controllers, which cascade deletes, and ClusterRole aggregation),
// Crossplane core with the External package runtime and its webhooks, the
// RBAC manager, each as the service account its Helm chart gives it, and the
// platform function serving mTLS.
package controlplane

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Kubernetes is a running etcd, kube-apiserver and kube-controller-manager.
type Kubernetes struct {
	Kubeconfig string
	Config     *rest.Config
	Host       string
	// EtcdURL is etcd's client URL, which also serves its /metrics.
	EtcdURL string

	etcd, apiServer, controllerManager *Process
	// readyz checks the API server's /readyz as the administrator.
	readyz func() error
}

// StartKubernetes starts the control plane from the binaries in binDir with
// its state under dir and returns once the API server is ready.
func StartKubernetes(ctx context.Context, ps *Processes, binDir, dir string) (*Kubernetes, error) {
	pki := filepath.Join(dir, "pki")
	ca, err := NewCA("paynext-e2e-kubernetes-ca")
	if err != nil {
		return nil, err
	}
	if err := ca.IssueServing(pki, "kube-apiserver"); err != nil {
		return nil, err
	}
	if err := writeServiceAccountKeys(pki); err != nil {
		return nil, err
	}
	token := "paynext-e2e-" + strconv.FormatInt(serial().Int64(), 36)
	// One administrator, in system:masters, as a static token: the suite,
	// the fake provider and kube-controller-manager act as it. Crossplane
	// and its RBAC manager act as their own service accounts (see
	// StartCrossplane).
	if err := writeFiles(pki, map[string][]byte{"tokens.csv": []byte(token + ",e2e-admin,e2e-admin,system:masters\n")}); err != nil {
		return nil, err
	}

	ports, err := FreePorts(4)
	if err != nil {
		return nil, err
	}
	etcdClient, etcdPeer, apiPort, kcmPort := ports[0], ports[1], ports[2], ports[3]
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdClient)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPeer)
	etcd, err := ps.Start("etcd", nil, filepath.Join(binDir, "etcd"),
		"--name=e2e", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=e2e="+peerURL, "--listen-metrics-urls=",
		"--unsafe-no-fsync", "--quota-backend-bytes=8589934592", "--log-level=warn")
	if err != nil {
		return nil, err
	}
	if err := WaitFor("etcd healthy", etcd, time.Minute, httpOK(http.DefaultClient, etcdURL+"/health", "")); err != nil {
		return nil, err
	}

	host := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	api, err := ps.Start("kube-apiserver", nil, filepath.Join(binDir, "kube-apiserver"),
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port="+strconv.Itoa(apiPort),
		"--tls-cert-file="+filepath.Join(pki, "tls.crt"), "--tls-private-key-file="+filepath.Join(pki, "tls.key"),
		"--client-ca-file="+filepath.Join(pki, "ca.crt"),
		"--token-auth-file="+filepath.Join(pki, "tokens.csv"),
		"--authorization-mode=RBAC",
		// Webhooks are called at their Service's endpoints, not its cluster
		// IP: nothing routes cluster IPs here (see createWebhookEndpoints).
		"--enable-aggregator-routing=true",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+filepath.Join(pki, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(pki, "sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--enable-priority-and-fairness=false",
		// Nothing here runs pods: no need for the admission that injects tokens.
		"--disable-admission-plugins=ServiceAccount",
		"--max-requests-inflight=1000", "--max-mutating-requests-inflight=500")
	if err != nil {
		return nil, err
	}

	cfg := &rest.Config{
		Host:            host,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: ca.CertPEM},
		QPS:             200,
		Burst:           400,
	}
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, errors.Wrap(err, "cannot build API server client")
	}
	k := &Kubernetes{Config: cfg, Host: host, EtcdURL: etcdURL, etcd: etcd, apiServer: api, readyz: httpOK(client, host+"/readyz", token)}
	if err := k.waitAPIServer(); err != nil {
		return nil, err
	}

	kubeconfig := filepath.Join(dir, "kubeconfig")
	k.Kubeconfig = kubeconfig
	kc := clientcmdapi.NewConfig()
	kc.Clusters["e2e"] = &clientcmdapi.Cluster{Server: host, CertificateAuthorityData: ca.CertPEM}
	kc.AuthInfos["e2e-admin"] = &clientcmdapi.AuthInfo{Token: token}
	kc.Contexts["e2e"] = &clientcmdapi.Context{Cluster: "e2e", AuthInfo: "e2e-admin"}
	kc.CurrentContext = "e2e"
	if err := clientcmd.WriteToFile(*kc, kubeconfig); err != nil {
		return nil, errors.Wrap(err, "cannot write kubeconfig")
	}

	if k.controllerManager, err = ps.Start("kube-controller-manager", nil, filepath.Join(binDir, "kube-controller-manager"),
		"--kubeconfig="+kubeconfig,
		"--authentication-kubeconfig="+kubeconfig, "--authorization-kubeconfig="+kubeconfig,
		// The aggregation controller fills Crossplane's aggregated ClusterRoles
		// (the chart's crossplane role, the RBAC manager's per-XRD roles).
		"--controllers=garbage-collector-controller,namespace-controller,clusterrole-aggregation-controller",
		"--leader-elect=false", "--use-service-account-credentials=false",
		"--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(kcmPort),
		"--concurrent-gc-syncs=50"); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *Kubernetes) waitAPIServer() error {
	return WaitFor("kube-apiserver ready", k.apiServer, 2*time.Minute, k.readyz)
}

// KillAPIServer crashes kube-apiserver (SIGKILL). etcd keeps running with
// every object; every client sees its connections drop.
func (k *Kubernetes) KillAPIServer() error { return k.apiServer.Kill() }

// RestartAPIServer starts kube-apiserver again with the same flags, port,
// certificates and token file, on the same etcd, and returns once it is
// ready (/readyz: etcd reached, its informers and post-start hooks done).
func (k *Kubernetes) RestartAPIServer() error {
	p, err := k.apiServer.Restart()
	if err != nil {
		return err
	}
	k.apiServer = p
	return k.waitAPIServer()
}

// Running fails naming any of etcd, kube-apiserver and
// kube-controller-manager that has ended.
func (k *Kubernetes) Running() error { return running(k.etcd, k.apiServer, k.controllerManager) }

// httpOK checks that GET url answers 200.
func httpOK(c *http.Client, url, token string) func() error {
	return func() error {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rsp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer rsp.Body.Close() //nolint:errcheck // Read-only.
		body, _ := io.ReadAll(io.LimitReader(rsp.Body, 4096))
		if rsp.StatusCode != http.StatusOK {
			return errors.Errorf("GET %s: %d %s", url, rsp.StatusCode, body)
		}
		return nil
	}
}

// Env is the environment a component needs to reach the API server.
func (k *Kubernetes) Env() []string { return []string{"KUBECONFIG=" + k.Kubeconfig} }

// LogDir is where components' logs go under a work directory.
func LogDir(dir string) string { return filepath.Join(dir, "logs") }

// CleanDir recreates dir empty.
func CleanDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return errors.Wrapf(err, "cannot clear %s", dir)
	}
	return errors.Wrapf(os.MkdirAll(dir, 0o755), "cannot create %s", dir)
}
