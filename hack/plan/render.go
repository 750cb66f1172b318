package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/paynext/platform/hack/plan/internal/plan"
)

// renderer runs the project's render scripts and tools from the repository
// root: hack/render-converged.sh, hack/render.sh, and the bin/observe and
// bin/claimtoxr they build.
type renderer struct {
	ctx       context.Context
	root, bin string
	log       io.Writer
	work      string // a temporary directory for the after side's inputs
}

// run runs name in the repository root with extra environment; it returns
// stdout and stderr.
func (r *renderer) run(env []string, stdin []byte, name string, args ...string) ([]byte, []byte, error) {
	cmd := r.command(name, args...)
	cmd.Dir = r.root
	// An exported FUNCTION_BIN would make both sides run the same binary
	// (a FROM= plan would compare the old function with itself): only the
	// side that names one gets one.
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(e string) bool { return strings.HasPrefix(e, "FUNCTION_BIN=") }), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if r.ctx.Err() != nil {
		err = fmt.Errorf("interrupted")
	}
	return out.Bytes(), errb.Bytes(), err
}

// command is exec.Command stopped by SIGTERM when the plan is interrupted,
// so a render script's EXIT trap stops the function it started.
func (r *renderer) command(name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(r.ctx, name, args...) //nolint:gosec // our own scripts and tools
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

func (r *renderer) tool(name string) string { return filepath.Join(r.root, r.bin, name) }

// converged renders input to convergence (make render), with the function
// fn when not empty; the script's progress goes to the log.
func (r *renderer) converged(input, fn string) (*plan.Render, []byte, error) {
	var env []string
	if fn != "" {
		env = append(env, "FUNCTION_BIN="+fn)
	}
	out, errb, err := r.run(env, nil, "hack/render-converged.sh", input)
	for _, l := range strings.Split(strings.TrimSpace(string(errb)), "\n") {
		if strings.HasPrefix(l, "render-converged: render ") || err != nil {
			fmt.Fprintln(r.log, "  "+l)
		}
	}
	if err != nil {
		if m := fatal(errb); m != "" {
			return nil, nil, fmt.Errorf("the function refuses %s itself: %s", input, m)
		}
		return nil, nil, fmt.Errorf("%s does not render (above)", input)
	}
	rendered, err := plan.Decode(out)
	return rendered, out, err
}

// observe is the fake provider's view (internal/fakeaws) of what a render
// desires once it exists.
func (r *renderer) observe(rendered []byte, region, account string) (*plan.Render, error) {
	out, errb, err := r.run(nil, rendered, r.tool("observe"), region, account)
	if err != nil {
		return nil, fmt.Errorf("observe: %v: %s", err, errb)
	}
	return plan.Decode(out)
}

// xr is the XR Crossplane makes of a claim (hack/claimtoxr).
func (r *renderer) xr(input string) (plan.Object, error) {
	out, errb, err := r.run(nil, nil, r.tool("claimtoxr"), input)
	if err != nil {
		return nil, fmt.Errorf("%s", strings.TrimSpace(string(errb)))
	}
	xr := plan.Object{}
	return xr, yaml.Unmarshal(out, &xr)
}

// once is one pass of hack/render.sh of xr (an object) with observed
// resources. A Fatal result comes back as refusal, with no error.
func (r *renderer) once(xr plan.Object, observed map[string]plan.Object, pass int) (rendered *plan.Render, raw []byte, warnings []string, refusal string, err error) {
	xrFile := filepath.Join(r.work, fmt.Sprintf("xr-%d.yaml", pass))
	obsFile := filepath.Join(r.work, fmt.Sprintf("observed-%d.yaml", pass))
	if err := plan.WriteYAML(xrFile, map[string]plan.Object{"": xr}); err != nil {
		return nil, nil, nil, "", err
	}
	if err := plan.WriteYAML(obsFile, observed); err != nil {
		return nil, nil, nil, "", err
	}
	out, errb, err := r.run(nil, nil, "hack/render.sh", xrFile, obsFile)
	if err != nil {
		if m := fatal(errb); m != "" {
			return nil, nil, nil, m, nil
		}
		r.log.Write(errb) //nolint:errcheck // the render's own account of its failure
		return nil, nil, nil, "", fmt.Errorf("the after side does not render (above)")
	}
	for _, l := range strings.Split(string(errb), "\n") {
		if m, ok := strings.CutPrefix(l, "render: function result: WARNING: "); ok {
			warnings = append(warnings, m)
		}
	}
	rendered, err = plan.Decode(out)
	return rendered, out, warnings, "", err
}

var fatalResult = regexp.MustCompile(`(?s)returned a fatal result: (.*?)\n(render: |$)`)

// fatal is the message of a Fatal result in a render's stderr.
func fatal(stderr []byte) string {
	m := fatalResult.FindSubmatch(stderr)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[1]))
}

// buildAt builds the function of a git ref into dir, from a temporary
// worktree it removes again; it returns the binary and the ref's commit.
func (r *renderer) buildAt(ref, dir string) (string, string, error) {
	sha, errb, err := r.run(nil, nil, "git", "rev-parse", "--short", ref+"^{commit}")
	if err != nil {
		return "", "", fmt.Errorf("%s is not a commit: %s", ref, strings.TrimSpace(string(errb)))
	}
	src := filepath.Join(dir, "src")
	if _, errb, err := r.run(nil, nil, "git", "worktree", "add", "--detach", src, ref); err != nil {
		return "", "", fmt.Errorf("git worktree add %s: %s", ref, strings.TrimSpace(string(errb)))
	}
	defer func() {
		if _, errb, err := r.run(nil, nil, "git", "worktree", "remove", "--force", src); err != nil {
			fmt.Fprintf(r.log, "plan: cannot remove the worktree %s: %s\n", src, errb)
		}
	}()
	fn := filepath.Join(dir, "function-paynext-platform")
	build := r.command("go", "build", "-o", fn, "./functions/platform")
	build.Dir, build.Stderr = src, r.log
	if err := build.Run(); err != nil {
		return "", "", fmt.Errorf("cannot build the function at %s: %w", ref, err)
	}
	return fn, strings.TrimSpace(string(sha)), nil
}
