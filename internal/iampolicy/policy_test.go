package iampolicy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAcceptsEveryShapeAWSAccepts(t *testing.T) {
	// A statement object instead of a list, strings instead of lists, the
	// bare "*" principal, and JSON booleans and numbers as condition values.
	got, err := Parse(`{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"A","Effect":"Allow",
		"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
		"Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:TlsVersion":1.2},
		"StringEquals":{"aws:SourceAccount":["1","2"]}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := &Policy{Version: "2012-10-17", ID: "x", Statements: []Statement{{
		Sid: "A", Effect: Allow, Principal: &Principals{Wildcard: true},
		Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"},
		Conditions: []Condition{
			{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
			{Operator: "NumericLessThan", Key: "s3:TlsVersion", Values: []string{"1.2"}},
			{Operator: "StringEquals", Key: "aws:SourceAccount", Values: []string{"1", "2"}},
		},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed policy differs (-want +got):\n%s", diff)
	}

	p, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::1:root","Service":["a.amazonaws.com"],"Federated":"f"},"NotAction":["kms:*"],"NotResource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	wantNP := &Principals{AWS: []string{"arn:aws:iam::1:root"}, Service: []string{"a.amazonaws.com"}, Federated: []string{"f"}}
	if diff := cmp.Diff(wantNP, p.Statements[0].NotPrincipal); diff != "" {
		t.Errorf("NotPrincipal differs (-want +got):\n%s", diff)
	}
}

func TestParseRefusesWhatAWSRefusesOrIsNotModelled(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown element":             `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Resources":"*"}]}`,
		"unknown top-level element":   `{"Version":"2012-10-17","Statment":[]}`,
		"Action and NotAction":        `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"a:c","Resource":"*"}]}`,
		"no Action":                   `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}`,
		"bad Effect":                  `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"a:b","Resource":"*"}]}`,
		"NotPrincipal with Allow":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"a:b","Resource":"*"}]}`,
		"unknown operator":            `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}]}`,
		"misspelt operator":           `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{"StringEqual":{"k":"v"}}}]}`,
		"policy variable":             `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"arn:aws:s3:::b/${aws:username}"}]}`,
		"old version":                 `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"}]}`,
		"no statements":               `{"Version":"2012-10-17","Statement":[]}`,
		"bare principal other than *": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"a:b"}]}`,
		"unknown principal type":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"User":"x"},"Action":"a:b"}]}`,
		"not JSON":                    `{"Version":`,
	} {
		if _, err := Parse(doc); err == nil {
			t.Errorf("%s: Parse accepted %s", name, doc)
		}
	}
}

func TestCheckIdentity(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"a:b","Resource":"*"}]}`)
	if err := CheckIdentity(p); err == nil || !strings.Contains(err.Error(), "Principal") {
		t.Errorf("an identity policy with a Principal must be refused, got %v", err)
	}
	p = mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b"}]}`)
	if err := CheckIdentity(p); err == nil {
		t.Error("an identity statement without Resource must be refused")
	}
}

func TestWildcardMatching(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		action     bool
		want       bool
	}{
		{"kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext", true, true},
		{"kms:GenerateDataKey*", "kms:GenerateDataKey", true, true},
		{"kms:Create*", "kms:CreateGrant", true, true},
		{"KMS:decrypt", "kms:Decrypt", true, true}, // actions are case-insensitive
		{"s3:Get?bject", "s3:GetObject", true, true},
		{"s3:Get?bject", "s3:GetObjectAcl", true, false},
		{"s3:*", "sns:Publish", true, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/AWSLogs/1/x", false, true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false, false},
		{"arn:aws:s3:::B/*", "arn:aws:s3:::b/x", false, false}, // resources are case-sensitive
		{"arn:aws:kms:us-west-2:1:key/*", "arn:aws:kms:us-east-1:1:key/k", false, false},
		{"arn:aws:kms:*:1:key/*", "arn:aws:kms:us-east-1:1:key/k", false, true},
		// A wildcard does not cross an ARN component: "*" in the region
		// does not swallow the account.
		{"arn:aws:kms:*:key/k", "arn:aws:kms:us-east-1:1:key/k", false, false},
		{"arn:aws:logs:r:1:log-group:/a/*", "arn:aws:logs:r:1:log-group:/a/b:log-stream:s", false, true},
		{"*", "arn:aws:sns:r:1:t", false, true},
	} {
		got := arnMatches(c.pattern, c.s)
		if c.action {
			got = actionMatches(c.pattern, c.s)
		}
		if got != c.want {
			t.Errorf("%q matching %q = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}
