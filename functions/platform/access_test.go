package main

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paynext/platform/internal/iampolicy"
)

// intruder is a role of an account that is not the platform's.
const intruderAccount = "444455556666"

// forbiddenPaths are requests AWS must refuse: anonymous callers, other
// accounts (directly or through a service acting for them), plain HTTP, and
// an administrator using a key outside the services it is for.
var forbiddenPaths = []pathRule{{
	who: "anonymous callers",
	paths: func(t *testing.T, e *estate) []accessPath {
		anon := iampolicy.Principal{Anonymous: true}
		var out []accessPath
		out = append(out, e.everywhere(anon, "anonymous", tls())...)
		for _, k := range sortedValues(e.keys) {
			out = append(out, e.kmsPaths("anonymous", anon, k, nil, nil, "kms:Decrypt")...)
		}
		return out
	},
}, {
	who: "another account, directly or through a service acting for it",
	docs: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html",
	},
	paths: func(t *testing.T, e *estate) []accessPath {
		other := iampolicy.Principal{ARN: "arn:" + e.partition + ":iam::" + intruderAccount + ":role/intruder", Account: intruderAccount}
		out := e.everywhere(other, "another account", tls())
		for _, k := range sortedValues(e.keys) {
			ctx := iampolicy.Context{"kms:ViaService": {"s3." + k.region + ".amazonaws.com"}}
			out = append(out, e.kmsPaths("another account via s3", other, k, ctx, nil, "kms:Decrypt")...)
			ctx = iampolicy.Context{"kms:EncryptionContext:aws:logs:arn": {"arn:" + e.partition + ":logs:" + e.region + ":" + intruderAccount + ":log-group:x"}}
			out = append(out, e.kmsPaths("logs for another account", service("logs."+e.region+".amazonaws.com"), k, ctx, nil, "kms:GenerateDataKey")...)
		}
		for _, tp := range sortedValues(e.topics) {
			for _, svc := range []string{"events", "cloudwatch", "budgets"} {
				ctx := with(tls(), "aws:SourceAccount", intruderAccount)
				out = append(out, accessPath{name: svc + " for another account sns:Publish on " + tp.label, mode: iampolicy.SameAccount,
					req: iampolicy.Request{Principal: service(svc + ".amazonaws.com"), Action: "sns:Publish", Resource: tp.arn, Context: ctx}, sources: resourcePolicy(tp.label, tp.policy)})
			}
		}
		// A service acting for another account must not assume the
		// platform's service roles (the confused deputy).
		for _, r := range sortedValues(e.roles) {
			for _, st := range r.trust.Statements {
				if st.Principal == nil {
					continue
				}
				for _, svc := range st.Principal.Service {
					ctx := iampolicy.Context{"aws:SourceAccount": {intruderAccount}, "aws:SourceArn": {"arn:" + e.partition + ":" + strings.Split(svc, ".")[0] + ":" + e.region + ":" + intruderAccount + ":x"}}
					out = append(out, e.assumePath(svc+" for another account", service(svc), "sts:AssumeRole", r, ctx))
				}
			}
		}
		for _, b := range sortedValues(e.buckets) {
			ctx := with(tls(), "aws:SourceAccount", intruderAccount, "aws:SourceArn", "arn:"+e.partition+":cloudtrail:"+e.region+":"+intruderAccount+":trail/x",
				"s3:x-amz-acl", "bucket-owner-full-control")
			out = append(out, e.s3Path("cloudtrail for another account", service("cloudtrail.amazonaws.com"), "s3:PutObject", b, "AWSLogs/"+intruderAccount+"/x", ctx, nil))
		}
		return out
	},
}, {
	who:  "plain HTTP, even from the account's administrator",
	docs: []string{"https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit"},
	paths: func(t *testing.T, e *estate) []accessPath {
		admin := e.role(t, "iam-role-break-glass-admin")
		ctx := iampolicy.Context{"aws:SecureTransport": {"false"}, "aws:MultiFactorAuthPresent": {"true"}}
		var out []accessPath
		for _, p := range e.everywhere(e.as(admin), "administrator over HTTP", ctx) {
			// STS and Secrets Manager are not reached over HTTP: their
			// endpoints are HTTPS only (AWS General Reference, service
			// endpoints). S3 and SNS accept HTTP, hence their TLS denies.
			if strings.HasPrefix(p.req.Action, "sts:") || strings.HasPrefix(p.req.Action, "secretsmanager:") {
				continue
			}
			p.sources = append(p.sources, e.identity(admin)...)
			out = append(out, p)
		}
		return out
	},
}, {
	who:  "the account's administrator using a key outside the services it is for",
	docs: []string{"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service"},
	paths: func(t *testing.T, e *estate) []accessPath {
		admin := e.role(t, "iam-role-break-glass-admin")
		var out []accessPath
		for _, k := range sortedValues(e.keys) {
			ctx := iampolicy.Context{"aws:MultiFactorAuthPresent": {"true"}}
			out = append(out, e.kmsPaths("administrator directly", e.as(admin), k, ctx, e.identity(admin), "kms:Decrypt", "kms:GenerateDataKey")...)
			out = append(out, e.kmsPaths("administrator directly", e.as(admin), k, with(ctx, "kms:GrantIsForAWSResource", "false"), e.identity(admin), "kms:CreateGrant")...)
		}
		return out
	},
}}

// everywhere is p reading every bucket and secret, publishing to every topic
// and assuming every role.
func (e *estate) everywhere(p iampolicy.Principal, who string, ctx iampolicy.Context) []accessPath {
	var out []accessPath
	for _, b := range sortedValues(e.buckets) {
		out = append(out, e.s3Path(who, p, "s3:GetObject", b, "k", ctx, nil))
	}
	for _, tp := range sortedValues(e.topics) {
		out = append(out, accessPath{name: who + " sns:Publish on " + tp.label, mode: iampolicy.SameAccount,
			req: iampolicy.Request{Principal: p, Action: "sns:Publish", Resource: tp.arn, Context: ctx}, sources: resourcePolicy(tp.label, tp.policy)})
	}
	for _, s := range sortedValues(e.secrets) {
		out = append(out, accessPath{name: who + " secretsmanager:GetSecretValue on " + s.label, mode: iampolicy.SameAccount,
			req: iampolicy.Request{Principal: p, Action: "secretsmanager:GetSecretValue", Resource: s.arn, Context: ctx}, sources: resourcePolicy(s.label, s.policy)})
	}
	for _, r := range sortedValues(e.roles) {
		out = append(out, e.assumePath(who, p, "sts:AssumeRole", r, ctx))
	}
	return out
}

func sortedValues[V any](m map[string]V) []V {
	var out []V
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// knownDenied are required paths the rendered policies deny today, each with
// the finding it is. Fixing the tier code makes a path pass, and then the test
// fails until its line here is removed: the list can only shrink.
var knownDenied = map[string]string{}

// knownAllowed are forbidden paths the rendered policies allow today.
var knownAllowed = map[string]string{}

// TestEveryAccessPathIsDecidedAsThePlatformNeeds renders every example and
// held-out claim to convergence, parses every policy document it renders,
// and evaluates each access path of the table against the policies that
// apply to it: required paths must be allowed, forbidden ones denied.
func TestEveryAccessPathIsDecidedAsThePlatformNeeds(t *testing.T) {
	start := time.Now()
	f := newTestFunction(t)
	files := []string{exampleXR("dev"), exampleXR("staging"), exampleXR("prod")}
	claims, _ := filepath.Glob("testdata/claims/*.yaml")
	files = append(files, claims...)
	if len(claims) == 0 {
		t.Fatal("no held-out claims in testdata/claims")
	}

	type outcome struct {
		seen    bool
		wrong   []string // file: reason, where the decision was not the wanted one
		rightIn int      // estates where it was decided as wanted
		perRule string
	}
	required, forbidden := map[string]*outcome{}, map[string]*outcome{}
	perRule := map[string]int{}
	policies, evaluated := 0, 0
	for _, file := range files {
		e := newEstate(t, f, file)
		if e.policies == 0 {
			t.Fatalf("%s: no policy document parsed: the walk is broken", file)
		}
		policies += e.policies
		for _, table := range []struct {
			rules []pathRule
			want  bool
			into  map[string]*outcome
		}{{requiredPaths, true, required}, {forbiddenPaths, false, forbidden}} {
			for _, rule := range table.rules {
				for _, p := range rule.paths(t, e) {
					if len(p.sources) == 0 {
						t.Errorf("%s: path %q has no policy to evaluate", file, p.name)
						continue
					}
					evaluated++
					perRule[rule.who]++
					o := table.into[p.name]
					if o == nil {
						o = &outcome{perRule: rule.who}
						table.into[p.name] = o
					}
					o.seen = true
					res := iampolicy.Evaluate(p.req, p.mode, p.sources...)
					if res.Allowed() == table.want {
						o.rightIn++
					} else {
						o.wrong = append(o.wrong, filepath.Base(file)+": "+string(res.Decision)+": "+res.Reason)
					}
				}
			}
		}
	}
	for _, rule := range append(slices.Clone(requiredPaths), forbiddenPaths...) {
		if perRule[rule.who] == 0 {
			t.Errorf("the access table's row %q produced no path in any estate: the render or the row is broken", rule.who)
		}
	}
	check := func(kind string, outcomes map[string]*outcome, known map[string]string) {
		for _, name := range slices.Sorted(maps.Keys(outcomes)) {
			o := outcomes[name]
			finding, isKnown := known[name]
			switch {
			case len(o.wrong) > 0 && !isKnown:
				t.Errorf("%s path %q is decided wrongly:\n  %s", kind, name, strings.Join(o.wrong, "\n  "))
			case len(o.wrong) > 0:
				t.Logf("known (%s): %s path %q:\n  %s", finding, kind, name, strings.Join(o.wrong, "\n  "))
			case isKnown:
				t.Errorf("%s path %q is listed as a known failure (%s) but is now decided correctly everywhere: remove it from the list", kind, name, finding)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(known)) {
			if outcomes[name] == nil {
				t.Errorf("%s known failure %q names no path of the table: remove or rename it", kind, name)
			}
		}
	}
	check("required", required, knownDenied)
	check("forbidden", forbidden, knownAllowed)
	if len(required) == 0 || len(forbidden) == 0 || policies == 0 {
		t.Fatalf("nothing evaluated: %d required paths, %d forbidden paths, %d policies", len(required), len(forbidden), policies)
	}
	t.Logf("%d estates, %d policy documents, %d distinct required and %d forbidden paths, %d evaluations, in %s",
		len(files), policies, len(required), len(forbidden), evaluated, time.Since(start).Round(time.Millisecond))
}
