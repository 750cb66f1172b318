package providerruntime

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/paynext/platform/internal/fakeaws"
)

// AWS is the in-memory stand-in for the AWS APIs behind the provider's
// external clients: it holds the external resources that exist, journals every
// create, update and delete made on them, and can fail calls as AWS does.
type AWS struct {
	journal *Journal

	mu        sync.Mutex
	resources map[externalID]external
	faults    Faults
	attempts  map[string]int
	// unseen are resources just created whose next describe, as with AWS's
	// eventual consistency, answers NotFound.
	unseen   map[externalID]time.Time
	injected []Fault
	// accounts are the AWS account each claim's credentials are in, by
	// "namespace/name"; fakeaws.AccountID for a claim not listed.
	accounts map[string]string
	sets     SetFields
}

// CompareSetsUnordered makes AWS treat the set-typed lists of sets as
// unordered, as Terraform does.
func (a *AWS) CompareSetsUnordered(sets SetFields) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sets = sets
}

func (a *AWS) setFields() SetFields {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sets
}

// SetAccount says which AWS account claim ("namespace/name") reaches, as a
// ProviderConfig's credentials would: the ARNs AWS reports are in it.
func (a *AWS) SetAccount(claim, account string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.accounts[claim] = account
}

func (a *AWS) account(claim string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if acct := a.accounts[claim]; acct != "" {
		return acct
	}
	return fakeaws.AccountID
}

// NewAWS returns an empty AWS that journals to j.
func NewAWS(j *Journal) *AWS {
	return &AWS{journal: j, resources: map[externalID]external{}, attempts: map[string]int{}, unseen: map[externalID]time.Time{}, accounts: map[string]string{}}
}

// externalID names an external resource. internal/fakeaws derives IDs from
// the composition resource name alone, so two platforms' VPCs get the same
// ID; scoping by composite keeps their external resources apart, as separate
// accounts would.
type externalID struct {
	// region: AWS resources are regional, and the platform names some alike
	// in two regions (a KMS alias and its DR twin).
	composite, kind, region, name string
}

// external is what AWS holds for a resource: the forProvider it was last
// written from, as JSON.
type external struct {
	spec string
}

func (a *AWS) get(id externalID) (external, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.resources[id]
	return e, ok
}

func (a *AWS) put(id externalID, e external) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.resources[id] = e
}

func (a *AWS) remove(id externalID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.resources, id)
}

// Faults makes a share of AWS calls fail, as AWS does under load. Which calls
// fail depends only on the seed and on each resource's own sequence of calls,
// not on the order the controllers run in, so a run can be repeated.
type Faults struct {
	// Rate is the probability that one call fails, 0 to 1.
	Rate float64
	Seed uint64
	// Claim (namespace/name) limits faults to one claim's resources; empty
	// means every resource.
	Claim string
}

// FaultKind is an AWS error the fake can answer with.
type FaultKind string

// The errors the fake injects.
const (
	// Throttling answers a describe or create with HTTP 400
	// ThrottlingException, as AWS does above an API's request rate.
	Throttling FaultKind = "ThrottlingException"
	// NotFoundAfterCreate answers the first describe after a create with
	// NotFound, as eventually consistent APIs (EC2, IAM) do.
	NotFoundAfterCreate FaultKind = "NotFound"
	// ServerError answers an update with HTTP 500 InternalFailure.
	ServerError FaultKind = "InternalFailure"
)

// Fault is one injected error.
type Fault struct {
	At        time.Time
	Kind      FaultKind
	Operation string
	// Resource kind (group/Kind), managed resource name, composition
	// resource name and claim, as in Event.
	ResourceKind, Name, Resource, Claim string
	// Error is the text the external client returned; empty for
	// NotFoundAfterCreate, which the client reports as "does not exist".
	Error string
}

// SetFaults replaces the fault configuration; the zero Faults turns them off.
func (a *AWS) SetFaults(f Faults) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.faults = f
}

// Injected returns the faults injected so far.
func (a *AWS) Injected() []Fault {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Fault(nil), a.injected...)
}

// subject is what a call is about, for faults and the journal.
type subject struct {
	kind, name, resource, claim string
}

// fault decides whether this call fails and returns the error AWS would
// answer with. op is the provider's operation (observe, create, update).
func (a *AWS) fault(s subject, op string, kind FaultKind) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.draw(s, op) {
		return nil
	}
	status := 400
	if kind == ServerError {
		status = 500
	}
	svc := strings.ToUpper(strings.SplitN(s.kind, ".", 2)[0])
	kindName := s.kind[strings.LastIndexByte(s.kind, '/')+1:]
	msg := map[FaultKind]string{
		Throttling:  "Rate exceeded",
		ServerError: "The request processing has failed because of an unknown error, exception or failure.",
	}[kind]
	// The shape of an AWS SDK for Go v2 error, as the provider reports it.
	err := fmt.Errorf("operation error %s: %s%s, https response error StatusCode: %d, RequestID: %s, api error %s: %s",
		svc, apiVerb[op], kindName, status, requestID(s, op, a.attempts[s.claim+"/"+s.resource+"/"+op]), kind, msg)
	a.injected = append(a.injected, Fault{At: time.Now(), Kind: kind, Operation: op, ResourceKind: s.kind, Name: s.name, Resource: s.resource, Claim: s.claim, Error: err.Error()})
	return err
}

var apiVerb = map[string]string{"observe": "Describe", "create": "Create", "update": "Modify"}

// markCreated decides whether the next describe of a just-created resource
// answers NotFound.
func (a *AWS) markCreated(id externalID, s subject) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.draw(s, "visible") {
		a.unseen[id] = time.Now()
	}
}

// eventualConsistency is how long after a create the simulated AWS may
// still answer NotFound: the short delay of AWS's eventual consistency
// (https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html),
// kept inside the 30 s creation grace period crossplane-runtime waits out for
// exactly this. Without the bound, a describe delayed by backoff would see a
// resource missing minutes after its create, which the provider rightly
// creates again.
const eventualConsistency = 5 * time.Second

// notYetVisible reports (once) that a just-created resource is not found.
func (a *AWS) notYetVisible(id externalID, s subject) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	created, ok := a.unseen[id]
	if !ok {
		return false
	}
	delete(a.unseen, id)
	if time.Since(created) > eventualConsistency {
		return false
	}
	a.injected = append(a.injected, Fault{At: time.Now(), Kind: NotFoundAfterCreate, Operation: "observe", ResourceKind: s.kind, Name: s.name, Resource: s.resource, Claim: s.claim})
	return true
}

// draw is true for the share Rate of each resource's calls of op; it counts
// attempts. Callers hold mu.
func (a *AWS) draw(s subject, op string) bool {
	f := a.faults
	if f.Rate <= 0 || (f.Claim != "" && f.Claim != s.claim) {
		return false
	}
	key := s.claim + "/" + s.resource + "/" + op
	n := a.attempts[key]
	a.attempts[key] = n + 1
	sum := sha256.Sum256([]byte(fmt.Sprintf("%d/%s/%d", f.Seed, key, n)))
	return float64(binary.BigEndian.Uint64(sum[:8]))/float64(^uint64(0)) < f.Rate
}

func requestID(s subject, op string, n int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%s/%d", s.claim, s.resource, op, n)))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// protection is deletion protection as AWS enforces it for one kind: the
// forProvider field that turns it on, and the error the delete call answers
// with while it is on.
type protection struct {
	field              string
	service, operation string
	code               string
	message            func(name, arn string) string
}

// deletionProtection are the rendered kinds with deletion protection. AWS
// refuses to delete them while it is on, so a managed resource under
// deletionPolicy Delete stays deleting, Synced=False with this error, until
// someone turns the protection off in AWS: the managed reconciler only
// retries the delete of a resource being deleted, it applies no update.
var deletionProtection = map[string]protection{
	// The error AWS documents for DeleteDBCluster on a protected cluster:
	// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless.delete.html (AWS CLI)
	"rds.aws.upbound.io/Cluster": {
		field: "deletionProtection", service: "RDS", operation: "DeleteDBCluster", code: "InvalidParameterCombination",
		message: func(string, string) string {
			return "Cannot delete protected Cluster, please disable deletion protection and try again."
		},
	},
	// https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html documents the
	// exception (InvalidRequestException), not its message: the message here
	// is ours.
	"eks.aws.upbound.io/Cluster": {
		field: "deletionProtection", service: "EKS", operation: "DeleteCluster", code: "InvalidRequestException",
		message: func(name, _ string) string {
			return "Cluster " + name + " has deletion protection enabled. Disable deletion protection before deleting the cluster."
		},
	},
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection
	"elbv2.aws.upbound.io/LB": {
		field: "enableDeletionProtection", service: "Elastic Load Balancing v2", operation: "DeleteLoadBalancer", code: "OperationNotPermitted",
		message: func(_, arn string) string {
			return "Load balancer '" + arn + "' cannot be deleted because deletion protection is enabled"
		},
	},
}

// refuseProtectedDelete is the error AWS answers a delete of the external
// resource id with while its deletion protection is on, as AWS holds it (the
// forProvider it was last written from, not what the managed resource asks
// for now); nil when AWS would delete it. arn is the resource's ARN as AWS
// reports it.
func (a *AWS) refuseProtectedDelete(s subject, id externalID, arn string) error {
	p, ok := deletionProtection[s.kind]
	if !ok {
		return nil
	}
	ext, exists := a.get(id)
	if !exists {
		return nil
	}
	var fp map[string]any
	if err := json.Unmarshal([]byte(ext.spec), &fp); err != nil {
		return errors.Wrapf(err, "cannot read what AWS holds for %s %s", s.kind, id.name)
	}
	if on, _ := fp[p.field].(bool); !on {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	key := s.claim + "/" + s.resource + "/delete"
	n := a.attempts[key]
	a.attempts[key] = n + 1
	// The shape of an AWS SDK for Go v2 error, as the provider reports it.
	return fmt.Errorf("operation error %s: %s, https response error StatusCode: 400, RequestID: %s, api error %s: %s",
		p.service, p.operation, requestID(s, "delete", n), p.code, p.message(id.name, arn))
}
