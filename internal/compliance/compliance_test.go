package compliance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

var today = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

// withSecretRotation adds the rotation the platform leaves to its team, so
// that every control passes on the fixture.
func withSecretRotation(f *fixture) *fixture {
	f.objs = append(f.objs, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "secretsmanager.aws.upbound.io/v1beta1", "kind": "SecretRotation",
		"metadata": map[string]any{"labels": map[string]any{"platform.paynext.io/resource": "secret-api-keys-rotation"}},
		"spec": map[string]any{"forProvider": map[string]any{
			"secretIdSelector":  map[string]any{"matchLabels": map[string]any{"platform.paynext.io/resource": "secret-api-keys"}},
			"rotationLambdaArn": "arn:aws:lambda:us-west-2:111122223333:function:rotate-api-keys",
		}},
	}})
	return f
}

// editPolicy rewrites the JSON policy document at path of key.
func (f *fixture) editPolicy(key string, edit func(statements []any) []any, path ...any) {
	f.t.Helper()
	doc, _ := fp(f.get(key), path...).(string)
	var p map[string]any
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		f.t.Fatalf("%s %v is not a policy: %v", key, path, err)
	}
	p["Statement"] = edit(p["Statement"].([]any))
	out, _ := json.Marshal(p)
	f.setAt(key, string(out), path...)
}

func withoutSid(sid string) func([]any) []any {
	return func(ss []any) []any {
		return slices.DeleteFunc(ss, func(s any) bool { return s.(map[string]any)["Sid"] == sid })
	}
}

func adding(statement string) func([]any) []any {
	return func(ss []any) []any {
		var s any
		_ = json.Unmarshal([]byte(statement), &s)
		return append(ss, s)
	}
}

// breaks is one realistic mistake per control, each a one-field change to
// the prod render: the failing fixture of that control. The passing
// fixture is the prod render itself.
var breaks = []struct {
	control, what string
	resource      string // the resource the failure must name
	mutate        func(*fixture)
}{
	{"s3-block-public-access", "restrictPublicBuckets off", "s3-bucket-data-public-access-block", func(f *fixture) { f.set("s3-bucket-data-public-access-block", false, "restrictPublicBuckets") }},
	{"s3-tls-only", "the TLS < 1.2 deny dropped", "s3-bucket-data-policy", func(f *fixture) { f.editPolicy("s3-bucket-data-policy", withoutSid("DenyTLSBelow12"), "policy") }},
	{"s3-tls-only", "the plain-HTTP deny dropped", "s3-bucket-audit-policy", func(f *fixture) { f.editPolicy("s3-bucket-audit-policy", withoutSid("DenyWithoutTLS"), "policy") }},
	{"s3-kms-default-encryption", "SSE-S3 on the data bucket", "s3-bucket-data-encryption", func(f *fixture) {
		f.setAt("s3-bucket-data-encryption", "AES256", "rule", 0, "applyServerSideEncryptionByDefault", 0, "sseAlgorithm")
	}},
	{"s3-versioning", "versioning Suspended", "s3-bucket-data-versioning", func(f *fixture) {
		f.setAt("s3-bucket-data-versioning", "Suspended", "versioningConfiguration", 0, "status")
	}},
	{"s3-access-logs", "the data bucket's logging dropped", "s3-bucket-data", func(f *fixture) { f.drop("s3-bucket-data-logging") }},
	{"s3-replication", "the data bucket's replication dropped", "s3-bucket-data", func(f *fixture) { f.drop("s3-bucket-data-replication") }},
	{"s3-audit-object-lock", "governance mode in prod", "s3-bucket-audit-object-lock", func(f *fixture) {
		f.setAt("s3-bucket-audit-object-lock", "GOVERNANCE", "rule", 0, "defaultRetention", 0, "mode")
	}},
	{"s3-acls-disabled", "ACLs back on", "s3-bucket-data-ownership", func(f *fixture) {
		f.setAt("s3-bucket-data-ownership", "ObjectWriter", "rule", 0, "objectOwnership")
	}},
	{"rds-encrypted-cmk", "Aurora encrypted with the storage key", "aurora-cluster", func(f *fixture) {
		f.set("aurora-cluster", "kms-key-storage", "kmsKeyIdSelector", "matchLabels", "platform.paynext.io/resource")
	}},
	{"rds-not-public", "one instance public", "aurora-instance-us-west-2b", func(f *fixture) { f.set("aurora-instance-us-west-2b", true, "publiclyAccessible") }},
	{"rds-deletion-protection", "deletion protection off", "aurora-cluster", func(f *fixture) { f.set("aurora-cluster", false, "deletionProtection") }},
	{"rds-backup-retention", "14 days in prod", "aurora-cluster", func(f *fixture) { f.set("aurora-cluster", int64(14), "backupRetentionPeriod") }},
	{"rds-iam-auth", "IAM auth off", "aurora-cluster", func(f *fixture) { f.set("aurora-cluster", false, "iamDatabaseAuthenticationEnabled") }},
	{"rds-logs-exported", "no log export", "aurora-cluster", func(f *fixture) { f.set("aurora-cluster", []any{}, "enabledCloudwatchLogsExports") }},
	{"rds-tls-in-transit", "the proxy accepts plain text", "rds-proxy", func(f *fixture) { f.set("rds-proxy", false, "requireTls") }},
	{"rds-multi-az", "one instance left", "aurora-cluster", func(f *fixture) { f.drop("aurora-instance-us-west-2b"); f.drop("aurora-instance-us-west-2c") }},
	{"rds-minor-version-upgrades", "upgrades off on one instance", "aurora-instance-us-west-2a", func(f *fixture) {
		f.set("aurora-instance-us-west-2a", false, "autoMinorVersionUpgrade")
	}},
	{"kms-rotation", "rotation off on the logs key", "kms-key-logs", func(f *fixture) { f.set("kms-key-logs", false, "enableKeyRotation") }},
	{"kms-no-public-principal", "Decrypt for everyone", "kms-key-storage", func(f *fixture) {
		f.editPolicy("kms-key-storage", adding(`{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}`), "policy")
	}},
	{"kms-use-through-services", "the logs key's S3 statement without kms:ViaService", "kms-key-logs", func(f *fixture) {
		f.editPolicy("kms-key-logs", func(ss []any) []any {
			for _, st := range ss {
				if m := st.(map[string]any); m["Sid"] == "UseThroughTheServices" {
					delete(m["Condition"].(map[string]any)["StringEquals"].(map[string]any), "kms:ViaService")
				}
			}
			return ss
		}, "policy")
	}},
	{"secrets-cmk-rotation", "no rotation", "secret-api-keys", func(f *fixture) { f.drop("secret-api-keys-rotation") }},
	{"efs-encrypted-cmk", "EFS unencrypted", "efs-file-system", func(f *fixture) { f.set("efs-file-system", false, "encrypted") }},
	{"efs-encrypted-cmk", "the EFS policy emptied", "efs-file-system-policy", func(f *fixture) {
		f.editPolicy("efs-file-system-policy", func([]any) []any { return []any{} }, "policy")
	}},
	{"sns-encrypted", "the security topic unencrypted", "sns-topic-security", func(f *fixture) { f.unset("sns-topic-security", "kmsMasterKeyId") }},
	{"cloudtrail-multi-region", "one region", "cloudtrail-trail", func(f *fixture) { f.set("cloudtrail-trail", false, "isMultiRegionTrail") }},
	{"cloudtrail-log-file-validation", "validation off", "cloudtrail-trail", func(f *fixture) { f.set("cloudtrail-trail", false, "enableLogFileValidation") }},
	{"cloudtrail-kms", "no key", "cloudtrail-trail", func(f *fixture) { f.unset("cloudtrail-trail", "kmsKeyIdSelector") }},
	{"cloudtrail-cloudwatch-logs", "no log group", "cloudtrail-trail", func(f *fixture) { f.unset("cloudtrail-trail", "cloudWatchLogsGroupArn") }},
	{"log-groups-kms-retention", "a prod log group deleted with the claim", "log-group-audit", func(f *fixture) {
		f.get("log-group-audit").Object["spec"].(map[string]any)["deletionPolicy"] = "Delete"
	}},
	{"log-groups-kms-retention", "a year in prod", "flow-log-group", func(f *fixture) { f.set("flow-log-group", int64(365), "retentionInDays") }},
	{"vpc-flow-logs", "rejected traffic only", "flow-log", func(f *fixture) { f.set("flow-log", "REJECT", "trafficType") }},
	{"guardduty-enabled", "S3 protection off", "guardduty-detector", func(f *fixture) {
		f.setAt("guardduty-detector", false, "datasources", 0, "s3Logs", 0, "enable")
	}},
	{"config-records-everything", "a partial recorder", "config-recorder", func(f *fixture) {
		f.setAt("config-recorder", false, "recordingGroup", 0, "allSupported")
	}},
	{"default-security-group-closed", "the default group allows ingress", "default-security-group", func(f *fixture) {
		f.set("default-security-group", []any{map[string]any{"protocol": "-1", "fromPort": int64(0), "toPort": int64(0), "self": true}}, "ingress")
	}},
	{"no-internet-admin-ports", "the ALB group opened to SSH", "security-group-alb-ingress-https-0-0-0-0-0", func(f *fixture) {
		f.set("security-group-alb-ingress-https-0-0-0-0-0", int64(22), "fromPort")
	}},
	{"internet-ingress-web-only", "public NACL 443 → 8443", "network-acl-public-ingress-https", func(f *fixture) {
		f.set("network-acl-public-ingress-https", int64(8443), "fromPort")
		f.set("network-acl-public-ingress-https", int64(8443), "toPort")
	}},
	{"no-auto-public-ip", "public IPs in a public subnet", "subnet-public-us-west-2a", func(f *fixture) { f.set("subnet-public-us-west-2a", true, "mapPublicIpOnLaunch") }},
	{"waf-on-alb", "the WAF association dropped", "alb", func(f *fixture) { f.drop("alb-waf-association") }},
	{"waf-on-alb", "WAF logging dropped", "waf-web-acl", func(f *fixture) { f.drop("waf-web-acl-logging") }},
	{"alb-tls", "invalid headers kept", "alb", func(f *fixture) { f.set("alb", false, "dropInvalidHeaderFields") }},
	{"eks-secrets-encryption", "secrets not envelope-encrypted", "eks-cluster", func(f *fixture) {
		f.setAt("eks-cluster", []any{}, "encryptionConfig", 0, "resources")
	}},
	{"eks-private-endpoint", "a public endpoint", "eks-cluster", func(f *fixture) { f.setAt("eks-cluster", true, "vpcConfig", 0, "endpointPublicAccess") }},
	{"eks-control-plane-logs", "API logs only", "eks-cluster", func(f *fixture) { f.set("eks-cluster", []any{"api"}, "enabledClusterLogTypes") }},
	{"eks-supported-version", "1.30, out of standard support", "eks-cluster", func(f *fixture) { f.set("eks-cluster", "1.30", "version") }},
	{"iam-no-admin-statements", "an IAM read widened to s3:Get* on *", "iam-role-s3-replication", func(f *fixture) {
		f.editPolicy("iam-role-s3-replication", adding(`{"Sid":"Widened","Effect":"Allow","Action":["s3:Get*"],"Resource":["*"]}`), "inlinePolicy", 0, "policy")
	}},
	{"iam-no-admin-statements", "administrator access without MFA", "iam-role-break-glass-admin", func(f *fixture) {
		f.set("iam-role-break-glass-admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`, "assumeRolePolicy")
	}},
}

// TestEveryControlPassesOnTheProdRender is every control's passing fixture:
// the converged prod render (with the secret rotation the platform leaves
// to its team) passes them all, each judging at least one field.
func TestEveryControlPassesOnTheProdRender(t *testing.T) {
	rep := Evaluate(withSecretRotation(loadFixture(t, "prod")).render(), Input{Environment: "prod", Today: today})
	if len(rep.Results) != len(catalogue) {
		t.Fatalf("%d results for %d controls", len(rep.Results), len(catalogue))
	}
	for _, r := range rep.Results {
		if r.Status != Pass || len(r.Evidence) == 0 {
			t.Errorf("%s: expected pass on judged evidence, got %s with %d evidence: %s %v", r.Control.ID, r.Status, len(r.Evidence), r.Detail, failing(r))
		}
	}
}

// TestEachControlFailsWhenItsFieldBreaks is every control's failing
// fixture: one realistic mistake makes that control fail, naming the
// resource that carries it.
func TestEachControlFailsWhenItsFieldBreaks(t *testing.T) {
	covered := map[string]bool{}
	for _, b := range breaks {
		covered[b.control] = true
		t.Run(b.control+"/"+b.what, func(t *testing.T) {
			f := withSecretRotation(loadFixture(t, "prod"))
			b.mutate(f)
			r := resultOf(t, Evaluate(f.render(), Input{Environment: "prod", Today: today}), b.control)
			if r.Status != Fail {
				t.Fatalf("expected %s to fail after %s, got %s (%s)", b.control, b.what, r.Status, r.Detail)
			}
			if !slices.ContainsFunc(r.Evidence, func(e Evidence) bool { return !e.OK && e.Resource == b.resource }) {
				t.Errorf("expected the failing evidence to name %s, got %v", b.resource, failing(r))
			}
		})
	}
	for _, c := range catalogue {
		if !covered[c.ID] {
			t.Errorf("control %s has no failing fixture in breaks", c.ID)
		}
	}
}

// TestDevWarnsOnlyWhereTheProfileRelaxes: the dev render fails nothing but
// the secret rotation; what it falls short of is a warning, and only for
// controls that name their dev relaxation.
func TestDevWarnsOnlyWhereTheProfileRelaxes(t *testing.T) {
	rep := Evaluate(loadFixture(t, "dev").render(), Input{Environment: "dev", Today: today})
	want := []string{"s3-replication", "s3-audit-object-lock", "rds-deletion-protection", "rds-multi-az", "log-groups-kms-retention"}
	if diff := cmp.Diff(want, rep.With(Warn)); diff != "" {
		t.Errorf("expected warnings on exactly the relaxed controls (-want +got):\n%s", diff)
	}
	for _, id := range rep.With(Warn) {
		if r := resultOf(t, rep, id); r.Control.DevRelaxation == "" {
			t.Errorf("%s warns without a documented dev relaxation", id)
		}
	}
	if diff := cmp.Diff([]string{"secrets-cmk-rotation"}, rep.With(Fail)); diff != "" {
		t.Errorf("expected only the unrotated API keys to fail in dev (-want +got):\n%s", diff)
	}
	// The same shortfall outside dev is a failure.
	f := loadFixture(t, "prod")
	f.set("flow-log-group", int64(30), "retentionInDays")
	if r := resultOf(t, Evaluate(f.render(), Input{Environment: "prod", Today: today}), "log-groups-kms-retention"); r.Status != Fail {
		t.Errorf("expected 30-day logs to fail in prod, got %s", r.Status)
	}
}

// TestStagingFailsOnlyTheUnrotatedSecret: staging is held to every control.
func TestStagingFailsOnlyTheUnrotatedSecret(t *testing.T) {
	rep := Evaluate(loadFixture(t, "staging").render(), Input{Environment: "staging", Today: today})
	if diff := cmp.Diff([]string{"secrets-cmk-rotation"}, rep.With(Fail)); diff != "" {
		t.Errorf("expected only the unrotated API keys to fail in staging (-want +got):\n%s", diff)
	}
	if w := rep.With(Warn); len(w) > 0 {
		t.Errorf("staging relaxes nothing, got warnings %v", w)
	}
}

func TestExceptions(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	cases := []struct {
		name       string
		exceptions []Exception
		want       Status
		detail     string
	}{
		{"none: the failure stands", nil, Fail, "fails on secret-api-keys"},
		{"valid: waived with its reason", []Exception{{Control: "secrets-cmk-rotation", Reason: "issuer-rotated keys", Expires: day("2027-01-31")}}, Waived, "exception until 2027-01-31: issuer-rotated keys"},
		{"its last day still holds", []Exception{{Control: "secrets-cmk-rotation", Reason: "issuer-rotated keys", Expires: today}}, Waived, "exception until 2026-11-30"},
		{"expired: a failure that says so", []Exception{{Control: "secrets-cmk-rotation", Reason: "issuer-rotated keys", Expires: day("2026-11-29")}}, Fail, "its exception expired on 2026-11-29"},
		{"for another control: no effect", []Exception{{Control: "kms-rotation", Reason: "issuer-rotated keys", Expires: day("2027-01-31")}}, Fail, "fails on secret-api-keys"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := resultOf(t, Evaluate(loadFixture(t, "prod").render(), Input{Environment: "prod", Today: today, Exceptions: c.exceptions}), "secrets-cmk-rotation")
			if r.Status != c.want || !strings.Contains(r.Detail, c.detail) {
				t.Errorf("expected %s with %q in the detail, got %s: %q", c.want, c.detail, r.Status, r.Detail)
			}
		})
	}
	// An exception for a control that passes changes nothing; an expired
	// one there is only reported as stale.
	r := resultOf(t, Evaluate(loadFixture(t, "prod").render(), Input{Environment: "prod", Today: today,
		Exceptions: []Exception{{Control: "kms-rotation", Reason: "not needed", Expires: day("2027-01-31")}}}), "kms-rotation")
	if r.Status != Pass {
		t.Errorf("expected a passing control to stay pass under an exception, got %s", r.Status)
	}
	r = resultOf(t, Evaluate(loadFixture(t, "prod").render(), Input{Environment: "prod", Today: today,
		Exceptions: []Exception{{Control: "kms-rotation", Reason: "not needed", Expires: day("2026-01-31")}}}), "kms-rotation")
	if r.Status != Pass || r.Detail != "its exception expired on 2026-01-31 and can go" {
		t.Errorf("expected a passing control with an expired exception to pass and call it stale, got %s: %q", r.Status, r.Detail)
	}
}

// TestStandardsTheClaimDoesNotHoldSkip: a control stated by none of the
// platform's standards is skipped, and says why.
func TestStandardsTheClaimDoesNotHoldSkip(t *testing.T) {
	rep := Evaluate(loadFixture(t, "prod").render(), Input{Environment: "prod", Today: today, Standards: []Standard{GDPR}})
	for _, r := range rep.Results {
		holds := slices.Contains(r.Control.Refs.Standards(), GDPR)
		if !holds && (r.Status != Skip || !strings.Contains(r.Detail, "not required by gdpr")) {
			t.Errorf("%s is not a GDPR control: expected skip, got %s (%s)", r.Control.ID, r.Status, r.Detail)
		}
		if holds && r.Status == Skip {
			t.Errorf("%s is a GDPR control but skipped: %s", r.Control.ID, r.Detail)
		}
	}
}

// TestASingleZonePlatformSkipsTheDatabaseControls: no database is rendered,
// so nothing is subject to the database controls.
func TestASingleZonePlatformSkipsTheDatabaseControls(t *testing.T) {
	f := loadFixture(t, "dev")
	f.objs = slices.DeleteFunc(f.objs, func(o *unstructured.Unstructured) bool {
		return o.GroupVersionKind().Group == gRDS
	})
	rep := Evaluate(f.render(), Input{Environment: "dev", Today: today})
	for _, r := range rep.Results {
		if strings.HasPrefix(r.Control.ID, "rds-") && (r.Status != Skip || r.Detail != noDatabase) {
			t.Errorf("%s: expected skip (%s), got %s (%s)", r.Control.ID, noDatabase, r.Status, r.Detail)
		}
	}
}

// TestTheCatalogueIsComplete: every control carries what a report shows,
// and the XRD's enum of exception controls is the catalogue.
func TestTheCatalogueIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range catalogue {
		if seen[c.ID] {
			t.Errorf("duplicate control id %s", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Severity == "" || c.check == nil {
			t.Errorf("%s lacks a title, a severity or a check", c.ID)
		}
		if len(c.Refs.Standards()) == 0 {
			t.Errorf("%s is stated by no standard", c.ID)
		}
		if len(c.Refs.Checkov) == 0 && c.Refs.ConfigRule == "" && c.URL == "" {
			t.Errorf("%s names neither a checkov id, an AWS Config rule nor the AWS page it encodes", c.ID)
		}
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "apis", "platform", "definition.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var xrd map[string]any
	if err := yaml.Unmarshal(data, &xrd); err != nil {
		t.Fatal(err)
	}
	versions, _, _ := unstructured.NestedSlice(xrd, "spec", "versions")
	enum, _, _ := unstructured.NestedStringSlice(versions[0].(map[string]any), "schema", "openAPIV3Schema", "properties", "spec", "properties",
		"compliance", "properties", "exceptions", "items", "properties", "control", "enum")
	if diff := cmp.Diff(IDs(), enum); diff != "" {
		t.Errorf("the XRD's exception control enum differs from the catalogue; edit ControlID's marker and run make generate (-catalogue +xrd):\n%s", diff)
	}
}

func resultOf(t *testing.T, rep Report, id string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Control.ID == id {
			return r
		}
	}
	t.Fatalf("no result for control %s", id)
	return Result{}
}

func failing(r Result) []Evidence {
	var out []Evidence
	for _, e := range r.Evidence {
		if !e.OK {
			out = append(out, e)
		}
	}
	return out
}

// TestEvaluationsShareAPolicyCache: the function evaluates concurrently with
// one cache of parsed policies; every evaluation reports what one alone does
// (run with -race to check the cache's locking).
func TestEvaluationsShareAPolicyCache(t *testing.T) {
	render := withSecretRotation(loadFixture(t, "prod")).render()
	want := Evaluate(render, Input{Environment: "prod", Today: today})
	cache := &PolicyCache{}
	got := make([]Report, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = Evaluate(render, Input{Environment: "prod", Today: today, Policies: cache})
		}()
	}
	wg.Wait()
	for i, rep := range got {
		if diff := cmp.Diff(StatusOf(want), StatusOf(rep)); diff != "" {
			t.Errorf("evaluation %d with the shared cache differs from one alone (-alone +shared):\n%s", i, diff)
		}
	}
}
