package plan

import (
	"fmt"
	"io"
	"strings"
)

// MarkdownLimit keeps a comment under GitHub's 65,536 characters.
const MarkdownLimit = 60000

// WriteMarkdown writes p as a pull-request comment: the summary and what
// needs a decision first, the updates and creates folded.
func (p *Plan) WriteMarkdown(w io.Writer) error {
	s := p.markdown(false)
	if len(s) > MarkdownLimit {
		s = p.markdown(true)
	}
	if len(s) > MarkdownLimit {
		s = s[:MarkdownLimit] + "\n\n… (cut at " + fmt.Sprint(MarkdownLimit) + " characters: `make plan FORMAT=json` lists every change)\n"
	}
	_, err := io.WriteString(w, s)
	return err
}

// markdown renders p; compact leaves out the fields of updates.
func (p *Plan) markdown(compact bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n**%s** %s\n\n", p.Title, p.Summary(), p.Verdict())
	if len(p.Rejected) > 0 {
		b.WriteString("> [!CAUTION]\n> **The API server would refuse this edit** (nothing would change):\n")
		for _, m := range p.Rejected {
			fmt.Fprintf(&b, "> - %s\n", m)
		}
		b.WriteString("\n")
	}
	if p.FunctionRefusal != "" {
		fmt.Fprintf(&b, "> [!CAUTION]\n> **The function refuses this change** (nothing would change): %s\n\n", p.FunctionRefusal)
	}
	if flagged := p.Flagged(); len(flagged) > 0 {
		fmt.Fprintf(&b, "> [!CAUTION]\n> **%s would be deleted, replaced or refused:**\n", resources(len(flagged), "stateful resource"))
		for _, r := range flagged {
			fmt.Fprintf(&b, "> - %s %s %s\n", r.Class, code(r.Key), r.Kind)
		}
		b.WriteString("\n")
	}
	for _, class := range Classes {
		rs := p.Of(class)
		if len(rs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "#### %s (%d)\n\n", headings[class], len(rs))
		fold := class == Update || class == Create
		if fold {
			fmt.Fprintf(&b, "<details><summary>%s</summary>\n\n", resources(len(rs), "resource"))
		}
		for _, g := range groups(class, rs) {
			writeMarkdownGroup(&b, g, class, compact && class == Update)
		}
		if fold {
			b.WriteString("\n</details>\n")
		}
		b.WriteString("\n")
	}
	if len(p.Warnings) > 0 {
		b.WriteString("#### The function warns\n\n")
		for _, m := range p.Warnings {
			fmt.Fprintf(&b, "- %s\n", m)
		}
		b.WriteString("\n")
	}
	if p.Unchanged > 0 {
		fmt.Fprintf(&b, "%s unchanged.\n", resources(p.Unchanged, "resource"))
	}
	return b.String()
}

func writeMarkdownGroup(b *strings.Builder, g []Resource, class Class, compact bool) {
	r := g[0]
	if class == Update && len(g) > 1 {
		keys := make([]string, len(g))
		for i, o := range g {
			keys[i] = code(o.Key)
		}
		fmt.Fprintf(b, "- %d resources alike (%s): %s\n", len(g), kinds(g), strings.Join(keys, ", "))
	} else {
		for _, o := range g {
			fmt.Fprintf(b, "- %s\n", markdownLabel(o))
		}
	}
	if compact {
		if len(r.Fields) > 0 {
			fmt.Fprintf(b, "  - %d fields (`make plan FORMAT=json` lists them)\n", len(r.Fields))
		}
		return
	}
	for _, f := range r.Fields {
		mark := ""
		if replaceOnly(r, f.Path) {
			mark = " **(replace-only)**"
		}
		fmt.Fprintf(b, "  - %s: %s%s\n", code(f.Path), markdownChange(f), mark)
	}
	if r.Why != "" {
		fmt.Fprintf(b, "  - Why: %s\n", r.Why)
	}
	if r.Action != "" {
		fmt.Fprintf(b, "  - Do: %s\n", r.Action)
	}
}

func markdownChange(f Field) string {
	c := change(f, "→")
	if o, n := values(f.Old, f.New); c == o+" → "+n {
		return code(o) + " → " + code(n)
	}
	return c
}

func markdownLabel(r Resource) string {
	key := code(r.Key)
	if r.OldKey != "" {
		key = code(r.OldKey) + " → " + key
	}
	name := ""
	switch {
	case r.OldExternalName != "":
		name = " " + code(r.OldExternalName) + " → " + code(r.ExternalName)
	case r.ExternalName != "":
		name = " " + code(r.ExternalName)
	}
	stateful := ""
	if r.Stateful {
		stateful = " **stateful**"
	}
	return key + " " + r.Kind + name + stateful
}

// code is s as inline code, fenced so that backticks inside survive.
func code(s string) string {
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}
