package main

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"log"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func tarLayer(t *testing.T, file string, content []byte) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: file, Mode: 0o644, Size: int64(len(content))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// xpkgFile writes a package laid out as `crossplane xpkg build
// --embed-runtime-image-tarball` lays it out: the runtime layer, then the
// package.yaml layer, its digest labelled io.crossplane.xpkg:<digest>=base
// in the config, saved untagged.
func xpkgFile(t *testing.T, dir, repo, packageYAML string) (string, v1.Image) {
	t.Helper()
	binary := make([]byte, 3<<20) // incompressible, like a binary, so that progress has bytes to count
	r := rand.New(rand.NewPCG(3, 4))
	for i := range binary {
		binary[i] = byte(r.Uint32())
	}
	runtime := tarLayer(t, "function", binary)
	pkg := tarLayer(t, "package.yaml", []byte(packageYAML))
	img, err := mutate.AppendLayers(empty.Image, runtime, pkg)
	if err != nil {
		t.Fatal(err)
	}
	d, err := pkg.Digest()
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config.User = "65532:65532"
	cf.Config.Entrypoint = []string{"/function"}
	cf.Config.Labels = map[string]string{"io.crossplane.xpkg:" + d.String(): "base"}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, repo+".xpkg")
	if err := tarball.WriteToFile(path, nil, img); err != nil {
		t.Fatal(err)
	}
	return path, img
}

// TestPushToAPlainOCIRegistry pushes both packages to go-containerregistry's
// in-process registry (a plain OCI distribution registry, over HTTP on
// loopback), pulls each back by tag and checks: the digest push reported is
// the one the registry serves under the tag; the config and every layer are
// the built file's, byte for byte; the package.yaml layer, and only it,
// carries the io.crossplane.xpkg=base annotation Crossplane's package
// manager looks for; and progress was reported.
func TestPushToAPlainOCIRegistry(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	reg := strings.TrimPrefix(srv.URL, "http://") + "/paynext"
	dir := t.TempDir()
	for _, repo := range []string{"function-paynext-platform", "configuration-paynext-platform"} {
		file, built := xpkgFile(t, dir, repo, "kind: Function # "+repo+"\n")
		var out bytes.Buffer
		ref, err := push(context.Background(), &out, reg, "v1.2.3", file)
		if err != nil {
			t.Fatalf("%s: %v", repo, err)
		}
		tag, err := name.NewTag(reg + "/" + repo + ":v1.2.3")
		if err != nil {
			t.Fatal(err)
		}
		pulled, err := remote.Image(tag)
		if err != nil {
			t.Fatalf("%s: cannot pull back %s: %v", repo, tag, err)
		}
		d, err := pulled.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if want := tag.String() + "@" + d.String(); ref != want {
			t.Errorf("%s: push reported %s, the registry serves %s", repo, ref, want)
		}
		cfgBuilt, err := built.RawConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cfgPulled, err := pulled.RawConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cfgBuilt, cfgPulled) {
			t.Errorf("%s: the pushed config differs from the built package's", repo)
		}
		if diff := cmp.Diff(layerDigests(t, built), layerDigests(t, pulled)); diff != "" {
			t.Errorf("%s: the pushed layers differ from the built package's (-built +pushed):\n%s", repo, diff)
		}
		m, err := pulled.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		var annotations []map[string]string
		for _, l := range m.Layers {
			annotations = append(annotations, l.Annotations)
		}
		want := []map[string]string{nil, {"io.crossplane.xpkg": "base"}}
		if diff := cmp.Diff(want, annotations); diff != "" {
			t.Errorf("%s: want only the package.yaml layer annotated base (-want +got):\n%s", repo, diff)
		}
		// How many progress updates go-containerregistry sends, and whether
		// the last reaches 100%, depends on timing (on loopback the first can
		// already be 90% or the whole), so only a progress line is certain.
		progress := regexp.MustCompile(`(?m)^push: ` + regexp.QuoteMeta(repo) + ` +[0-9]+% of 3\.1 MB$`)
		if !progress.MatchString(out.String()) || !strings.Contains(out.String(), "push: pushed "+ref+" (3.1 MB uploaded)") {
			t.Errorf("%s: want a progress line of the 3.1 MB and the pushed reference, got:\n%s", repo, out.String())
		}
	}
}

func layerDigests(t *testing.T, img v1.Image) []string {
	t.Helper()
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.String())
	}
	return out
}

// TestRefusesWhatIsNotAPackage: an image without the xpkg label and a tag
// that is not a valid reference are refused before anything is uploaded.
func TestRefusesWhatIsNotAPackage(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.xpkg")
	img, err := mutate.AppendLayers(empty.Image, tarLayer(t, "x", []byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(plain, nil, img); err != nil {
		t.Fatal(err)
	}
	if _, err := push(context.Background(), io.Discard, "127.0.0.1:1/paynext", "v0.1.0", plain); err == nil || !strings.Contains(err.Error(), "no layer carries an io.crossplane.xpkg label") {
		t.Errorf("want an image without the package label refused, got %v", err)
	}
	file, _ := xpkgFile(t, dir, "function-paynext-platform", "kind: Function\n")
	if _, err := push(context.Background(), io.Discard, "127.0.0.1:1/paynext", "not a tag", file); err == nil {
		t.Error("want an invalid tag refused")
	}
}
