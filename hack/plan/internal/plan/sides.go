package plan

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"sigs.k8s.io/yaml"
)

// The files of a directory of sides (make plan's -dump, and the fixtures).
var sideFiles = []string{"before.yaml", "observed.yaml", "after.yaml", "last.yaml"}

// ReadSides reads the sides a directory holds; last.yaml may be missing.
func ReadSides(dir string) (Sides, error) {
	var s Sides
	targets := []*map[string]Object{&s.Before, &s.Observed, &s.After, &s.Last}
	for i, name := range sideFiles {
		b, err := os.ReadFile(filepath.Join(dir, name)) //nolint:gosec // a directory we are given
		if errors.Is(err, fs.ErrNotExist) && name == "last.yaml" {
			continue
		} else if err != nil {
			return s, err
		}
		r, err := Decode(b)
		if err != nil {
			return s, err
		}
		*targets[i] = r.Composed
	}
	return s, nil
}

// Only is s with only the resources of the given keys.
func (s Sides) Only(keys []string) Sides {
	pick := func(m map[string]Object) map[string]Object {
		out := map[string]Object{}
		for _, k := range keys {
			if o, ok := m[k]; ok {
				out[k] = o
			}
		}
		return out
	}
	return Sides{Before: pick(s.Before), Observed: pick(s.Observed), After: pick(s.After), Last: pick(s.Last)}
}

// WriteSides writes s into dir; last.yaml keeps only the resources the
// after side dropped.
func WriteSides(dir string, s Sides) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	dropped := map[string]Object{}
	for k, o := range s.Last {
		if _, ok := s.After[k]; !ok {
			dropped[k] = o
		}
	}
	for i, objs := range []map[string]Object{s.Before, s.Observed, s.After, dropped} {
		if err := WriteYAML(filepath.Join(dir, sideFiles[i]), objs); err != nil {
			return err
		}
	}
	return nil
}

// WriteYAML writes objects as a YAML stream, sorted by key.
func WriteYAML(path string, objs map[string]Object) error {
	keys := make([]string, 0, len(objs))
	for k := range objs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		y, err := yaml.Marshal(objs[k])
		if err != nil {
			return err
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}
