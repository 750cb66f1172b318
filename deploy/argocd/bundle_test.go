package argocd

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/template"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

const (
	claimsDir         = "claims"
	resourceFinalizer = "resources-finalizer.argocd.argoproj.io"
)

func only(t *testing.T, ms []manifest, kind string) []manifest {
	t.Helper()
	var out []manifest
	for _, m := range ms {
		if m.gvk().Kind == kind {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s in the bundle", kind)
	}
	return out
}

func field(obj map[string]any, path ...string) any {
	var v any = obj
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func strs(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, e := range l {
		out = append(out, str(e))
	}
	return out
}

// mergePatch applies a patch the way the ApplicationSet controller's
// strategic merge does for the fields our templatePatch sets: maps merge,
// lists (syncOptions) and scalars replace, and finalizers, absent from the
// template, are added.
func mergePatch(dst, patch map[string]any) {
	for k, pv := range patch {
		if pm, ok := pv.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergePatch(dm, pm)
				continue
			}
		}
		dst[k] = pv
	}
}

// renderClaimsApps renders the claims ApplicationSet for each directory its
// git generator matches, as the controller does with goTemplate and
// missingkey=error.
func renderClaimsApps(t *testing.T) map[string]map[string]any {
	t.Helper()
	set := only(t, loadManifests(t, "apps"), "ApplicationSet")[0]
	gens, _ := field(set.obj, "spec", "generators").([]any)
	if len(gens) != 1 {
		t.Fatalf("want one git generator, got %d", len(gens))
	}
	dirs, _ := field(gens[0].(map[string]any), "git", "directories").([]any)
	pattern := str(dirs[0].(map[string]any)["path"])
	repoPattern := strings.TrimPrefix(pattern, "deploy/argocd/")
	matches, err := filepath.Glob(repoPattern)
	if err != nil || len(matches) == 0 {
		t.Fatalf("the generator's %s matches no directory: %v", pattern, err)
	}
	if field(set.obj, "spec", "syncPolicy", "preserveResourcesOnDeletion") != true {
		t.Fatal("without preserveResourcesOnDeletion the controller adds the resources finalizer to prod's Application too")
	}
	tmplYAML, err := yaml.Marshal(field(set.obj, "spec", "template"))
	if err != nil {
		t.Fatal(err)
	}
	apps := map[string]map[string]any{}
	for _, dir := range matches {
		params := map[string]any{"path": map[string]any{"path": "deploy/argocd/" + dir, "basename": filepath.Base(dir)}}
		app := map[string]any{}
		if err := yaml.Unmarshal(execTemplate(t, string(tmplYAML), params), &app); err != nil {
			t.Fatal(err)
		}
		patch := map[string]any{}
		if err := yaml.Unmarshal(execTemplate(t, str(field(set.obj, "spec", "templatePatch")), params), &patch); err != nil {
			t.Fatal(err)
		}
		mergePatch(app, patch)
		app["apiVersion"], app["kind"] = "argoproj.io/v1alpha1", "Application"
		field(app, "metadata").(map[string]any)["namespace"] = "argocd"
		apps[filepath.Base(dir)] = app
	}
	return apps
}

func execTemplate(t *testing.T, text string, params map[string]any) []byte {
	t.Helper()
	tmpl, err := template.New("t").Option("missingkey=error").Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, params); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestClaimsApplicationSetProtectsProd renders the per-environment
// Applications: dev and staging prune and cascade-delete, prod does neither,
// and every rendered Application is valid for Argo CD's Application CRD.
func TestClaimsApplicationSetProtectsProd(t *testing.T) {
	apps := renderClaimsApps(t)
	if _, ok := apps["prod"]; !ok {
		t.Fatal("no prod directory under claims/")
	}
	appCRD := schemas(t)[schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Application"}]
	for env, app := range apps {
		for _, p := range appCRD.validate(app) {
			t.Errorf("the rendered %s Application: %s", env, p)
		}
		finalizers := strs(field(app, "metadata", "finalizers"))
		prune := field(app, "spec", "syncPolicy", "automated", "prune")
		opts := strs(field(app, "spec", "syncPolicy", "syncOptions"))
		if !slices.Contains(opts, "SkipDryRunOnMissingResource=true") {
			t.Errorf("%s: want SkipDryRunOnMissingResource=true (the claim's CRD comes from the XRD), got %v", env, opts)
		}
		if env == "prod" {
			if len(finalizers) != 0 {
				t.Errorf("prod: want no finalizer, so deleting the Application keeps the platform; got %v", finalizers)
			}
			if prune != false || !slices.Contains(opts, "Prune=false") || !slices.Contains(opts, "Delete=false") {
				t.Errorf("prod: want automated prune off and Prune=false, Delete=false; got prune=%v options=%v", prune, opts)
			}
			continue
		}
		if !slices.Equal(finalizers, []string{resourceFinalizer}) || prune != true {
			t.Errorf("%s: want the resources finalizer and automated prune, got %v prune=%v", env, finalizers, prune)
		}
	}
}

// TestProdClaimsCarryTheirOwnProtection: a resource's own sync options win
// over its Application's, so prod's claims stay protected even if the
// ApplicationSet is edited.
func TestProdClaimsCarryTheirOwnProtection(t *testing.T) {
	for _, m := range loadManifests(t, filepath.Join(claimsDir, "prod")) {
		opts := strings.Split(m.annotation("argocd.argoproj.io/sync-options"), ",")
		if !slices.Contains(opts, "Prune=false") || !slices.Contains(opts, "Delete=false") {
			t.Errorf("%s: want argocd.argoproj.io/sync-options Prune=false,Delete=false, got %v", m.name(), opts)
		}
	}
}

// TestClaimsMatchTheExamples: the claims synced per environment are the
// example claims the function's golden and validation tests render.
func TestClaimsMatchTheExamples(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(claimsDir, "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no environment directories under %s: %v", claimsDir, err)
	}
	for _, dir := range dirs {
		env := filepath.Base(dir)
		ms := loadManifests(t, dir)
		example := readManifests(t, filepath.Join("..", "..", "examples", "claims", env+".yaml"))
		if len(ms) != 1 || len(example) != 1 {
			t.Fatalf("%s: want one claim here and one example, got %d and %d", dir, len(ms), len(example))
		}
		if diff := cmp.Diff(example[0].obj["spec"], ms[0].obj["spec"]); diff != "" {
			t.Errorf("%s's spec differs from examples/claims/%s.yaml (-example +claim):\n%s", dir, env, diff)
		}
		for _, k := range []string{"name", "namespace"} {
			if a, b := field(example[0].obj, "metadata", k), field(ms[0].obj, "metadata", k); a != b {
				t.Errorf("%s: metadata.%s is %v, the example's %v", dir, k, b, a)
			}
		}
	}
}

// TestPackagesMatchTheConfiguration: the providers installed explicitly are
// exactly those package/crossplane.yaml depends on, at provider-aws v2.4.0,
// each with the runtime config; the Function is the one the Configuration
// depends on, under the name the Composition calls.
func TestPackagesMatchTheConfiguration(t *testing.T) {
	meta := readManifests(t, "../../package/crossplane.yaml")[0]
	var wantProviders []string
	var wantFunction string
	for _, d := range field(meta.obj, "spec", "dependsOn").([]any) {
		dep := d.(map[string]any)
		if p := str(dep["provider"]); p != "" {
			wantProviders = append(wantProviders, p)
		}
		if f := str(dep["function"]); f != "" {
			wantFunction = f
		}
	}
	ms := loadManifests(t, "packages")
	runtimeConfig := str(field(only(t, ms, "DeploymentRuntimeConfig")[0].obj, "metadata", "name"))
	var gotProviders []string
	for _, p := range only(t, ms, "Provider") {
		pkg := str(field(p.obj, "spec", "package"))
		path, tag, _ := strings.Cut(pkg, ":")
		if tag != "v2.4.0" {
			t.Errorf("%s: want provider-aws v2.4.0, the version go.mod pins, got %s", p.name(), pkg)
		}
		if got := field(p.obj, "spec", "runtimeConfigRef", "name"); got != runtimeConfig {
			t.Errorf("%s: want runtimeConfigRef %s, got %v", p.name(), runtimeConfig, got)
		}
		// The resolver names a package after its repository path
		// (crossplane-runtime xpkg.ToDNSLabel: "/" becomes "-"); the same
		// name renames nothing.
		if repo := path[strings.Index(path, "/")+1:]; str(field(p.obj, "metadata", "name")) != strings.ReplaceAll(repo, "/", "-") {
			t.Errorf("%s: want the name Crossplane's resolver gives %s", p.name(), repo)
		}
		gotProviders = append(gotProviders, path)
	}
	sort.Strings(wantProviders)
	sort.Strings(gotProviders)
	if diff := cmp.Diff(wantProviders, gotProviders); diff != "" {
		t.Errorf("providers differ from package/crossplane.yaml's dependsOn (-dependsOn +installed):\n%s", diff)
	}
	fn := only(t, ms, "Function")[0]
	if path, _, _ := strings.Cut(str(field(fn.obj, "spec", "package")), ":"); path != wantFunction {
		t.Errorf("%s: want package %s, the Configuration's dependency, got %s", fn.name(), wantFunction, path)
	}
	comp, err := os.ReadFile("../../compositions/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`functionRef:\s+name:\s+(\S+)`).FindSubmatch(comp)
	if ref == nil || string(ref[1]) != str(field(fn.obj, "metadata", "name")) {
		t.Errorf("%s: the Composition calls %q; the Function must carry that name", fn.name(), ref)
	}
	cfg := only(t, ms, "Configuration")[0]
	if name := str(field(meta.obj, "metadata", "name")); !strings.Contains(str(field(cfg.obj, "spec", "package")), "/"+name+":") {
		t.Errorf("%s: want the %s package", cfg.name(), name)
	}
}

func wave(m manifest) string { return m.annotation("argocd.argoproj.io/sync-wave") }

// TestSyncWaves: the order README describes. Root: Crossplane, then its
// packages, then the claims. Packages: runtime config, then providers and the
// function, then our Configuration, then ProviderConfig and RBAC, the
// ProviderConfig skipping the dry run its not-yet-installed CRD would fail.
func TestSyncWaves(t *testing.T) {
	want := map[string]string{
		"Application/crossplane": "0", "Application/paynext-packages": "1", "ApplicationSet/paynext-claims": "2",
		"DeploymentRuntimeConfig": "0", "Provider": "1", "Function": "1", "Configuration": "2",
		"ProviderConfig": "3", "Namespace": "3", "ClusterRole": "3", "RoleBinding": "3",
	}
	for _, m := range append(loadManifests(t, "apps"), loadManifests(t, "packages")...) {
		key := m.gvk().Kind
		if strings.HasPrefix(m.file, "apps") {
			key += "/" + str(field(m.obj, "metadata", "name"))
		}
		w, ok := want[key]
		if !ok {
			t.Errorf("%s: no wave expected for %s; add it to README and this test", m.name(), key)
			continue
		}
		if wave(m) != w {
			t.Errorf("%s: want sync wave %s, got %q", m.name(), w, wave(m))
		}
		if key == "ProviderConfig" && m.annotation("argocd.argoproj.io/sync-options") != "SkipDryRunOnMissingResource=true" {
			t.Errorf("%s: want SkipDryRunOnMissingResource=true", m.name())
		}
	}
}

// TestEveryApplicationRetries: automated sync tries each commit once, and a
// first sync fails on the way (a CRD not served yet, a package Degraded while
// its revision starts), so every application, generated ones included, must
// retry or the install stops at the first failure.
func TestEveryApplicationRetries(t *testing.T) {
	apps := only(t, loadManifests(t, "."), "Application")
	for env, app := range renderClaimsApps(t) {
		apps = append(apps, manifest{file: "claims ApplicationSet (" + env + ")", obj: app})
	}
	for _, app := range apps {
		if limit, _ := field(app.obj, "spec", "syncPolicy", "retry", "limit").(float64); limit < 1 {
			t.Errorf("%s: want spec.syncPolicy.retry with a limit, got %v", app.name(), field(app.obj, "spec", "syncPolicy", "retry"))
		}
	}
}
