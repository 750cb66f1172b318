package providerruntime

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChangedPathsNamesEachDifferingLeaf(t *testing.T) {
	cases := map[string]struct {
		before, after string
		want          []string
	}{
		"same spec": {`{"a":1,"tags":{"x":"y"}}`, `{"a":1,"tags":{"x":"y"}}`, nil},
		"a tag rewritten and one added": {
			`{"tags":{"Owner":"a"}}`, `{"tags":{"Owner":"b","New":"c"}}`,
			[]string{`tags.New: (none) → "c"`, `tags.Owner: "a" → "b"`},
		},
		"a list compared whole": {
			`{"subnetIds":["s-1","s-2"]}`, `{"subnetIds":["s-1"]}`,
			[]string{`subnetIds: ["s-1","s-2"] → ["s-1"]`},
		},
		"nothing held before": {``, `{"a":1}`, []string{"forProvider (not comparable)"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, changedPaths(tc.before, tc.after)); d != "" {
				t.Errorf("changedPaths should list each leaf that differs, with both values (-want +got):\n%s", d)
			}
		})
	}
}
