package argocd

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite the generated health keys of config/argocd-cm.yaml")

const (
	argoCDConfigMap = "config/argocd-cm.yaml"
	// Everything after this line of argocd-cm.yaml is generated.
	generatedMarker = "  # Generated from deploy/argocd/resource_customizations/<group>/<Kind>/health.lua by\n" +
		"  # `make argocd-cm`: edit the Lua files, not the keys below.\n"
)

// healthKeys renders one resource.customizations.health.<group>_<kind> key per
// health.lua, the argocd-cm form of a built-in check
// (https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#way-1-define-a-custom-health-check-in-argocd-cm-configmap).
func healthKeys(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	for _, hc := range loadHealthChecks(t) {
		sb.WriteString("  resource.customizations.health." + hc.group + "_" + hc.kind + ": |\n")
		for _, line := range strings.SplitAfter(hc.script, "\n") {
			if strings.TrimSpace(line) == "" {
				sb.WriteString(strings.TrimLeft(line, " \t"))
				continue
			}
			sb.WriteString("    " + line)
		}
	}
	return sb.String()
}

// TestArgoCDConfigMapHealthKeys fails when argocd-cm's health keys drift from
// the Lua files; -update (make argocd-cm) rewrites them.
func TestArgoCDConfigMapHealthKeys(t *testing.T) {
	b, err := os.ReadFile(argoCDConfigMap)
	if err != nil {
		t.Fatal(err)
	}
	head, generated, found := strings.Cut(string(b), generatedMarker)
	want := healthKeys(t)
	if *update {
		if err := os.WriteFile(argoCDConfigMap, []byte(strings.TrimRight(head, "\n")+"\n"+generatedMarker+want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !found {
		t.Fatalf("%s has no generated section; run make argocd-cm", argoCDConfigMap)
	}
	if diff := cmp.Diff(want, generated); diff != "" {
		t.Errorf("%s's health keys differ from the Lua files; run make argocd-cm (-want +got):\n%s", argoCDConfigMap, diff)
	}

	// Read back as Argo CD will: every key holds its script byte for byte.
	cm := readConfigMap(t, argoCDConfigMap)
	for _, hc := range loadHealthChecks(t) {
		key := "resource.customizations.health." + hc.group + "_" + hc.kind
		if cm.Data[key] != hc.script {
			t.Errorf("argocd-cm %s does not hold %s/health.lua verbatim", key, hc.dir)
		}
		if _, ok := cm.Data["resource.customizations.useOpenLibs."+hc.group+"_"+hc.kind]; ok {
			t.Errorf("argocd-cm opens Lua's libraries for %s; the scripts are tested not to need them", key)
		}
	}
}

func readConfigMap(t *testing.T, path string) corev1.ConfigMap {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(b, &cm); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return cm
}

type exclusion struct {
	APIGroups []string `json:"apiGroups"`
	Kinds     []string `json:"kinds"`
	Clusters  []string `json:"clusters,omitempty"`
}

func exclusions(t *testing.T, cm corev1.ConfigMap, from string) []exclusion {
	t.Helper()
	var ex []exclusion
	if err := yaml.UnmarshalStrict([]byte(cm.Data["resource.exclusions"]), &ex); err != nil {
		t.Fatalf("%s resource.exclusions: %v", from, err)
	}
	return ex
}

// TestExclusionsKeepArgoCDDefaults: setting resource.exclusions replaces Argo
// CD's defaults, so ours must start with v3.5.7's own list (from the module
// zip's manifests/base/config/argocd-cm.yaml) and then exclude Crossplane's
// ProviderConfigUsages in every group.
func TestExclusionsKeepArgoCDDefaults(t *testing.T) {
	upstreamPath := filepath.Join(moduleDir(t, argoCDModule), "manifests", "base", "config", "argocd-cm.yaml")
	defaults := exclusions(t, readConfigMap(t, upstreamPath), upstreamPath)
	ours := exclusions(t, readConfigMap(t, argoCDConfigMap), argoCDConfigMap)
	if len(defaults) == 0 || len(ours) < len(defaults) {
		t.Fatalf("want Argo CD's %d default exclusions and ours after them, got %d in all", len(defaults), len(ours))
	}
	if diff := cmp.Diff(defaults, ours[:len(defaults)]); diff != "" {
		t.Errorf("our exclusions do not start with Argo CD v3.5.7's defaults (-defaults +ours):\n%s", diff)
	}
	want := []exclusion{{APIGroups: []string{"*"}, Kinds: []string{"ProviderConfigUsage", "ClusterProviderConfigUsage"}}}
	if diff := cmp.Diff(want, ours[len(defaults):]); diff != "" {
		t.Errorf("after the defaults want only the ProviderConfigUsage exclusion (-want +got):\n%s", diff)
	}
	cm := readConfigMap(t, argoCDConfigMap)
	if got := cm.Data["application.resourceTrackingMethod"]; got != "annotation" {
		t.Errorf("want annotation resource tracking (label tracking prunes XRs), got %q", got)
	}
	params := readConfigMap(t, "config/argocd-cmd-params-cm.yaml")
	if got := params.Data["controller.diff.server.side"]; got != "true" {
		t.Errorf("want server-side diff on, got controller.diff.server.side=%q", got)
	}
}
