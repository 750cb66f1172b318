package controlplane

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Names Crossplane's Helm chart gives its namespace, identities, webhook
// Service and the secrets `crossplane core init` fills.
const (
	CrossplaneNamespace   = "crossplane-system"
	crossplaneAccount     = "crossplane"
	rbacManagerAccount    = "rbac-manager"
	webhookService        = "crossplane-webhooks"
	webhookServicePort    = "9443"
	rootCASecret          = "crossplane-root-ca"
	serverTLSSecret       = "crossplane-tls-server"
	clientTLSSecret       = "crossplane-tls-client"
	allowedProviderPerms  = "crossplane:allowed-provider-permissions"
	rbacManagerMetricPort = 8080
)

// Crossplane is a running Crossplane core and RBAC manager.
type Crossplane struct {
	// RootCA signs the certificates of functions Crossplane calls.
	RootCA *CA
	// MetricsURL serves Crossplane's Prometheus metrics.
	MetricsURL string

	core, rbacManager *Process
	// readyz is core's readiness probe, which includes its webhook server.
	readyz func() error
}

func (x *Crossplane) waitCore() error {
	return WaitFor("Crossplane ready (webhook server started)", x.core, 2*time.Minute, x.readyz)
}

// KillCore crashes Crossplane core (SIGKILL), as an OOM kill of its pod's
// container would. The RBAC manager keeps running.
func (x *Crossplane) KillCore() error { return x.core.Kill() }

// RestartCore starts Crossplane core again as the kubelet restarts a
// crashed container: `core start` alone (init containers do not run again),
// with the same flags, service account token and certificates, its webhook
// server on the same port, so the webhook Service's EndpointSlice still
// reaches it. It returns once core is ready.
func (x *Crossplane) RestartCore() error {
	p, err := x.core.Restart()
	if err != nil {
		return err
	}
	x.core = p
	return x.waitCore()
}

// Running fails naming Crossplane core or the RBAC manager if it has ended.
func (x *Crossplane) Running() error { return running(x.core, x.rbacManager) }

// CrossplaneOptions are how core start runs beyond what the suite needs.
type CrossplaneOptions struct {
	// Quiet leaves out --debug, as production runs Crossplane: its debug
	// log costs CPU that a scale measurement should not count.
	Quiet bool
	// Args follow core start's own (make scale tries Crossplane's knobs
	// through them).
	Args []string
}

// StartCrossplane installs Crossplane as its Helm chart does and runs the
// chart's containers as processes, each with the identity the chart gives
// it: the chart's service accounts, ClusterRoles, bindings, webhook Service
// and secrets are applied; `core init` and `core start` run as service
// account crossplane, `rbac init` and `rbac start` as service account
// rbac-manager, each with a token the API server issued for it. Webhooks
// are on: the webhook Service's EndpointSlice points at core's webhook
// server on this machine, which the API server reaches with aggregator
// routing.
// crdsDir is Crossplane's cluster/crds; the chart and webhook configurations
// are its siblings in the Crossplane source.
func StartCrossplane(ctx context.Context, ps *Processes, k *Kubernetes, c client.Client, binDir, crdsDir, dir string, opts CrossplaneOptions) (*Crossplane, error) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: CrossplaneNamespace}}
	if err := c.Create(ctx, ns); err != nil {
		return nil, errors.Wrap(err, "cannot create the Crossplane namespace")
	}
	cluster := filepath.Dir(crdsDir)
	objs, err := RenderChart(filepath.Join(cluster, "charts", "crossplane"), CrossplaneNamespace)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if err := c.Create(ctx, o); err != nil {
			return nil, errors.Wrapf(err, "cannot create the chart's %s %s", o.GetKind(), o.GetName())
		}
	}
	if err := CreateProviderEditRole(ctx, c); err != nil {
		return nil, err
	}
	ports, err := FreePorts(3)
	if err != nil {
		return nil, err
	}
	metricsPort, probePort, webhookPort := ports[0], ports[1], ports[2]
	if err := createWebhookEndpoints(ctx, c, webhookPort); err != nil {
		return nil, err
	}

	idDir := filepath.Join(dir, "identities")
	if err := os.MkdirAll(idDir, 0o700); err != nil {
		return nil, errors.Wrap(err, "cannot create the identities directory")
	}
	xpKubeconfig, err := k.ServiceAccountKubeconfig(ctx, c, CrossplaneNamespace, crossplaneAccount, idDir)
	if err != nil {
		return nil, err
	}
	rbacKubeconfig, err := k.ServiceAccountKubeconfig(ctx, c, CrossplaneNamespace, rbacManagerAccount, idDir)
	if err != nil {
		return nil, err
	}

	bin := filepath.Join(binDir, "crossplane")
	// The environment the chart's Deployment gives the init container.
	env := []string{"KUBECONFIG=" + xpKubeconfig, "POD_NAMESPACE=" + CrossplaneNamespace, "POD_SERVICE_ACCOUNT=" + crossplaneAccount}
	initEnv := append(append([]string(nil), env...),
		"WEBHOOK_SERVICE_NAME="+webhookService, "WEBHOOK_SERVICE_NAMESPACE="+CrossplaneNamespace,
		"WEBHOOK_SERVICE_PORT="+webhookServicePort,
		"TLS_CA_SECRET_NAME="+rootCASecret, "TLS_SERVER_SECRET_NAME="+serverTLSSecret,
		"TLS_CLIENT_SECRET_NAME="+clientTLSSecret,
		"CRDS_PATH="+crdsDir, "WEBHOOK_CONFIGS_PATH="+filepath.Join(cluster, "webhookconfigurations"))
	for attempt := 1; attempt <= 10; attempt++ {
		var p *Process
		if p, err = ps.Start(fmt.Sprintf("crossplane-init-%d", attempt), initEnv, bin, "core", "init"); err != nil {
			return nil, err
		}
		// The first run can fail with `no matches for kind "Lock"` while the
		// CRDs it has just created are being established.
		if err = p.Wait(3 * time.Minute); err == nil {
			break
		}
		time.Sleep(time.Second)
	}
	if err != nil {
		return nil, errors.Wrap(err, "crossplane core init failed ten times")
	}
	rbacEnv := []string{"KUBECONFIG=" + rbacKubeconfig}
	p, err := ps.Start("rbac-manager-init", rbacEnv, bin, "rbac", "init")
	if err != nil {
		return nil, err
	}
	if err := p.Wait(2 * time.Minute); err != nil {
		return nil, errors.Wrapf(err, "crossplane rbac init failed; see %s", p.LogPath)
	}

	rootCA, err := readTLSSecrets(ctx, c, dir)
	if err != nil {
		return nil, err
	}
	cacheDir := filepath.Join(dir, "xpkg-cache")
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, errors.Wrap(err, "cannot create the package cache")
	}
	// Crossplane binds its metrics, probe and webhook ports on every
	// interface (it has no host flag); the ports are chosen free and
	// nothing else listens.
	args := []string{"core", "start",
		"--package-runtime=External",
		"--webhook-port=" + strconv.Itoa(webhookPort),
		"--tls-server-certs-dir=" + filepath.Join(dir, serverTLSSecret),
		"--tls-client-certs-dir=" + filepath.Join(dir, clientTLSSecret),
		"--cache-dir=" + cacheDir,
		"--metrics-port=" + strconv.Itoa(metricsPort), "--health-probe-port=" + strconv.Itoa(probePort)}
	if !opts.Quiet {
		args = append(args, "--debug")
	}
	p, err = ps.Start("crossplane", append(env, "TLS_SERVER_SECRET_NAME="+serverTLSSecret, "TLS_CLIENT_SECRET_NAME="+clientTLSSecret), bin, append(args, opts.Args...)...)
	if err != nil {
		return nil, err
	}
	x := &Crossplane{
		RootCA:     rootCA,
		MetricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort),
		core:       p,
		// Ready includes the webhook server's check.
		readyz: httpOK(http.DefaultClient, fmt.Sprintf("http://127.0.0.1:%d/readyz", probePort), ""),
	}
	if err := x.waitCore(); err != nil {
		return nil, err
	}
	if x.rbacManager, err = startRBACManager(ps, rbacEnv, bin); err != nil {
		return nil, err
	}
	return x, nil
}

// createWebhookEndpoints points the chart's webhook Service at port on this
// machine, as the EndpointSlice controller would point it at Crossplane's
// pod. With --enable-aggregator-routing the API server calls webhooks at a
// Service's endpoints rather than its cluster IP, which nothing routes here,
// and verifies the certificate for the Service's DNS name, the name `core
// init` issues the server certificate for. The address cannot be 127.0.0.1:
// the API server rejects loopback endpoints ("may not be in the loopback
// range (127.0.0.0/8, ::1/128)", ValidateEndpointIP); core's webhook server
// listens on every interface, so the machine's own address reaches it.
func createWebhookEndpoints(ctx context.Context, c client.Client, port int) error {
	ip, err := hostIPv4()
	if err != nil {
		return err
	}
	es := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: CrossplaneNamespace,
			Name:      webhookService + "-local",
			Labels: map[string]string{
				discoveryv1.LabelServiceName: webhookService,
				discoveryv1.LabelManagedBy:   "paynext-e2e",
			},
		},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(true)}}},
		// The Service's port is unnamed; the API server matches by name. The
		// port is the one core listens on (chosen free, since other suites
		// share this machine) where a pod's slice would carry targetPort 9443.
		Ports: []discoveryv1.EndpointPort{{Name: ptr.To(""), Port: ptr.To(int32(port)), Protocol: ptr.To(corev1.ProtocolTCP)}},
	}
	return errors.Wrap(c.Create(ctx, es), "cannot create the webhook Service's EndpointSlice")
}

// hostIPv4 returns this machine's first IPv4 address an endpoint may hold:
// not loopback, link-local or unspecified.
func hostIPv4() (string, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "", errors.Wrap(err, "cannot list this machine's addresses")
	}
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.To4() == nil || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.IsUnspecified() {
			continue
		}
		return n.IP.String(), nil
	}
	return "", errors.New("this machine has no non-loopback IPv4 address for the webhook Service's endpoint (the API server rejects 127.0.0.0/8 endpoints)")
}

// readTLSSecrets writes the server and client certificates `core init` made
// where the Deployment would mount them, and returns Crossplane's root CA.
func readTLSSecrets(ctx context.Context, c client.Client, dir string) (*CA, error) {
	secret := func(name string) (*corev1.Secret, error) {
		s := &corev1.Secret{}
		return s, errors.Wrapf(c.Get(ctx, client.ObjectKey{Namespace: CrossplaneNamespace, Name: name}, s), "cannot read secret %s", name)
	}
	root, err := secret(rootCASecret)
	if err != nil {
		return nil, err
	}
	rootCA, err := ParseCA(root.Data[corev1.TLSCertKey], root.Data[corev1.TLSPrivateKeyKey])
	if err != nil {
		return nil, errors.Wrap(err, "cannot read Crossplane's root CA")
	}
	for _, name := range []string{serverTLSSecret, clientTLSSecret} {
		s, err := secret(name)
		if err != nil {
			return nil, err
		}
		if err := writeFiles(filepath.Join(dir, name), s.Data); err != nil {
			return nil, err
		}
	}
	return rootCA, nil
}

// startRBACManager runs `crossplane rbac start` as the chart's Deployment
// does. It serves metrics on :8080 on every interface, with no flag to move
// it, so a second suite on this machine (another worktree's `make e2e`)
// would make it exit: it waits for the port to be free first.
func startRBACManager(ps *Processes, env []string, bin string) (*Process, error) {
	addr := fmt.Sprintf(":%d", rbacManagerMetricPort)
	if err := WaitFor("port 8080 free for the RBAC manager's metrics (another e2e run on this machine holds it)", nil, 15*time.Minute, func() error {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		return l.Close()
	}); err != nil {
		return nil, err
	}
	p, err := ps.Start("rbac-manager", env, bin, "rbac", "start", "--provider-clusterrole="+allowedProviderPerms)
	if err != nil {
		return nil, err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/metrics", rbacManagerMetricPort)
	return p, WaitFor("RBAC manager serving metrics", p, time.Minute, httpOK(http.DefaultClient, url, ""))
}

// Function is the platform function serving mTLS on loopback.
type Function struct {
	Endpoint   string
	MetricsURL string
	TLSDir     string

	proc *Process
}

// StartFunction serves the function binary with a certificate signed by
// Crossplane's root CA, which also verifies Crossplane's client certificate.
// extraArgs follow the suite's (make scale passes --ttl through them).
func StartFunction(ps *Processes, xp *Crossplane, bin, dir string, extraArgs ...string) (*Function, error) {
	tlsDir := filepath.Join(dir, "function-tls")
	if err := xp.RootCA.IssueServing(tlsDir, "function-paynext-platform"); err != nil {
		return nil, err
	}
	ports, err := FreePorts(2)
	if err != nil {
		return nil, err
	}
	metricsAddress := fmt.Sprintf("127.0.0.1:%d", ports[1])
	f := &Function{
		Endpoint:   fmt.Sprintf("127.0.0.1:%d", ports[0]),
		MetricsURL: "http://" + metricsAddress + "/metrics",
		TLSDir:     tlsDir,
	}
	if f.proc, err = ps.Start("function", nil, bin, append([]string{"--tls-certs-dir=" + tlsDir,
		"--address=" + f.Endpoint, "--metrics-address=" + metricsAddress}, extraArgs...)...); err != nil {
		return nil, err
	}
	return f, f.waitServing()
}

// waitServing waits until the function serves metrics and accepts
// connections on its gRPC endpoint.
func (f *Function) waitServing() error {
	metrics := httpOK(http.DefaultClient, f.MetricsURL, "")
	return WaitFor("function serving (metrics and gRPC port)", f.proc, time.Minute, func() error {
		if err := metrics(); err != nil {
			return err
		}
		conn, err := net.DialTimeout("tcp", f.Endpoint, time.Second)
		if err != nil {
			return err
		}
		return conn.Close()
	})
}

// Kill crashes the function (SIGKILL).
func (f *Function) Kill() error { return f.proc.Kill() }

// Restart runs the function again on the same endpoint with the same
// certificate, so the FunctionRevision's endpoint and TLS secret stay
// right, and returns once it serves.
func (f *Function) Restart() error {
	p, err := f.proc.Restart()
	if err != nil {
		return err
	}
	f.proc = p
	return f.waitServing()
}

// Running fails if the function has ended.
func (f *Function) Running() error { return running(f.proc) }
