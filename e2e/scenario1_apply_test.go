//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/internal/compliance"
	"github.com/paynext/platform/internal/fakeaws"
)

// TestApplyExampleClaimsComposeTheRenderedPlatform applies the dev, staging
// and prod example claims together and expects, for each, exactly the
// composed resources `make render-converged` shows, with the same spec
// (second-phase resources included, once their inputs are observed), the
// claim and XR Ready, the status outputs and the claim's connection secret.
func TestApplyExampleClaimsComposeTheRenderedPlatform(t *testing.T) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for _, name := range []string{"dev", "staging", "prod"} {
		c := claim(t, name)
		applied := time.Now()
		if err := env.c.Create(ctx, c); err != nil {
			t.Fatalf("cannot apply the %s claim: %v", name, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(name, func(t *testing.T) { expectRenderedPlatform(ctx, t, name, c, applied) })
		}()
	}
	wg.Wait()
}

func expectRenderedPlatform(ctx context.Context, t *testing.T, name string, c *unstructured.Unstructured, applied time.Time) {
	want := env.rendered[name]
	var xr *unstructured.Unstructured
	eventually(t, time.Minute, "the claim's XR exists", func() error {
		live := c.DeepCopy()
		if err := env.c.Get(ctx, client.ObjectKeyFromObject(c), live); err != nil {
			return err
		}
		var err error
		xr, err = xrOf(ctx, live)
		return err
	})
	env.record(fmt.Sprintf("%s: claim applied → XR created", name), time.Since(applied))

	var firstPhase time.Duration
	eventually(t, 10*time.Minute, "every rendered resource exists with the rendered spec", func() error {
		live, err := composedOf(ctx, xr.GetName())
		if err != nil {
			return err
		}
		if firstPhase == 0 && len(live) > 0 {
			firstPhase = time.Since(applied)
		}
		return compareComposed(want.resources, live)
	})
	env.record(fmt.Sprintf("%s: claim applied → first composed resource", name), firstPhase)
	env.record(fmt.Sprintf("%s: claim applied → all %d resources present as rendered", name, len(want.resources)), time.Since(applied))

	if err := waitConditions(ctx, env.c, c, 5*time.Minute, "Ready", "Synced"); err != nil {
		t.Fatalf("the claim did not become Ready: %v", err)
	}
	env.record(fmt.Sprintf("%s: claim applied → claim Ready", name), time.Since(applied))
	if err := waitConditions(ctx, env.c, xr, time.Minute, "Ready", "Synced"); err != nil {
		t.Errorf("the XR is not Ready with its claim: %v", err)
	}

	// Status outputs: the claim shows what the rendered XR reports.
	live := liveClaim(ctx, t, name)
	wantStatus := statusOutputs(want.xr)
	if diff := cmp.Diff(wantStatus, project(live.Object["status"], wantStatus)); diff != "" {
		t.Errorf("the claim's status outputs differ from the rendered XR's (-want +got):\n%s", diff)
	}

	// Compliance: the claim carries the verdict make audit gives the same
	// render, and its Compliant condition agrees.
	var composed []*unstructured.Unstructured
	for _, r := range want.resources {
		composed = append(composed, r)
	}
	var spec v1alpha1.PlatformSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(c.Object["spec"].(map[string]any), &spec); err != nil {
		t.Fatalf("cannot read the %s claim's spec: %v", name, err)
	}
	rep, err := compliance.AuditObjects(&spec, composed, time.Now().UTC())
	if err != nil {
		t.Fatalf("make audit cannot judge the %s render: %v", name, err)
	}
	wantCompliance, err := runtime.DefaultUnstructuredConverter.ToUnstructured(compliance.StatusOf(rep))
	if err != nil {
		t.Fatal(err)
	}
	gotCompliance, _, _ := unstructured.NestedMap(live.Object, "status", "compliance")
	if diff := cmp.Diff(wantCompliance, gotCompliance); diff != "" {
		t.Errorf("the claim's status.compliance differs from make audit's (-audit +claim):\n%s", diff)
	}
	wantCompliant := "True"
	if !rep.Compliant() {
		wantCompliant = "False"
	}
	if status, msg := conditionStatus(live, "Compliant"); status != wantCompliant {
		t.Errorf("the claim's Compliant condition: want %s (failing: %v), got %q: %s", wantCompliant, rep.With(compliance.Fail), status, msg)
	}

	// OpenReports is installed: the claim's compliance ClusterReport is the
	// one make audit FORMAT=openreports prints for the render.
	wantReport, err := runtime.DefaultUnstructuredConverter.ToUnstructured(compliance.ClusterReport(rep, compliance.Judged{Namespace: c.GetNamespace(), Name: c.GetName()}))
	if err != nil {
		t.Fatal(err)
	}
	report := object("openreports.io/v1alpha1", "ClusterReport", "", "paynext."+c.GetNamespace()+"."+c.GetName())
	if err := env.c.Get(ctx, clientKey(report), report); err != nil {
		t.Errorf("the claim's compliance ClusterReport %s: %v", report.GetName(), err)
	} else {
		for _, f := range []string{"source", "scope", "summary", "results"} {
			if diff := cmp.Diff(jsonValue(t, wantReport[f]), jsonValue(t, report.Object[f])); diff != "" {
				t.Errorf("the claim's ClusterReport %s differs from make audit's (-audit +cluster):\n%s", f, diff)
			}
		}
	}

	// The connection secret: the database endpoints and the cluster's
	// endpoint and CA, and no kubeconfig (one would authenticate as the
	// provider's identity, which has no access entry).
	secret := &corev1.Secret{}
	eventually(t, 2*time.Minute, "the claim's connection secret exists", func() error {
		return env.c.Get(ctx, client.ObjectKey{Namespace: c.GetNamespace(), Name: c.GetName() + "-connection"}, secret)
	})
	endpoint, _, _ := unstructured.NestedString(want.xr.Object, "status", "database", "endpoint")
	if got := string(secret.Data["endpoint"]); got != endpoint {
		t.Errorf("connection secret endpoint: want the rendered database endpoint %q, got %q", endpoint, got)
	}
	if _, ok := secret.Data["kubeconfig"]; ok {
		t.Error("connection secret: want no kubeconfig")
	}
	for key, r := range want.resources {
		if r.GetKind() != "Cluster" || r.GroupVersionKind().Group != "eks.aws.upbound.io" {
			continue
		}
		observed := fakeaws.ObserveOne(key, asComposed(r), "")
		wantEndpoint, _ := observed.GetString("status.atProvider.endpoint")
		wantCA, _, _ := unstructured.NestedSlice(observed.Object, "status", "atProvider", "certificateAuthority")
		if got := string(secret.Data["clusterEndpoint"]); got != wantEndpoint {
			t.Errorf("connection secret clusterEndpoint: want the cluster's %q, got %q", wantEndpoint, got)
		}
		if len(wantCA) == 0 || string(secret.Data["clusterCA"]) != wantCA[0].(map[string]any)["data"] {
			t.Errorf("connection secret clusterCA: want the cluster's %v, got %q", wantCA, secret.Data["clusterCA"])
		}
	}
}

// statusOutputs are the XR's status fields other than its conditions.
func statusOutputs(xr *unstructured.Unstructured) map[string]any {
	s, _, _ := unstructured.NestedMap(xr.Object, "status")
	delete(s, "conditions")
	return s
}

// compareComposed is nil when live holds exactly the wanted resources,
// each with the wanted spec.
func compareComposed(want, live map[string]*unstructured.Unstructured) error {
	var missing, extra, differ []string
	for key, w := range want {
		l, ok := live[key]
		if !ok {
			missing = append(missing, key)
			continue
		}
		if l.GetKind() != w.GetKind() {
			differ = append(differ, fmt.Sprintf("%s: kind %s, want %s", key, l.GetKind(), w.GetKind()))
			continue
		}
		if d := specDiff(w, l); d != "" {
			differ = append(differ, fmt.Sprintf("%s (%s) (-rendered +live):\n%s", key, w.GetKind(), d))
		}
	}
	for key := range live {
		if _, ok := want[key]; !ok {
			extra = append(extra, key)
		}
	}
	if len(missing)+len(extra)+len(differ) == 0 {
		return nil
	}
	sort.Strings(missing)
	sort.Strings(extra)
	sort.Strings(differ)
	if len(differ) > 3 {
		differ = append(differ[:3], fmt.Sprintf("... and %d more", len(differ)-3))
	}
	return errors.Errorf("%d of %d present; missing %v; not rendered %v; spec differs: %s",
		len(want)-len(missing), len(want), abbreviate(missing), extra, strings.Join(differ, "\n"))
}

func abbreviate(s []string) []string {
	if len(s) > 8 {
		return append(s[:8:8], fmt.Sprintf("... %d more", len(s)-8))
	}
	return s
}

// jsonValue is v as JSON decodes it, so numbers compare whatever their Go
// type, and fields a type leaves empty are absent on both sides.
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return dropZero(out)
}

// dropZero removes false booleans, which one side writes and the other
// omits (OpenReports' scored).
func dropZero(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if b, ok := e.(bool); ok && !b {
				delete(x, k)
				continue
			}
			x[k] = dropZero(e)
		}
	case []any:
		for i, e := range x {
			x[i] = dropZero(e)
		}
	}
	return v
}
