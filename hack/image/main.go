// Command image builds the platform function's runtime image from the static
// binary, without Docker or a base image, into the image tarball that
// `crossplane xpkg build --embed-runtime-image-tarball` embeds:
//
//	go run ./hack/image -binary bin/linux_amd64/function-paynext-platform -arch amd64 \
//	  -version v0.1.0 -revision $(git rev-parse HEAD) -source https://github.com/paynext/platform \
//	  -created $(git log -1 --format=%ct) -o _output/package/function-runtime.tar
//
// The same inputs give the same digest: nothing in it comes from the host or
// the clock.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	var (
		in      Inputs
		binary  = flag.String("binary", "", "The static function binary.")
		out     = flag.String("o", "", "Where to write the image tarball.")
		created = flag.Int64("created", 0, "The image's creation time in Unix seconds: the commit time, so that a commit always builds the same digest.")
	)
	flag.StringVar(&in.OS, "os", "linux", "The binary's GOOS.")
	flag.StringVar(&in.Arch, "arch", "", "The binary's GOARCH.")
	flag.StringVar(&in.Source, "source", "", "The org.opencontainers.image.source label: the repository URL.")
	flag.StringVar(&in.Revision, "revision", "", "The org.opencontainers.image.revision label: the commit.")
	flag.StringVar(&in.Version, "version", "", "The org.opencontainers.image.version label.")
	flag.Parse()
	if *binary == "" || *out == "" {
		fail(fmt.Errorf("-binary and -o are required"))
	}
	var err error
	if in.Binary, err = os.ReadFile(*binary); err != nil {
		fail(err)
	}
	in.Created = time.Unix(*created, 0)
	img, err := Build(in)
	if err != nil {
		fail(err)
	}
	if err := write(img, *out); err != nil {
		fail(err)
	}
	d, err := img.Digest()
	if err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "image: %s/%s %s from %s (%d bytes) -> %s\n", in.OS, in.Arch, d, *binary, len(in.Binary), *out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "image:", err)
	os.Exit(1)
}
