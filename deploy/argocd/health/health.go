// Package health runs an Argo CD resource health check written in Lua on an
// object, the way Argo CD v3.5.7 runs it. The bundle's offline tests
// (deploy/argocd) run every health_test.yaml case through it, and the
// end-to-end suite runs the same scripts on the live claim and XR, so both
// prove the checks on one runner.
package health

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Status is what a health script returns, as Argo CD reads it (and as
// health_test.yaml spells it).
type Status struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// Argo CD's health statuses; a script returning any other reads Unknown.
const (
	Healthy     = "Healthy"
	Progressing = "Progressing"
	Degraded    = "Degraded"
	Suspended   = "Suspended"
	Missing     = "Missing"
	Unknown     = "Unknown"
)

// Timeout is Argo CD's deadline for one script run (util/lua/lua.go).
const Timeout = time.Second

// Run runs script with obj as the global obj, the way Argo CD v3.5.7 does
// (util/lua/lua.go runLuaWithResourceActionParameters): obj built like its
// decodeValue, a one-second deadline, and the returned table read as status
// and message. With openLibs false it opens only what Argo CD opens for
// scripts from argocd-cm (unless useOpenLibs is set): package, base and
// table. Argo CD also opens a safe os, which no script here uses: an os call
// fails here, the safe side.
func Run(script string, obj map[string]any, openLibs bool) (Status, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: !openLibs})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return Status{}, fmt.Errorf("cannot open Lua's %s library: %w", lib.name, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", value(l, obj))
	if err := l.DoString(script); err != nil {
		return Status{}, err
	}
	tbl, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return Status{}, fmt.Errorf("the script returned %s, Argo CD wants a table", l.Get(-1).Type())
	}
	var hs Status
	for key, dst := range map[string]*string{"status": &hs.Status, "message": &hs.Message} {
		switch v := tbl.RawGetString(key).(type) {
		case lua.LString:
			*dst = string(v)
		case *lua.LNilType:
		default:
			return Status{}, fmt.Errorf("%s is a Lua %s, Argo CD decodes it as a string", key, v.Type())
		}
	}
	switch hs.Status {
	case Healthy, Progressing, Degraded, Suspended, Missing, Unknown:
		return hs, nil
	}
	return Status{}, errors.New("status " + hs.Status + " is not one Argo CD knows; it would show Unknown")
}

// value is Argo CD v3.5.7's decodeValue (util/lua/lua.go), case for case:
// an object read from YAML by sigs.k8s.io/yaml holds float64 numbers, one the
// API server returns as unstructured holds int64 integers, and a
// json.Number becomes a string there. JSON null, and any other type, is nil.
func value(l *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case json.Number:
		return lua.LString(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case []any:
		t := l.CreateTable(len(v), 0)
		for _, e := range v {
			t.Append(value(l, e))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(v))
		for k, e := range v {
			t.RawSetH(lua.LString(k), value(l, e))
		}
		return t
	}
	return lua.LNil
}
