//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/paynext/platform/e2e/providerruntime"
)

// faults is the share of AWS calls that fail in the faults scenario, and the
// seed that picks which.
var faults = providerruntime.Faults{Rate: 0.2, Seed: 20261129}

// TestProdBecomesReadyThroughAWSFaults applies the prod claim while a fifth
// of its AWS calls fail (throttled describes and creates, NotFound right
// after a create, HTTP 500 on updates). It expects what the provider's
// runtime promises: the claim still becomes Ready; no composed resource is
// deleted or replaced (same UID throughout); nothing is deleted or created
// twice in AWS; and every resource that met errors showed them, on its
// Synced condition while they lasted or as a Warning event.
func TestProdBecomesReadyThroughAWSFaults(t *testing.T) {
	ctx := context.Background()
	c := claim(t, "prod")
	if err := env.c.Get(ctx, clientKey(c), c.DeepCopy()); err == nil {
		deleteClaim(ctx, t, "prod")
	} else if !kerrors.IsNotFound(err) {
		t.Fatal(err)
	}
	claimName := c.GetNamespace() + "/" + c.GetName()
	watch := watchManaged(ctx, t, c.GetNamespace(), c.GetName())
	defer watch.stop()
	f := faults
	f.Claim = claimName
	env.aws.SetFaults(f)
	defer env.aws.SetFaults(providerruntime.Faults{})
	mark := env.journal.Len()

	applied := time.Now()
	if err := env.c.Create(ctx, c); err != nil {
		t.Fatalf("cannot apply the prod claim: %v", err)
	}
	if err := waitConditions(ctx, env.c, c, 15*time.Minute, "Ready", "Synced"); err != nil {
		t.Fatalf("the prod claim did not become Ready through the faults: %v", err)
	}
	env.record(fmt.Sprintf("faults: prod claim applied → Ready, %.0f%% of AWS calls failing", 100*f.Rate), time.Since(applied))
	env.aws.SetFaults(providerruntime.Faults{})

	replaced, deleted := watch.replacedAndDeleted()
	if len(replaced) > 0 {
		t.Errorf("composed resources were replaced (more than one UID): %v", replaced)
	}
	if len(deleted) > 0 {
		t.Errorf("composed resources were deleted: %v", deleted)
	}
	creates := map[string]int{}
	for _, e := range env.journal.Since(mark, func(e providerruntime.Event) bool { return e.Claim == claimName }) {
		switch e.Operation {
		case providerruntime.Delete:
			t.Errorf("an external delete during the faults: %s", e)
		case providerruntime.Create:
			creates[e.UID]++
		}
	}
	for uid, n := range creates {
		if n > 1 {
			t.Errorf("managed resource %s was created %d times in AWS", uid, n)
		}
	}

	// The managed reconciler records a Warning event for every error before
	// it writes the error to Synced, and that status write can lose to a
	// concurrent update of the resource (a conflict), after which the next
	// reconcile may already succeed: then the event is the only trace, as
	// with the real provider (crossplane-runtime's managed.Reconciler).
	events := warningEvents(ctx, t)
	var report strings.Builder
	byKind := map[providerruntime.FaultKind]int{}
	surfaced := 0
	// errored and surfacedOn are the managed resources that met an injected
	// error and those whose Synced condition showed one; unseen are the
	// errors the watch did not see.
	errored, surfacedOn := map[string]bool{}, map[string]bool{}
	var unseen []string
	injected := env.aws.Injected()
	for _, fault := range injected {
		if fault.Claim != claimName {
			continue
		}
		byKind[fault.Kind]++
		if fault.Kind == providerruntime.NotFoundAfterCreate {
			// Not an error: the reconciler waits out its creation grace
			// period (no second create, checked above).
			fmt.Fprintf(&report, "%s %s %s: NotFound after create; waited, not recreated\n", fault.At.Format("15:04:05.000"), fault.ResourceKind, fault.Resource)
			continue
		}
		shown := ""
		for _, m := range watch.messages(fault.Name) {
			if strings.Contains(m, fault.Error) {
				shown = m
			}
		}
		if shown == "" {
			for _, m := range events[fault.Name] {
				if strings.Contains(m, fault.Error) {
					shown = "event: " + m
				}
			}
		}
		errored[fault.Name] = true
		if shown == "" {
			unseen = append(unseen, fmt.Sprintf("%s %s (%s): %s on %s; its Synced messages: %q; its events: %q", fault.ResourceKind, fault.Resource, fault.Name, fault.Kind, fault.Operation, watch.messages(fault.Name), events[fault.Name]))
			fmt.Fprintf(&report, "%s %s %s: %s on %s seen neither on Synced nor in an event\n", fault.At.Format("15:04:05.000"), fault.ResourceKind, fault.Resource, fault.Kind, fault.Operation)
			continue
		}
		surfacedOn[fault.Name] = true
		surfaced++
		fmt.Fprintf(&report, "%s %s %s: Synced=False %q\n", fault.At.Format("15:04:05.000"), fault.ResourceKind, fault.Resource, shown)
	}
	// Every resource that met injected errors must have shown one, on
	// Synced or as an event. Not necessarily every single error: the event
	// recorder aggregates similar events, and a status write can lose to a
	// conflict; those are listed in the log and in faults.log.
	for name := range errored {
		if !surfacedOn[name] {
			t.Errorf("%s met injected AWS errors but showed none, on Synced or in an event", name)
		}
	}
	if len(unseen) > 0 {
		t.Logf("%d of %d injected errors seen neither on Synced nor in an event (each of those resources showed others):\n%s", len(unseen), surfaced+len(unseen), strings.Join(unseen, "\n"))
	}
	if byKind[providerruntime.Throttling] == 0 || byKind[providerruntime.NotFoundAfterCreate] == 0 {
		t.Errorf("the faults scenario injected too little to prove anything: %v", byKind)
	}
	path := filepath.Join(env.dir, "faults.log")
	if err := os.WriteFile(path, []byte(report.String()), 0o644); err != nil {
		t.Errorf("cannot keep the faults report: %v", err)
	}
	kinds := make([]string, 0, len(byKind))
	for k, n := range byKind {
		kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(kinds)
	t.Logf("faults injected: %s; %d surfaced with the AWS error text on Synced or in an event (all in %s)", strings.Join(kinds, ", "), surfaced, path)
}

// warningEvents are the messages of the Warning events recorded for each
// managed resource, by name (managed resources are cluster-scoped, so their
// events live in the default namespace; every namespace is listed).
func warningEvents(ctx context.Context, t *testing.T) map[string][]string {
	t.Helper()
	var list corev1.EventList
	if err := env.c.List(ctx, &list); err != nil {
		t.Fatalf("cannot list events: %v", err)
	}
	out := map[string][]string{}
	for _, e := range list.Items {
		if e.Type == corev1.EventTypeWarning {
			out[e.InvolvedObject.Name] = append(out[e.InvolvedObject.Name], e.Message)
		}
	}
	return out
}
