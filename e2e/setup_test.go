//go:build e2e

package e2e

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"

	"github.com/paynext/platform/e2e/controlplane"
	"github.com/paynext/platform/e2e/providerruntime"
	"github.com/paynext/platform/internal/provider"
)

const (
	claimNamespace = "payments"
	claimCRD       = "paynextplatforms.platform.paynext.io"
)

// setUp starts the control plane, Crossplane, the provider runtime and the
// function, and installs the platform's packages. It returns the environment
// even on error, so whatever started is stopped.
func setUp(ctx context.Context) (*environment, error) {
	dir := os.Getenv("E2E_WORK_DIR")
	if err := controlplane.CleanDir(dir); err != nil {
		return nil, err
	}
	procs, err := controlplane.NewProcesses(controlplane.LogDir(dir))
	if err != nil {
		return nil, err
	}
	e := &environment{dir: dir, procs: procs, journal: &providerruntime.Journal{}}
	e.aws = providerruntime.NewAWS(e.journal)
	bins := os.Getenv("E2E_BIN_DIR")

	e.rendered, err = loadRendered(os.Getenv("E2E_RENDERED"))
	if err != nil {
		return e, err
	}

	step := time.Now()
	fmt.Println("e2e: starting etcd, kube-apiserver and kube-controller-manager on 127.0.0.1")
	if e.kube, err = controlplane.StartKubernetes(ctx, procs, bins, filepath.Join(dir, "kubernetes")); err != nil {
		return e, err
	}
	e.record("control plane up (etcd, kube-apiserver ready)", time.Since(step))

	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return e, errors.Wrap(err, "cannot register Kubernetes types")
	}
	if err := extv1.AddToScheme(scheme); err != nil {
		return e, errors.Wrap(err, "cannot register CRD types")
	}
	if e.c, err = client.New(e.kube.Config, client.Options{Scheme: scheme}); err != nil {
		return e, errors.Wrap(err, "cannot build a client")
	}

	conversion, err := startConversionWebhook(e)
	if err != nil {
		return e, err
	}
	step = time.Now()
	sets := providerruntime.SetFields{}
	kinds, err := installCRDs(ctx, e.c, os.Getenv("E2E_PROVIDER_CRDS"), conversion, sets)
	if err != nil {
		return e, err
	}
	// The composed kinds: the provider's, and the ClusterUsages that order
	// their deletion (Crossplane's own CRD).
	e.kinds = append(slices.Clone(kinds), clusterUsage)
	e.aws.CompareSetsUnordered(sets)
	e.record(fmt.Sprintf("provider-aws CRDs of the %d composed kinds established", len(kinds)), time.Since(step))

	step = time.Now()
	fmt.Println("e2e: installing Crossplane's chart RBAC, starting Crossplane core (init, start with webhooks and the External package runtime) and the RBAC manager, each as its service account")
	if e.crossplane, err = controlplane.StartCrossplane(ctx, procs, e.kube, e.c, bins, os.Getenv("E2E_CROSSPLANE_CRDS"), dir, controlplane.CrossplaneOptions{
		Quiet: os.Getenv("E2E_CROSSPLANE_QUIET") != "", Args: strings.Fields(os.Getenv("E2E_CROSSPLANE_ARGS")),
	}); err != nil {
		return e, err
	}
	e.record("Crossplane up (chart RBAC, core init and start, RBAC manager)", time.Since(step))

	if err := installOpenReports(ctx, e.c); err != nil {
		return e, err
	}
	if err := installArgoCDBundleCRDs(ctx, e.c); err != nil {
		return e, err
	}

	if err := startFakeProvider(ctx, e, kinds); err != nil {
		return e, err
	}

	step = time.Now()
	if e.function, err = controlplane.StartFunction(procs, e.crossplane, os.Getenv("E2E_FUNCTION"), dir, strings.Fields(os.Getenv("E2E_FUNCTION_ARGS"))...); err != nil {
		return e, err
	}
	if err := installPackages(ctx, e); err != nil {
		return e, err
	}
	e.record("packages installed (the Configuration, its Function and stand-in providers by dependency resolution, XRD offered)", time.Since(step))

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: claimNamespace}}
	return e, errors.Wrap(e.c.Create(ctx, ns), "cannot create the claims' namespace")
}

// startConversionWebhook serves provider-aws's CRD conversions
// (providerruntime.ConversionHandler) over TLS on 127.0.0.1, as the provider's
// webhook does, and returns how the CRDs reach it.
func startConversionWebhook(e *environment) (*extv1.CustomResourceConversion, error) {
	ca, err := controlplane.NewCA("provider-aws-webhook-ca")
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(e.dir, "conversion-webhook")
	if err := ca.IssueServing(dir, "provider-aws-webhook"); err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"))
	if err != nil {
		return nil, errors.Wrap(err, "cannot load the webhook's certificate")
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		return nil, errors.Wrap(err, "cannot listen for conversion reviews")
	}
	s := runtime.NewScheme()
	if err := provider.AddToScheme(s); err != nil {
		return nil, errors.Wrap(err, "cannot build the webhook's scheme")
	}
	srv := &http.Server{Handler: providerruntime.ConversionHandler(s), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	e.stopWebhook = func() { _ = srv.Close() }
	url := "https://" + l.Addr().String() + "/convert"
	return &extv1.CustomResourceConversion{
		Strategy: extv1.WebhookConverter,
		Webhook: &extv1.WebhookConversion{
			ClientConfig:             &extv1.WebhookClientConfig{URL: &url, CABundle: ca.CertPEM},
			ConversionReviewVersions: []string{"v1"},
		},
	}, nil
}

// installCRDs creates every CRD in dir and returns the kinds, once all are
// established. CRDs with more than one version convert through the webhook,
// as Crossplane's package manager sets them up for a provider that has one.
// sets gets the set-typed lists of each CRD, for the simulated AWS.
func installCRDs(ctx context.Context, c client.Client, dir string, conversion *extv1.CustomResourceConversion, sets providerruntime.SetFields) ([]schema.GroupVersionKind, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, errors.Errorf("no provider CRDs in %q (E2E_PROVIDER_CRDS)", dir)
	}
	var kinds []schema.GroupVersionKind
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, errors.Wrapf(err, "cannot read %s", f)
		}
		crd := &extv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(data, crd); err != nil {
			return nil, errors.Wrapf(err, "cannot parse %s", f)
		}
		sets.AddCRD(crd)
		if len(crd.Spec.Versions) > 1 {
			crd.Spec.Conversion = conversion
		}
		if err := c.Create(ctx, crd); err != nil {
			return nil, errors.Wrapf(err, "cannot create CRD %s", crd.GetName())
		}
		names = append(names, crd.GetName())
		for _, v := range crd.Spec.Versions {
			if v.Storage {
				kinds = append(kinds, schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind})
			}
		}
	}
	for _, name := range names {
		if err := waitEstablished(ctx, c, name); err != nil {
			return nil, err
		}
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i].String() < kinds[j].String() })
	return kinds, nil
}

// installOpenReports installs OpenReports' ClusterReport CRD (E2E_OPENREPORTS_CRD)
// and the ClusterRole that lets Crossplane manage reports
// (deploy/openreports/rbac.yaml), as a user who runs Policy Reporter would:
// the function then composes each platform's compliance report.
func installOpenReports(ctx context.Context, c client.Client) error {
	data, err := os.ReadFile(os.Getenv("E2E_OPENREPORTS_CRD"))
	if err != nil {
		return errors.Wrap(err, "cannot read the OpenReports ClusterReport CRD (E2E_OPENREPORTS_CRD)")
	}
	crd := &extv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(data, crd); err != nil {
		return errors.Wrap(err, "cannot parse the OpenReports ClusterReport CRD")
	}
	if err := c.Create(ctx, crd); err != nil {
		return errors.Wrap(err, "cannot create the OpenReports ClusterReport CRD")
	}
	if data, err = os.ReadFile(filepath.Join("..", "deploy", "openreports", "rbac.yaml")); err != nil {
		return errors.Wrap(err, "cannot read deploy/openreports/rbac.yaml")
	}
	role := &rbacv1.ClusterRole{}
	if err := yaml.Unmarshal(data, role); err != nil {
		return errors.Wrap(err, "cannot parse deploy/openreports/rbac.yaml")
	}
	if err := c.Create(ctx, role); err != nil {
		return errors.Wrap(err, "cannot create the OpenReports ClusterRole")
	}
	return waitEstablished(ctx, c, crd.GetName())
}

// installArgoCDBundleCRDs installs the CRDs of the kinds the Argo CD bundle
// (deploy/argocd) holds beyond Crossplane's and the claim's: Argo CD v3.5.7's
// Application, ApplicationSet and AppProject (E2E_ARGOCD_CRDS, its module's
// manifests/crds) and provider-aws's ProviderConfig (E2E_PROVIDERCONFIG_CRD),
// so the bundle's dry run (scenario3_argocd) is judged by the API server on
// every object. No Argo CD controller runs: nothing reconciles these kinds.
// The ProviderConfig CRD stays out of E2E_PROVIDER_CRDS, whose kinds get a
// managed reconciler each.
func installArgoCDBundleCRDs(ctx context.Context, c client.Client) error {
	files, err := filepath.Glob(filepath.Join(os.Getenv("E2E_ARGOCD_CRDS"), "*-crd.yaml"))
	if err != nil || len(files) == 0 {
		return errors.Errorf("no Argo CD CRDs (*-crd.yaml) in %q (E2E_ARGOCD_CRDS)", os.Getenv("E2E_ARGOCD_CRDS"))
	}
	files = append(files, os.Getenv("E2E_PROVIDERCONFIG_CRD"))
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return errors.Wrapf(err, "cannot read %s", f)
		}
		crd := &extv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(data, crd); err != nil {
			return errors.Wrapf(err, "cannot parse %s", f)
		}
		if err := c.Create(ctx, crd); err != nil {
			return errors.Wrapf(err, "cannot create CRD %s", crd.GetName())
		}
		names = append(names, crd.GetName())
	}
	for _, name := range names {
		if err := waitEstablished(ctx, c, name); err != nil {
			return err
		}
	}
	fmt.Printf("e2e: installed the Argo CD bundle's CRDs: %s\n", strings.Join(names, ", "))
	return nil
}

func waitEstablished(ctx context.Context, c client.Client, name string) error {
	return controlplane.WaitFor("CRD "+name+" established", nil, 2*time.Minute, func() error {
		crd := &extv1.CustomResourceDefinition{}
		if err := c.Get(ctx, client.ObjectKey{Name: name}, crd); err != nil {
			return err
		}
		for _, cond := range crd.Status.Conditions {
			if cond.Type == extv1.Established && cond.Status == extv1.ConditionTrue {
				return nil
			}
		}
		return errors.New("not established")
	})
}

// startFakeProvider runs provider-aws's runtime (e2e/providerruntime: the
// managed reconciler of every kind, with the fake AWS behind it) in this
// process, logging to logs/fake-provider.log. Its manager has a scheme of its
// own holding provider-aws's typed kinds, as the provider's does.
func startFakeProvider(ctx context.Context, e *environment, kinds []schema.GroupVersionKind) error {
	f, err := os.Create(e.procs.LogPath("fake-provider"))
	if err != nil {
		return errors.Wrap(err, "cannot create the provider runtime's log")
	}
	log := zap.New(zap.WriteTo(f), zap.UseDevMode(false))
	ctrl.SetLogger(log)
	poll, rate, err := providerKnobs()
	if err != nil {
		return err
	}
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, provider.AddToScheme} {
		if err := add(scheme); err != nil {
			return errors.Wrap(err, "cannot build the provider's scheme")
		}
	}
	mgr, err := ctrl.NewManager(ratelimiter.LimitRESTConfig(e.kube.Config, rate), ctrl.Options{
		Scheme:                 scheme,
		Logger:                 log,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
	})
	if err != nil {
		return errors.Wrap(err, "cannot create the provider runtime's manager")
	}
	opts := providerruntime.Options{PollInterval: poll, MaxReconcileRate: rate, Logger: log}
	if err := providerruntime.Setup(mgr, kinds, e.aws, opts); err != nil {
		return err
	}
	e.providerCache = mgr.GetCache()
	e.providerScheme = scheme
	go func() {
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintf(f, "fake provider stopped: %v\n", err)
		}
	}()
	return nil
}

const (
	// providerPollInterval is the provider's --poll. Its default is 10m;
	// the suite polls every minute so that what only a poll reconciles (an
	// unresolvable selector staying unresolved, in the negative scenario)
	// shows within a scenario's patience.
	providerPollInterval = time.Minute
	// providerMaxReconcileRate is --max-reconcile-rate, the provider's
	// default.
	providerMaxReconcileRate = 100
)

// providerKnobs are the provider's --poll and --max-reconcile-rate: the
// suite's unless E2E_PROVIDER_POLL or E2E_PROVIDER_MAX_RECONCILE_RATE (make
// scale's knobs) say otherwise.
func providerKnobs() (time.Duration, int, error) {
	poll, rate := providerPollInterval, providerMaxReconcileRate
	if v := os.Getenv("E2E_PROVIDER_POLL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return 0, 0, errors.Errorf("E2E_PROVIDER_POLL=%q is not a positive duration", v)
		}
		poll = d
	}
	if v := os.Getenv("E2E_PROVIDER_MAX_RECONCILE_RATE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, 0, errors.Errorf("E2E_PROVIDER_MAX_RECONCILE_RATE=%q is not a positive integer", v)
		}
		rate = n
	}
	return poll, rate, nil
}
