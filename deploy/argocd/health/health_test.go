package health

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestArgoCDLibrariesOnly: without open libraries, string is nil (Argo CD
// runs argocd-cm scripts so), so a script calling string.find or s:match
// fails there; with them it is present. base and table are there in both.
func TestArgoCDLibrariesOnly(t *testing.T) {
	probe := `
if type(table.insert) ~= "function" or type(ipairs) ~= "function" then return {status = "Degraded", message = "no base or table"} end
if string == nil then return {status = "Healthy", message = "no string"} end
return {status = "Progressing", message = "string"}`
	for _, tc := range []struct {
		openLibs bool
		want     Status
	}{
		{false, Status{Healthy, "no string"}},
		{true, Status{Progressing, "string"}},
	} {
		got, err := Run(probe, map[string]any{}, tc.openLibs)
		if err != nil || got != tc.want {
			t.Errorf("openLibs=%t: want %+v, got %+v, %v", tc.openLibs, tc.want, got, err)
		}
	}
}

// TestObjectReachesTheScriptAsArgoCDDecodesIt: every Go type an object can
// hold, from YAML (float64) or from the API server (int64), arrives as
// decodeValue makes it: numbers as numbers, json.Number as a string, null as
// nil, lists 1-based.
func TestObjectReachesTheScriptAsArgoCDDecodesIt(t *testing.T) {
	obj := map[string]any{
		"f": 1.5, "i64": int64(3), "i": 4, "i32": int32(5), "n": json.Number("6"),
		"b": true, "s": "x", "null": nil,
		"list":   []any{"a", map[string]any{"k": "v"}},
		"nested": map[string]any{"deep": map[string]any{"v": int64(7)}},
	}
	script := `
local checks = {
  obj.f == 1.5, obj.i64 == 3, obj.i == 4, obj.i32 == 5,
  obj.n == "6", obj.b == true, obj.s == "x", obj.null == nil,
  obj.list[1] == "a", obj.list[2].k == "v", #obj.list == 2,
  obj.nested.deep.v == 7,
}
for i, ok in ipairs(checks) do
  if not ok then return {status = "Degraded", message = "check " .. i .. " failed"} end
end
return {status = "Healthy"}`
	for _, openLibs := range []bool{true, false} {
		got, err := Run(script, obj, openLibs)
		if err != nil || got.Status != Healthy {
			t.Errorf("openLibs=%t: %+v, %v", openLibs, got, err)
		}
	}
}

// TestWhatArgoCDWouldNotReadIsAnError: a script that returns no table, a
// non-string field, or a status Argo CD does not know would show Unknown in
// Argo CD; here each is an error, so a test cannot pass on it.
func TestWhatArgoCDWouldNotReadIsAnError(t *testing.T) {
	for name, script := range map[string]string{
		"no table":       `return "Healthy"`,
		"number status":  `return {status = 1}`,
		"unknown status": `return {status = "Fine"}`,
		"syntax error":   `return {status = `,
		"runtime error":  `return {status = obj.missing.field}`,
	} {
		if got, err := Run(script, map[string]any{}, false); err == nil {
			t.Errorf("%s: want an error, got %+v", name, got)
		}
	}
	got, err := Run(`return {status = "Missing"}`, map[string]any{}, false)
	if err != nil || got != (Status{Status: Missing}) {
		t.Errorf("a status without a message: want Missing, got %+v, %v", got, err)
	}
}

// TestRunStopsAtArgoCDsDeadline: a script that never returns is stopped
// after Timeout, as Argo CD stops it, and reported as an error.
func TestRunStopsAtArgoCDsDeadline(t *testing.T) {
	start := time.Now()
	_, err := Run(`while true do end`, map[string]any{}, false)
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "context deadline exceeded") {
		t.Errorf("want the deadline's error, got %v", err)
	}
	if took < Timeout || took > 10*Timeout {
		t.Errorf("want the script stopped after about %s, took %s", Timeout, took)
	}
}
