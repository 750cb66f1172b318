//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/paynext/platform/e2e/controlplane"
	"github.com/paynext/platform/e2e/providerruntime"
)

const annotationCompositionResource = "crossplane.io/composition-resource-name"

func object(apiVersion, kind, namespace, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(namespace)
	u.SetName(name)
	return u
}

func conditionStatus(u *unstructured.Unstructured, typ string) (status, message string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == typ {
			s, _ := m["status"].(string)
			msg, _ := m["message"].(string)
			return s, msg
		}
	}
	return "", ""
}

func hasCondition(u *unstructured.Unstructured, typ, status string) bool {
	s, _ := conditionStatus(u, typ)
	return s == status
}

func setCondition(u *unstructured.Unstructured, typ, status, reason string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	c := map[string]any{"type": typ, "status": status, "reason": reason, "lastTransitionTime": time.Now().UTC().Format(time.RFC3339)}
	for i := range conds {
		if m, _ := conds[i].(map[string]any); m["type"] == typ {
			conds[i] = c
			_ = unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
			return
		}
	}
	_ = unstructured.SetNestedSlice(u.Object, append(conds, c), "status", "conditions")
}

// waitConditions waits until u (re-read by name) has every condition True.
func waitConditions(ctx context.Context, c client.Client, u *unstructured.Unstructured, timeout time.Duration, types ...string) error {
	what := fmt.Sprintf("%s %s %s", u.GetKind(), u.GetName(), strings.Join(types, " and "))
	return controlplane.WaitFor(what, nil, timeout, func() error {
		got := u.DeepCopy()
		if err := c.Get(ctx, client.ObjectKeyFromObject(u), got); err != nil {
			return err
		}
		for _, typ := range types {
			if s, msg := conditionStatus(got, typ); s != "True" {
				return errors.Errorf("%s is %q: %s", typ, s, msg)
			}
		}
		return nil
	})
}

// eventually retries check every second until it passes or timeout; the
// test fails with the last error.
func eventually(t *testing.T, timeout time.Duration, what string, check func() error) time.Duration {
	t.Helper()
	start, said := time.Now(), time.Now()
	var err error
	for {
		if err = check(); err == nil {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("%s: not so after %s: %v", what, timeout, err)
		}
		if time.Since(said) > time.Minute {
			t.Logf("still waiting (%s) until %s: %v", time.Since(start).Round(time.Second), what, err)
			said = time.Now()
		}
		time.Sleep(time.Second)
	}
}

// renderedPlatform is what `make render-converged` shows for a claim: the XR
// (its status) and the composed resources by composition resource name.
type renderedPlatform struct {
	xr        *unstructured.Unstructured
	resources map[string]*unstructured.Unstructured
}

// clusterUsage is the kind of the usages the platform composes.
var clusterUsage = schema.GroupVersionKind{Group: "protection.crossplane.io", Version: "v1beta1", Kind: "ClusterUsage"}

// claimFiles are the claims the scenarios apply, by the name the suite uses:
// the examples, and held-out claims in other regions, whose names are longer.
var claimFiles = map[string]string{
	"dev":     "examples/claims/dev.yaml",
	"staging": "examples/claims/staging.yaml",
	"prod":    "examples/claims/prod.yaml",
	// eu-central-1: a region name longer than us-west-2 in every name,
	// label and annotation the API server validates.
	"eu-central-1": "functions/platform/testdata/claims/eu-central-1-staging-two-zones.yaml",
	"sandbox":      "functions/platform/testdata/claims/ap-southeast-2-dev-minimal.yaml",
}

// renderedClaims are the claims hack/e2e.sh renders to convergence, as
// $E2E_RENDERED/<name>.yaml.
var renderedClaims = []string{"dev", "staging", "prod", "eu-central-1"}

func loadRendered(dir string) (map[string]*renderedPlatform, error) {
	out := map[string]*renderedPlatform{}
	for _, name := range renderedClaims {
		path := filepath.Join(dir, name+".yaml")
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, errors.Wrapf(err, "cannot read the rendered %s platform (E2E_RENDERED)", name)
		}
		p := &renderedPlatform{resources: map[string]*unstructured.Unstructured{}}
		for _, doc := range bytes.Split(data, []byte("\n---\n")) {
			u, err := decode(doc)
			if err != nil {
				return nil, errors.Wrapf(err, "cannot parse %s", path)
			}
			switch {
			case u == nil:
			case u.GetKind() == "XPayNextPlatform":
				p.xr = u
			default:
				p.resources[u.GetAnnotations()[annotationCompositionResource]] = u
			}
		}
		if p.xr == nil || len(p.resources) == 0 {
			return nil, errors.Errorf("%s holds no rendered platform", path)
		}
		out[name] = p
	}
	return out, nil
}

// decode reads one YAML document as the API server's objects are read:
// integers stay int64 (a plain JSON decode would make them float64, and
// every comparison with a live object would fail). An empty document is nil.
func decode(doc []byte) (*unstructured.Unstructured, error) {
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(j)) == 0 || string(bytes.TrimSpace(j)) == "null" {
		return nil, nil
	}
	u := &unstructured.Unstructured{}
	return u, u.UnmarshalJSON(j)
}

// claim reads a claim of claimFiles and asks for its connection secret.
func claim(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", claimFiles[name]))
	if err != nil {
		t.Fatalf("cannot read the %s example claim: %v", name, err)
	}
	u, err := decode(data)
	if err != nil || u == nil {
		t.Fatalf("cannot parse the %s example claim: %v", name, err)
	}
	_ = unstructured.SetNestedField(u.Object, u.GetName()+"-connection", "spec", "writeConnectionSecretToRef", "name")
	// The claim's provider credentials reach the account it names.
	if acct, _, _ := unstructured.NestedString(u.Object, "spec", "accountId"); acct != "" {
		env.aws.SetAccount(u.GetNamespace()+"/"+u.GetName(), acct)
	}
	return u
}

// liveClaim returns the claim as the API server has it.
func liveClaim(ctx context.Context, t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	want := claim(t, name)
	got := want.DeepCopy()
	if err := env.c.Get(ctx, client.ObjectKeyFromObject(want), got); err != nil {
		t.Fatalf("cannot read claim %s: %v", want.GetName(), err)
	}
	return got
}

// ensureReady applies the example claim unless it exists and waits until it
// is Ready: scenarios that need a running platform start from here.
func ensureReady(ctx context.Context, t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	c := claim(t, name)
	ensureNamespace(ctx, t, c.GetNamespace())
	if err := env.c.Create(ctx, c); err != nil && !kerrors.IsAlreadyExists(err) {
		t.Fatalf("cannot apply the %s claim: %v", name, err)
	}
	if err := waitConditions(ctx, env.c, c, 10*time.Minute, "Ready", "Synced"); err != nil {
		t.Fatalf("the %s claim never became Ready: %v", name, err)
	}
	return liveClaim(ctx, t, name)
}

// ensureNamespace creates a claim's namespace unless it exists.
func ensureNamespace(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	ns := object("v1", "Namespace", "", name)
	if err := env.c.Create(ctx, ns); err != nil && !kerrors.IsAlreadyExists(err) {
		t.Fatalf("cannot create namespace %s: %v", name, err)
	}
}

// readyPlatform is ensureReady with the claim's XR and composed resources.
func readyPlatform(ctx context.Context, t *testing.T, name string) (c, xr *unstructured.Unstructured, resources map[string]*unstructured.Unstructured) {
	t.Helper()
	c = ensureReady(ctx, t, name)
	xr, err := xrOf(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if resources, err = composedOf(ctx, xr.GetName()); err != nil {
		t.Fatal(err)
	}
	return c, xr, resources
}

// xrOf returns the claim's composite resource.
func xrOf(ctx context.Context, c *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	name, _, _ := unstructured.NestedString(c.Object, "spec", "resourceRef", "name")
	if name == "" {
		return nil, errors.Errorf("claim %s has no composite resource yet", c.GetName())
	}
	xr := object("platform.paynext.io/v1alpha1", "XPayNextPlatform", "", name)
	return xr, env.c.Get(ctx, client.ObjectKeyFromObject(xr), xr)
}

// composedOf lists the composed resources of an XR, by composition resource
// name, across every provider kind installed.
func composedOf(ctx context.Context, xrName string) (map[string]*unstructured.Unstructured, error) {
	out := map[string]*unstructured.Unstructured{}
	for _, gvk := range env.kinds {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := env.c.List(ctx, list, client.MatchingLabels{"crossplane.io/composite": xrName}); err != nil {
			return nil, errors.Wrapf(err, "cannot list %s", gvk.Kind)
		}
		for i := range list.Items {
			u := &list.Items[i]
			out[u.GetAnnotations()[annotationCompositionResource]] = u
		}
	}
	return out, nil
}

// project keeps, of live, only what want sets: the fields the function
// rendered. What the API server or a provider defaulted beside them is not
// part of the comparison; every field the function rendered is.
func project(live, want any) any {
	switch w := want.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return live
		}
		out := map[string]any{}
		for k, wv := range w {
			if lv, ok := l[k]; ok {
				out[k] = project(lv, wv)
			}
		}
		return out
	case []any:
		l, ok := live.([]any)
		if !ok || len(l) != len(w) {
			return live
		}
		out := make([]any, len(l))
		for i := range l {
			out[i] = project(l[i], w[i])
		}
		return out
	default:
		return live
	}
}

// specDiff is empty when live carries every field of want's spec, labels
// and annotations with the same value.
func specDiff(want, live *unstructured.Unstructured) string {
	pick := func(u *unstructured.Unstructured) map[string]any {
		labels := u.GetLabels()
		// Crossplane's label naming the XR: a render names the XR after the
		// claim, a cluster generates its name. composedOf selects on it.
		delete(labels, labelComposite)
		return map[string]any{"spec": u.Object["spec"], "labels": anyMap(labels), "annotations": anyMap(u.GetAnnotations())}
	}
	w := pick(asComposedBy(want, live.GetLabels()[labelComposite]))
	return cmp.Diff(w, project(pick(live), w))
}

// labelComposite is the label Crossplane gives what it composes: the XR's
// name.
const labelComposite = "crossplane.io/composite"

// asComposedBy is want with the XR's name a usage's selectors carry
// replaced by xr's, the name of the live XR: a render's XR is named after
// the claim, a cluster's is generated.
func asComposedBy(want *unstructured.Unstructured, xr string) *unstructured.Unstructured {
	if want.GroupVersionKind() != clusterUsage {
		return want
	}
	out := want.DeepCopy()
	for _, side := range []string{"of", "by"} {
		if _, ok, _ := unstructured.NestedString(out.Object, "spec", side, "resourceSelector", "matchLabels", labelComposite); ok {
			_ = unstructured.SetNestedField(out.Object, xr, "spec", side, "resourceSelector", "matchLabels", labelComposite)
		}
	}
	return out
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// metric sums the samples of a Prometheus text-format metric whose labels
// contain every given label.
func metric(body, name string, labels ...string) []sample {
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || (len(line) > len(name) && line[len(name)] != '{' && line[len(name)] != ' ') {
			continue
		}
		keep := true
		for _, l := range labels {
			keep = keep && strings.Contains(line, l)
		}
		if !keep {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		le := ""
		if j := strings.Index(line, `le="`); j >= 0 {
			le = line[j+4 : j+4+strings.IndexByte(line[j+4:], '"')]
		}
		out = append(out, sample{le: le, value: v})
	}
	return out
}

type sample struct {
	le    string
	value float64
}

func total(s []sample) float64 {
	var t float64
	for _, x := range s {
		t += x.value
	}
	return t
}

// quantile estimates a quantile from histogram buckets as the upper bound of
// the first bucket holding it.
func quantile(buckets []sample, q float64) string {
	byLE := map[string]float64{}
	for _, b := range buckets {
		byLE[b.le] += b.value
	}
	type bound struct {
		le    float64
		count float64
	}
	var bs []bound
	var count float64
	for le, c := range byLE {
		if le == "+Inf" {
			count = c
			continue
		}
		f, _ := strconv.ParseFloat(le, 64)
		bs = append(bs, bound{f, c})
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].le < bs[j].le })
	for _, b := range bs {
		if count > 0 && b.count >= q*count {
			return fmt.Sprintf("≤ %g s", b.le)
		}
	}
	return "> largest bucket"
}

func fetch(url string) string {
	rsp, err := http.Get(url) //nolint:gosec,noctx // Loopback metrics.
	if err != nil {
		return ""
	}
	defer rsp.Body.Close() //nolint:errcheck // Read-only.
	b, _ := io.ReadAll(rsp.Body)
	return string(b)
}

// functionMetrics summarises the function's own gRPC metrics and
// Crossplane's view of the same calls.
func functionMetrics(fnURL, xpURL string) string {
	var b strings.Builder
	fn := fetch(fnURL)
	run := `grpc_method="RunFunction"`
	calls := total(metric(fn, "grpc_server_handled_total", run))
	sum := total(metric(fn, "grpc_server_handling_seconds_sum", run))
	buckets := metric(fn, "grpc_server_handling_seconds_bucket", run)
	fmt.Fprintf(&b, "e2e: function (its /metrics, since it last started): %.0f RunFunction calls", calls)
	if calls > 0 {
		fmt.Fprintf(&b, ", mean %.1f ms, p50 %s, p95 %s, p99 %s", 1000*sum/calls, quantile(buckets, 0.5), quantile(buckets, 0.95), quantile(buckets, 0.99))
	}
	b.WriteString("\n")
	xp := fetch(xpURL)
	xcalls := total(metric(xp, "function_run_function_seconds_count"))
	xsum := total(metric(xp, "function_run_function_seconds_sum"))
	fmt.Fprintf(&b, "e2e: Crossplane (its /metrics, since it last started): %.0f function calls", xcalls)
	if xcalls > 0 {
		fmt.Fprintf(&b, ", mean %.1f ms round trip, p95 %s", 1000*xsum/xcalls, quantile(metric(xp, "function_run_function_seconds_bucket"), 0.95))
	}
	b.WriteString("\n")
	return b.String()
}

func asComposed(u *unstructured.Unstructured) *composed.Unstructured {
	return &composed.Unstructured{Unstructured: *u.DeepCopy()}
}

func clientKey(u *unstructured.Unstructured) client.ObjectKey { return client.ObjectKeyFromObject(u) }

func errorf(format string, args ...any) error { return errors.Errorf(format, args...) }

// settles waits until the provider has done nothing in AWS for claim
// (namespace/name) for 15 s, counting from the journal mark: a late
// replacement, or two writers taking turns on a resource, shows up here as
// operations that keep coming (each says which fields it changed).
func settles(t *testing.T, mark int, claim, what string) {
	t.Helper()
	ofClaim := func(e providerruntime.Event) bool { return e.Claim == claim }
	eventually(t, 3*time.Minute, what+" settles", func() error {
		n := len(env.journal.Since(mark, ofClaim))
		time.Sleep(15 * time.Second)
		if more := env.journal.Since(mark, ofClaim)[n:]; len(more) > 0 {
			return errorf("%d more external operations: %v", len(more), more)
		}
		return nil
	})
}
