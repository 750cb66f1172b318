package compliance

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/internal/awsrules"
)

// fixture is a converged render the function's golden tests keep: the
// passing fixture of every control, and the base its failing fixtures
// break one field of.
type fixture struct {
	t    *testing.T
	objs []*unstructured.Unstructured
}

func loadFixture(t *testing.T, env string) *fixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "functions", "platform", "testdata", "golden", env+".yaml"))
	if err != nil {
		t.Fatalf("cannot read the %s golden render: %v", env, err)
	}
	f := &fixture{t: t}
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			t.Fatalf("cannot parse a document of the %s golden render: %v", env, err)
		}
		// The golden file's first document is the XR's status.
		if m == nil || m["spec"] == nil || m["kind"] == nil {
			continue
		}
		f.objs = append(f.objs, &unstructured.Unstructured{Object: m})
	}
	if len(f.objs) < 300 {
		t.Fatalf("the %s golden render holds %d resources; expected a whole platform", env, len(f.objs))
	}
	return f
}

func (f *fixture) render() *awsrules.Render { return awsrules.NewRender(f.objs) }

// get is the resource with the composed resource key.
func (f *fixture) get(key string) *unstructured.Unstructured {
	f.t.Helper()
	for _, o := range f.objs {
		if awsrules.Key(o) == key {
			return o
		}
	}
	f.t.Fatalf("the fixture has no resource %s", key)
	return nil
}

// set writes value at path under spec.forProvider of key.
func (f *fixture) set(key string, value any, path ...string) {
	f.t.Helper()
	if err := unstructured.SetNestedField(f.get(key).Object, value, append([]string{"spec", "forProvider"}, path...)...); err != nil {
		f.t.Fatalf("cannot set %v of %s: %v", path, key, err)
	}
}

// setAt writes value at a path that crosses lists (index ints).
func (f *fixture) setAt(key string, value any, path ...any) {
	f.t.Helper()
	parent := awsrules.Dig(f.get(key).Object, append([]any{"spec", "forProvider"}, path[:len(path)-1]...)...)
	switch p := parent.(type) {
	case map[string]any:
		p[path[len(path)-1].(string)] = value
	case []any:
		p[path[len(path)-1].(int)] = value
	default:
		f.t.Fatalf("%s has no %v", key, path)
	}
}

// unset removes a field under spec.forProvider of key.
func (f *fixture) unset(key string, path ...string) {
	unstructured.RemoveNestedField(f.get(key).Object, append([]string{"spec", "forProvider"}, path...)...)
}

// drop removes the resource from the render.
func (f *fixture) drop(key string) {
	f.t.Helper()
	for i, o := range f.objs {
		if awsrules.Key(o) == key {
			f.objs = append(f.objs[:i], f.objs[i+1:]...)
			return
		}
	}
	f.t.Fatalf("the fixture has no resource %s", key)
}
