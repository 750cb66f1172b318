package iampolicy

import (
	"encoding/json"
	"strings"
	"testing"
)

// The policy fuzz targets build documents and requests from tables of the
// elements AWS's grammar has (every condition operator, set operators,
// IfExists, principals of each type, wildcards, ARNs of several shapes), so
// the fuzzer explores policies a platform would write rather than JSON the
// parser refuses at its first byte.

type fzBytes struct {
	data []byte
	pos  int
}

func (b *fzBytes) more() bool { return b.pos < len(b.data) }

func (b *fzBytes) pick(n int) int {
	if b.pos >= len(b.data) || n == 0 {
		return 0
	}
	b.pos++
	return int(b.data[b.pos-1]) % n
}

func (b *fzBytes) from(list []string) string { return list[b.pick(len(list))] }

var (
	fzActions   = []string{"*", "s3:*", "s3:GetObject", "s3:Get*", "kms:Decrypt", "KMS:decrypt", "kms:*Key*", "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "iam:?assRole", "", "::", "*:*"}
	fzResources = []string{"*", "arn:aws:s3:::paynext-prod-data-111122223333-us-west-2", "arn:aws:s3:::paynext-prod-data-*/*", "arn:aws:kms:us-west-2:111122223333:key/*",
		"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abc", "arn:aws:iam::111122223333:role/paynext-*", "arn:*:*:*:*:*", "arn:aws:s3:::a:b:c:d", "not-an-arn", "arn:aws", "", "*/*", "arn:aws:sns:us-west-2:111122223333:t??ic"}
	fzPrincipals = []any{"*", map[string]any{"AWS": "*"}, map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, map[string]any{"AWS": "111122223333"},
		map[string]any{"AWS": []any{"arn:aws:iam::111122223333:role/paynext-prod-backup", "arn:aws:iam::444455556666:root"}},
		map[string]any{"Service": []any{"logs.us-west-2.amazonaws.com", "cloudtrail.amazonaws.com"}}, map[string]any{"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"},
		map[string]any{"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, map[string]any{"AWS": ""}, map[string]any{}}
	fzOperators = func() []string {
		var out []string
		for op := range comparisons {
			out = append(out, op, op+"IfExists", "ForAnyValue:"+op, "ForAllValues:"+op+"IfExists")
		}
		for op := range negations {
			out = append(out, op, op+"IfExists", "ForAllValues:"+op, "ForAnyValue:"+op)
		}
		return append(out, "Null", "ForAnyValue:Null", "StringEqualsIfExistsIfExists", "DateLessThan", "ForAnyValue:ForAllValues:StringEquals")
	}()
	fzKeys   = []string{"aws:SourceAccount", "aws:SourceArn", "aws:SecureTransport", "aws:PrincipalArn", "aws:PrincipalServiceName", "aws:SourceIp", "aws:MultiFactorAuthAge", "kms:ViaService", "kms:EncryptionContext:aws:logs:arn", "s3:x-amz-server-side-encryption", "aws:TagKeys", "AWS:SOURCEACCOUNT", ""}
	fzValues = []any{"111122223333", "true", "false", true, false, 3600, -1.5, 1e308, "10.0.0.0/8", "203.0.113.7", "::1/128", "2001:db8::/32", "arn:aws:cloudtrail:us-west-2:111122223333:trail/*",
		"s3.us-west-2.amazonaws.com", "*", "a?c", "", []any{}, []any{"x", "y"}, "NaN", "1e400", "0x10"}
)

// fzDocument builds a policy document of one to four statements from the
// bytes: a resource policy's statements name principals, an identity
// policy's do not.
func fzDocument(b *fzBytes, resource bool) map[string]any {
	var statements []any
	for i := 0; i < 1+b.pick(4); i++ {
		s := map[string]any{"Effect": b.from([]string{"Allow", "Deny", "Allow", "allow"})}
		if b.pick(2) == 0 {
			s["Sid"] = b.from([]string{"A", "", "Deny everything"})
		}
		actions := []any{b.from(fzActions)}
		for b.pick(3) == 0 && b.more() {
			actions = append(actions, b.from(fzActions))
		}
		s[[]string{"Action", "NotAction", "Action"}[b.pick(3)]] = actions
		switch b.pick(4) {
		case 0, 1:
			s["Resource"] = b.from(fzResources)
		case 2:
			s["NotResource"] = []any{b.from(fzResources), b.from(fzResources)}
		}
		if resource {
			s[[]string{"Principal", "Principal", "NotPrincipal"}[b.pick(3)]] = fzPrincipals[b.pick(len(fzPrincipals))]
		}
		if b.pick(2) == 0 {
			cond := map[string]any{}
			for j := 0; j < 1+b.pick(3); j++ {
				op := b.from(fzOperators)
				keys, _ := cond[op].(map[string]any)
				if keys == nil {
					keys = map[string]any{}
					cond[op] = keys
				}
				v := fzValues[b.pick(len(fzValues))]
				if b.pick(3) == 0 {
					v = []any{v, fzValues[b.pick(len(fzValues))]}
				}
				keys[b.from(fzKeys)] = v
			}
			s["Condition"] = cond
		}
		statements = append(statements, s)
	}
	doc := map[string]any{"Version": b.from([]string{"2012-10-17", "2012-10-17", "2008-10-17"}), "Statement": statements}
	if b.pick(4) == 0 {
		doc["Statement"] = statements[0] // a single statement object, as AWS accepts
	}
	return doc
}

// fzRequest builds a request: a principal of each kind, an action, a
// resource, and a context of keys with one or several values.
func fzRequest(b *fzBytes) Request {
	r := Request{Action: b.from(fzActions[1:]), Resource: b.from(fzResources), Context: Context{}}
	switch b.pick(5) {
	case 0:
		r.Principal = Principal{Anonymous: true}
	case 1:
		r.Principal = Principal{Service: b.from([]string{"logs.us-west-2.amazonaws.com", "cloudtrail.amazonaws.com", "s3.amazonaws.com"})}
	case 2:
		r.Principal = Principal{Federated: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"}
	default:
		r.Principal = Principal{ARN: b.from([]string{"arn:aws:iam::111122223333:role/paynext-prod-backup", "arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:user/x", "arn:aws:sts::111122223333:assumed-role/r/s", "arn"}),
			Account: b.from([]string{"111122223333", "444455556666", ""})}
	}
	for b.pick(2) == 0 && b.more() {
		var vals []string
		for k := 0; k < b.pick(3); k++ {
			v, _ := json.Marshal(fzValues[b.pick(len(fzValues))])
			vals = append(vals, strings.Trim(string(v), `"`))
		}
		r.Context[b.from(fzKeys)] = vals
	}
	return r
}

var fzDecisions = map[Decision]bool{Allowed: true, ImplicitDeny: true, ExplicitDeny: true}

// FuzzEvaluate: for structured policy documents and requests, Parse and
// Evaluate never panic, Evaluate decides one of its three decisions with a
// reason, the same way twice, and an unconditional Deny of everything added
// to the policies denies every request explicitly (a Deny always wins).
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 1, 2, 0, 1, 0, 3, 0, 5, 1, 7, 2, 1, 3})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	f.Add([]byte{255, 128, 64, 32, 16, 8, 4, 2, 1, 0, 255, 254, 253, 252, 251, 250, 249, 248, 247, 246, 245, 244, 243})
	f.Fuzz(fzEvaluate)
}

func fzEvaluate(t *testing.T, data []byte) {
	{
		b := &fzBytes{data: data}
		identityDoc, resourceDoc := fzDocument(b, false), fzDocument(b, true)
		req := fzRequest(b)
		mode := []Mode{SameAccount, KeyPolicy}[b.pick(2)]
		var sources []Source
		for _, d := range []struct {
			name string
			kind Kind
			doc  map[string]any
		}{{"identity", Identity, identityDoc}, {"resource", Resource, resourceDoc}} {
			raw, err := json.Marshal(d.doc)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(string(raw))
			if err != nil {
				continue // refused: what AWS refuses or what is not modelled
			}
			if d.kind == Identity {
				_ = CheckIdentity(p)
			}
			sources = append(sources, Source{Name: d.name, Kind: d.kind, Policy: p})
		}
		got := Evaluate(req, mode, sources...)
		if !fzDecisions[got.Decision] || got.Reason == "" {
			t.Fatalf("Evaluate decided %q with reason %q: want one of its three decisions and a reason", got.Decision, got.Reason)
		}
		if again := Evaluate(req, mode, sources...); again != got {
			t.Fatalf("Evaluate is not deterministic: %v, then %v", got, again)
		}
		denyAll, err := Parse(`{"Version":"2012-10-17","Statement":{"Sid":"DenyAll","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}}`)
		if err != nil {
			t.Fatal(err)
		}
		if d := Evaluate(req, mode, append(sources, Source{Name: "deny", Kind: Resource, Policy: denyAll})...); d.Decision != ExplicitDeny {
			t.Fatalf("an unconditional Deny of every action on every resource to every principal did not deny %+v: %v", req, d)
		}
	}
}

// FuzzParse: any document text, however malformed, parses or is refused
// with an error, never a panic; what parses evaluates without panicking.
func FuzzParse(f *testing.F) {
	for _, doc := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333"]},"NotAction":["iam:*"],"NotResource":"arn:aws:s3:::x","Condition":{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":["a*"]},"Null":{"aws:SourceIp":"true"}}}]}`,
		`{"Statement":null}`, `[]`, `{"Version":"2012-10-17","Statement":[null]}`, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Principal":{"AWS":null}}]}`,
	} {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := Parse(doc)
		if err != nil {
			if p != nil {
				t.Fatalf("Parse returned a policy with its error %v", err)
			}
			return
		}
		if len(p.Statements) == 0 {
			t.Fatalf("Parse accepted a document with no statement: %q", doc)
		}
		_ = CheckIdentity(p)
		for _, kind := range []Kind{Identity, Resource} {
			for _, mode := range []Mode{SameAccount, KeyPolicy} {
				r := Evaluate(Request{Principal: Principal{ARN: "arn:aws:iam::111122223333:role/r", Account: "111122223333"}, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
					Context: Context{"aws:SecureTransport": {"true"}, "aws:SourceIp": {"203.0.113.7"}}}, mode, Source{Name: "fuzzed", Kind: kind, Policy: p})
				if !fzDecisions[r.Decision] {
					t.Fatalf("Evaluate decided %q", r.Decision)
				}
			}
		}
	})
}
