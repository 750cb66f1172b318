package main

import (
	"archive/tar"
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func inputs() Inputs {
	bin := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range bin {
		bin[i] = byte(r.Uint32())
	}
	return Inputs{
		Binary: bin, OS: "linux", Arch: "amd64",
		Created:  time.Unix(1795000000, 0),
		Source:   "https://github.com/paynext/platform",
		Revision: "a7ff628d3a8c1b6b0d8f4e2a9c5b7e1f3d2c4b6a",
		Version:  "v0.1.0",
	}
}

// buildFile builds the image into a tarball and reads it back the way
// `crossplane xpkg build --embed-runtime-image-tarball` does, so every
// assertion is about the file Crossplane embeds.
func buildFile(t *testing.T, in Inputs) (v1.Image, []byte) {
	t.Helper()
	img, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "runtime.tar")
	if err := write(img, path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	back, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatalf("crossplane could not read the tarball: %v", err)
	}
	return back, raw
}

func digest(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestReproducible: two builds from the same inputs, at different wall-clock
// times, give byte-identical tarballs and the same image digest; changing
// any recorded input changes the digest (so the equality is not vacuous).
func TestReproducible(t *testing.T) {
	a, rawA := buildFile(t, inputs())
	time.Sleep(1100 * time.Millisecond) // a clock leak would show as a new second
	b, rawB := buildFile(t, inputs())
	if digest(t, a) != digest(t, b) {
		t.Errorf("same inputs, different digests: %s and %s", digest(t, a), digest(t, b))
	}
	if !bytes.Equal(rawA, rawB) {
		t.Error("same inputs, different tarball bytes")
	}
	in := inputs()
	in.Revision = "0000000000000000000000000000000000000000"
	if c, _ := buildFile(t, in); digest(t, c) == digest(t, a) {
		t.Error("another revision built the same digest: the label is not in the image")
	}
	in = inputs()
	in.Binary[0] ^= 0xff
	if c, _ := buildFile(t, in); digest(t, c) == digest(t, a) {
		t.Error("another binary built the same digest")
	}
}

// TestConfig: the image as Crossplane reads it runs the binary as the
// non-root user 65532, carries the OCI labels, and records the commit time.
func TestConfig(t *testing.T) {
	img, _ := buildFile(t, inputs())
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	want := v1.Config{
		Entrypoint:   []string{"/function"},
		User:         "65532:65532",
		WorkingDir:   "/",
		ExposedPorts: map[string]struct{}{"9443/tcp": {}},
		Labels: map[string]string{
			"org.opencontainers.image.source":   "https://github.com/paynext/platform",
			"org.opencontainers.image.revision": "a7ff628d3a8c1b6b0d8f4e2a9c5b7e1f3d2c4b6a",
			"org.opencontainers.image.version":  "v0.1.0",
		},
	}
	if diff := cmp.Diff(want, cf.Config); diff != "" {
		t.Errorf("want the binary as entrypoint, user 65532, the OCI labels and nothing else (-want +got):\n%s", diff)
	}
	if cf.OS != "linux" || cf.Architecture != "amd64" {
		t.Errorf("want platform linux/amd64, got %s/%s", cf.OS, cf.Architecture)
	}
	if !cf.Created.Equal(time.Unix(1795000000, 0)) {
		t.Errorf("want the commit time as created, got %s", cf.Created)
	}
}

// TestOnlyTheBinary: the image's filesystem is the binary and nothing else:
// no shell, no base image; root-owned and read-only, byte for byte the input.
func TestOnlyTheBinary(t *testing.T) {
	in := inputs()
	img, _ := buildFile(t, in)
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Errorf("want one layer (no base image), got %d", len(layers))
	}
	type entry struct {
		Name     string
		Mode     int64
		UID, GID int
		Type     byte
	}
	var got []entry
	tr := tar.NewReader(mutate.Extract(img))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, entry{h.Name, h.Mode, h.Uid, h.Gid, h.Typeflag})
		if h.Name == "function" {
			content, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(content, in.Binary) {
				t.Error("the /function in the image is not the binary given")
			}
		}
	}
	want := []entry{{Name: "function", Mode: 0o555, Type: tar.TypeReg}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("want only /function, root-owned, read-only (-want +got):\n%s", diff)
	}
}

// TestRefusesMissingInputs: an image without its labels is not built.
func TestRefusesMissingInputs(t *testing.T) {
	in := inputs()
	in.Revision = ""
	if _, err := Build(in); err == nil || err.Error() != "-revision is required: it is recorded in the image" {
		t.Errorf("want the missing -revision named, got %v", err)
	}
	in = inputs()
	in.Binary = nil
	if _, err := Build(in); err == nil {
		t.Error("want an empty binary refused")
	}
}
