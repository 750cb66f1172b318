// Command plan previews a change to a platform offline, replacement-aware,
// as terraform plan does: a claim edit (-base, the claim as it is applied
// now) or a function upgrade (-from, the git ref of the function running
// now). The before side is rendered to convergence (make render) and the
// fake provider's view of it (internal/fakeaws) is the live platform; the
// after side is rendered from that, to convergence, and each composed
// resource is classified (internal/plan).
//
//	plan -xr new.yaml -base old.yaml [-format text|json|markdown]
//	plan -xr claim.yaml -from HEAD~5 [-format …]
//
// Exit status: 0 no change, 2 changes, 3 a stateful resource would be
// deleted, replaced or refused, 1 an error, or the API server or the
// function refuses the change (nothing would change).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/paynext/platform/hack/plan/internal/plan"
)

type options struct {
	xr, base, from, format, dump, replay, keys string
	color                                      bool
	// ctx ends on Ctrl-C or SIGTERM: the renders are stopped (SIGTERM, so
	// hack/render.sh stops the function it started) and plan still removes
	// its worktree and temporary files.
	ctx context.Context
}

func main() {
	var o options
	flag.StringVar(&o.xr, "xr", "", "the claim or XR after the change")
	flag.StringVar(&o.base, "base", "", "the claim or XR as applied now (a claim edit)")
	flag.StringVar(&o.from, "from", "", "the git ref of the function running now (a function upgrade); the after side runs the working tree's")
	flag.StringVar(&o.format, "format", "text", "text, json or markdown")
	flag.StringVar(&o.dump, "dump", "", "also write the sides (the before render, its observed state, the after render and what it dropped) into this directory")
	flag.StringVar(&o.replay, "replay", "", "classify the sides -dump wrote into this directory instead of rendering")
	flag.StringVar(&o.keys, "keys", "", "with -replay: only these composition resource names (comma-separated); with -dump, trims a dump into a test fixture")
	flag.Parse()
	st, err := os.Stdout.Stat()
	o.color = err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("NO_COLOR") == ""
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	o.ctx = ctx
	code := run(o, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(o options, stdout, stderr io.Writer) int {
	var p *plan.Plan
	var err error
	if o.replay != "" {
		p, err = replay(o)
	} else if err = o.check(); err == nil {
		p, err = build(o, stderr)
	}
	if err != nil && o.ctx != nil && o.ctx.Err() != nil {
		err = fmt.Errorf("interrupted: nothing was planned")
	}
	if err != nil {
		fmt.Fprintln(stderr, "plan:", err)
		return plan.ExitError
	}
	switch o.format {
	case "json":
		err = p.WriteJSON(stdout)
	case "markdown":
		err = p.WriteMarkdown(stdout)
	default:
		err = p.WriteText(stdout, o.color)
	}
	if err != nil {
		fmt.Fprintln(stderr, "plan:", err)
		return plan.ExitError
	}
	fmt.Fprintf(stderr, "plan: %s %s (exit %d)\n", p.Summary(), p.Verdict(), p.ExitCode())
	return p.ExitCode()
}

func (o options) check() error {
	switch {
	case o.xr == "":
		return fmt.Errorf("-xr (make plan XR=…) is required")
	case o.base == "" && o.from == "":
		return fmt.Errorf("nothing to compare %s with: give BASE=<the claim as applied now> or FROM=<the git ref of the function running now>", o.xr)
	case o.format != "text" && o.format != "json" && o.format != "markdown":
		return fmt.Errorf("FORMAT=%s: text, json or markdown", o.format)
	}
	for _, f := range []string{o.xr, o.base} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return err
		}
	}
	return nil
}

// replay classifies the sides a -dump wrote.
func replay(o options) (*plan.Plan, error) {
	if o.format != "text" && o.format != "json" && o.format != "markdown" {
		return nil, fmt.Errorf("FORMAT=%s: text, json or markdown", o.format)
	}
	s, err := plan.ReadSides(o.replay)
	if err != nil {
		return nil, err
	}
	if o.keys != "" {
		s = s.Only(strings.Split(o.keys, ","))
	}
	if o.dump != "" {
		if err := plan.WriteSides(o.dump, s); err != nil {
			return nil, err
		}
	}
	p := &plan.Plan{Title: "Plan: the sides in " + o.replay}
	p.Resources, p.Unchanged = plan.Classify(s)
	return p, nil
}

// title says what is planned.
func (o options) title(fromCommit string) string {
	fn := "the working tree's function"
	if o.from != "" {
		at := o.from
		if !strings.HasPrefix(fromCommit, o.from) && !strings.HasPrefix(o.from, fromCommit) {
			at += " (" + fromCommit + ")"
		}
		fn = "the function at " + at + " -> the working tree's"
	}
	if o.base != "" {
		return fmt.Sprintf("Plan: %s -> %s, %s", o.base, o.xr, fn)
	}
	return fmt.Sprintf("Plan: %s, %s", o.xr, fn)
}

func abs(path string) string {
	if path == "" {
		return ""
	}
	a, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	return a
}

func repoRoot() string {
	wd, _ := os.Getwd()
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "hack", "render.sh")); err == nil {
			return d
		}
	}
	return wd
}

func bin() string {
	if b := os.Getenv("BIN_DIR"); b != "" {
		return b
	}
	return "bin"
}
