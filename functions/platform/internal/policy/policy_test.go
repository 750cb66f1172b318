package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJSONIsStableAndRoundTrips(t *testing.T) {
	d := New(Statement{
		Sid:       "Use",
		Effect:    Allow,
		Principal: ServicePrincipal("logs.us-west-2.amazonaws.com"),
		Action:    []string{"kms:Decrypt"},
		Resource:  []string{"*"},
		Condition: Conditions{}.With("StringEquals", "aws:SourceAccount", "111122223333").With("ArnLike", "aws:SourceArn", "arn:aws:logs:*"),
	})
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"Use","Effect":"Allow","Principal":{"Service":["logs.us-west-2.amazonaws.com"]},"Action":["kms:Decrypt"],"Resource":["*"],"Condition":{"ArnLike":{"aws:SourceArn":["arn:aws:logs:*"]},"StringEquals":{"aws:SourceAccount":["111122223333"]}}}]}`
	if got := d.JSON(); got != want {
		t.Errorf("JSON(): want the statement with sorted condition operators\nwant: %s\ngot:  %s", want, got)
	}
	back, err := Parse(d.JSON())
	if err != nil {
		t.Fatalf("Parse(JSON()): %v", err)
	}
	if diff := cmp.Diff(d, back); diff != "" {
		t.Errorf("Parse(JSON()) must give back the same document (-want +got):\n%s", diff)
	}
}

func TestWithDoesNotAliasTheReceiver(t *testing.T) {
	base := Conditions{}.With("Bool", "aws:SecureTransport", "true")
	_ = base.With("Bool", "aws:MultiFactorAuthPresent", "true")
	if len(base["Bool"]) != 1 {
		t.Errorf("With must copy its receiver; base gained keys: %v", base)
	}
}
