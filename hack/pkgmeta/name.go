package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// DependencyName is the name Crossplane's package manager gives a package it
// installs to satisfy a dependency: crossplane v2.4.0
// internal/controller/pkg/resolver/reconciler.go parses the dependency's
// package with name.ParseReference (line 307, no options) and NewPackage
// names it ToDNSLabel(ref.Context().RepositoryStr()) (line 706), the path
// after the registry host. A Composition must call the function by this name.
func DependencyName(pkg string) (string, error) {
	ref, err := name.ParseReference(pkg)
	if err != nil {
		return "", fmt.Errorf("cannot parse package %q: %w", pkg, err)
	}
	return toDNSLabel(ref.Context().RepositoryStr()), nil
}

// toDNSLabel is crossplane-runtime v2.4.0 pkg/xpkg/name.go ToDNSLabel (lines
// 85-105), which this module cannot import (it pins crossplane-runtime
// v2.2.0, which has no pkg/xpkg): lower-case letters and digits kept,
// separators become '-', everything else dropped, cut at 63 characters.
// TestDependencyNameIsCrossplanes runs Crossplane's own function beside it.
func toDNSLabel(s string) string {
	var cut strings.Builder
	for i := range s {
		b := s[i]
		if ('a' <= b && b <= 'z') || ('0' <= b && b <= '9') {
			cut.WriteByte(b)
		}
		if (b == '.' || b == '/' || b == ':' || b == '-') && (i != 0 && i != 62 && i != len(s)-1) {
			cut.WriteByte('-')
		}
		if i == 62 {
			break
		}
	}
	return strings.Trim(cut.String(), "-")
}

// checkRegistry refuses a REGISTRY without a registry host: without one,
// Crossplane and docker disagree on where "paynext/x" lives (Docker Hub for
// the resolver's name.ParseReference, a default package registry elsewhere).
func checkRegistry(registry string) error {
	host, _, ok := strings.Cut(registry, "/")
	if !ok || !(strings.ContainsAny(host, ".:") || host == "localhost") {
		return fmt.Errorf("REGISTRY %q must be a registry host and organisation, e.g. xpkg.paynext.io/paynext or localhost:5000/paynext", registry)
	}
	if _, err := name.NewRepository(registry+"/"+functionRepository, name.StrictValidation); err != nil {
		return fmt.Errorf("REGISTRY %q: %w", registry, err)
	}
	return nil
}

// semverTag is what Crossplane's resolver accepts as a package version: a
// complete semantic version (it skips "v1" or "v1.2" tags:
// findDependencyVersionToInstall, reconciler.go lines 494-499). The "v" is
// our convention; build metadata ("+...") is not allowed in an OCI tag.
var semverTag = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

func checkVersion(version string) error {
	if !semverTag.MatchString(version) {
		return fmt.Errorf("VERSION %q must be a complete semantic version such as v0.1.0 or v1.2.0-rc.1: Crossplane's resolver ignores other tags", version)
	}
	return nil
}
