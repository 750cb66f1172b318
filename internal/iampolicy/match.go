package iampolicy

import "strings"

// wildcard matches s against a pattern where * matches any run of characters
// (including none) and ? exactly one, as Action, Resource and the String*Like
// and Arn*Like operators define them.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func wildcard(pattern, s string) bool {
	// Iterative glob with one backtrack point: linear in practice.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		// A * in the pattern is a wildcard even where s has a literal *:
		// taken as a literal it would match only that one character.
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// actionMatches: action names are case-insensitive ("iam:listaccesskeys" is
// "IAM:ListAccessKeys").
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func actionMatches(pattern, action string) bool {
	return wildcard(strings.ToLower(pattern), strings.ToLower(action))
}

// arnMatches compares ARNs as ArnLike does: each of the six colon-delimited
// components separately, case-sensitively, wildcards within a component
// (the sixth, the resource, keeps its own colons). The Resource element uses
// the same rule. "*" alone matches every resource.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func arnMatches(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	pp := strings.SplitN(pattern, ":", 6)
	aa := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(aa) != 6 {
		// Not ARNs (a bare "*"-free pattern or value): whole-string match.
		return len(pp) != 6 && len(aa) != 6 && wildcard(pattern, arn)
	}
	for i := range pp {
		if !wildcard(pp[i], aa[i]) {
			return false
		}
	}
	return true
}
