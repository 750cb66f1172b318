package controlplane

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// chartTemplates are the templates of Crossplane's Helm chart whose objects
// the suite applies as the chart would: the identities, their RBAC, the
// webhook Service and the secrets `core init` fills. The Deployments are not
// rendered; their containers run as processes (see StartCrossplane).
var chartTemplates = []string{
	"serviceaccount.yaml", "clusterrole.yaml", "clusterrolebinding.yaml",
	"service.yaml", "secret.yaml",
	"rbac-manager-serviceaccount.yaml", "rbac-manager-clusterrole.yaml",
	"rbac-manager-clusterrolebinding.yaml", "rbac-manager-allowed-provider-permissions.yaml",
	"rbac-manager-managed-clusterroles.yaml",
}

// RenderChart renders chartTemplates of the Helm chart in dir with its own
// values.yaml, released as "crossplane" in namespace, as `helm template`
// would. Helm is not a dependency here: these templates use only
// text/template and the few Sprig functions in helmFuncs, and an unknown
// function fails the parse rather than rendering something else.
func RenderChart(dir, namespace string) ([]*unstructured.Unstructured, error) {
	chart, err := readYAML(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	values, err := readYAML(filepath.Join(dir, "values.yaml"))
	if err != nil {
		return nil, err
	}
	data := map[string]any{
		// Helm exposes Chart.yaml's fields capitalised.
		"Chart":   map[string]any{"Name": chart["name"], "Version": chart["version"], "AppVersion": chart["appVersion"]},
		"Values":  values,
		"Release": map[string]any{"Name": "crossplane", "Namespace": namespace, "Service": "Helm"},
	}
	root := template.New("chart").Option("missingkey=zero")
	root.Funcs(helmFuncs(root))
	helpers, err := os.ReadFile(filepath.Join(dir, "templates", "_helpers.tpl"))
	if err != nil {
		return nil, errors.Wrap(err, "cannot read the chart's helpers")
	}
	if _, err := root.New("_helpers.tpl").Parse(string(helpers)); err != nil {
		return nil, errors.Wrap(err, "cannot parse the chart's helpers")
	}
	var objs []*unstructured.Unstructured
	for _, name := range chartTemplates {
		text, err := os.ReadFile(filepath.Join(dir, "templates", name))
		if err != nil {
			return nil, errors.Wrapf(err, "cannot read chart template %s", name)
		}
		t, err := root.New(name).Parse(string(text))
		if err != nil {
			return nil, errors.Wrapf(err, "cannot parse chart template %s", name)
		}
		var out bytes.Buffer
		if err := t.Execute(&out, data); err != nil {
			return nil, errors.Wrapf(err, "cannot render chart template %s", name)
		}
		for _, doc := range strings.Split(out.String(), "\n---") {
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
				return nil, errors.Wrapf(err, "chart template %s rendered invalid YAML", name)
			}
			if len(u.Object) > 0 {
				objs = append(objs, u)
			}
		}
	}
	return objs, nil
}

func readYAML(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot read %s", path)
	}
	m := map[string]any{}
	return m, errors.Wrapf(yaml.Unmarshal(b, &m), "cannot parse %s", path)
}

// helmFuncs are the Sprig and Helm functions the rendered templates call,
// with Sprig's argument order (the piped value comes last).
func helmFuncs(root *template.Template) template.FuncMap {
	indent := func(n int, s string) string {
		pad := strings.Repeat(" ", n)
		return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
	}
	return template.FuncMap{
		"default": func(d any, given ...any) any {
			if len(given) == 0 || given[0] == nil || given[0] == "" {
				return d
			}
			return given[0]
		},
		"trunc": func(n int, s string) string {
			if len(s) > n {
				return s[:n]
			}
			return s
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"quote":      func(v any) string { return fmt.Sprintf("%q", fmt.Sprint(v)) },
		"indent":     indent,
		"nindent":    func(n int, s string) string { return "\n" + indent(n, s) },
		"toYaml": func(v any) (string, error) {
			b, err := yaml.Marshal(v)
			return strings.TrimSuffix(string(b), "\n"), err
		},
		"include": func(name string, data any) (string, error) {
			var b bytes.Buffer
			err := root.ExecuteTemplate(&b, name, data)
			return b.String(), err
		},
		"tpl": func(string, any) (string, error) {
			return "", errors.New("tpl is not supported: a template the suite renders started using it")
		},
	}
}
