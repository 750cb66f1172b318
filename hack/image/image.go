package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The runtime image's fixed facts. The user is distroless's "nonroot"
// (65532), so the image runs under Kubernetes' runAsNonRoot without a
// passwd file; the port is the function's gRPC default (functions/platform
// main.go --address).
const (
	entrypoint = "/function"
	user       = "65532:65532"
	grpcPort   = "9443/tcp"
)

// Inputs are everything the image depends on; the same Inputs give the same
// image digest.
type Inputs struct {
	Binary   []byte    // the static function binary
	OS, Arch string    // the platform the binary was built for
	Created  time.Time // the commit time (SOURCE_DATE_EPOCH), never the clock
	Source   string    // org.opencontainers.image.source
	Revision string    // org.opencontainers.image.revision (the commit)
	Version  string    // org.opencontainers.image.version
}

// Build makes the runtime image: one layer holding only the binary, owned by
// root and not writable, so the non-root process cannot replace it; no base
// image, hence no shell, no package manager, nothing but the function. The
// binary is executable by anyone because Crossplane's Deployment runtime
// overrides the image's user with 2000:2000 (crossplane v2.4.0
// internal/controller/pkg/runtime/runtime.go RunAsUser).
func Build(in Inputs) (v1.Image, error) {
	if len(in.Binary) == 0 {
		return nil, fmt.Errorf("the function binary is empty")
	}
	for _, f := range []struct{ flag, value string }{
		{"os", in.OS}, {"arch", in.Arch}, {"source", in.Source}, {"revision", in.Revision}, {"version", in.Version},
	} {
		if f.value == "" {
			return nil, fmt.Errorf("-%s is required: it is recorded in the image", f.flag)
		}
	}
	created := in.Created.UTC()
	layerTar, err := singleFileTar(entrypoint[1:], in.Binary, created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot make the layer: %w", err)
	}
	// Docker schema 2 media types (empty.Image's): `crossplane xpkg build
	// --embed-runtime-image-tarball` reads a `docker save` tarball, which
	// keeps no media types, and appends Docker-typed package layers; OCI
	// types here would not survive the round trip.
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer:   layer,
		History: v1.History{Created: v1.Time{Time: created}, CreatedBy: "hack/image: " + entrypoint},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = in.OS, in.Arch
	cf.Created = v1.Time{Time: created}
	cf.Config = v1.Config{
		Entrypoint:   []string{entrypoint},
		User:         user,
		WorkingDir:   "/",
		ExposedPorts: map[string]struct{}{grpcPort: {}},
		Labels: map[string]string{
			"org.opencontainers.image.source":   in.Source,
			"org.opencontainers.image.revision": in.Revision,
			"org.opencontainers.image.version":  in.Version,
		},
	}
	return mutate.ConfigFile(img, cf)
}

// singleFileTar writes a tar with one regular file and no host metadata: no
// owner names, uid/gid 0, a fixed time, PAX-free USTAR headers.
func singleFileTar(name string, content []byte, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Mode:     0o555,
		Size:     int64(len(content)),
		ModTime:  mtime,
		Format:   tar.FormatUSTAR,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, fmt.Errorf("cannot write the layer: %w", err)
	}
	if _, err := tw.Write(content); err != nil {
		return nil, fmt.Errorf("cannot write the layer: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("cannot write the layer: %w", err)
	}
	return buf.Bytes(), nil
}

// write saves the image as `crossplane xpkg build` saves packages and
// --embed-runtime-image-tarball reads them (tarball.Write with no tag,
// tarball.ImageFromPath with none: cmd/crank/xpkg/build.go in Crossplane
// v2.2.1), so the file holds exactly one untagged image.
func write(img v1.Image, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := tarball.Write(nil, img, f); err != nil {
		_ = f.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return f.Close()
}
