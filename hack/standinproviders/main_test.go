package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

func TestStandInsForNamesEveryProviderAndTheFamily(t *testing.T) {
	cfg := func(deps ...string) configuration {
		var c configuration
		for _, d := range deps {
			kind, pkg, _ := strings.Cut(d, "=")
			dep := struct {
				Provider string `json:"provider"`
				Version  string `json:"version"`
			}{Version: ">=v2.4.0"}
			if kind == "provider" {
				dep.Provider = pkg
			}
			c.Spec.DependsOn = append(c.Spec.DependsOn, dep)
		}
		return c
	}
	cases := map[string]struct {
		cfg     configuration
		want    []string // package, then name
		wantErr string
	}{
		"ServicePackagesThenTheirFamily": {
			cfg: cfg("provider=xpkg.upbound.io/upbound/provider-aws-ec2", "function=ghcr.io/acme/function-x", "provider=xpkg.upbound.io/upbound/provider-aws-kms"),
			want: []string{
				"xpkg.upbound.io/upbound/provider-aws-ec2 provider-aws-ec2 ec2",
				"xpkg.upbound.io/upbound/provider-aws-kms provider-aws-kms kms",
				"xpkg.upbound.io/upbound/provider-family-aws provider-family-aws config",
			},
		},
		"AMirroredOrganisationIsKept": {
			cfg:  cfg("provider=mirror.example.com/upbound/provider-aws-s3"),
			want: []string{"mirror.example.com/upbound/provider-aws-s3 provider-aws-s3 s3", "mirror.example.com/upbound/provider-family-aws provider-family-aws config"},
		},
		"AnotherProviderIsRefused": {
			cfg:     cfg("provider=xpkg.upbound.io/upbound/provider-gcp-storage"),
			wantErr: `dependency "xpkg.upbound.io/upbound/provider-gcp-storage" is not a provider-aws service package`,
		},
		"TwoOrganisationsAreRefused": {
			cfg:     cfg("provider=xpkg.upbound.io/upbound/provider-aws-ec2", "provider=ghcr.io/acme/provider-aws-s3"),
			wantErr: `dependency "ghcr.io/acme/provider-aws-s3" is not from xpkg.upbound.io/upbound, as the others are`,
		},
		"NoProviderIsAnError": {
			cfg:     cfg("function=ghcr.io/acme/function-x"),
			wantErr: "no provider dependencies",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := standInsFor(tc.cfg)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("want the error %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, s := range got {
				lines = append(lines, s.pkg+" "+s.vars.Name+" "+s.vars.Service)
				if s.vars.XpkgRegOrg+"/"+s.vars.Name != s.pkg {
					t.Errorf("%s: the family dependency would name %s/provider-family-aws, not its own organisation", s.pkg, s.vars.XpkgRegOrg)
				}
			}
			if diff := cmp.Diff(tc.want, lines); diff != "" {
				t.Errorf("want each provider in the Configuration's order, then the family (-want +got):\n%s", diff)
			}
		})
	}
}

// Rendered from provider-aws v2.4.0's own template, each stand-in is what the
// published package declares: its name, the family label, SafeStart, and a
// dependency on the family package from the same organisation, which has none.
func TestStandInsCarryTheProvidersOwnMetadata(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/upbound/provider-aws/v2").Output()
	if err != nil {
		t.Fatalf("cannot find provider-aws in the module cache: %v", err)
	}
	tmpl := filepath.Join(strings.TrimSpace(string(out)), "package", "crossplane.yaml.tmpl")
	dir := t.TempDir()
	if err := run(filepath.Join("..", "..", "package", "crossplane.yaml"), tmpl, "v2.4.0", dir); err != nil {
		t.Fatal(err)
	}
	type meta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name   string            `json:"name"`
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		Spec struct {
			Capabilities []string `json:"capabilities"`
			DependsOn    []struct {
				Provider string `json:"provider"`
				Version  string `json:"version"`
			} `json:"dependsOn"`
		} `json:"spec"`
	}
	read := func(name string) meta {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, name, "crossplane.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var m meta
		if err := yaml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	ec2 := read("provider-aws-ec2")
	if ec2.APIVersion != "meta.pkg.crossplane.io/v1" || ec2.Kind != "Provider" || ec2.Metadata.Name != "provider-aws-ec2" {
		t.Errorf("want a meta.pkg.crossplane.io/v1 Provider named provider-aws-ec2, got %s %s %s", ec2.APIVersion, ec2.Kind, ec2.Metadata.Name)
	}
	if ec2.Metadata.Labels["pkg.crossplane.io/provider-family"] != "provider-family-aws" {
		t.Errorf("want the family label, got %v", ec2.Metadata.Labels)
	}
	if diff := cmp.Diff([]string{"SafeStart"}, ec2.Spec.Capabilities); diff != "" {
		t.Errorf("want the SafeStart capability the published package declares (-want +got):\n%s", diff)
	}
	if len(ec2.Spec.DependsOn) != 1 || ec2.Spec.DependsOn[0].Provider != "xpkg.upbound.io/upbound/provider-family-aws" || ec2.Spec.DependsOn[0].Version != ">= 0.0.0" {
		t.Errorf("want one dependency, on xpkg.upbound.io/upbound/provider-family-aws >= 0.0.0, got %+v", ec2.Spec.DependsOn)
	}
	if family := read("provider-family-aws"); family.Metadata.Name != "provider-family-aws" || len(family.Spec.DependsOn) != 0 {
		t.Errorf("want provider-family-aws with no dependencies, got %s with %+v", family.Metadata.Name, family.Spec.DependsOn)
	}
	index, err := os.ReadFile(filepath.Join(dir, "index.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(index), "xpkg.upbound.io/upbound/provider-aws-ec2 v2.4.0 provider-aws-ec2\n") {
		t.Errorf("want the index to list provider-aws-ec2 at v2.4.0, got:\n%s", index)
	}
}
