package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/paynext/platform/functions/platform/internal/policy"
)

// readOnly reports whether an IAM action only reads (by its verb).
func readOnly(action string) bool {
	_, verb, _ := strings.Cut(action, ":")
	for _, p := range []string{"Describe", "List", "Get"} {
		if strings.HasPrefix(verb, p) {
			return true
		}
	}
	return false
}

// TestEveryPolicyIsLeastPrivilege walks every policy document the platform
// renders (key policies, trust policies, inline policies) in every example and
// held-out claim: no allowed Action "*" (or "service:*"; a Deny may be as
// broad as it likes), no Resource "*" with write
// actions outside single-resource policies (where "*" means that resource), and no
// unconditioned "*" principal.
func TestEveryPolicyIsLeastPrivilege(t *testing.T) {
	f := newTestFunction(t)
	files := []string{exampleXR("dev"), exampleXR("staging"), exampleXR("prod"), "testdata/claims/us-gov-west-1-prod-govcloud.yaml"}
	checked := 0
	for _, file := range files {
		d := desiredOf(t, run(t, f, converged(t, f, asXR(t, readXR(t, file)))))
		for name, r := range d {
			fp, _ := r.Resource.Object["spec"].(map[string]any)["forProvider"].(map[string]any)
			docs := map[string]any{"policy": fp["policy"], "assumeRolePolicy": fp["assumeRolePolicy"]}
			if inline, ok := fp["inlinePolicy"].([]any); ok {
				for _, p := range inline {
					docs["inlinePolicy/"+p.(map[string]any)["name"].(string)] = p.(map[string]any)["policy"]
				}
			}
			for field, raw := range docs {
				s, ok := raw.(string)
				if !ok {
					continue
				}
				doc, err := policy.Parse(s)
				if err != nil {
					t.Errorf("%s %s.%s: not a policy document: %v", file, name, field, err)
					continue
				}
				checked++
				// In the policy of one resource (a key, a file system, a
				// secret) "*" means that resource, not everything.
				ownResource := slices.Contains([]string{"Key", "FileSystemPolicy", "SecretPolicy"}, r.Resource.GetKind())
				for _, st := range doc.Statement {
					where := file + " " + string(name) + "." + field + " " + st.Sid
					for _, a := range st.Action {
						if st.Effect == policy.Allow && (a == "*" || strings.HasSuffix(a, ":*")) {
							t.Errorf("%s: wildcard action %q", where, a)
						}
					}
					if st.Principal != nil && slices.Contains(st.Principal.AWS, "*") && len(st.Condition) == 0 {
						t.Errorf("%s: unconditioned * principal", where)
					}
					if ownResource || st.Effect != policy.Allow || !slices.Contains(st.Resource, "*") {
						continue
					}
					for _, a := range st.Action {
						if !readOnly(a) {
							t.Errorf("%s: write action %s on Resource *", where, a)
						}
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no policy documents found: the walk is broken")
	}
}
