//go:build e2e && scale

package e2e

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/paynext/platform/e2e/controlplane"
	"github.com/paynext/platform/e2e/providerruntime"
)

// TestScale applies E2E_SCALE_PLATFORMS prod-sized platforms at once, each
// in its own namespace and AWS account (its own ProviderConfig), as one
// management cluster serving many teams would, and measures what a sizing
// decision needs: the time until every platform is Ready; once they have
// settled, how long a drift on a composed resource takes to be reverted and
// a claim edit to reach every tagged resource in AWS (p50 and p95 over the
// platforms); and, per phase, the CPU and memory of etcd, the API server,
// Crossplane, the function and this process (the provider runtime), the
// function calls per second and etcd's size. make scale runs it (not in
// CI) and keeps the report where E2E_SCALE_REPORT says.
func TestScale(t *testing.T) {
	ctx := context.Background()
	n := 10
	if v := os.Getenv("E2E_SCALE_PLATFORMS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 99 {
			t.Fatalf("E2E_SCALE_PLATFORMS=%q: want a number of platforms from 1 to 99", v)
		}
	}
	patience := time.Duration(n)*4*time.Minute + 20*time.Minute
	if v := os.Getenv("E2E_SCALE_PATIENCE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("E2E_SCALE_PATIENCE=%q: want a positive duration", v)
		}
		patience = d
	}

	r := &scaleReport{platforms: n, start: time.Now()}
	// The report is written however far the run got: a run that never
	// becomes Ready is a result too.
	defer r.write(t)
	r.snapshot(t, "start")
	claims := make([]*unstructured.Unstructured, n)
	for i := range claims {
		claims[i] = scaleClaim(ctx, t, i+1)
	}
	for _, c := range claims {
		if err := env.c.Create(ctx, c); err != nil {
			t.Fatalf("cannot apply claim %s/%s: %v", c.GetNamespace(), c.GetName(), err)
		}
	}
	fmt.Printf("scale: applied %d prod claims at once; waiting up to %s for every one to be Ready\n", n, patience)
	ready, all := waitAllReady(ctx, t, claims, patience, &r.progress)
	r.readyTimes = ready
	if !all {
		r.snapshot(t, fmt.Sprintf("apply: not every platform Ready within %s", patience))
		t.Fatalf("only %d of %d platforms Ready after %s", countMeasured(ready), n, patience)
	}
	r.snapshot(t, "apply → all Ready")

	mark := env.journal.Len()
	settleAll(t, mark, patience)
	r.snapshot(t, "settle (no AWS call for 30 s)")

	// What the platforms cost while nobody changes anything: Crossplane's
	// polls of every XR, each a function call and an apply of every
	// composed resource, and the provider's polls.
	idle := 5 * time.Minute
	if v := os.Getenv("E2E_SCALE_IDLE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("E2E_SCALE_IDLE=%q: want a duration", v)
		}
		idle = d
	}
	fmt.Printf("scale: idle for %s to measure the steady state\n", idle)
	time.Sleep(idle)
	r.snapshot(t, fmt.Sprintf("idle for %s (steady state)", idle))

	xrs := make([]*unstructured.Unstructured, n)
	resources := 0
	tagged := make([][]string, n)
	for i, c := range claims {
		live := c.DeepCopy()
		if err := env.c.Get(ctx, client.ObjectKeyFromObject(c), live); err != nil {
			t.Fatal(err)
		}
		xr, err := xrOf(ctx, live)
		if err != nil {
			t.Fatal(err)
		}
		xrs[i] = xr
		composed, err := composedOf(ctx, xr.GetName())
		if err != nil {
			t.Fatal(err)
		}
		resources += len(composed)
		for key, u := range composed {
			if _, found, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "tags", "Owner"); found {
				tagged[i] = append(tagged[i], key)
			}
		}
	}
	r.composed = resources
	fmt.Printf("scale: %d platforms compose %d resources in all\n", n, resources)

	r.drift = measureDrift(ctx, t, xrs)
	r.snapshot(t, "drift: one VPC tag per platform edited → reverted")

	r.edit = measureClaimEdit(ctx, t, claims, tagged)
	r.snapshot(t, "claim edit: Owner tag on every claim → in AWS everywhere")
}

// write prints the report and keeps it where E2E_SCALE_REPORT says.
func (r *scaleReport) write(t *testing.T) {
	out := r.String()
	fmt.Print(out)
	path := os.Getenv("E2E_SCALE_REPORT")
	if path == "" {
		path = filepath.Join(env.dir, fmt.Sprintf("scale-%d-platforms.txt", r.platforms))
	}
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Error(err)
		return
	}
	fmt.Printf("scale: report written to %s\n", path)
}

// countMeasured is how many of took were measured (non-zero): a platform
// that never got there is not a latency of zero.
func countMeasured(took []time.Duration) int {
	n := 0
	for _, d := range took {
		if d != 0 {
			n++
		}
	}
	return n
}

// scaleClaim is the prod example claim as the i-th team's: its own
// namespace, AWS account and ProviderConfig, so its AWS names are its own.
func scaleClaim(ctx context.Context, t *testing.T, i int) *unstructured.Unstructured {
	t.Helper()
	c := claim(t, "prod")
	c.SetNamespace(fmt.Sprintf("scale-%02d", i))
	account := fmt.Sprintf("2000000000%02d", i)
	_ = unstructured.SetNestedField(c.Object, account, "spec", "accountId")
	_ = unstructured.SetNestedField(c.Object, "account-"+account, "spec", "providerConfigRef", "name")
	env.aws.SetAccount(c.GetNamespace()+"/"+c.GetName(), account)
	ensureNamespace(ctx, t, c.GetNamespace())
	return c
}

// waitAllReady polls the claims every 5 s and returns how long each took to
// be Ready and Synced (zero for one that was not within patience) and
// whether all were, printing and keeping progress every 30 s.
func waitAllReady(ctx context.Context, t *testing.T, claims []*unstructured.Unstructured, patience time.Duration, progress *[]string) ([]time.Duration, bool) {
	t.Helper()
	start := time.Now()
	took := make([]time.Duration, len(claims))
	said := start
	for done := 0; done < len(claims); {
		if time.Since(start) > patience {
			return took, false
		}
		done = 0
		for i, c := range claims {
			if took[i] == 0 {
				live := c.DeepCopy()
				if err := env.c.Get(ctx, client.ObjectKeyFromObject(c), live); err == nil && hasCondition(live, "Ready", "True") && hasCondition(live, "Synced", "True") {
					took[i] = time.Since(start)
				}
			}
			if took[i] != 0 {
				done++
			}
		}
		if time.Since(said) >= 30*time.Second {
			said = time.Now()
			line := fmt.Sprintf("%d/%d platforms Ready after %.0f s; %d AWS operations so far", done, len(claims), time.Since(start).Seconds(), env.journal.Len())
			*progress = append(*progress, line)
			fmt.Println("scale: " + line)
		}
		if done < len(claims) {
			time.Sleep(5 * time.Second)
		}
	}
	return took, true
}

// settleAll waits until the provider has made no AWS call for 30 s.
func settleAll(t *testing.T, mark int, patience time.Duration) {
	t.Helper()
	eventually(t, patience, "every platform settles", func() error {
		n := env.journal.Len()
		time.Sleep(30 * time.Second)
		if more := env.journal.Since(n, nil); len(more) > 0 {
			return errorf("%d more AWS operations in 30 s, e.g. %s", len(more), more[0])
		}
		return nil
	})
	fmt.Printf("scale: settled; %d AWS operations since every platform was Ready\n", len(env.journal.Since(mark, nil)))
}

// measureDrift edits the Owner tag of each platform's first VPC, all at
// once, and returns how long Crossplane took to put back each one.
func measureDrift(ctx context.Context, t *testing.T, xrs []*unstructured.Unstructured) []time.Duration {
	t.Helper()
	took := make([]time.Duration, len(xrs))
	var wg sync.WaitGroup
	for i, xr := range xrs {
		live, err := composedOf(ctx, xr.GetName())
		if err != nil {
			t.Fatal(err)
		}
		key, vpc := firstOfKind(live, "VPC")
		if vpc == nil {
			t.Fatalf("platform %s composes no VPC", xr.GetName())
		}
		owner, _, _ := unstructured.NestedString(vpc.Object, "spec", "forProvider", "tags", "Owner")
		_ = unstructured.SetNestedField(vpc.Object, "someone-else", "spec", "forProvider", "tags", "Owner")
		edited := time.Now()
		if err := env.c.Update(ctx, vpc, client.FieldOwner("e2e-someone-with-kubectl")); err != nil {
			t.Fatalf("cannot edit %s of %s: %v", key, xr.GetName(), err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for deadline := edited.Add(15 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
				got := vpc.DeepCopy()
				if err := env.c.Get(ctx, client.ObjectKeyFromObject(vpc), got); err != nil {
					continue
				}
				if v, _, _ := unstructured.NestedString(got.Object, "spec", "forProvider", "tags", "Owner"); v == owner {
					took[i] = time.Since(edited)
					return
				}
			}
			t.Errorf("%s of %s was not reverted within 15 minutes", key, xr.GetName())
		}()
	}
	wg.Wait()
	return took
}

// measureClaimEdit sets a new Owner tag on every claim at once and returns,
// per claim, how long until the provider had updated every resource tagged
// with it in AWS.
func measureClaimEdit(ctx context.Context, t *testing.T, claims []*unstructured.Unstructured, tagged [][]string) []time.Duration {
	t.Helper()
	for i, keys := range tagged {
		if len(keys) == 0 {
			t.Fatalf("platform %s/%s composes no resource tagged Owner: the edit would measure nothing", claims[i].GetNamespace(), claims[i].GetName())
		}
	}
	mark := env.journal.Len()
	edited := make([]time.Time, len(claims))
	for i, c := range claims {
		live := c.DeepCopy()
		if err := env.c.Get(ctx, client.ObjectKeyFromObject(c), live); err != nil {
			t.Fatal(err)
		}
		_ = unstructured.SetNestedField(live.Object, fmt.Sprintf("Scale Team %02d", i+1), "spec", "tags", "Owner")
		edited[i] = time.Now()
		if err := env.c.Update(ctx, live); err != nil {
			t.Fatalf("cannot edit claim %s: %v", live.GetNamespace(), err)
		}
	}
	took := make([]time.Duration, len(claims))
	eventually(t, 30*time.Minute, "the Owner edit reaches every tagged resource of every platform in AWS", func() error {
		var missing []string
		for i, c := range claims {
			if took[i] != 0 {
				continue
			}
			name := c.GetNamespace() + "/" + c.GetName()
			updated := map[string]time.Time{}
			for _, e := range env.journal.Since(mark, func(e providerruntime.Event) bool {
				return e.Claim == name && e.Operation == providerruntime.Update
			}) {
				for _, ch := range e.Changed {
					if strings.HasPrefix(ch, "tags.Owner:") {
						updated[e.Resource] = e.At
					}
				}
			}
			last, all := time.Time{}, true
			for _, key := range tagged[i] {
				at, ok := updated[key]
				if !ok {
					all = false
					missing = append(missing, name+" "+key)
					break
				}
				if at.After(last) {
					last = at
				}
			}
			if all {
				took[i] = last.Sub(edited[i])
			}
		}
		if len(missing) > 0 {
			return errorf("%d platforms not yet updated everywhere, e.g. %s", len(missing), missing[0])
		}
		return nil
	})
	return took
}

// scaleReport is what make scale prints and keeps.
type scaleReport struct {
	platforms, composed int
	start               time.Time
	phases              []phase
	readyTimes          []time.Duration
	drift, edit         []time.Duration
	// progress is the apply phase, every 30 s.
	progress []string
}

type phase struct {
	name string
	at   time.Time
	snap snapshot
}

func (r *scaleReport) snapshot(t *testing.T, name string) {
	t.Helper()
	s, err := takeSnapshot()
	if err != nil {
		t.Fatalf("cannot measure the control plane: %v", err)
	}
	r.phases = append(r.phases, phase{name: name, at: time.Now(), snap: s})
	if len(r.phases) > 1 {
		p := r.phases[len(r.phases)-2]
		fmt.Printf("scale: %s took %.0f s\n", name, time.Since(p.at).Seconds())
	}
}

func (r *scaleReport) String() string {
	var b strings.Builder
	host, _ := os.Hostname()
	composed := fmt.Sprintf("%d composed resources", r.composed)
	if r.composed == 0 {
		composed = "composed resources not counted: the run stopped before"
	}
	fmt.Fprintf(&b, "make scale PLATFORMS=%d: %d prod platforms (%s) applied at once\n", r.platforms, r.platforms, composed)
	fmt.Fprintf(&b, "machine: %s, %s; started %s\n", host, machine(), r.start.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "knobs: Crossplane core start %q, function %q (empty: their defaults), provider --poll %s --max-reconcile-rate %s (one provider runtime for every kind)\n\n",
		os.Getenv("E2E_CROSSPLANE_ARGS"), os.Getenv("E2E_FUNCTION_ARGS"), or(os.Getenv("E2E_PROVIDER_POLL"), providerPollInterval.String()), or(os.Getenv("E2E_PROVIDER_MAX_RECONCILE_RATE"), strconv.Itoa(providerMaxReconcileRate)))
	fmt.Fprintf(&b, "%-58s %s\n", "latency", "p50 / p95 / max (s)")
	fmt.Fprintf(&b, "%-58s %s (%d of %d Ready)\n", "apply → platform Ready (all applied together)", percentiles(nonZero(r.readyTimes)), countMeasured(r.readyTimes), r.platforms)
	fmt.Fprintf(&b, "%-58s %s (%d of %d)\n", "drift on a composed VPC's tag → reverted", percentiles(nonZero(r.drift)), countMeasured(r.drift), len(r.drift))
	fmt.Fprintf(&b, "%-58s %s (%d of %d)\n\n", "claim Owner tag edited → every tagged resource in AWS", percentiles(nonZero(r.edit)), countMeasured(r.edit), len(r.edit))

	if len(r.progress) > 0 {
		b.WriteString("apply progress, every 30 s:\n")
		for _, p := range r.progress {
			fmt.Fprintf(&b, "  %s\n", p)
		}
		b.WriteString("\n")
	}
	for i := 1; i < len(r.phases); i++ {
		before, after := r.phases[i-1], r.phases[i]
		wall := after.at.Sub(before.at).Seconds()
		fmt.Fprintf(&b, "phase %q: %.0f s\n", after.name, wall)
		fmt.Fprintf(&b, "  function calls: %.0f (%.1f/s, mean %.1f ms in the function); Crossplane saw %.0f\n",
			after.snap.fnCalls-before.snap.fnCalls, (after.snap.fnCalls-before.snap.fnCalls)/wall,
			meanMillis(after.snap.fnSeconds-before.snap.fnSeconds, after.snap.fnCalls-before.snap.fnCalls),
			after.snap.xpCalls-before.snap.xpCalls)
		fmt.Fprintf(&b, "  %-26s %8s %8s %10s %10s\n", "process", "CPU s", "CPU %", "RSS MiB", "peak MiB")
		var all float64
		for _, u := range after.snap.usage {
			cpu := u.CPUSeconds - before.snap.cpu(u.Name)
			all += cpu
			fmt.Fprintf(&b, "  %-26s %8.0f %8.0f %10.0f %10.0f\n", u.Name, cpu, 100*cpu/wall, mib(u.RSS), mib(u.PeakRSS))
		}
		fmt.Fprintf(&b, "  %-26s %8.0f %8.0f   (of %d%% the machine's %d CPUs give)\n", "all", all, 100*all/wall, 100*runtime.NumCPU(), runtime.NumCPU())
		fmt.Fprintf(&b, "  etcd: %.0f MiB in its database (%.0f MiB in use); %d AWS operations in the phase\n",
			mib(after.snap.etcdBytes), mib(after.snap.etcdInUse), after.snap.awsOps-before.snap.awsOps)
		var verbs []string
		var requests float64
		for verb, n := range after.snap.apiRequests {
			if d := n - before.snap.apiRequests[verb]; d > 0 {
				requests += d
				verbs = append(verbs, fmt.Sprintf("%s %.0f", verb, d))
			}
		}
		sort.Strings(verbs)
		fmt.Fprintf(&b, "  API server: %.0f requests (%.0f/s): %s\n", requests, requests/wall, strings.Join(verbs, ", "))
		type busy struct {
			what string
			n    float64
		}
		var top []busy
		for what, n := range after.snap.apiResources {
			if d := n - before.snap.apiResources[what]; d > 0 {
				top = append(top, busy{what, d})
			}
		}
		sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n || (top[i].n == top[j].n && top[i].what < top[j].what) })
		for _, x := range top[:min(6, len(top))] {
			fmt.Fprintf(&b, "    %-60s %8.0f\n", x.what, x.n)
		}
		for _, m := range after.snap.breaker {
			fmt.Fprintf(&b, "  crossplane %s\n", m)
		}
	}
	return b.String()
}

func percentiles(d []time.Duration) string {
	if len(d) == 0 {
		return "-"
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	// Nearest rank: the smallest value with at least q of them at or below it.
	at := func(q float64) float64 { return s[max(0, int(math.Ceil(q*float64(len(s))))-1)].Seconds() }
	return fmt.Sprintf("%.1f / %.1f / %.1f", at(0.5), at(0.95), s[len(s)-1].Seconds())
}

func nonZero(d []time.Duration) []time.Duration {
	var out []time.Duration
	for _, x := range d {
		if x != 0 {
			out = append(out, x)
		}
	}
	return out
}

func meanMillis(seconds, calls float64) float64 {
	if calls == 0 {
		return 0
	}
	return 1000 * seconds / calls
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// machine says what the figures were measured on.
func machine() string {
	cpus, mem, model := runtime.NumCPU(), int64(0), "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				mem = kb << 10
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s), %.0f GiB", cpus, model, float64(mem)/(1<<30))
}

// snapshot is the control plane's counters at one moment.
type snapshot struct {
	usage                []controlplane.Usage
	fnCalls, fnSeconds   float64
	xpCalls              float64
	etcdBytes, etcdInUse int64
	awsOps               int
	// apiRequests are the API server's requests so far, by verb;
	// apiResources by "verb group/resource".
	apiRequests, apiResources map[string]float64
	// breaker are Crossplane's circuit-breaker counters, as it names them.
	breaker []string
}

func (s snapshot) cpu(name string) float64 {
	for _, u := range s.usage {
		if u.Name == name {
			return u.CPUSeconds
		}
	}
	return 0
}

func takeSnapshot() (snapshot, error) {
	usage, err := env.procs.Usage("suite (provider runtime)")
	if err != nil {
		return snapshot{}, err
	}
	fn := fetch(env.function.MetricsURL)
	xp := fetch(env.crossplane.MetricsURL)
	etcd := fetch(env.kube.EtcdURL + "/metrics")
	run := `grpc_method="RunFunction"`
	s := snapshot{
		usage:     usage,
		fnCalls:   total(metric(fn, "grpc_server_handled_total", run)),
		fnSeconds: total(metric(fn, "grpc_server_handling_seconds_sum", run)),
		xpCalls:   total(metric(xp, "function_run_function_seconds_count")),
		etcdBytes: int64(total(metric(etcd, "etcd_mvcc_db_total_size_in_bytes"))),
		etcdInUse: int64(total(metric(etcd, "etcd_mvcc_db_total_size_in_use_in_bytes"))),
		awsOps:    env.journal.Len(),
	}
	s.apiRequests, s.apiResources = map[string]float64{}, map[string]float64{}
	api, err := apiServerMetrics()
	if err != nil {
		return snapshot{}, errors.Wrap(err, "cannot read the API server's metrics")
	}
	for _, line := range strings.Split(api, "\n") {
		if !strings.HasPrefix(line, "apiserver_request_total{") {
			continue
		}
		verb := label(line, "verb")
		n := total(metric(line, "apiserver_request_total"))
		s.apiRequests[verb] += n
		s.apiResources[verb+" "+label(line, "group")+"/"+label(line, "resource")] += n
	}
	sums := map[string]float64{}
	for _, line := range strings.Split(xp, "\n") {
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		if strings.HasPrefix(line, "#") || !strings.Contains(name, "circuit") {
			continue
		}
		sums[name] += total(metric(line, name))
	}
	for name, v := range sums {
		s.breaker = append(s.breaker, fmt.Sprintf("%s %.0f", name, v))
	}
	sort.Strings(s.breaker)
	return s, nil
}

func or(v, otherwise string) string {
	if v != "" {
		return v
	}
	return otherwise
}

// apiServerMetrics reads the API server's /metrics as the administrator.
func apiServerMetrics() (string, error) {
	c, err := rest.HTTPClientFor(env.kube.Config)
	if err != nil {
		return "", err
	}
	rsp, err := c.Get(env.kube.Host + "/metrics")
	if err != nil {
		return "", err
	}
	defer rsp.Body.Close() //nolint:errcheck // Read-only.
	if rsp.StatusCode != http.StatusOK {
		return "", errors.Errorf("GET /metrics: %s", rsp.Status)
	}
	b, err := io.ReadAll(rsp.Body)
	return string(b), err
}

// label is the value of a Prometheus sample line's label, or "".
func label(line, name string) string {
	for _, sep := range []string{"{", ","} {
		if i := strings.Index(line, sep+name+`="`); i >= 0 {
			v := line[i+len(sep)+len(name)+2:]
			return v[:max(0, strings.IndexByte(v, '"'))]
		}
	}
	return ""
}
