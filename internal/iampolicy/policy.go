// Package iampolicy parses IAM policy documents (identity, trust, resource
// and KMS key policies) in every JSON shape AWS accepts and evaluates a
// request against them the way AWS documents it:
//
//   - policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
//   - evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//   - KMS key policies: https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
//
// It is small on purpose: SCPs, RCPs, permission boundaries, session
// policies, policy variables and cross-account access are out of scope, and
// a document that uses what is not modelled is a parse error, never a silent
// mismatch. No maintained Go library evaluates policies (the ones found only
// parse them, or are learning projects), so this one is written against the
// documentation and its own table tests.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Effect of a statement.
type Effect string

// Effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is one parsed policy document.
type Policy struct {
	Version    string
	ID         string
	Statements []Statement
}

// Statement is one statement, with every list element normalised to a slice.
// Exactly one of Action/NotAction is set, and at most one of each other pair.
type Statement struct {
	Sid          string
	Effect       Effect
	Principal    *Principals // nil when the statement has none
	NotPrincipal *Principals
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Conditions   []Condition
}

// Principals is the Principal (or NotPrincipal) element. "*" parses as
// Wildcard; {"AWS": "*"} is the same thing for everyone but service
// principals, as the Principal reference says ("anonymous users").
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
type Principals struct {
	Wildcard      bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Condition is one operator/key pair of a Condition block: all of a
// statement's conditions must hold (AND); a key's values are ORed (NORed for
// a negated operator).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
type Condition struct {
	Operator string // as written, e.g. ForAnyValue:StringEqualsIfExists
	Key      string
	Values   []string
}

// Parse reads a policy document. It refuses what AWS refuses (an unknown
// element, a statement with both Action and NotAction, an unknown Effect)
// and what this package does not model (policy variables, unknown condition
// operators), so that nothing is evaluated half-understood.
func Parse(doc string) (*Policy, error) {
	var raw map[string]json.RawMessage
	if err := strictUnmarshal([]byte(doc), &raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	p := &Policy{}
	for k, v := range raw {
		var err error
		switch k {
		case "Version":
			err = json.Unmarshal(v, &p.Version)
		case "Id":
			err = json.Unmarshal(v, &p.ID)
		case "Statement":
			p.Statements, err = parseStatements(v)
		default:
			err = fmt.Errorf("unknown element")
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
	}
	// Variables like ${aws:username} are only interpreted in 2012-10-17;
	// this package does not expand them, so it refuses documents using them.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
	if p.Version != "2012-10-17" {
		return nil, fmt.Errorf("Version %q: only 2012-10-17 is modelled", p.Version)
	}
	if len(p.Statements) == 0 {
		return nil, fmt.Errorf("Statement: none")
	}
	if strings.Contains(doc, "${") {
		return nil, fmt.Errorf("policy variables are not modelled")
	}
	return p, nil
}

func strictUnmarshal(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}

// parseStatements accepts a single statement object or a list of them.
func parseStatements(v json.RawMessage) ([]Statement, error) {
	var list []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(v), []byte("{")) {
		list = []json.RawMessage{v}
	} else if err := json.Unmarshal(v, &list); err != nil {
		return nil, err
	}
	out := make([]Statement, 0, len(list))
	for i, r := range list {
		s, err := parseStatement(r)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseStatement(v json.RawMessage) (Statement, error) {
	var raw map[string]json.RawMessage
	if err := strictUnmarshal(v, &raw); err != nil {
		return Statement{}, err
	}
	var s Statement
	var err error
	for k, r := range raw {
		switch k {
		case "Sid":
			err = json.Unmarshal(r, &s.Sid)
		case "Effect":
			err = json.Unmarshal(r, &s.Effect)
		case "Principal":
			s.Principal, err = parsePrincipals(r)
		case "NotPrincipal":
			s.NotPrincipal, err = parsePrincipals(r)
		case "Action":
			s.Action, err = stringOrList(r)
		case "NotAction":
			s.NotAction, err = stringOrList(r)
		case "Resource":
			s.Resource, err = stringOrList(r)
		case "NotResource":
			s.NotResource, err = stringOrList(r)
		case "Condition":
			s.Conditions, err = parseConditions(r)
		default:
			err = fmt.Errorf("unknown element")
		}
		if err != nil {
			return s, fmt.Errorf("%s: %w", k, err)
		}
	}
	_, hasA := raw["Action"]
	_, hasNA := raw["NotAction"]
	_, hasR := raw["Resource"]
	_, hasNR := raw["NotResource"]
	_, hasP := raw["Principal"]
	_, hasNP := raw["NotPrincipal"]
	switch {
	case s.Effect != Allow && s.Effect != Deny:
		return s, fmt.Errorf("Effect %q is neither Allow nor Deny", s.Effect)
	case hasA == hasNA:
		return s, fmt.Errorf("exactly one of Action and NotAction is required")
	case hasR && hasNR:
		return s, fmt.Errorf("Resource and NotResource are exclusive")
	case hasP && hasNP:
		return s, fmt.Errorf("Principal and NotPrincipal are exclusive")
	case hasNP && s.Effect == Allow:
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
		return s, fmt.Errorf("NotPrincipal with Allow is not supported by AWS")
	}
	return s, nil
}

// stringOrList reads "x" or ["x", …].
func stringOrList(v json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(v, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, fmt.Errorf("want a string or a list of strings")
	}
	return list, nil
}

func parsePrincipals(v json.RawMessage) (*Principals, error) {
	var star string
	if err := json.Unmarshal(v, &star); err == nil {
		if star != "*" {
			return nil, fmt.Errorf("a bare principal must be \"*\", got %q", star)
		}
		return &Principals{Wildcard: true}, nil
	}
	var m map[string]json.RawMessage
	if err := strictUnmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("want \"*\" or an object")
	}
	p := &Principals{}
	for k, r := range m {
		l, err := stringOrList(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		switch k {
		case "AWS":
			p.AWS = l
		case "Service":
			p.Service = l
		case "Federated":
			p.Federated = l
		case "CanonicalUser":
			p.CanonicalUser = l
		default:
			return nil, fmt.Errorf("unknown principal type %q", k)
		}
	}
	return p, nil
}

func parseConditions(v json.RawMessage) ([]Condition, error) {
	var ops map[string]map[string]json.RawMessage
	if err := strictUnmarshal(v, &ops); err != nil {
		return nil, fmt.Errorf("want {operator: {key: values}}")
	}
	var out []Condition
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		if _, err := parseOperator(op); err != nil {
			return nil, err
		}
		for _, key := range slices.Sorted(maps.Keys(ops[op])) {
			vals, err := conditionValues(ops[op][key])
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", op, key, err)
			}
			out = append(out, Condition{Operator: op, Key: key, Values: vals})
		}
	}
	return out, nil
}

// conditionValues accepts a string, a JSON boolean or number, or a list of
// them: AWS accepts `"aws:SecureTransport": false` as well as "false".
func conditionValues(v json.RawMessage) ([]string, error) {
	var list []any
	if bytes.HasPrefix(bytes.TrimSpace(v), []byte("[")) {
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&list); err != nil {
			return nil, err
		}
	} else {
		var one any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&one); err != nil {
			return nil, err
		}
		list = []any{one}
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		switch t := x.(type) {
		case string:
			out = append(out, t)
		case bool:
			out = append(out, strconv.FormatBool(t))
		case json.Number:
			out = append(out, t.String())
		default:
			return nil, fmt.Errorf("a condition value must be a string, boolean or number")
		}
	}
	return out, nil
}
