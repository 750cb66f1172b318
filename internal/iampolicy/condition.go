package iampolicy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// operator is a condition operator split into its parts.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
type operator struct {
	set      string // "", "ForAnyValue" or "ForAllValues"
	base     string // e.g. StringEquals, without IfExists
	ifExists bool
	negated  bool
	cmp      func(request, policy string) bool // the positive comparison
}

var comparisons = map[string]func(request, policy string) bool{
	"StringEquals":           func(r, p string) bool { return r == p },
	"StringEqualsIgnoreCase": strings.EqualFold,
	"StringLike":             func(r, p string) bool { return wildcard(p, r) },
	"NumericEquals":          numeric(func(r, p float64) bool { return r == p }),
	"NumericLessThan":        numeric(func(r, p float64) bool { return r < p }),
	"NumericLessThanEquals":  numeric(func(r, p float64) bool { return r <= p }),
	"NumericGreaterThan":     numeric(func(r, p float64) bool { return r > p }),
	"NumericGreaterThanEquals": numeric(func(r, p float64) bool {
		return r >= p
	}),
	"Bool":      strings.EqualFold,
	"IpAddress": ipIn,
	// ArnEquals and ArnLike behave the same: both match component-wise with
	// wildcards (see the ARN operators table).
	"ArnEquals": func(r, p string) bool { return arnMatches(p, r) },
	"ArnLike":   func(r, p string) bool { return arnMatches(p, r) },
}

// negations maps each negated operator to the positive one it negates.
var negations = map[string]string{
	"StringNotEquals":           "StringEquals",
	"StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
	"StringNotLike":             "StringLike",
	"NumericNotEquals":          "NumericEquals",
	"NotIpAddress":              "IpAddress",
	"ArnNotEquals":              "ArnEquals",
	"ArnNotLike":                "ArnLike",
}

func parseOperator(op string) (operator, error) {
	o := operator{}
	rest := op
	for _, set := range []string{"ForAnyValue:", "ForAllValues:"} {
		if strings.HasPrefix(rest, set) {
			o.set, rest = strings.TrimSuffix(set, ":"), strings.TrimPrefix(rest, set)
		}
	}
	if rest == "Null" {
		if o.set != "" {
			return o, fmt.Errorf("condition operator %q: Null takes no set operator", op)
		}
		o.base = "Null"
		return o, nil
	}
	if b, ok := strings.CutSuffix(rest, "IfExists"); ok {
		o.ifExists, rest = true, b
	}
	o.base = rest
	if pos, ok := negations[rest]; ok {
		o.negated, o.cmp = true, comparisons[pos]
		return o, nil
	}
	if c, ok := comparisons[rest]; ok {
		o.cmp = c
		return o, nil
	}
	return o, fmt.Errorf("condition operator %q is not modelled", op)
}

func numeric(f func(r, p float64) bool) func(string, string) bool {
	return func(r, p string) bool {
		rv, err1 := strconv.ParseFloat(r, 64)
		pv, err2 := strconv.ParseFloat(p, 64)
		return err1 == nil && err2 == nil && f(rv, pv)
	}
}

func ipIn(r, p string) bool {
	addr, err := netip.ParseAddr(r)
	if err != nil {
		return false
	}
	if pfx, err := netip.ParsePrefix(p); err == nil {
		return pfx.Contains(addr)
	}
	pa, err := netip.ParseAddr(p)
	return err == nil && pa == addr
}

// holds decides one condition against the request context. Its rules for a
// key the request does not carry are the documented ones: the condition is
// false, except that a negated operator is true, …IfExists is true, Null
// tests presence itself, and ForAllValues over no values is true
// (ForAnyValue over none is false).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func (c Condition) holds(ctx Context) bool {
	o, err := parseOperator(c.Operator)
	if err != nil {
		return false // Parse refuses unknown operators; unreachable for parsed policies.
	}
	vals, present := ctx.Get(c.Key)
	if o.base == "Null" {
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") != present {
				return true
			}
		}
		return false
	}
	// one is the result for one request value: OR over the policy's values,
	// NOR for a negated operator.
	one := func(r string) bool {
		for _, p := range c.Values {
			if o.cmp(r, p) {
				return !o.negated
			}
		}
		return o.negated
	}
	switch o.set {
	case "ForAllValues":
		for _, r := range vals {
			if !one(r) {
				return false
			}
		}
		return true
	case "ForAnyValue":
		if !present || len(vals) == 0 {
			return o.ifExists
		}
		for _, r := range vals {
			if one(r) {
				return true
			}
		}
		return false
	}
	if !present {
		return o.ifExists || o.negated
	}
	// A single-valued operator given several request values: positive
	// operators match if any value matches; negated ones if none does.
	if o.negated {
		for _, r := range vals {
			if !one(r) {
				return false
			}
		}
		return true
	}
	for _, r := range vals {
		if one(r) {
			return true
		}
	}
	return false
}

// Context is the request context: condition keys and their values. Key names
// are case-insensitive, values are not.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
type Context map[string][]string

// Get returns the values of key, matching the key name case-insensitively.
func (c Context) Get(key string) ([]string, bool) {
	if v, ok := c[key]; ok {
		return v, true
	}
	for k, v := range c {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}
