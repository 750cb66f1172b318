// Package policy holds IAM and KMS policy documents as types, so every policy
// the platform renders can be built, compared and inspected in tests before
// it is marshalled to the JSON string the provider wants.
package policy

import (
	"encoding/json"
	"slices"
)

// Version of the policy language every document uses.
const Version = "2012-10-17"

// Effect of a statement.
type Effect string

// Effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is an IAM policy, trust policy, key policy or resource policy.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document.
type Statement struct {
	Sid       string     `json:"Sid,omitempty"`
	Effect    Effect     `json:"Effect"`
	Principal *Principal `json:"Principal,omitempty"`
	Action    []string   `json:"Action"`
	Resource  []string   `json:"Resource,omitempty"`
	Condition Conditions `json:"Condition,omitempty"`
}

// Principal of a resource-based or trust policy statement.
type Principal struct {
	AWS       []string `json:"AWS,omitempty"`
	Service   []string `json:"Service,omitempty"`
	Federated []string `json:"Federated,omitempty"`
}

// Conditions maps a condition operator (StringEquals, ArnLike, Bool …) to
// condition keys and their allowed values.
type Conditions map[string]map[string][]string

// New returns a document of the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON renders the document. encoding/json sorts map keys, so the same
// document always renders to the same bytes.
func (d Document) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		// Every field is a string, slice or map of strings: Marshal cannot fail.
		panic(err)
	}
	return string(b)
}

// Parse reads a document rendered by JSON.
func Parse(s string) (Document, error) {
	var d Document
	err := json.Unmarshal([]byte(s), &d)
	return d, err
}

// With returns c with operator/key = values added.
func (c Conditions) With(operator, key string, values ...string) Conditions {
	out := Conditions{}
	for op, kv := range c {
		out[op] = map[string][]string{}
		for k, v := range kv {
			out[op][k] = slices.Clone(v)
		}
	}
	if out[operator] == nil {
		out[operator] = map[string][]string{}
	}
	out[operator][key] = append(out[operator][key], values...)
	return out
}

// ServicePrincipal is a principal of one AWS service.
func ServicePrincipal(service string) *Principal {
	return &Principal{Service: []string{service}}
}

// AccountPrincipal is the root principal of an account: it delegates to the
// account's IAM policies, never to an anonymous caller.
func AccountPrincipal(partition, accountID string) *Principal {
	return &Principal{AWS: []string{"arn:" + partition + ":iam::" + accountID + ":root"}}
}
