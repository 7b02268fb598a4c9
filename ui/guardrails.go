package ui

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"infra/policies"
	"infra/topology"
)

// GuardrailReport is the outcome of checking a topology's guardrails: what
// `infra guardrails check` prints and `infra plan` appends.
type GuardrailReport struct {
	File     string
	Topology string
	// Resources counts the planned resources the checks read.
	Resources int
	Report    *policies.Report
	// SCPs are the AWS Organization's packed SCPs; nil without one.
	SCPs *policies.SCPSet
	// Native lists, per guardrail, the clouds that enforce it natively here.
	Native map[string][]topology.Cloud
	// Rules are the planned inputs the providers' own rules reject.
	Rules topology.Diagnostics
	// Loaded are the topology's own warnings, from loading it: reported
	// with the findings, so that what is shown and what is counted agree.
	Loaded topology.Diagnostics
}

// Diagnostics are the violations and the SCP findings, sorted.
func (r GuardrailReport) Diagnostics() topology.Diagnostics {
	ds := append(topology.Diagnostics(nil), r.Loaded...)
	if r.Report != nil {
		ds = append(ds, r.Report.Diagnostics...)
	}
	if r.SCPs != nil {
		ds = append(ds, r.SCPs.Diagnostics...)
	}
	ds = append(ds, r.Rules...)
	return ds.Sort()
}

// Failed reports whether a mandatory guardrail is violated or an SCP is unusable.
func (r GuardrailReport) Failed() bool { return r.Diagnostics().HasErrors() }

// GuardrailsView renders a guardrail report.
type GuardrailsView interface {
	Report(r GuardrailReport) error
}

// NewGuardrailsView returns the view of a format: table (people), markdown
// (pull-request comments) or json.
func NewGuardrailsView(io *IO, format string) (GuardrailsView, error) {
	switch format {
	case FormatTable, "":
		return &guardrailsTable{out: io.Out, err: io.Err, t: NewTheme(io.Out, io.Color), te: NewTheme(io.Err, io.Color)}, nil
	case FormatMarkdown:
		return &guardrailsMarkdown{w: io.Out}, nil
	case FormatJSON:
		return &guardrailsJSON{w: io.Out}, nil
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(PlanFormats, ", "))
}

// native says where a guardrail is enforced besides the plan-time check.
func (r GuardrailReport) native(guardrail string) string {
	var clouds []string
	for _, c := range topology.AllClouds {
		for _, n := range r.Native[guardrail] {
			if n == c {
				clouds = append(clouds, string(c))
			}
		}
	}
	if len(clouds) == 0 {
		return "plan only"
	}
	return strings.Join(clouds, ", ") + " + plan"
}

type guardrailsTable struct {
	out, err io.Writer
	t, te    Theme
}

// Report writes the per-guardrail table and the SCP size report to stdout,
// each violation to stderr in the diagnostic format, and a verdict.
func (v *guardrailsTable) Report(r GuardrailReport) error {
	fmt.Fprintf(v.out, "%s %s: %s over %s %s\n\n", v.t.Bold.Render("Guardrails"), r.Topology,
		plural(len(r.Report.Results), "guardrail"), plural(r.Resources, "planned resource"), v.t.Dim.Render("(offline, from mocks)"))
	if len(r.Report.Results) == 0 {
		fmt.Fprintf(v.out, "  no guardrails are set: add landingZone.guardrails to the topology\n\n")
	} else {
		rows := [][]string{{"GUARDRAIL", "ENFORCEMENT", "CHECKED", "VIOLATIONS", "ENFORCED BY"}}
		for _, res := range r.Report.Results {
			rows = append(rows, []string{res.Guardrail, res.Enforcement, fmt.Sprint(res.Checked), fmt.Sprint(res.Violations), r.native(res.Guardrail)})
		}
		columns(v.out, v.t, rows, map[int]bool{2: true, 3: true})
		fmt.Fprintln(v.out)
	}
	if r.SCPs != nil {
		scpReport(v.out, v.t, r.SCPs)
	}
	errs, warns := RenderGroupedDiagnostics(v.err, v.te, r.Diagnostics())
	if errs > 0 {
		fmt.Fprintf(v.err, "%s %s%s: a mandatory guardrail is violated\n", v.te.Error.Render("✗"), plural(errs, "error"), andWarnings(warns))
		return nil
	}
	fmt.Fprintf(v.out, "%s every mandatory guardrail holds%s\n", v.t.OK.Render("✓"), andWarnings(warns))
	return nil
}

// scpReport is the SCP size report: each policy's minified size and the
// headroom the limit leaves, and how many policies each OU has attached.
func scpReport(w io.Writer, t Theme, s *policies.SCPSet) {
	fmt.Fprintf(w, "%s %s\n", t.Bold.Render("SCPs"), t.Dim.Render(fmt.Sprintf("(minified; at most %d characters each, %d attached per target with %s)",
		s.Limits.Size, s.Limits.PerTarget, policies.FullAWSAccess)))
	if len(s.Policies) == 0 {
		fmt.Fprintf(w, "  none: no mandatory guardrail has an SCP\n\n")
		return
	}
	rows := [][]string{{"POLICY", "GUARDRAILS", "SIZE", "HEADROOM", "ATTACHED TO"}}
	for _, p := range s.Policies {
		targets := strings.Join(p.Targets, ", ")
		if targets == "" {
			targets = "–"
		}
		rows = append(rows, []string{p.Name, strings.Join(p.Guardrails, ", "), fmt.Sprint(p.Size), fmt.Sprint(p.Headroom), targets})
	}
	columns(w, t, rows, map[int]bool{2: true, 3: true})
	if len(s.Attached) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(s.Attached)) {
			parts = append(parts, fmt.Sprintf("%s %d/%d", k, s.Attached[k], s.Limits.PerTarget))
		}
		fmt.Fprintf(w, "  %s %s\n", t.Dim.Render("attached per OU:"), strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
}

// columns writes rows in aligned columns, the first row as a dim header;
// columns in right are right-aligned.
func columns(w io.Writer, t Theme, rows [][]string, right map[int]bool) {
	width := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for n, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			switch {
			case i == len(r)-1:
				b.WriteString(c)
			case right[i]:
				b.WriteString(pad + c + "  ")
			default:
				b.WriteString(c + pad + "  ")
			}
		}
		line := strings.TrimRight(b.String(), " ")
		if n == 0 {
			line = t.Dim.Render(line)
		}
		fmt.Fprintf(w, "  %s\n", line)
	}
}

type guardrailsMarkdown struct{ w io.Writer }

// Report writes a table of the guardrails and the violations, folded: short
// enough for a pull-request comment.
func (v *guardrailsMarkdown) Report(r GuardrailReport) error {
	ds := r.Diagnostics()
	errs, warns := count(ds)
	verdict := "✅ every mandatory guardrail holds" + andWarnings(warns)
	if errs > 0 {
		verdict = "❌ " + plural(errs, "mandatory violation") + andWarnings(warns)
	}
	fmt.Fprintf(v.w, "\n### Guardrails\n\n%s (%s checked).\n\n", verdict, plural(r.Resources, "resource"))
	if len(r.Report.Results) > 0 {
		fmt.Fprintln(v.w, "| Guardrail | Enforcement | Checked | Violations | Enforced by |")
		fmt.Fprintln(v.w, "|---|---|--:|--:|---|")
		for _, res := range r.Report.Results {
			fmt.Fprintf(v.w, "| `%s` | %s | %d | %d | %s |\n", res.Guardrail, res.Enforcement, res.Checked, res.Violations, r.native(res.Guardrail))
		}
	}
	if r.SCPs != nil && len(r.SCPs.Policies) > 0 {
		fmt.Fprintf(v.w, "\n<details><summary>SCP sizes (limit %d characters)</summary>\n\n", r.SCPs.Limits.Size)
		fmt.Fprintln(v.w, "| Policy | Size | Headroom | Attached to |")
		fmt.Fprintln(v.w, "|---|--:|--:|---|")
		for _, p := range r.SCPs.Policies {
			fmt.Fprintf(v.w, "| `%s` | %d | %d | %s |\n", p.Name, p.Size, p.Headroom, dash(strings.Join(p.Targets, ", ")))
		}
		fmt.Fprintln(v.w, "\n</details>")
	}
	if len(ds) > 0 {
		fmt.Fprintf(v.w, "\n<details><summary>%s</summary>\n\n", plural(len(ds), "finding"))
		for _, g := range groupByPlace(ds) {
			more := ""
			if len(g.more) > 0 {
				more = fmt.Sprintf(" (and %d more from the same place)", len(g.more))
			}
			fmt.Fprintf(v.w, "- **%s** `%s`: %s%s\n", g.Severity, g.Pos, g.Message, more)
		}
		fmt.Fprintln(v.w, "\n</details>")
	}
	return nil
}

type guardrailsJSON struct{ w io.Writer }

// GuardrailsResult is the JSON document `infra guardrails check --json` prints.
type GuardrailsResult struct {
	File        string                      `json:"file"`
	Topology    string                      `json:"topology"`
	Passed      bool                        `json:"passed"`
	Resources   int                         `json:"resources"`
	Results     []policies.Result           `json:"results"`
	Native      map[string][]topology.Cloud `json:"native"`
	SCPs        *SCPReport                  `json:"scps,omitempty"`
	Diagnostics []topology.Diagnostic       `json:"diagnostics"`
}

// SCPReport is the SCP size report as JSON.
type SCPReport struct {
	Limits   policies.Limits `json:"limits"`
	Policies []SCPEntry      `json:"policies"`
	Attached map[string]int  `json:"attached"`
}

// SCPEntry is one SCP in the size report; Document is set by render only.
type SCPEntry struct {
	Name       string   `json:"name"`
	Guardrails []string `json:"guardrails"`
	Targets    []string `json:"targets"`
	Size       int      `json:"size"`
	Headroom   int      `json:"headroom"`
	Document   any      `json:"document,omitempty"`
}

func scpJSON(s *policies.SCPSet, withDocs bool) *SCPReport {
	if s == nil {
		return nil
	}
	out := &SCPReport{Limits: s.Limits, Attached: s.Attached, Policies: []SCPEntry{}}
	if out.Attached == nil {
		out.Attached = map[string]int{}
	}
	for _, p := range s.Policies {
		e := SCPEntry{Name: p.Name, Guardrails: p.Guardrails, Targets: p.Targets, Size: p.Size, Headroom: p.Headroom}
		if e.Targets == nil {
			e.Targets = []string{}
		}
		if withDocs {
			e.Document = p.Document
		}
		out.Policies = append(out.Policies, e)
	}
	return out
}

func (v *guardrailsJSON) Report(r GuardrailReport) error {
	ds := r.Diagnostics()
	if ds == nil {
		ds = topology.Diagnostics{}
	}
	res := GuardrailsResult{
		File: r.File, Topology: r.Topology, Passed: !ds.HasErrors(), Resources: r.Resources,
		Results: r.Report.Results, Native: r.Native, SCPs: scpJSON(r.SCPs, false), Diagnostics: ds,
	}
	if res.Native == nil {
		res.Native = map[string][]topology.Cloud{}
	}
	if res.Results == nil {
		res.Results = []policies.Result{}
	}
	return writeDocument(v.w, KindGuardrails, res)
}
