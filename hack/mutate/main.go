// Command mutate applies each mutation of its catalogue to a copy of the
// repository, one at a time, and runs the tests twice: without the golden
// files (TestGolden skipped) and, when nothing else failed, with them. A
// mutation is killed when a stated property catches it, golden-only when
// only a golden file does (make golden would accept it), and survives when
// nothing does. Exit 1 on any survivor or golden-only catch.
//
//	mutate [-run regexp]   (make mutate)
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// packages are the tests that judge the render.
var packages = []string{"./functions/platform/...", "./internal/..."}

func main() {
	run := flag.String("run", "", "only the mutations whose name matches this regexp")
	flag.Parse()
	filter, err := regexp.Compile(*run)
	if err != nil {
		fail(2, "-run: %v", err)
	}
	work, err := os.MkdirTemp("", "mutate-")
	if err != nil {
		fail(2, "%v", err)
	}
	defer os.RemoveAll(work)
	// A copy of the working tree, so the repository is never left mutated.
	if out, err := exec.Command("bash", "-c", "tar --exclude=./.git --exclude=./bin --exclude=./_output -cf - . | tar -xf - -C "+work).CombinedOutput(); err != nil {
		fail(2, "cannot copy the repository: %v\n%s", err, out)
	}
	var rows []string
	bad := 0
	start := time.Now()
	for i, m := range catalogue {
		if !filter.MatchString(m.Name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "mutate: [%d/%d] %s (%s)\n", i+1, len(catalogue), m.Name, m.File)
		verdict, by := try(work, m)
		if verdict != "killed" {
			bad++
		}
		rows = append(rows, fmt.Sprintf("%-12s %-55s %s", verdict, m.Name, by))
	}
	fmt.Printf("\n%-12s %-55s %s\n", "VERDICT", "MUTATION", "CAUGHT BY")
	for _, r := range rows {
		fmt.Println(r)
	}
	fmt.Printf("\n%d mutations in %s: %d killed by a stated property, %d not (survived, golden-only, or a stale mutation)\n",
		len(rows), time.Since(start).Round(time.Second), len(rows)-bad, bad)
	if bad > 0 {
		os.Exit(1)
	}
}

// try applies m in the copy, tests, and restores the file.
func try(work string, m mutation) (verdict, by string) {
	path := filepath.Join(work, m.File)
	orig, err := os.ReadFile(path)
	if err != nil {
		return "error", err.Error()
	}
	if n := bytes.Count(orig, []byte(m.From)); n != 1 {
		return "error", fmt.Sprintf("the text to mutate occurs %d times in %s (the catalogue is stale)", n, m.File)
	}
	defer func() {
		// A mutation left behind would be tested with every next one.
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			fail(2, "cannot restore %s after %q: %v", m.File, m.Name, err)
		}
	}()
	if err := os.WriteFile(path, bytes.Replace(orig, []byte(m.From), []byte(m.To), 1), 0o644); err != nil {
		return "error", err.Error()
	}
	if out, err := gotest(work, "build", append([]string{"-o", os.DevNull}, packages[0])...); err != nil {
		return "error", "does not build: " + firstLine(out)
	}
	out, err := gotest(work, "test", append([]string{"-count=1", "-skip", "^TestGolden$"}, packages...)...)
	if err != nil {
		return "killed", strings.Join(failed(out), ", ")
	}
	if out, err = gotest(work, "test", "-count=1", "-run", "^TestGolden$", "./functions/platform"); err != nil {
		return "golden-only", strings.Join(failed(out), ", ")
	}
	return "survived", "nothing"
}

func gotest(dir, verb string, args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{verb}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var failLine = regexp.MustCompile(`(?m)^--- FAIL: (\S+)`)

// failed are the top-level tests that failed.
func failed(out string) []string {
	var names []string
	for _, m := range failLine.FindAllStringSubmatch(out, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	if len(names) == 0 {
		return []string{firstLine(out)}
	}
	return names
}

// firstLine is the first line of s that is not a "# package" header.
func firstLine(s string) string {
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return s
}

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mutate: "+format+"\n", args...)
	os.Exit(code)
}
