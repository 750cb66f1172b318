package compliance

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/iampolicy"
)

// adminPolicies are AWS managed policies that grant administrator access.
var adminPolicies = []string{"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"}

// dataServices hold cardholder data or its keys: a wildcard action of theirs
// on every resource is a read (or write) of all of it.
var dataServices = []string{"s3", "kms", "secretsmanager", "rds-db", "dynamodb", "elasticfilesystem", "backup"}

var iamControls = []Control{{
	ID: "iam-no-admin-statements", Title: "No IAM policy grants *:*, a whole service, or wildcard data access on every resource", Severity: Critical,
	Refs: Refs{PCI: []string{"7.2.1", "7.2.2"}, CIS: "1.15", Checkov: []string{"CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_355", "CKV_AWS_286"},
		ConfigRule: "iam-policy-no-statements-with-admin-access", SOX: []string{"ITGC: logical access"}, GDPR: []string{"Art. 25(2)"}, HIPAA: []string{"164.312(a)(1)"}},
	check: func(s *scope) ([]Evidence, string) {
		var out []Evidence
		for _, r := range s.Of(gIAM, "Role") {
			for i := range len(fpList(r, "inlinePolicy")) {
				out = append(out, identityPolicyEvidence(s, r, fpString(r, "inlinePolicy", i, "policy"), fpPath("inlinePolicy", i, "policy")))
			}
			out = append(out, adminAttachmentEvidence(s, r)...)
		}
		for _, p := range s.Of(gIAM, "Policy") {
			out = append(out, identityPolicyEvidence(s, p, fpString(p, "policy"), fpPath("policy")))
		}
		return out, "no IAM role or policy is rendered"
	},
}}

// identityPolicyEvidence judges one identity policy document.
func identityPolicyEvidence(s *scope, o *unstructured.Unstructured, doc, path string) Evidence {
	p, err := s.policies.Parse(doc)
	if err != nil {
		return Evidence{Resource: awsrules.Key(o), Field: path, Value: "<unparsable>", Why: err.Error()}
	}
	var bad []string
	for _, st := range p.Statements {
		if st.Effect != iampolicy.Allow || len(st.NotAction) > 0 {
			if st.Effect == iampolicy.Allow {
				bad = append(bad, st.Sid+": NotAction")
			}
			continue
		}
		everything := slices.Contains(st.Resource, "*") || len(st.NotResource) > 0
		for _, a := range st.Action {
			svc, act, _ := strings.Cut(a, ":")
			switch {
			case a == "*" || a == "*:*":
				bad = append(bad, st.Sid+": "+a)
			case everything && act == "*":
				bad = append(bad, st.Sid+": "+a+" on *")
			case everything && strings.Contains(act, "*") && slices.Contains(dataServices, svc):
				bad = append(bad, st.Sid+": "+a+" on *")
			}
		}
	}
	return Evidence{Resource: awsrules.Key(o), Field: path, Value: "over-broad statements: " + show(bad), OK: len(bad) == 0}
}

// adminAttachmentEvidence allows an administrator policy only on a
// break-glass role whose trust policy refuses sessions without MFA.
func adminAttachmentEvidence(s *scope, r *unstructured.Unstructured) []Evidence {
	var out []Evidence
	for i, arn := range fpStrings(r, "managedPolicyArns") {
		name := arn[strings.LastIndex(arn, "/")+1:]
		if !strings.Contains(arn, ":aws:policy/") || !slices.Contains(adminPolicies, name) {
			continue
		}
		trust, err := s.policies.Parse(fpString(r, "assumeRolePolicy"))
		decision := iampolicy.Decision("<unparsable trust policy>")
		if err == nil {
			account := accountOfRoleTrust(trust)
			res := iampolicy.Evaluate(iampolicy.Request{
				Principal: iampolicy.Principal{ARN: "arn:aws:iam::" + account + ":user/someone", Account: account},
				Action:    "sts:AssumeRole", Resource: "*",
				Context: iampolicy.Context{"aws:MultiFactorAuthPresent": {"false"}},
				// A trust policy must allow AssumeRole, as a key policy must
				// allow a key's use: naming the account delegates to the
				// caller's identity policies, it allows nothing alone.
				// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
			}, iampolicy.KeyPolicy, iampolicy.Source{Name: awsrules.Key(r), Kind: iampolicy.Resource, Policy: trust},
				// The caller's own identity policy allows sts:AssumeRole.
				allowing("sts:AssumeRole"))
			decision = res.Decision
		}
		out = append(out, Evidence{Resource: awsrules.Key(r), Field: fpPath("managedPolicyArns", i), Value: name + "; assume without MFA: " + string(decision),
			OK: err == nil && decision != iampolicy.Allowed, Why: "an administrator policy on a role anyone in the account can assume without MFA"})
	}
	return out
}

// accountOfRoleTrust is the account a trust policy's root principal names.
func accountOfRoleTrust(p *iampolicy.Policy) string {
	for _, st := range p.Statements {
		if st.Principal == nil {
			continue
		}
		for _, a := range st.Principal.AWS {
			if rest, ok := strings.CutPrefix(a, "arn:aws:iam::"); ok {
				if acct, _, ok := strings.Cut(rest, ":"); ok {
					return acct
				}
			}
		}
	}
	return "000000000000"
}
