// Package crd finds provider-aws's CRDs in its package directory.
package crd

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// File is the path of provider-aws's CRD for a kind of an API group in the
// provider package's CRD directory: files are named <group>_<plural>.yaml,
// and the CRD's spec.names.kind is the line "    kind: <Kind>" near its top
// (the match hack/provider-crds.sh makes).
func File(dir, group, kind string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, group+"_*.yaml"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // provider-aws's CRDs.
		if err != nil {
			return "", err
		}
		if namesKind(b, kind) {
			return f, nil
		}
	}
	return "", fmt.Errorf("no CRD for %s.%s in %s", kind, group, dir)
}

// Name is the name of that CRD, and so of its ManagedResourceDefinition:
// <plural>.<group>.
func Name(dir, group, kind string) (string, error) {
	f, err := File(dir, group, kind)
	if err != nil {
		return "", err
	}
	return NameOfFile(f), nil
}

// NameOfFile is the name of the CRD in a file of the provider package's
// CRD directory, from the file's name: <group>_<plural>.yaml holds
// <plural>.<group>.
func NameOfFile(path string) string {
	group, plural, _ := strings.Cut(strings.TrimSuffix(filepath.Base(path), ".yaml"), "_")
	return plural + "." + group
}

func namesKind(b []byte, kind string) bool {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for i := 0; i < 30 && sc.Scan(); i++ {
		if sc.Text() == "    kind: "+kind {
			return true
		}
	}
	return false
}
