// Command standinproviders writes the package roots of stand-ins for the
// provider packages a Configuration depends on, so the end-to-end suite can
// install the Configuration with Crossplane's dependency resolution on while
// xpkg.upbound.io is out of reach.
//
// Each stand-in's crossplane.yaml is provider-aws's own package metadata
// template (package/crossplane.yaml.tmpl in its module), rendered with the
// variables its release build passes (cluster/images/provider-aws/Makefile):
// the same name, family label, SafeStart capability and dependency on
// provider-family-aws as the published package. What a stand-in leaves out
// is the controller image and the CRDs: the suite installs provider-aws's
// CRDs itself (with its conversion webhook) and runs the provider runtime as
// a process, as it runs the function.
//
// It writes <out>/<name>/crossplane.yaml for every provider and for the family
// package, and <out>/index.txt, one "<package> <version> <name>" a line, for
// the suite to push each built package under its own repository.
//
//	go run ./hack/standinproviders -configuration meta/crossplane.yaml \
//	  -template $provider_dir/package/crossplane.yaml.tmpl -version v2.4.0 -out dir
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"

	"sigs.k8s.io/yaml"
)

// The values provider-aws's build gives its template: PROVIDER_NAME,
// PROVIDER_AUTH_GROUP and, for a release version, DEP_CONSTRAINT.
const (
	providerName      = "aws"
	providerAuthGroup = "aws"
	depConstraint     = ">= 0.0.0"
	// familyService is the service its build names the family package after
	// (--package-repo-override config=provider-family-aws).
	familyService = "config"
)

// configuration is the part of a Configuration's metadata read here.
type configuration struct {
	Spec struct {
		DependsOn []struct {
			Provider string `json:"provider"`
			Version  string `json:"version"`
		} `json:"dependsOn"`
	} `json:"spec"`
}

// variables are the template's.
type variables struct {
	Name, Service, ProviderName, ProviderAuthGroup, XpkgRegOrg, DepConstraint string
}

// standIn is one package to build.
type standIn struct {
	pkg  string // repository, as the Configuration names it
	vars variables
}

func main() {
	cfgPath := flag.String("configuration", "", "The Configuration's crossplane.yaml.")
	tmplPath := flag.String("template", "", "provider-aws's package/crossplane.yaml.tmpl.")
	version := flag.String("version", "", "The version to tag every stand-in with (provider-aws's module version).")
	out := flag.String("out", "", "Where to write the package roots and index.txt.")
	flag.Parse()
	if err := run(*cfgPath, *tmplPath, *version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "standinproviders:", err)
		os.Exit(1)
	}
}

func run(cfgPath, tmplPath, version, out string) error {
	if cfgPath == "" || tmplPath == "" || version == "" || out == "" {
		return fmt.Errorf("-configuration, -template, -version and -out are required")
	}
	data, err := os.ReadFile(cfgPath) //nolint:gosec // A path the caller names.
	if err != nil {
		return err
	}
	var cfg configuration
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return fmt.Errorf("cannot parse %s: %w", cfgPath, err)
	}
	standIns, err := standInsFor(cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", cfgPath, err)
	}
	tmplData, err := os.ReadFile(tmplPath) //nolint:gosec // A path the caller names.
	if err != nil {
		return err
	}
	tmpl, err := template.New(filepath.Base(tmplPath)).Option("missingkey=error").Parse(string(tmplData))
	if err != nil {
		return fmt.Errorf("cannot parse %s: %w", tmplPath, err)
	}
	var index strings.Builder
	for _, s := range standIns {
		var meta bytes.Buffer
		if err := tmpl.Execute(&meta, s.vars); err != nil {
			return fmt.Errorf("cannot render %s: %w", s.vars.Name, err)
		}
		dir := filepath.Join(out, s.vars.Name)
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "crossplane.yaml"), meta.Bytes(), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(&index, "%s %s %s\n", s.pkg, version, s.vars.Name)
	}
	fmt.Fprintf(os.Stderr, "standinproviders: %d provider packages (with provider-family-%s) under %s\n", len(standIns), providerName, out)
	return os.WriteFile(filepath.Join(out, "index.txt"), []byte(index.String()), 0o600)
}

// standInsFor returns a stand-in for every provider the Configuration
// depends on, then their family package. Every provider must be one of
// provider-aws's service packages from one registry and organisation: those
// are the only packages whose metadata the template describes.
func standInsFor(cfg configuration) ([]standIn, error) {
	var (
		out    []standIn
		regOrg string
	)
	prefix := "provider-" + providerName + "-"
	for _, d := range cfg.Spec.DependsOn {
		if d.Provider == "" {
			continue
		}
		org, name := path.Split(d.Provider)
		org = strings.TrimSuffix(org, "/")
		service, ok := strings.CutPrefix(name, prefix)
		if !ok || org == "" {
			return nil, fmt.Errorf("dependency %q is not a provider-%s service package", d.Provider, providerName)
		}
		if regOrg != "" && org != regOrg {
			return nil, fmt.Errorf("dependency %q is not from %s, as the others are", d.Provider, regOrg)
		}
		regOrg = org
		out = append(out, standIn{pkg: d.Provider, vars: vars(name, service, org)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no provider dependencies")
	}
	family := "provider-family-" + providerName
	return append(out, standIn{pkg: regOrg + "/" + family, vars: vars(family, familyService, regOrg)}), nil
}

func vars(name, service, regOrg string) variables {
	return variables{Name: name, Service: service, ProviderName: providerName,
		ProviderAuthGroup: providerAuthGroup, XpkgRegOrg: regOrg, DepConstraint: depConstraint}
}
