package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/apis/platform/xrdcheck"
	"github.com/paynext/platform/internal/fakeaws"
)

// The fuzz targets of this package mutate valid platforms structurally: the
// fuzzer's bytes choose a base XR (an example or a held-out claim), then
// pairs of bytes choose a field of the spec and one of its edge values from
// fzFields. So the fuzzer explores specs a team could write, and specs one
// edit away from them, instead of random YAML the decoder refuses first.

// fzBase is a platform the mutations start from.
type fzBase struct {
	name string
	xr   map[string]any
}

var (
	fzOnce      sync.Once
	fzBaseXRs   []fzBase
	fzValidator *xrdcheck.Validator
	fzErr       error
)

// fzSetup loads the bases and the XRD once per process: the fuzz engine
// calls the target millions of times.
func fzSetup(t testing.TB) ([]fzBase, *xrdcheck.Validator) {
	t.Helper()
	fzOnce.Do(func() {
		files := []string{exampleXR("dev"), exampleXR("staging"), exampleXR("prod")}
		claims, _ := filepath.Glob("testdata/claims/*.yaml")
		for _, file := range append(files, claims...) {
			fzBaseXRs = append(fzBaseXRs, fzBase{name: filepath.Base(file), xr: asXR(t, readXR(t, file))})
		}
		fzValidator, fzErr = xrdcheck.Load("../../apis/platform/definition.yaml")
	})
	if fzErr != nil {
		t.Fatalf("cannot load the XRD: %v", fzErr)
	}
	if len(fzBaseXRs) < 4 {
		t.Fatalf("want the 3 examples and the held-out claims as bases, got %d", len(fzBaseXRs))
	}
	return fzBaseXRs, fzValidator
}

// fzBytes hands out the fuzzer's bytes; 0 once they run out.
type fzBytes struct {
	data []byte
	pos  int
}

func (b *fzBytes) more() bool { return b.pos < len(b.data) }

func (b *fzBytes) next() int {
	if b.pos >= len(b.data) {
		return 0
	}
	b.pos++
	return int(b.data[b.pos-1])
}

func (b *fzBytes) pick(n int) int {
	if n == 0 {
		return 0
	}
	return b.next() % n
}

// fzRemove deletes the field instead of setting it.
type fzRemove struct{}

// fzZones is a list of zones of the spec's current region (letters), or of
// another region when other is set: zone lists follow the region the other
// mutations chose.
type fzZones struct {
	letters string
	other   bool
}

// fzDeployment is a value derived from spec.environment, such as the only
// Environment tag the function accepts.
type fzEnvTag struct{}

// fzField is one field of the spec and the values the fuzzer may give it.
type fzField struct {
	path   []string
	values []any
}

// Edge values, shared between fields.
var (
	fzRegions = func() []any {
		var out []any
		for _, r := range v1alpha1.SupportedRegions() {
			out = append(out, r)
		}
		// Known to AWS but refused, unknown, wrongly typed.
		return append(out, "cn-north-1", "us-iso-east-1", "eusc-de-east-1", "us-west-9", "", "US-WEST-2", " us-west-2", 42, nil, fzRemove{})
	}()
	fzEmails = []any{"sec@example.com", strings.Repeat("s", 240) + "@example.com", strings.Repeat("s", 250) + "@example.com",
		"ünïcödé@exämple.de", "no-at-sign", "a@b", "", 7, fzRemove{}}
	fzCIDRLists = []any{[]any{}, []any{"203.0.113.0/24"}, []any{"0.0.0.0/0"}, []any{"10.0.0.0/8", "192.168.0.0/16"},
		[]any{"10.0.0.1/8"}, []any{"2001:db8::/32"}, []any{"203.0.113.0/24", "203.0.113.0/24"}, fzManyCIDRs(20), fzManyCIDRs(21), "0.0.0.0/0", fzRemove{}}
	fzLongest = func(n int) string { return "A" + strings.Repeat("b", n-1) }
)

func fzManyCIDRs(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("10.%d.0.0/16", i)
	}
	return out
}

// fzFields is the table of mutations: every field of the spec, with the
// values at and just past its limits, the values that change what renders
// (each region, zone lists, suffixes), and wrongly typed ones.
var fzFields = []fzField{
	{[]string{"environment"}, []any{"dev", "staging", "prod", "", "Prod", "qa", 1, fzRemove{}}},
	{[]string{"region"}, fzRegions},
	{[]string{"drRegion"}, fzRegions},
	{[]string{"accountId"}, []any{"123456789012", "000000000000", "999999999999", "12345678901", "1234567890123", "12345678901x", 123456789012, "", fzRemove{}}},
	{[]string{"nameSuffix"}, []any{"a", "dr", "abcde", "z9z9z", "abcdef", "A", "1a", "a-b", "é", "", fzRemove{}}},
	{[]string{"providerConfigRef"}, []any{map[string]any{"name": "default"}, map[string]any{"name": "account-b"}, map[string]any{"name": ""},
		map[string]any{"name": strings.Repeat("p", 253)}, map[string]any{"name": strings.Repeat("p", 254)}, map[string]any{"name": "Account_B"}, map[string]any{}, "default", fzRemove{}}},
	{[]string{"network", "vpcCidr"}, []any{"10.0.0.0/16", "10.0.0.0/20", "172.16.0.0/18", "10.0.0.0/15", "10.0.0.0/21", "10.0.0.1/16", "0.0.0.0/16",
		"255.255.0.0/16", "::/16", "10.0.0.0", "", "garbage", 10, fzRemove{}}},
	{[]string{"network", "availabilityZones"}, []any{fzZones{letters: "a"}, fzZones{letters: "ab"}, fzZones{letters: "abc"}, fzZones{letters: "fa"},
		fzZones{letters: "abcdef"}, fzZones{letters: "abcdefa"}, fzZones{letters: "aa"}, fzZones{letters: "g"}, fzZones{letters: "ab", other: true},
		[]any{}, []any{"us-west-2a", 3}, "us-west-2a", fzRemove{}}},
	{[]string{"network", "natGateways"}, []any{"Single", "PerZone", "", "Both", fzRemove{}}},
	{[]string{"network", "egressCidrs"}, fzCIDRLists},
	{[]string{"contacts", "securityEmail"}, fzEmails},
	{[]string{"contacts", "complianceEmail"}, fzEmails},
	{[]string{"contacts", "operationsEmail"}, fzEmails},
	{[]string{"database", "masterUsername"}, []any{"a", "paynext_admin", "A" + strings.Repeat("b", 62), "A" + strings.Repeat("b", 63), "1abc", "admin", "rdsadmin", "a-b", "", fzRemove{}}},
	{[]string{"database", "instanceClass"}, []any{"db.r6g.large", "db.t4g.medium", "db.serverless", "db.x2iedn.32xlarge", "db." + strings.Repeat("r", 24) + ".large", "r6g.large", "", fzRemove{}}},
	{[]string{"database", "engineVersion"}, []any{"16.6", "13.0", "17.99", "19.99", "12.1", "16", "16.6.1", 16.6, "", fzRemove{}}},
	{[]string{"database", "backupRetentionDays"}, []any{1, 7, 35, 36, 0, -1, 2147483647, 2147483648, 1e300, 7.5, "7", fzRemove{}}},
	{[]string{"dataProtection", "allowDeletion"}, []any{true, false, "true", fzRemove{}}},
	{[]string{"kubernetes", "clusterName"}, []any{"a", "paynext-cluster", fzLongest(90), fzLongest(91), fzLongest(83), "a-", "a--b", "1abc", "Paynext_Cluster", "ünï", "", fzRemove{}}},
	{[]string{"kubernetes", "version"}, []any{"1.31", "1.32", "1.33", "1.34", "1.30", "1.99", "2.00", "1.3", 1.33, "", fzRemove{}}},
	{[]string{"kubernetes", "nodeInstanceType"}, []any{"t3.medium", "m7i-flex.xlarge", "c" + strings.Repeat("7", 25) + ".large", "T3.medium", "t3", "", fzRemove{}}},
	{[]string{"kubernetes", "workloadCapacityType"}, []any{"ON_DEMAND", "SPOT", "spot", "", fzRemove{}}},
	{[]string{"kubernetes", "publicAccessCidrs"}, fzCIDRLists},
	{[]string{"kubernetes", "adminRoleArn"}, []any{"arn:aws:iam::123456789012:role/admin", "arn:aws-us-gov:iam::123456789012:role/a/b/c+=,.@_-",
		"arn:aws:iam::123456789012:role/" + strings.Repeat("r", 2000), "arn:aws:iam::123456789012:user/admin", "arn:aws-cn:iam::123456789012:role/admin", "", fzRemove{}}},
	{[]string{"kubernetes", "ingress", "allowedCidrs"}, fzCIDRLists},
	{[]string{"kubernetes", "ingress", "certificateArn"}, []any{"arn:aws:acm:us-west-2:123456789012:certificate/0f0f0f0f-aaaa-bbbb-cccc-123456789abc",
		"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc", "arn:aws:acm:eu-central-1:123456789012:certificate/abc",
		"arn:aws:acm:us-west-2:123456789012:certificate/XYZ", "", fzRemove{}}},
	{[]string{"compliance", "standards"}, []any{[]any{}, []any{"pci-dss"}, []any{"gdpr"}, []any{"sox"}, []any{"hipaa"}, []any{"pci-dss", "gdpr", "sox", "hipaa"},
		[]any{"sox", "sox"}, []any{"iso27001"}, "pci-dss", fzRemove{}}},
	{[]string{"compliance", "exceptions"}, []any{
		[]any{map[string]any{"control": "s3-access-logs", "reason": "ticket PAY-1: logs go to the SIEM instead", "expires": "2027-01-31"}},
		[]any{map[string]any{"control": "rds-multi-az", "reason": "ticket PAY-2: single zone dev", "expires": "2020-01-01"}},
		[]any{map[string]any{"control": "kms-rotation", "reason": "short", "expires": "2027-01-31"}},
		[]any{map[string]any{"control": "kms-rotation", "reason": strings.Repeat("r", 501), "expires": "2027-01-31"}},
		[]any{map[string]any{"control": "kms-rotation", "reason": "ticket PAY-3 signed off", "expires": "2027-13-40"}},
		[]any{map[string]any{"control": "no-such-control", "reason": "ticket PAY-4 signed off", "expires": "2027-01-31"}},
		[]any{map[string]any{"control": "waf-on-alb", "reason": "ticket PAY-5 signed off", "expires": "2027-01-31"},
			map[string]any{"control": "waf-on-alb", "reason": "ticket PAY-6 signed off", "expires": "2027-02-28"}},
		[]any{map[string]any{"control": "waf-on-alb"}}, fzRemove{}}},
	{[]string{"logging", "retentionDays"}, []any{1, 30, 365, 2557, 3653, 2, 0, 4000, -1, fzRemove{}}},
	{[]string{"monitoring", "monthlyBudgetUsd"}, []any{1, 1000, 10000000, 10000001, 0, -5, 9.5, 1e300, 9223372036854775807, "1000", fzRemove{}}},
	{[]string{"monitoring", "accountServices"}, []any{"Managed", "External", "managed", "", fzRemove{}}},
	{[]string{"tags"}, []any{map[string]any{}, map[string]any{"Environment": fzEnvTag{}}, map[string]any{"Environment": "other"}, map[string]any{"aws:team": "x"},
		map[string]any{"AWS:team": "x"}, fzManyTags(40), fzManyTags(41), map[string]any{"": "x"}, map[string]any{strings.Repeat("k", 128): strings.Repeat("v", 256)},
		map[string]any{strings.Repeat("k", 129): "v"}, map[string]any{"k": strings.Repeat("v", 257)}, map[string]any{"Ünï": "cödé", "Name": "mine", "ManagedBy": "me"},
		map[string]any{"k": 1}, fzRemove{}}},
	// A field the XRD does not have: the API server refuses it, the
	// function's tolerant decoder drops it.
	{[]string{"networkk"}, []any{map[string]any{"vpcCidr": "10.0.0.0/16"}, fzRemove{}}},
	// Metadata the platform takes its name from.
	{[]string{"..", "metadata", "name"}, []any{"p", strings.Repeat("p", 63), strings.Repeat("p", 253), "", fzRemove{}}},
	{[]string{"..", "metadata", "labels", "crossplane.io/claim-name"}, []any{"p", strings.Repeat("c", 63), "team-a.payments", "", fzRemove{}}},
}

func fzManyTags(n int) map[string]any {
	out := map[string]any{}
	for i := range n {
		out[fmt.Sprintf("Tag%02d", i)] = "v"
	}
	return out
}

// fzMutate copies base and applies the mutations the bytes choose, at most
// max of them. It returns the edits made, for the failure message.
func fzMutate(base map[string]any, fields []fzField, b *fzBytes, max int) (map[string]any, []string) {
	xr := runtime.DeepCopyJSON(base)
	var edits []string
	for i := 0; i < max && b.more(); i++ {
		fd := fields[b.pick(len(fields))]
		v := fd.values[b.pick(len(fd.values))]
		root, path := xr["spec"].(map[string]any), fd.path
		if path[0] == ".." {
			root, path = xr, path[1:]
		}
		edits = append(edits, fzSet(root, path, v))
	}
	return xr, edits
}

func fzSet(root map[string]any, path []string, v any) string {
	m := root
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	last := path[len(path)-1]
	switch t := v.(type) {
	case fzRemove:
		delete(m, last)
		return strings.Join(path, ".") + " removed"
	case fzZones:
		region, _ := root["region"].(string)
		if t.other {
			region = "eu-west-1"
			if root["region"] == region {
				region = "us-east-1"
			}
		}
		zones := make([]any, 0, len(t.letters))
		for _, l := range t.letters {
			zones = append(zones, region+string(l))
		}
		v = zones
	case fzEnvTag:
		v = root["environment"]
	case fzPlace:
		return t.apply(root)
	case map[string]any:
		v = runtime.DeepCopyJSONValue(t)
	case []any:
		v = runtime.DeepCopyJSONValue(t)
	}
	if tags, ok := v.(map[string]any); ok && last == "tags" {
		for k, tv := range tags {
			if _, env := tv.(fzEnvTag); env {
				tags[k] = root["environment"]
			}
		}
	}
	m[last] = v
	return fmt.Sprintf("%s=%.80v", strings.Join(path, "."), v)
}

// specFieldPath is a field path under spec in a Fatal message.
var specFieldPath = regexp.MustCompile(`spec\.[a-zA-Z]`)

// checkResponseProperties states what every response of RunFunction must
// satisfy, and, when the XRD admits the spec, that a Fatal names the spec
// field it refuses.
func checkResponseProperties(t *testing.T, admitted bool, msg string, desired int, edits []string) {
	t.Helper()
	if msg != "" && desired != 0 {
		t.Fatalf("a Fatal result carries %d desired resources (Crossplane would delete the rest); edits %v; fatal: %s", desired, edits, msg)
	}
	if admitted && msg != "" && !specFieldPath.MatchString(msg) {
		t.Fatalf("the XRD admits the spec but the Fatal result names no spec field; edits %v; fatal: %s", edits, msg)
	}
}

// FuzzRunFunctionSpec: for any mutation of a valid platform, RunFunction
// returns a response, never an error or a panic; when the XRD admits the
// spec, it renders or returns a Fatal result naming a spec field, on the
// first reconcile and on the next one with what AWS would report.
func FuzzRunFunctionSpec(f *testing.F) {
	bases, v := fzSetup(f)
	fn := newTestFunction(f)
	// Seeds: every base unchanged, and a few edits each worth keeping in
	// the unit tests (a region change, the longest names, a suffix).
	for i := range bases {
		f.Add([]byte{byte(i)})
	}
	// Bytes: base index, then (field of fzFields, value) pairs.
	f.Add([]byte{3, 1, 8, 4, 2})         // longest names in ap-southeast-1, nameSuffix abcde
	f.Add([]byte{2, 7, 4, 18, 2, 1, 35}) // prod: zones a–f, the longest clusterName, moved to us-gov-west-1 (its zones no longer fit)
	f.Add([]byte{0, 0, 2, 16, 7, 34, 1}) // dev as prod, backupRetentionDays 2147483648, a 63-character claim name
	f.Add([]byte{1, 31, 5, 27, 0, 4, 2}) // staging: 40 tags, an exception, nameSuffix abcde
	f.Fuzz(func(t *testing.T, data []byte) {
		b := &fzBytes{data: data}
		base := bases[b.pick(len(bases))]
		xr, edits := fzMutate(base.xr, fzFields, b, 12)
		admitted := len(v.Validate(xr)) == 0
		rsp := run(t, fn, newRequest(t, xr, nil))
		msg := fatalOf(rsp)
		checkResponseProperties(t, admitted, msg, len(rsp.GetDesired().GetResources()), append([]string{base.name}, edits...))
		if msg != "" {
			return
		}
		// The next reconcile, with everything desired reported by AWS.
		region, _ := spec(xr)["region"].(string)
		account, _ := spec(xr)["accountId"].(string)
		rsp = run(t, fn, newRequest(t, xr, fakeaws.Observe(desiredOf(t, rsp), region, account)))
		checkResponseProperties(t, admitted, fatalOf(rsp), len(rsp.GetDesired().GetResources()), append([]string{base.name, "second reconcile"}, edits...))
	})
}
