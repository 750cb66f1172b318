package providerruntime

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Operation is what the fake did to an external (AWS) resource.
type Operation string

// The operations a provider performs on external resources.
const (
	Create Operation = "create"
	Update Operation = "update"
	Delete Operation = "delete"
)

// Event is one operation on one external resource.
type Event struct {
	Operation Operation
	// Kind is group/Kind, e.g. rds.aws.upbound.io/Cluster.
	Kind string
	// Name is the managed resource's name; UID tells recreations apart.
	Name string
	UID  string
	// ExternalName is the AWS name or ID the operation addressed.
	ExternalName string
	// Resource is the composition resource name (the function's key).
	Resource string
	// Claim is namespace/name of the claim the resource belongs to.
	Claim string
	// Changed lists, for an update, the spec.forProvider paths whose value
	// differs from what AWS held, so a scenario that sees updates repeat
	// can say what kept changing.
	Changed []string
	At      time.Time
}

func (e Event) String() string {
	s := fmt.Sprintf("%s %s %s (%s, external name %q, claim %s)", e.Operation, e.Kind, e.Resource, e.Name, e.ExternalName, e.Claim)
	if len(e.Changed) > 0 {
		s += " changing " + strings.Join(e.Changed, ", ")
	}
	return s
}

// Journal records every operation, in order, for the scenarios to inspect.
type Journal struct {
	mu     sync.Mutex
	events []Event
}

func (j *Journal) record(e Event) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e.At = time.Now()
	j.events = append(j.events, e)
}

// Len is the number of events so far: a mark to read from later.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.events)
}

// Since returns the events after mark that match keep.
func (j *Journal) Since(mark int, keep func(Event) bool) []Event {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Event
	for _, e := range j.events[mark:] {
		if keep == nil || keep(e) {
			out = append(out, e)
		}
	}
	return out
}
