//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/paynext/platform/e2e/controlplane"
	"github.com/paynext/platform/internal/provider/crd"
)

// The platform's packages as hack/e2e.sh built them: for E2E_REGISTRY (not
// the default registry, so nothing can pass by naming the default) at
// E2E_VERSION. functionName is the name Crossplane gives the Function when
// it installs it as the Configuration's dependency, which the Composition
// must call (go run ./hack/pkgmeta -registry $E2E_REGISTRY -function-name).
var (
	packageRegistry = os.Getenv("E2E_REGISTRY")
	packageVersion  = os.Getenv("E2E_VERSION")
	functionName    = os.Getenv("E2E_FUNCTION_NAME")
	// functionTLSSecret holds the function's serving certificate, as the
	// Deployment runtime's secret of that name would.
	functionTLSSecret = functionName + "-tls-server"
)

const (
	functionRepository = "function-paynext-platform"
	configurationName  = "configuration-paynext-platform"
	compositionName    = "xpaynextplatforms.platform.paynext.io"
	// activationPolicyName is the policy package/activation.yaml declares.
	activationPolicyName = "paynext-platform"
)

// installPackages installs the platform as its users do: one Configuration,
// from the registry it was built for, with Crossplane's dependency
// resolution on. Crossplane pulls the Function and the providers it depends
// on from there too. The registry is an in-process one, which ImageConfigs
// stand in for: every registry host the packages name is rewritten to it.
// The provider packages are stand-ins (hack/standinproviders): provider-aws's
// own metadata, without CRDs (installed by the suite) or controller.
//
// With the External runtime nothing runs the packages or reports where they
// listen, so the suite plays that part (runPackageRuntime): the function
// runs as a process and its active FunctionRevision gets its endpoint; every
// active revision of a package with a runtime gets RuntimeHealthy.
func installPackages(ctx context.Context, e *environment) error {
	if packageRegistry == "" || packageVersion == "" || functionName == "" {
		return errors.New("E2E_REGISTRY, E2E_VERSION and E2E_FUNCTION_NAME must name the packages hack/e2e.sh built")
	}
	var err error
	if e.registry, err = controlplane.StartRegistry(); err != nil {
		return err
	}
	pkgs := os.Getenv("E2E_PACKAGES")
	images := []packageImage{
		{source: packageRegistry + "/" + functionRepository, version: packageVersion, file: filepath.Join(pkgs, functionRepository+".xpkg")},
		{source: packageRegistry + "/" + configurationName, version: packageVersion, file: filepath.Join(pkgs, configurationName+".xpkg")},
	}
	providers, err := standInProviders(filepath.Join(pkgs, "providers"))
	if err != nil {
		return err
	}
	images = append(images, providers...)
	hosts := map[string]bool{}
	for _, img := range images {
		ref, err := name.ParseReference(img.source + ":" + img.version)
		if err != nil {
			return errors.Wrapf(err, "cannot parse package %s", img.source)
		}
		if _, err := e.registry.Push(img.file, ref.Context().RepositoryStr(), img.version); err != nil {
			return err
		}
		hosts[ref.Context().RegistryStr()] = true
	}
	fmt.Printf("e2e: pushed %d packages (the Configuration, the Function, %d stand-in providers) for %s to %s\n",
		len(images), len(providers), strings.Join(slices.Sorted(maps.Keys(hosts)), ", "), e.registry.Host)
	for _, host := range slices.Sorted(maps.Keys(hosts)) {
		if err := createImageRewrite(ctx, e.c, host, e.registry.Host); err != nil {
			return err
		}
	}

	if err := createFunctionTLSSecret(ctx, e); err != nil {
		return err
	}
	go runPackageRuntime(ctx, e)

	cfg := object("pkg.crossplane.io/v1", "Configuration", "", configurationName)
	cfg.Object["spec"] = map[string]any{"package": packageRegistry + "/" + configurationName + ":" + packageVersion}
	if err := e.c.Create(ctx, cfg); err != nil {
		return errors.Wrap(err, "cannot create the Configuration")
	}
	if err := waitConditions(ctx, e.c, cfg, 5*time.Minute, "Installed", "Healthy"); err != nil {
		return err
	}
	if err := checkDependencies(ctx, e.c, providers); err != nil {
		return err
	}
	if err := checkActivationPolicy(ctx, e.c, os.Getenv("E2E_PROVIDER_CRDS")); err != nil {
		return err
	}
	xrd := object("apiextensions.crossplane.io/v1", "CompositeResourceDefinition", "", "xpaynextplatforms.platform.paynext.io")
	if err := waitConditions(ctx, e.c, xrd, 2*time.Minute, "Established", "Offered"); err != nil {
		return err
	}
	return waitEstablished(ctx, e.c, claimCRD)
}

// packageImage is a package file and where a user's registry would hold it.
type packageImage struct {
	source, version, file string
}

// standInProviders reads hack/standinproviders' index of what it built.
func standInProviders(dir string) ([]packageImage, error) {
	f, err := os.Open(filepath.Join(dir, "index.txt")) //nolint:gosec // The suite's own output.
	if err != nil {
		return nil, errors.Wrap(err, "cannot read the stand-in providers' index (hack/e2e.sh builds them)")
	}
	defer f.Close() //nolint:errcheck // Read only.
	var out []packageImage
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) != 3 {
			return nil, errors.Errorf("stand-in index line %q is not <package> <version> <name>", s.Text())
		}
		out = append(out, packageImage{source: fields[0], version: fields[1], file: filepath.Join(dir, fields[2]+".xpkg")})
	}
	if len(out) == 0 {
		return nil, errors.New("no stand-in providers in the index")
	}
	return out, errors.Wrap(s.Err(), "cannot read the stand-in providers' index")
}

// createImageRewrite points every package of a registry host at the
// in-process registry, as a user mirroring packages would.
func createImageRewrite(ctx context.Context, c client.Client, host, to string) error {
	ic := object("pkg.crossplane.io/v1beta1", "ImageConfig", "", "e2e-mirror-"+strings.NewReplacer(".", "-", ":", "-").Replace(host))
	ic.Object["spec"] = map[string]any{
		"matchImages":  []any{map[string]any{"type": "Prefix", "prefix": host + "/"}},
		"rewriteImage": map[string]any{"prefix": to + "/"},
	}
	return errors.Wrapf(c.Create(ctx, ic), "cannot create the ImageConfig for %s", host)
}

// checkDependencies holds what the Configuration's dependency resolution
// installed to what the platform needs: the Function under the name the
// Composition calls, and every provider, each Installed and Healthy.
func checkDependencies(ctx context.Context, c client.Client, providers []packageImage) error {
	comp := object("apiextensions.crossplane.io/v1", "Composition", "", compositionName)
	if err := c.Get(ctx, client.ObjectKeyFromObject(comp), comp); err != nil {
		return errors.Wrap(err, "cannot get the Composition the Configuration installed")
	}
	steps, _, _ := unstructured.NestedSlice(comp.Object, "spec", "pipeline")
	for _, s := range steps {
		step, _ := s.(map[string]any)
		called, _, _ := unstructured.NestedString(step, "functionRef", "name")
		if called != functionName {
			return errors.Errorf("the Composition's step %v calls the function %q, but Crossplane installed the Configuration's function dependency as %q", step["step"], called, functionName)
		}
	}
	fn := object("pkg.crossplane.io/v1", "Function", "", functionName)
	if err := waitConditions(ctx, c, fn, 2*time.Minute, "Installed", "Healthy"); err != nil {
		return errors.Wrap(err, "the Function Crossplane installed as the Configuration's dependency")
	}
	for _, p := range providers {
		if err := waitProvider(ctx, c, p.source+":"+p.version); err != nil {
			return err
		}
	}
	return nil
}

// checkActivationPolicy holds the ManagedResourceActivationPolicy the
// Configuration package installed to the CRDs the suite installed, those of
// every kind the example claims compose: each must be activated by name.
// (The stand-in providers carry no MRDs, so the policy activates nothing
// here; what this proves is that Crossplane installs the policy from the
// package, and that it names every kind the platform composes as Crossplane
// names its MRD.)
func checkActivationPolicy(ctx context.Context, c client.Client, crds string) error {
	mrap := object("apiextensions.crossplane.io/v1alpha1", "ManagedResourceActivationPolicy", "", activationPolicyName)
	if err := c.Get(ctx, client.ObjectKeyFromObject(mrap), mrap); err != nil {
		return errors.Wrap(err, "cannot get the activation policy the Configuration carries")
	}
	activate, _, _ := unstructured.NestedStringSlice(mrap.Object, "spec", "activate")
	files, err := filepath.Glob(filepath.Join(crds, "*.yaml"))
	if err != nil || len(files) == 0 {
		return errors.Errorf("no provider CRDs in %q (E2E_PROVIDER_CRDS)", crds)
	}
	var missing []string
	for _, f := range files {
		if name := crd.NameOfFile(f); !slices.Contains(activate, name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return errors.Errorf("the Configuration's activation policy %s leaves out kinds the platform composes: %v", activationPolicyName, missing)
	}
	return nil
}

// waitProvider waits for the Provider the resolver created for a package
// (named after its repository) to be Installed and Healthy.
func waitProvider(ctx context.Context, c client.Client, pkg string) error {
	return controlplane.WaitFor("the Provider installed for "+pkg+" Installed and Healthy", nil, 2*time.Minute, func() error {
		list := &unstructured.UnstructuredList{}
		list.SetAPIVersion("pkg.crossplane.io/v1")
		list.SetKind("ProviderList")
		if err := c.List(ctx, list); err != nil {
			return err
		}
		for i := range list.Items {
			p := &list.Items[i]
			if got, _, _ := unstructured.NestedString(p.Object, "spec", "package"); got != pkg {
				continue
			}
			for _, typ := range []string{"Installed", "Healthy"} {
				if s, msg := conditionStatus(p, typ); s != "True" {
					return errors.Errorf("%s is %q: %s", typ, s, msg)
				}
			}
			return nil
		}
		return errors.New("no Provider installs it")
	})
}

func createFunctionTLSSecret(ctx context.Context, e *environment) error {
	return createTLSSecret(ctx, e.c, e.function.TLSDir, functionTLSSecret)
}

// createTLSSecret creates a secret of the tls.crt, tls.key and ca.crt in dir,
// the layout the package runtime's secrets have.
func createTLSSecret(ctx context.Context, c client.Client, dir, name string) error {
	data := map[string][]byte{}
	for _, k := range []string{"tls.crt", "tls.key", "ca.crt"} {
		b, err := os.ReadFile(filepath.Join(dir, k)) //nolint:gosec // The suite's own files.
		if err != nil {
			return errors.Wrapf(err, "cannot read the certificate for %s", name)
		}
		data[k] = b
	}
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: controlplane.CrossplaneNamespace}, Data: data}
	return errors.Wrapf(c.Create(ctx, s), "cannot create the TLS secret %s", name)
}

// runPackageRuntime plays the package runtime until ctx ends. Errors (an
// update conflict with Crossplane's own status write, most often) are
// retried a second later and logged to logs/package-runtime.log.
func runPackageRuntime(ctx context.Context, e *environment) {
	log, err := os.Create(e.procs.LogPath("package-runtime"))
	if err != nil {
		fmt.Printf("e2e: cannot create the package runtime's log: %v\n", err)
		return
	}
	defer log.Close() //nolint:errcheck // Best effort at shutdown.
	for ctx.Err() == nil {
		for _, kind := range []string{"FunctionRevision", "ProviderRevision"} {
			if err := syncRevisions(ctx, e, kind); err != nil && ctx.Err() == nil {
				fmt.Fprintf(log, "%s %v\n", time.Now().Format(time.RFC3339), err)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// syncRevisions does for every active revision of kind what the Deployment
// runtime does: a provider's gets the TLS secrets its spec names (the
// establisher waits for them), the function's the function process's
// endpoint and TLS secret, and each reports RuntimeHealthy once that is done.
func syncRevisions(ctx context.Context, e *environment, kind string) error {
	list := &unstructured.UnstructuredList{}
	list.SetAPIVersion("pkg.crossplane.io/v1")
	list.SetKind(kind + "List")
	if err := e.c.List(ctx, list); err != nil {
		return errors.Wrapf(err, "cannot list %ss", kind)
	}
	for i := range list.Items {
		rev := &list.Items[i]
		if state, _, _ := unstructured.NestedString(rev.Object, "spec", "desiredState"); state != "Active" {
			continue
		}
		want := map[string]string{}
		switch {
		case kind == "FunctionRevision" && rev.GetLabels()["pkg.crossplane.io/package"] == functionName:
			want["endpoint"] = e.function.Endpoint
			want["tlsServerSecretName"] = functionTLSSecret
		case kind == "ProviderRevision":
			// The names the Deployment runtime gives them (the package's
			// name and a suffix: pkg/v1 GetSecretNameWithSuffix); with the
			// External runtime Crossplane leaves the revision's spec unnamed.
			provider := rev.GetLabels()["pkg.crossplane.io/package"]
			for field, suffix := range map[string]string{"tlsServerSecretName": "-tls-server", "tlsClientSecretName": "-tls-client"} {
				secret := provider + suffix
				if err := createRevisionTLSSecret(ctx, e, provider, secret); err != nil {
					return err
				}
				want[field] = secret
			}
		}
		changed := !hasCondition(rev, "RuntimeHealthy", "True")
		for field, value := range want {
			if got, _, _ := unstructured.NestedString(rev.Object, "status", field); got != value {
				_ = unstructured.SetNestedField(rev.Object, value, "status", field)
				changed = true
			}
		}
		if !changed {
			continue
		}
		setCondition(rev, "RuntimeHealthy", "True", "HealthyPackageRevision")
		if err := e.c.Status().Update(ctx, rev); err != nil {
			return errors.Wrapf(err, "cannot update the status of %s", rev.GetName())
		}
	}
	return nil
}

// createRevisionTLSSecret creates a provider revision's TLS secret, signed by
// Crossplane's root CA for the provider's Service, as the runtime's
// certificate generator does; an existing one is kept.
func createRevisionTLSSecret(ctx context.Context, e *environment, provider, secret string) error {
	key := client.ObjectKey{Namespace: controlplane.CrossplaneNamespace, Name: secret}
	if err := e.c.Get(ctx, key, &corev1.Secret{}); err == nil || !kerrors.IsNotFound(err) {
		return errors.Wrapf(err, "cannot get the TLS secret %s", secret)
	}
	dir := filepath.Join(e.dir, "package-tls", secret)
	service := provider + "." + controlplane.CrossplaneNamespace + ".svc"
	if err := e.crossplane.RootCA.IssueServing(dir, service); err != nil {
		return err
	}
	return createTLSSecret(ctx, e.c, dir, secret)
}
