package iampolicy

import (
	"fmt"
	"slices"
	"strings"
)

// Principal is who makes a request. Set exactly one of Anonymous, Service,
// Federated or ARN (with Account).
type Principal struct {
	Anonymous bool
	// Service is a service principal, e.g. logs.us-west-2.amazonaws.com.
	Service string
	// Federated is the identity provider of AssumeRoleWithWebIdentity.
	Federated string
	// ARN is the IAM identity (aws:PrincipalArn): a role's ARN for its
	// sessions, a user's ARN, or the account root.
	ARN     string
	Account string
}

func (p Principal) String() string {
	switch {
	case p.Anonymous:
		return "anonymous"
	case p.Service != "":
		return "service " + p.Service
	case p.Federated != "":
		return "federated " + p.Federated
	}
	return p.ARN
}

// Request is one API call to authorise.
type Request struct {
	Principal Principal
	Action    string
	Resource  string
	Context   Context
}

// context adds the global keys AWS always sets for the principal kind, unless
// the caller set them.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
func (r Request) context() Context {
	c := Context{}
	for k, v := range r.Context {
		c[k] = v
	}
	add := func(k, v string) {
		if _, ok := c.Get(k); !ok {
			c[k] = []string{v}
		}
	}
	switch {
	case r.Principal.ARN != "":
		add("aws:PrincipalArn", r.Principal.ARN)
		add("aws:PrincipalAccount", r.Principal.Account)
	case r.Principal.Service != "":
		add("aws:PrincipalServiceName", r.Principal.Service)
	}
	return c
}

// Kind says how a policy attaches.
type Kind int

// Kinds.
const (
	// Identity policies attach to the principal and have no Principal.
	Identity Kind = iota
	// Resource policies (bucket, topic, secret, trust and key policies)
	// attach to the resource and name principals.
	Resource
)

// Source is a parsed policy with where it came from, for the reasons.
type Source struct {
	Name   string
	Kind   Kind
	Policy *Policy
}

// CheckIdentity reports the elements an identity policy may not have.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func CheckIdentity(p *Policy) error {
	for _, s := range p.Statements {
		if s.Principal != nil || s.NotPrincipal != nil {
			return fmt.Errorf("statement %q: an identity policy has no Principal", s.Sid)
		}
		if s.Resource == nil && s.NotResource == nil {
			return fmt.Errorf("statement %q: an identity policy statement needs Resource or NotResource", s.Sid)
		}
	}
	return nil
}

// Decision of an evaluation.
type Decision string

// Decisions.
const (
	Allowed      Decision = "allowed"
	ImplicitDeny Decision = "implicitly denied"
	ExplicitDeny Decision = "explicitly denied"
)

// Result is a decision and why.
type Result struct {
	Decision Decision
	Reason   string
}

// Allowed reports whether the request is allowed.
func (r Result) Allowed() bool { return r.Decision == Allowed }

// principalMatch is how a statement's principal element matched.
type principalMatch int

const (
	noMatch principalMatch = iota
	// viaAccount: matched only by the account (root ARN or account ID), which
	// delegates to the account's identity policies.
	viaAccount
	direct
)

// matchPrincipals matches a request principal against a Principal element.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func matchPrincipals(ps *Principals, p Principal) principalMatch {
	if ps.Wildcard {
		return direct
	}
	best := noMatch
	for _, a := range ps.AWS {
		switch {
		case a == "*":
			return direct
		case p.ARN == "":
		case a == p.ARN && !isRoot(a):
			return direct
		case a == p.Account || (isRoot(a) && accountOf(a) == p.Account):
			best = viaAccount
		}
	}
	for _, s := range ps.Service {
		if p.Service != "" && strings.EqualFold(s, p.Service) {
			return direct
		}
	}
	for _, f := range ps.Federated {
		if p.Federated != "" && f == p.Federated {
			return direct
		}
	}
	return best
}

func isRoot(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.HasSuffix(arn, ":root")
}

func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// statementMatch is how one statement applies to a request.
type statementMatch struct {
	applies   bool
	principal principalMatch
	// failed is the first condition that did not hold, when everything but
	// the conditions matched: the reason a near miss missed.
	failed *Condition
}

func (s Statement) match(kind Kind, r Request, ctx Context) statementMatch {
	m := statementMatch{principal: direct}
	if kind == Resource {
		switch {
		case s.Principal != nil:
			m.principal = matchPrincipals(s.Principal, r.Principal)
		case s.NotPrincipal != nil:
			if matchPrincipals(s.NotPrincipal, r.Principal) != noMatch {
				m.principal = noMatch
			}
		default:
			m.principal = noMatch
		}
		if m.principal == noMatch {
			return m
		}
	}
	if s.Action != nil && !slices.ContainsFunc(s.Action, func(a string) bool { return actionMatches(a, r.Action) }) {
		return m
	}
	if s.NotAction != nil && slices.ContainsFunc(s.NotAction, func(a string) bool { return actionMatches(a, r.Action) }) {
		return m
	}
	if s.Resource != nil && !slices.ContainsFunc(s.Resource, func(p string) bool { return arnMatches(p, r.Resource) }) {
		return m
	}
	if s.NotResource != nil && slices.ContainsFunc(s.NotResource, func(p string) bool { return arnMatches(p, r.Resource) }) {
		return m
	}
	for i := range s.Conditions {
		if !s.Conditions[i].holds(ctx) {
			m.failed = &s.Conditions[i]
			return m
		}
	}
	m.applies = true
	return m
}

// Mode is how resource and identity policies combine.
type Mode int

// Modes.
const (
	// SameAccount: the principal and the resource are in one account. An
	// explicit Deny in any policy wins; otherwise an Allow in an identity
	// policy, or a resource policy Allow naming the principal itself, allows.
	// A resource policy naming only the account delegates to the identity
	// policies (it allows nothing on its own). Role trust policies are
	// resource policies of the role. Cross-account requests are out of
	// scope: to ask whether another account's principal gets in, pass no
	// identity policy, so the resource side alone decides (for such a
	// request both sides must allow, so a resource-side deny is final).
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policies_resource.html
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
	SameAccount Mode = iota
	// KeyPolicy: the Resource source is a KMS key policy. The key policy
	// must allow: naming the principal allows on its own; naming the account
	// makes identity policies count, and then one of them must allow too.
	// Without a key policy Allow, no identity policy gives access.
	// https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-key-policy.html
	// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
	KeyPolicy
)

// Evaluate decides a request against the policies that apply to it. The
// caller supplies every policy that applies: the principal's identity
// policies (none for services and anonymous callers) and the resource's
// policy.
func Evaluate(r Request, mode Mode, sources ...Source) Result {
	ctx := r.context()
	var identityAllow, resourceDirect, resourceAccount []string
	var misses []string
	for _, src := range sources {
		for _, s := range src.Policy.Statements {
			m := s.match(src.Kind, r, ctx)
			where := src.Name + "/" + sid(s)
			if !m.applies {
				if m.failed != nil && s.Effect == Allow {
					vals, ok := ctx.Get(m.failed.Key)
					got := "absent"
					if ok {
						got = fmt.Sprintf("%q", vals)
					}
					misses = append(misses, fmt.Sprintf("%s needs %s %s %q (request: %s)", where, m.failed.Operator, m.failed.Key, m.failed.Values, got))
				}
				continue
			}
			if s.Effect == Deny {
				return Result{ExplicitDeny, "denied by " + where}
			}
			switch {
			case src.Kind == Identity:
				identityAllow = append(identityAllow, where)
			case m.principal == direct:
				resourceDirect = append(resourceDirect, where)
			default:
				resourceAccount = append(resourceAccount, where)
			}
		}
	}
	switch {
	case len(resourceDirect) > 0:
		return Result{Allowed, "allowed by " + strings.Join(resourceDirect, ", ")}
	case mode == KeyPolicy && len(resourceAccount) > 0 && len(identityAllow) > 0:
		return Result{Allowed, "key policy " + strings.Join(resourceAccount, ", ") + " enables IAM policies; allowed by " + strings.Join(identityAllow, ", ")}
	case mode == SameAccount && len(identityAllow) > 0:
		return Result{Allowed, "allowed by " + strings.Join(identityAllow, ", ")}
	}
	why := "no statement allows"
	switch {
	case mode == KeyPolicy && len(resourceAccount) > 0:
		why = "key policy " + strings.Join(resourceAccount, ", ") + " only delegates to the account's IAM policies, and none allows"
	case mode == KeyPolicy && len(identityAllow) > 0:
		why = "identity policy " + strings.Join(identityAllow, ", ") + " allows, but the key policy neither allows the principal nor delegates to the account"
	case len(resourceAccount) > 0:
		why = "resource policy " + strings.Join(resourceAccount, ", ") + " names only the account, and no identity policy allows"
	}
	if len(misses) > 0 {
		why += "; near misses: " + strings.Join(misses, "; ")
	}
	return Result{ImplicitDeny, why}
}

func sid(s Statement) string {
	if s.Sid == "" {
		return "(no Sid)"
	}
	return s.Sid
}
