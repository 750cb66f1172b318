// Command push pushes the packages `make xpkg` built to REGISTRY at VERSION,
// with go-containerregistry and no Docker, to any OCI registry:
//
//	go run ./hack/push -registry xpkg.paynext.io/paynext -version v0.1.0 \
//	  _output/package/function-paynext-platform.xpkg _output/package/configuration-paynext-platform.xpkg
//
// Each file goes to REGISTRY/<file name without .xpkg>:VERSION, in the order
// given (the function first, so the Configuration's dependency exists before
// the Configuration). Credentials come from the docker config
// (~/.docker/config.json, or DOCKER_CONFIG), as `crossplane xpkg push` finds
// them; localhost, loopback and private-network registries are spoken to
// over plain HTTP (go-containerregistry's name.Registry.Scheme).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The xpkg layer annotation: crossplane-runtime v2.4.0 pkg/xpkg/name.go
// AnnotationKey; its package manager reads package.yaml from the layer
// annotated "base" (client.go ExtractPackageYAML) and only without one
// flattens every layer of the image, the runtime binary included.
const annotationKey = "io.crossplane.xpkg"

func main() {
	registry := flag.String("registry", "", "The registry and organisation to push to (REGISTRY).")
	version := flag.String("version", "", "The tag (VERSION).")
	flag.Parse()
	if *registry == "" || *version == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: push -registry REGISTRY -version VERSION FILE.xpkg...")
		os.Exit(2)
	}
	opts := []remote.Option{remote.WithAuthFromKeychain(authn.DefaultKeychain)}
	for _, file := range flag.Args() {
		if _, err := push(context.Background(), os.Stderr, *registry, *version, file, opts...); err != nil {
			fmt.Fprintln(os.Stderr, "push:", err)
			os.Exit(1)
		}
	}
}

// push uploads one package file and returns the reference it can be pulled
// by, tag and digest.
func push(ctx context.Context, log io.Writer, registry, version, file string, opts ...remote.Option) (string, error) {
	repo := strings.TrimSuffix(filepath.Base(file), ".xpkg")
	tag, err := name.NewTag(registry+"/"+repo+":"+version, name.StrictValidation)
	if err != nil {
		return "", fmt.Errorf("cannot push %s: %w", file, err)
	}
	img, err := tarball.ImageFromPath(file, nil)
	if err != nil {
		return "", fmt.Errorf("cannot read package %s: %w", file, err)
	}
	if img, err = annotateLayers(img); err != nil {
		return "", fmt.Errorf("cannot annotate the layers of %s: %w", file, err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(log, "push: %s -> %s (%s)\n", file, tag, d)
	updates := make(chan v1.Update, 16)
	done := make(chan error, 1)
	go func() {
		done <- remote.Write(tag, img, append(opts, remote.WithContext(ctx), remote.WithProgress(updates))...)
	}()
	// The total grows as blobs are found, and blobs the registry already has
	// are never read, so the percentage is a rough guide: a line per tenth.
	lastTenth, uploaded := int64(-1), int64(0)
	for u := range updates { // remote.Write closes updates when it returns
		if u.Total > 0 && u.Complete*10/u.Total > lastTenth {
			lastTenth = u.Complete * 10 / u.Total
			fmt.Fprintf(log, "push: %s %3d%% of %s\n", repo, lastTenth*10, size(u.Total))
		}
		uploaded = max(uploaded, u.Complete)
	}
	if err := <-done; err != nil {
		return "", fmt.Errorf("cannot push %s to %s: %w", file, tag, err)
	}
	ref := tag.String() + "@" + d.String()
	fmt.Fprintf(log, "push: pushed %s (%s uploaded)\n", ref, size(uploaded))
	return ref, nil
}

func size(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// annotateLayers is what `crossplane xpkg push` does before it writes
// (Crossplane v2.2.1 internal/xpkg/layers.go AnnotateLayers, not importable):
// a layer whose digest `xpkg build` recorded in a config label
// io.crossplane.xpkg:<digest> gets that label's value as its manifest
// annotation io.crossplane.xpkg. Same layers, same config; only the manifest,
// and so the digest, changes.
func annotateLayers(img v1.Image) (v1.Image, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	annotated := false
	out := empty.Image
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return nil, err
		}
		add := mutate.Addendum{Layer: l}
		if v, ok := cf.Config.Labels[annotationKey+":"+d.String()]; ok {
			add.Annotations = map[string]string{annotationKey: v}
			annotated = true
		}
		if out, err = mutate.Append(out, add); err != nil {
			return nil, err
		}
	}
	if !annotated {
		return nil, fmt.Errorf("no layer carries an %s label: not a package `crossplane xpkg build` made", annotationKey)
	}
	return mutate.ConfigFile(out, cf)
}
