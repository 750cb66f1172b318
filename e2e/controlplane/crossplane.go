package controlplane

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Names of the secrets `crossplane core init` fills, as the Helm chart names them.
const (
	CrossplaneNamespace = "crossplane-system"
	rootCASecret        = "crossplane-root-ca"
	clientTLSSecret     = "crossplane-tls-client"
)

// Crossplane is a running Crossplane core.
type Crossplane struct {
	// RootCA signs the certificates of functions Crossplane calls.
	RootCA *CA
	// MetricsURL serves Crossplane's Prometheus metrics.
	MetricsURL string
}

// StartCrossplane runs `crossplane core init` (retrying while its CRDs become
// established) and then `crossplane core start` with the External package
// runtime, and returns once Crossplane answers its health probe.
func StartCrossplane(ctx context.Context, ps *Processes, k *Kubernetes, c client.Client, binDir, crdsDir, dir string) (*Crossplane, error) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: CrossplaneNamespace}}
	if err := c.Create(ctx, ns); err != nil {
		return nil, errors.Wrap(err, "cannot create the Crossplane namespace")
	}
	bin := filepath.Join(binDir, "crossplane")
	env := append(k.Env(), "POD_NAMESPACE="+CrossplaneNamespace)
	initEnv := append(env, "ENABLE_WEBHOOKS=false", "CRDS_PATH="+crdsDir,
		"TLS_CA_SECRET_NAME="+rootCASecret, "TLS_CLIENT_SECRET_NAME="+clientTLSSecret)
	var err error
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
	clientTLS, err := secret(clientTLSSecret)
	if err != nil {
		return nil, err
	}
	clientDir := filepath.Join(dir, "crossplane-tls-client")
	if err := writeFiles(clientDir, clientTLS.Data); err != nil {
		return nil, err
	}

	cacheDir := filepath.Join(dir, "xpkg-cache")
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, errors.Wrap(err, "cannot create the package cache")
	}
	ports, err := FreePorts(2)
	if err != nil {
		return nil, err
	}
	metricsPort, probePort := ports[0], ports[1]
	// Crossplane binds its metrics and probe ports on every interface (it has
	// no host flag); the ports are chosen free and nothing else listens.
	p, err := ps.Start("crossplane", env, bin, "core", "start",
		"--package-runtime=External", "--enable-webhooks=false",
		"--tls-client-certs-dir="+clientDir,
		"--cache-dir="+cacheDir,
		"--metrics-port="+strconv.Itoa(metricsPort), "--health-probe-port="+strconv.Itoa(probePort),
		"--debug")
	if err != nil {
		return nil, err
	}
	probe := fmt.Sprintf("http://127.0.0.1:%d/healthz", probePort)
	if err := WaitFor("Crossplane healthy", p, 2*time.Minute, httpOK(http.DefaultClient, probe, "")); err != nil {
		return nil, err
	}
	return &Crossplane{RootCA: rootCA, MetricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)}, nil
}

// Function is the platform function serving mTLS on loopback.
type Function struct {
	Endpoint   string
	MetricsURL string
	TLSDir     string
}

// StartFunction serves the function binary with a certificate signed by
// Crossplane's root CA, which also verifies Crossplane's client certificate.
func StartFunction(ps *Processes, xp *Crossplane, bin, dir string) (*Function, error) {
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
	p, err := ps.Start("function", nil, bin, "--tls-certs-dir="+tlsDir,
		"--address="+f.Endpoint, "--metrics-address="+metricsAddress)
	if err != nil {
		return nil, err
	}
	if err := WaitFor("function metrics served", p, time.Minute, httpOK(http.DefaultClient, f.MetricsURL, "")); err != nil {
		return nil, err
	}
	return f, nil
}
