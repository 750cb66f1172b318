package plan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// ANSI colours of the text format, used only on a terminal.
const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	cyan   = "\x1b[36m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

var colours = map[Class]string{Refused: red, Replace: red, Delete: red, Kept: cyan, Update: yellow, Create: green}

// keysShown is how many keys of a group of like changes the text lists.
const keysShown = 12

// WriteText writes p for a terminal or a log: ANSI colours when color.
func (p *Plan) WriteText(out io.Writer, color bool) error {
	w := bufio.NewWriter(out)
	c := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + reset
	}
	fmt.Fprintf(w, "%s\n\n", c(bold, p.Title))
	if len(p.Rejected) > 0 {
		fmt.Fprintln(w, c(bold+red, "The API server would refuse this edit (nothing would change):"))
		for _, m := range p.Rejected {
			fmt.Fprintf(w, "  %s\n", m)
		}
		fmt.Fprintln(w)
	}
	if p.FunctionRefusal != "" {
		fmt.Fprintf(w, "%s\n  %s\n\n", c(bold+red, "The function refuses this change (nothing would change):"), p.FunctionRefusal)
	}
	if flagged := p.Flagged(); len(flagged) > 0 {
		fmt.Fprintln(w, c(bold+red, "STATEFUL: "+resources(len(flagged), "stateful resource")+" would be deleted, replaced or refused:"))
		for _, r := range flagged {
			fmt.Fprintf(w, "%s\n", c(bold+red, fmt.Sprintf("  %-3s %s %s", symbols[r.Class], r.Class, label(r))))
		}
		fmt.Fprintln(w)
	}
	for _, class := range Classes {
		rs := p.Of(class)
		if len(rs) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s\n", c(bold, fmt.Sprintf("%s (%d):", headings[class], len(rs))))
		for _, g := range groups(class, rs) {
			writeGroup(w, g, class, c(colours[class], symbols[class]))
		}
		fmt.Fprintln(w)
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintln(w, c(bold, "The function warns:"))
		for _, m := range p.Warnings {
			fmt.Fprintf(w, "  %s\n", m)
		}
		fmt.Fprintln(w)
	}
	if p.Unchanged > 0 {
		fmt.Fprintf(w, "%s unchanged.\n", resources(p.Unchanged, "resource"))
	}
	fmt.Fprintln(w, c(bold, p.Summary().String()))
	fmt.Fprintln(w, p.Verdict())
	return w.Flush()
}

func writeGroup(w io.Writer, g []Resource, class Class, symbol string) {
	r := g[0]
	switch {
	case class == Update && len(g) > 1:
		keys := make([]string, 0, keysShown)
		for _, o := range g[:min(len(g), keysShown)] {
			keys = append(keys, o.Key)
		}
		more := ""
		if len(g) > keysShown {
			more = fmt.Sprintf(" and %d more", len(g)-keysShown)
		}
		fmt.Fprintf(w, "  %-3s %d resources alike (%s): %s%s\n", symbol, len(g), kinds(g), strings.Join(keys, ", "), more)
	default:
		for _, o := range g {
			fmt.Fprintf(w, "  %-3s %s\n", symbol, label(o))
		}
	}
	for _, f := range r.Fields {
		mark := ""
		if replaceOnly(r, f.Path) {
			mark = "   (replace-only)"
		}
		fmt.Fprintf(w, "        %s: %s%s\n", f.Path, change(f, "->"), mark)
	}
	if r.Why != "" {
		fmt.Fprintf(w, "        why: %s\n", r.Why)
	}
	if r.Action != "" {
		fmt.Fprintf(w, "        do:  %s\n", r.Action)
	}
}
