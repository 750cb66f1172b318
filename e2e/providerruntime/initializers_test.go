package providerruntime

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every kind the golden renders compose gets the name-as-external-name
// initializer exactly when provider-aws v2.4.0's generated controller of the
// kind adds it.
func TestNameAsExternalNameMatchesTheProvider(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/upbound/provider-aws/v2").Output()
	if err != nil {
		t.Fatalf("cannot find provider-aws in the module cache: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	goldens, _ := filepath.Glob(filepath.Join("..", "..", "functions", "platform", "testdata", "golden", "*.yaml"))
	if len(goldens) == 0 {
		t.Fatal("no golden renders to read the composed kinds from")
	}
	kinds := map[string]bool{}
	apiVersion := regexp.MustCompile(`(?m)^apiVersion: ([a-z0-9.]+)\.aws\.upbound\.io/\S+\nkind: (\S+)`)
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range apiVersion.FindAllSubmatch(data, -1) {
			kinds[string(m[1])+".aws.upbound.io/"+string(m[2])] = true
		}
	}
	for kind := range kinds {
		group, name, _ := strings.Cut(kind, "/")
		file := filepath.Join(dir, "internal", "controller", "cluster", strings.TrimSuffix(group, ".aws.upbound.io"), strings.ToLower(name), "zz_controller.go")
		src, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: cannot read its generated controller: %v", kind, err)
			continue
		}
		if want := bytes.Contains(src, []byte("managed.NewNameAsExternalName(")); nameAsExternalName[kind] != want {
			t.Errorf("%s: the provider's controller adds the name-as-external-name initializer: %v; the fake: %v", kind, want, nameAsExternalName[kind])
		}
	}
	for kind := range nameAsExternalName {
		if !kinds[kind] {
			t.Errorf("%s is listed but no golden render composes it", kind)
		}
	}
}
