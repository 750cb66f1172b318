package argocd

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/deploy/argocd/health"
)

const customizations = "resource_customizations"

// healthCheck is one resource_customizations/<group>/<Kind> directory.
type healthCheck struct {
	group, kind, dir string
	script           string
	cases            []healthCase
}

type healthCase struct {
	InputPath    string        `json:"inputPath"`
	HealthStatus health.Status `json:"healthStatus"`
}

func loadHealthChecks(t *testing.T) []healthCheck {
	t.Helper()
	scripts, err := filepath.Glob(filepath.Join(customizations, "*", "*", "health.lua"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no health.lua under %s: %v", customizations, err)
	}
	sort.Strings(scripts)
	var checks []healthCheck
	for _, s := range scripts {
		dir := filepath.Dir(s)
		script, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "health_test.yaml"))
		if err != nil {
			t.Fatalf("%s has no health_test.yaml beside it, as Argo CD requires: %v", s, err)
		}
		var tests struct {
			Tests []healthCase `json:"tests"`
		}
		if err := yaml.UnmarshalStrict(b, &tests); err != nil {
			t.Fatalf("%s/health_test.yaml: %v", dir, err)
		}
		checks = append(checks, healthCheck{
			group: filepath.Base(filepath.Dir(dir)), kind: filepath.Base(dir), dir: dir,
			script: string(script), cases: tests.Tests,
		})
	}
	return checks
}

func readObject(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{}
	if err := yaml.Unmarshal(b, &obj); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return obj
}

// TestHealthChecks runs every case of every health_test.yaml with Lua's
// standard libraries (as Argo CD runs its built-in checks) and without them
// (as it runs argocd-cm scripts unless useOpenLibs is set): both must give the
// expected status and message.
func TestHealthChecks(t *testing.T) {
	for _, hc := range loadHealthChecks(t) {
		if len(hc.cases) == 0 {
			t.Errorf("%s: health_test.yaml has no cases", hc.dir)
		}
		for _, tc := range hc.cases {
			obj := readObject(t, filepath.Join(hc.dir, tc.InputPath))
			if got := fmt.Sprint(obj["kind"]); got != hc.kind {
				t.Errorf("%s/%s is a %s, not a %s", hc.dir, tc.InputPath, got, hc.kind)
			}
			for _, openLibs := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%s/%s/openLibs=%t", hc.group, hc.kind, tc.InputPath, openLibs), func(t *testing.T) {
					got, err := health.Run(hc.script, obj, openLibs)
					if err != nil {
						t.Fatalf("the script failed: %v", err)
					}
					if got != tc.HealthStatus {
						t.Errorf("want %+v, got %+v", tc.HealthStatus, got)
					}
				})
			}
		}
	}
}

// TestHealthCasesCoverEveryOutcome: the claim and XR checks are tested for
// Suspended, Degraded, Healthy and Progressing both before any condition and
// while not Ready; the package checks for Healthy, Degraded and Progressing.
func TestHealthCasesCoverEveryOutcome(t *testing.T) {
	want := map[string][]string{
		"platform.paynext.io": {"Suspended", "Degraded", "Healthy", "Progressing", "Progressing"},
		"pkg.crossplane.io":   {"Degraded", "Healthy", "Progressing", "Progressing"},
		"argoproj.io":         {"Degraded", "Healthy", "Progressing"},
	}
	for _, hc := range loadHealthChecks(t) {
		count := map[string]int{}
		for _, tc := range hc.cases {
			count[tc.HealthStatus.Status]++
		}
		for _, s := range want[hc.group] {
			if count[s] == 0 {
				t.Errorf("%s: want a case whose status is %s (one per branch of the script)", hc.dir, s)
			}
			count[s]--
		}
	}
}

// TestSharedScriptsStayIdentical: the claim and its XR, and the Configuration
// and Function packages, report status the same way, so each pair shares one
// script; Argo CD's layout needs a copy per kind, and the copies must agree.
func TestSharedScriptsStayIdentical(t *testing.T) {
	for _, pair := range [][2]string{
		{"platform.paynext.io/PayNextPlatform", "platform.paynext.io/XPayNextPlatform"},
		{"pkg.crossplane.io/Configuration", "pkg.crossplane.io/Function"},
	} {
		a, errA := os.ReadFile(filepath.Join(customizations, pair[0], "health.lua"))
		b, errB := os.ReadFile(filepath.Join(customizations, pair[1], "health.lua"))
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if string(a) != string(b) {
			t.Errorf("%s/health.lua and %s/health.lua differ; copy one over the other", pair[0], pair[1])
		}
	}
}

// TestGopherLuaIsArgoCDs: the health checks are only proven for Argo CD if
// they run on the Lua VM it links; both go.mod files must name the same
// gopher-lua.
func TestGopherLuaIsArgoCDs(t *testing.T) {
	re := regexp.MustCompile(`(?m)^\s*github\.com/yuin/gopher-lua (v\S+)`)
	version := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m := re.FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s requires no github.com/yuin/gopher-lua", path)
		}
		return string(m[1])
	}
	theirs := version(filepath.Join(moduleDir(t, argoCDModule), "go.mod"))
	ours := version("../../go.mod")
	if theirs != ours {
		t.Errorf("Argo CD v3.5.7 runs health checks on gopher-lua %s; our tests run them on %s", theirs, ours)
	}
}
