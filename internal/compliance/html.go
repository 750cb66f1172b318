package compliance

import (
	"html/template"
	"io"
	"strings"
)

// htmlPage is one self-contained page (no script, no external asset) an
// assessor reads top-down: PCI DSS requirement, its controls, each control's
// result and the resources and field values that prove it.
var htmlPage = template.Must(template.New("audit").Funcs(template.FuncMap{
	"upper": func(s Status) string { return strings.ToUpper(string(s)) },
	"join":  func(ss []string) string { return strings.Join(ss, ", ") },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>PayNext compliance audit: {{.Environment}}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.3em 0 1em}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
.fail{background:#fde2e1}.warn{background:#fff4d6}.waived{background:#e8eefc}.pass{background:#e5f5e8}.skip{background:#f1f1f1}
.badge{font-weight:bold;padding:0 .4em;border-radius:3px}code{font-size:.92em}details{margin:.2em 0 .8em}
</style></head><body>
<h1>PayNext compliance audit: {{.Environment}}</h1>
<p>Held to {{.Standards}}. {{.Total}} controls: {{.Counts.fail}} fail, {{.Counts.warn}} warn, {{.Counts.waived}} waived, {{.Counts.pass}} pass, {{.Counts.skip}} skip.
Every result below is judged from the rendered managed resources, field by field; the evidence lists each resource and value judged.</p>
{{range .Groups}}<h2>{{.Title}}</h2>
{{range .Results}}<div class="{{.Status}}"><span class="badge">{{upper .Status}}</span> <b>{{.Control.ID}}</b>: {{.Control.Title}}
<br><small>PCI DSS {{join .Control.Refs.PCI}}{{with .Control.Refs.CIS}} · CIS {{.}}{{end}}{{with .Control.Refs.Checkov}} · checkov {{join .}}{{end}}{{with .Control.Refs.ConfigRule}} · AWS Config {{.}}{{end}}{{with .Control.Refs.SOX}} · SOX {{join .}}{{end}}{{with .Control.Refs.GDPR}} · GDPR {{join .}}{{end}}{{with .Control.Refs.HIPAA}} · HIPAA {{join .}}{{end}} · severity {{.Control.Severity}}</small>
{{with .Detail}}<br>{{.}}{{end}}</div>
<details{{if ne .Status "pass"}} open{{end}}><summary>{{len .Evidence}} field values judged</summary>
<table><tr><th>Resource</th><th>Field</th><th>Value</th><th>Judged</th></tr>
{{range .Evidence}}<tr class="{{if .OK}}pass{{else}}fail{{end}}"><td><code>{{.Resource}}</code></td><td><code>{{.Field}}</code></td><td><code>{{.Value}}</code></td><td>{{if .OK}}meets it{{else}}fails it{{end}}{{with .Why}}: {{.}}{{end}}</td></tr>
{{end}}</table></details>
{{end}}{{end}}</body></html>
`))

// WriteHTML writes the report as one self-contained HTML page.
func WriteHTML(w io.Writer, rep Report) error {
	counts := map[string]int{}
	for s, n := range rep.Counts() {
		counts[string(s)] = n
	}
	return htmlPage.Execute(w, map[string]any{
		"Environment": rep.Environment, "Standards": joinStandards(rep.Standards), "Total": len(rep.Results),
		"Counts": counts, "Groups": groups(rep),
	})
}
