// Command function-paynext-platform is the Crossplane composition function
// that renders every tier of a PayNext platform from one XPayNextPlatform.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	grpcprometheus "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"

	"github.com/crossplane/function-sdk-go"
	"github.com/crossplane/function-sdk-go/response"
)

// defaultMaxRecvMessageSize is well above gRPC's 4 MiB default: the request
// carries the observed state of every composed resource, which grows with the
// platform.
const defaultMaxRecvMessageSize = 64 << 20

func main() {
	var (
		debug       = flag.Bool("debug", false, "Emit debug logs as well as info logs.")
		network     = flag.String("network", "tcp", "Network on which to listen for gRPC connections.")
		address     = flag.String("address", ":9443", "Address at which to listen for gRPC connections.")
		tlsCertsDir = flag.String("tls-certs-dir", os.Getenv("TLS_SERVER_CERTS_DIR"), "Directory with the server's tls.crt and tls.key and the clients' ca.crt (env TLS_SERVER_CERTS_DIR).")
		insecure    = flag.Bool("insecure", false, "Serve without mTLS, for crossplane render's Development runtime. Never in a cluster.")
		maxRecv     = flag.Int("max-recv-message-size", defaultMaxRecvMessageSize, "Largest RunFunctionRequest to accept, in bytes.")
		metrics     = flag.String("metrics-address", function.DefaultMetricsAddress, "Address of the Prometheus /metrics endpoint (calls, and their latency as a histogram).")
		ttl         = flag.Duration("ttl", response.DefaultTTL, "How long Crossplane may wait before calling the function again for a platform that has not changed: each call re-applies every composed resource (about 500 for prod).")
		readyTTL    = flag.Duration("ready-ttl", 0, "The --ttl of a platform whose composed resources are all Ready (default: --ttl). A change to a composed resource still triggers a call at once.")
	)
	flag.Parse()
	if *ttl < time.Second {
		fmt.Fprintf(os.Stderr, "function-paynext-platform: --ttl=%s: want at least 1s\n", *ttl)
		os.Exit(2)
	}
	if *readyTTL != 0 && *readyTTL < time.Second {
		fmt.Fprintf(os.Stderr, "function-paynext-platform: --ready-ttl=%s: want at least 1s\n", *readyTTL)
		os.Exit(2)
	}
	if err := serve(*debug, *network, *address, *tlsCertsDir, *insecure, *maxRecv, *metrics, *ttl, *readyTTL); err != nil {
		fmt.Fprintln(os.Stderr, "function-paynext-platform:", err)
		os.Exit(1)
	}
}

func serve(debug bool, network, address, tlsCertsDir string, insecure bool, maxRecv int, metrics string, ttl, readyTTL time.Duration) error {
	log, err := function.NewLogger(debug)
	if err != nil {
		return err
	}
	fn, err := NewFunction(log)
	if err != nil {
		return err
	}
	fn.ttl, fn.readyTTL = ttl, readyTTL
	log.Info("Serving", "network", network, "address", address, "insecure", insecure, "maxRecvMessageSize", maxRecv, "metricsAddress", metrics, "ttl", ttl, "readyTTL", readyTTL)
	return function.Serve(fn,
		function.Listen(network, address),
		function.MTLSCertificates(tlsCertsDir),
		function.Insecure(insecure),
		function.MaxRecvMessageSize(maxRecv),
		function.WithMetricsServer(metrics),
		function.WithMetricsServerOpts(grpcprometheus.WithServerHandlingTimeHistogram()),
	)
}
