//go:build e2e

// Package e2e proves the other half of the platform: that Crossplane, running
// its real reconcilers against a real API server, turns a claim into the
// platform, keeps it reconciled, updates it in place and deletes it safely.
// Everything runs as local processes on 127.0.0.1 (no Docker, no AWS);
// provider-aws's runtime (crossplane-runtime's managed reconciler with the
// provider's generated reference resolvers) runs in this process with an
// in-memory AWS behind it (e2e/providerruntime). Run it with `make e2e`, which
// builds the binaries and sets the E2E_* environment this suite reads.
//
// Scenarios share one control plane and run in the order of their files
// (scenario1_apply … scenario9_unresolved): the example claims are applied,
// edited and deleted first, then prod is applied again with AWS faults, and
// the function, Crossplane core and kube-apiserver are crashed and restarted
// under it (scenario6b_restarts: before the parallel group, which must not
// lose its API server midway).
// While the example claims are live, the Argo CD bundle (deploy/argocd) is
// dry-run against the API server (scenario3_argocd).
// Then five scenarios run together (t.Parallel), each on a claim no other
// scenario touches by then: a zone added to staging, a zone removed from
// dev, the held-out eu-central-1 and sandbox claims, and the Argo CD health
// checks following a claim of their own from apply to Ready to broken
// (scenario3_argocd; run alone, it took about 4 of the suite's 30 minutes).
// Most of their time is spent waiting on Crossplane's and the provider's requeues, so together
// they take about as long as the longest, not the sum. The faults scenario
// stays alone: it expects every resource that met an injected error to show
// one, and in a trial run beside the others one resource's only error
// reached neither its Synced condition nor an event. Each scenario that
// needs a claim applies it first if it is missing, so any one runs alone
// with -run.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/paynext/platform/e2e/controlplane"
	"github.com/paynext/platform/e2e/providerruntime"
)

// env is the running control plane every scenario shares.
var env *environment

type environment struct {
	dir        string
	procs      *controlplane.Processes
	kube       *controlplane.Kubernetes
	crossplane *controlplane.Crossplane
	function   *controlplane.Function
	registry   *controlplane.Registry
	c          client.Client
	journal    *providerruntime.Journal
	aws        *providerruntime.AWS
	// providerCache is the provider runtime's informer cache: scenarios watch
	// managed resources through it.
	providerCache  cache.Cache
	providerScheme *runtime.Scheme
	// stopWebhook stops the provider's conversion webhook.
	stopWebhook func()
	rendered    map[string]*renderedPlatform
	kinds       []schema.GroupVersionKind
	cancel      context.CancelFunc

	mu      sync.Mutex
	timings []timing
}

type timing struct {
	what string
	took time.Duration
}

// record keeps a measured duration for the summary and prints it now.
func (e *environment) record(what string, took time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.timings = append(e.timings, timing{what, took})
	fmt.Printf("e2e: %-70s %8.1f s\n", what, took.Seconds())
}

func TestMain(m *testing.M) {
	if os.Getenv("E2E_WORK_DIR") == "" {
		fmt.Println("e2e: E2E_WORK_DIR is not set; run the suite with `make e2e`")
		os.Exit(1)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	e, err := setUp(ctx)
	if e != nil {
		e.cancel = cancel
		defer e.tearDown()
	}
	if err != nil {
		fmt.Printf("e2e: setting up the control plane failed: %v\n", err)
		if e != nil {
			fmt.Print(e.procs.Tails(40))
		}
		return 1
	}
	env = e
	e.record("set-up in all (control plane, Crossplane, packages)", time.Since(start))
	code := m.Run()
	if code != 0 {
		fmt.Print(e.procs.Tails(40))
	}
	e.report()
	return code
}

// report prints the timings and the function's call metrics.
func (e *environment) report() {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	b.WriteString("e2e: ===== timings =====\n")
	for _, t := range e.timings {
		fmt.Fprintf(&b, "e2e: %-70s %8.1f s\n", t.what, t.took.Seconds())
	}
	b.WriteString(functionMetrics(e.function.MetricsURL, e.crossplane.MetricsURL))
	fmt.Print(b.String())
	if err := os.WriteFile(filepath.Join(e.dir, "report.txt"), []byte(b.String()), 0o644); err != nil {
		fmt.Printf("e2e: cannot keep the report: %v\n", err)
	}
	var j strings.Builder
	for _, ev := range e.journal.Since(0, nil) {
		fmt.Fprintf(&j, "%s %s\n", ev.At.Format("15:04:05.000"), ev)
	}
	if err := os.WriteFile(filepath.Join(e.dir, "external-operations.log"), []byte(j.String()), 0o644); err != nil {
		fmt.Printf("e2e: cannot keep the external operations: %v\n", err)
	}
}

func (e *environment) tearDown() {
	fmt.Println("e2e: stopping every process the suite started")
	e.cancel()
	if e.stopWebhook != nil {
		e.stopWebhook()
	}
	if e.registry != nil {
		e.registry.Stop()
	}
	e.procs.StopAll()
	fmt.Printf("e2e: logs of every component are in %s\n", controlplane.LogDir(e.dir))
}
