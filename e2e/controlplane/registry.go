package controlplane

import (
	"io"
	"log"
	"net"
	"net/http"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Registry is an in-memory OCI registry on 127.0.0.1. It speaks plain HTTP,
// which go-containerregistry (and so Crossplane's package fetcher) uses for
// loopback registries.
type Registry struct {
	Host string
	srv  *http.Server
}

// StartRegistry serves a registry until Stop.
func StartRegistry() (*Registry, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Wrap(err, "cannot listen for the registry")
	}
	srv := &http.Server{Handler: registry.New(registry.Logger(log.New(io.Discard, "", 0)))} //nolint:gosec // Loopback, test only.
	go func() { _ = srv.Serve(l) }()
	return &Registry{Host: l.Addr().String(), srv: srv}, nil
}

// Push uploads a package file (an OCI image tarball, as `crossplane xpkg
// build` writes) as host/repository:tag and returns that reference.
func (r *Registry) Push(xpkgPath, repository, tag string) (string, error) {
	img, err := tarball.ImageFromPath(xpkgPath, nil)
	if err != nil {
		return "", errors.Wrapf(err, "cannot read package %s", xpkgPath)
	}
	ref, err := name.ParseReference(r.Host + "/" + repository + ":" + tag)
	if err != nil {
		return "", errors.Wrap(err, "cannot parse package reference")
	}
	if err := remote.Write(ref, img); err != nil {
		return "", errors.Wrapf(err, "cannot push %s", ref)
	}
	return ref.String(), nil
}

// Stop closes the registry.
func (r *Registry) Stop() { _ = r.srv.Close() }
