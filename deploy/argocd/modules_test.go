// Package argocd tests the Argo CD bundle in this directory offline: the Lua
// health checks on the Lua VM Argo CD runs, the argocd-cm generated from them,
// and every manifest against the CRD schemas of the versions we pin.
package argocd

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Versions the bundle is written for. Argo CD is not a dependency of this
// module (it would pull in ~350 modules); its CRDs and default settings are
// read from its module zip, fetched by `go mod download` like
// hack/provider-crds.sh fetches provider-aws's CRDs.
const (
	argoCDModule     = "github.com/argoproj/argo-cd/v3@v3.5.7"
	crossplaneModule = "github.com/crossplane/crossplane/v2@v2.4.0"
	providerModule   = "github.com/upbound/provider-aws/v2@v2.4.0"
)

var (
	moduleMu   sync.Mutex
	moduleDirs = map[string]string{}
)

// moduleDir returns the directory `go mod download` unpacks mod into. It runs
// in a throwaway module so our go.mod and go.sum are never touched; from a
// warm module cache it needs no network.
func moduleDir(t *testing.T, mod string) string {
	t.Helper()
	moduleMu.Lock()
	defer moduleMu.Unlock()
	if d, ok := moduleDirs[mod]; ok {
		return d
	}
	tmp, err := os.MkdirTemp("", "argocd-modules-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte("module throwaway\n\ngo 1.26\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	_ = json.Unmarshal(out, &info)
	if err != nil || info.Dir == "" {
		t.Fatalf("go mod download %s failed (needs the module proxy or a warm module cache): %v %s", mod, err, info.Error)
	}
	moduleDirs[mod] = info.Dir
	return info.Dir
}

// TestE2EReadsTheSameModules: hack/e2e.sh installs Argo CD's CRDs and
// provider-aws's ProviderConfig CRD in the end-to-end control plane from
// module zips of its own naming; the live dry run proves the bundle only for
// the versions these tests pin if both name the same modules.
func TestE2EReadsTheSameModules(t *testing.T) {
	b, err := os.ReadFile("../../hack/e2e.sh")
	if err != nil {
		t.Fatal(err)
	}
	for variable, mod := range map[string]string{"argocd_module": argoCDModule, "provider_module": providerModule} {
		if want := variable + "=" + mod + "\n"; !strings.Contains(string(b), want) {
			t.Errorf("hack/e2e.sh does not set %q; the offline tests read %s", strings.TrimSpace(want), mod)
		}
	}
}
