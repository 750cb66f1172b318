package argocd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/apis/platform/xrdcheck"
)

// manifest is one YAML document of the bundle.
type manifest struct {
	file string
	obj  map[string]any
}

func (m manifest) gvk() schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(str(m.obj["apiVersion"]), str(m.obj["kind"]))
}

func (m manifest) name() string {
	md, _ := m.obj["metadata"].(map[string]any)
	return m.file + " " + str(m.obj["kind"]) + "/" + str(md["name"])
}

func (m manifest) annotation(key string) string {
	md, _ := m.obj["metadata"].(map[string]any)
	a, _ := md["annotations"].(map[string]any)
	return str(a[key])
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// loadManifests reads every YAML document under dir, skipping the health
// checks' test inputs, which are objects as the API server returns them.
func loadManifests(t *testing.T, dir string) []manifest {
	t.Helper()
	var out []manifest
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == customizations {
			return filepath.SkipDir
		}
		if d.IsDir() || filepath.Ext(path) != ".yaml" {
			return nil
		}
		out = append(out, readManifests(t, path)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readManifests(t *testing.T, path string) []manifest {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []manifest
	r := utilyaml.NewYAMLReader(bufioReader(b))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		obj := map[string]any{}
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(obj) > 0 {
			out = append(out, manifest{file: path, obj: obj})
		}
	}
}

// crdValidator checks an object as the API server does for one version of a
// CRD: the OpenAPI schema, and fields the schema does not know, which the API
// server would drop (or refuse under strict field validation).
type crdValidator struct {
	internal   *apiextensions.JSONSchemaProps
	structural *structuralschema.Structural
	// claim is set for our claim kind: the project's own XRD check, which
	// also knows the fields Crossplane adds to the CRD it generates and the
	// XRD's CEL rules.
	claim *xrdcheck.Validator
}

func (v crdValidator) validate(obj map[string]any) []string {
	if v.claim != nil {
		var problems []string
		for _, e := range v.claim.Validate(obj) {
			problems = append(problems, e.Error())
		}
		return problems
	}
	sv, _, err := validation.NewSchemaValidator(v.internal)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for _, e := range validation.ValidateCustomResource(nil, obj, sv) {
		problems = append(problems, e.Error())
	}
	clone := runtime.DeepCopyJSON(obj)
	for _, p := range pruning.PruneWithOptions(clone, v.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}) {
		problems = append(problems, "unknown field "+p)
	}
	return problems
}

func newValidator(t *testing.T, where string, s *extv1.JSONSchemaProps) crdValidator {
	t.Helper()
	internal := &apiextensions.JSONSchemaProps{}
	if err := extv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(s, internal, nil); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	st, err := structuralschema.NewStructural(internal)
	if err != nil {
		t.Fatalf("%s: the schema is not structural: %v", where, err)
	}
	return crdValidator{internal: internal, structural: st}
}

// loadCRDs indexes every served version of the CRDs in files by GVK.
func loadCRDs(t *testing.T, into map[schema.GroupVersionKind]crdValidator, files ...string) {
	t.Helper()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var crd extv1.CustomResourceDefinition
		if err := yaml.Unmarshal(b, &crd); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema == nil {
				continue
			}
			gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
			into[gvk] = newValidator(t, f, v.Schema.OpenAPIV3Schema)
		}
	}
}

// schemas returns the validators of every custom resource kind the bundle
// uses: Argo CD v3.5.7's CRDs, Crossplane v2.4.0's, provider-aws v2.4.0's
// ProviderConfig, all from their module zips, and our claim from the XRD.
func schemas(t *testing.T) map[schema.GroupVersionKind]crdValidator {
	t.Helper()
	schemasMu.Lock()
	defer schemasMu.Unlock()
	if schemasCache == nil {
		schemasCache = loadSchemas(t)
	}
	return schemasCache
}

var (
	schemasMu    sync.Mutex
	schemasCache map[schema.GroupVersionKind]crdValidator
)

func loadSchemas(t *testing.T) map[schema.GroupVersionKind]crdValidator {
	t.Helper()
	v := map[schema.GroupVersionKind]crdValidator{}
	argo := filepath.Join(moduleDir(t, argoCDModule), "manifests", "crds")
	loadCRDs(t, v, filepath.Join(argo, "application-crd.yaml"), filepath.Join(argo, "applicationset-crd.yaml"), filepath.Join(argo, "appproject-crd.yaml"))
	xp, err := filepath.Glob(filepath.Join(moduleDir(t, crossplaneModule), "cluster", "crds", "pkg.crossplane.io_*.yaml"))
	if err != nil || len(xp) == 0 {
		t.Fatalf("no pkg.crossplane.io CRDs in %s: %v", crossplaneModule, err)
	}
	loadCRDs(t, v, xp...)
	loadCRDs(t, v, filepath.Join(moduleDir(t, providerModule), "package", "crds", "aws.upbound.io_providerconfigs.yaml"))

	// The claim's CRD is generated by Crossplane from the XRD.
	claim, err := xrdcheck.Load("../../apis/platform/definition.yaml")
	if err != nil {
		t.Fatal(err)
	}
	claimGVK := v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.ClaimKind)
	v[claimGVK] = crdValidator{claim: claim}
	return v
}

// strictDecode refuses fields the Go type (and so the API server) does not know.
func strictDecode(obj map[string]any, into any) error {
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(into)
}

// TestManifestsMatchSchemas validates every manifest of the bundle against
// the schema the API server will apply: custom resources against their CRDs
// (Argo CD's own from the argo-cd module zip), built-in kinds against
// k8s.io/api's types, metadata against ObjectMeta; unknown fields fail.
func TestManifestsMatchSchemas(t *testing.T) {
	crds := schemas(t)
	builtin := map[schema.GroupVersionKind]func() any{
		corev1.SchemeGroupVersion.WithKind("ConfigMap"):   func() any { return &corev1.ConfigMap{} },
		corev1.SchemeGroupVersion.WithKind("Namespace"):   func() any { return &corev1.Namespace{} },
		rbacv1.SchemeGroupVersion.WithKind("ClusterRole"): func() any { return &rbacv1.ClusterRole{} },
		rbacv1.SchemeGroupVersion.WithKind("RoleBinding"): func() any { return &rbacv1.RoleBinding{} },
	}
	ms := loadManifests(t, ".")
	kinds := map[string]int{}
	for _, m := range ms {
		gvk := m.gvk()
		kinds[gvk.Kind]++
		var meta metav1.ObjectMeta
		if err := strictDecode(asMap(m.obj["metadata"]), &meta); err != nil {
			t.Errorf("%s: metadata: %v", m.name(), err)
		}
		if meta.Name == "" {
			t.Errorf("%s: no metadata.name", m.name())
		}
		if newObj, ok := builtin[gvk]; ok {
			if err := strictDecode(m.obj, newObj()); err != nil {
				t.Errorf("%s: %v", m.name(), err)
			}
			continue
		}
		v, ok := crds[gvk]
		if !ok {
			t.Errorf("%s: no schema for %s; add its CRD to the test", m.name(), gvk)
			continue
		}
		for _, p := range v.validate(m.obj) {
			t.Errorf("%s: %s", m.name(), p)
		}
	}
	var seen []string
	for k, n := range kinds {
		seen = append(seen, k+"="+strconv.Itoa(n))
	}
	sort.Strings(seen)
	t.Logf("validated %d manifests: %s", len(ms), strings.Join(seen, " "))
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

// TestHealthTestdataMatchSchemas: the health checks' inputs for Crossplane's
// packages and Argo CD's Application are objects their CRDs accept, status
// included, so the checks are tested on shapes the API server really serves.
// (The claim and XR inputs carry fields Crossplane adds to the generated
// CRDs, which the XRD's schema alone does not describe.)
func TestHealthTestdataMatchSchemas(t *testing.T) {
	crds := schemas(t)
	n := 0
	for _, hc := range loadHealthChecks(t) {
		if hc.group == "platform.paynext.io" {
			continue
		}
		for _, tc := range hc.cases {
			m := manifest{file: filepath.Join(hc.dir, tc.InputPath), obj: readObject(t, filepath.Join(hc.dir, tc.InputPath))}
			v, ok := crds[m.gvk()]
			if !ok {
				t.Errorf("%s: no schema for %s", m.name(), m.gvk())
				continue
			}
			for _, p := range v.validate(m.obj) {
				t.Errorf("%s: %s", m.name(), p)
			}
			n++
		}
	}
	t.Logf("validated %d health-check inputs", n)
}
