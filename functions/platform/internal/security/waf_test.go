package security

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	wafv2v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/wafv2/v1beta1"

	"github.com/paynext/platform/apis/platform/v1alpha1"
)

func TestWebACL(t *testing.T) {
	for env, limit := range map[v1alpha1.Environment]int{v1alpha1.EnvironmentDev: 10000, v1alpha1.EnvironmentProd: 2000} {
		t.Run(string(env), func(t *testing.T) {
			rs := byKey(t, config(env, "111122223333"))
			acl := rs[KeyWebACL].(*wafv2v1beta1.WebACL).Spec.ForProvider
			var rules []wafRule
			if err := json.Unmarshal([]byte(*acl.RuleJSON), &rules); err != nil {
				t.Fatalf("ruleJson must be the JSON of the typed rules: %v", err)
			}
			var names []string
			for _, r := range rules {
				names = append(names, r.Name)
				if !r.VisibilityConfig.CloudWatchMetricsEnabled {
					t.Errorf("%s: CloudWatch metrics must be on", r.Name)
				}
			}
			want := []string{"RateLimitPerIP", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesAnonymousIpList",
				"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet"}
			if diff := cmp.Diff(want, names); diff != "" {
				t.Errorf("want the rate limit then the five managed groups (-want +got):\n%s", diff)
			}
			if got := rules[0].Statement.RateBasedStatement.Limit; got != limit {
				t.Errorf("want a per-IP limit of %d in %s, got %d", limit, env, got)
			}
			if *acl.Scope != "REGIONAL" {
				t.Errorf("the ALB's web ACL is REGIONAL, got %s", *acl.Scope)
			}
			logging := rs[keyWebACLLogging].(*wafv2v1beta1.WebACLLoggingConfiguration).Spec.ForProvider
			var redacted []string
			for _, f := range logging.RedactedFields {
				redacted = append(redacted, *f.SingleHeader.Name)
			}
			if diff := cmp.Diff([]string{"authorization", "cookie"}, redacted); diff != "" {
				t.Errorf("credentials must be redacted from WAF logs (-want +got):\n%s", diff)
			}
		})
	}
}
