package ui

import (
	"fmt"
	"io"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"infra/plan"
)

// PlanView renders an offline plan.
type PlanView interface {
	// Plan renders the whole plan.
	Plan(p *plan.Plan) error
}

// Plan formats.
const (
	FormatTable    = "table"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// PlanFormats lists the formats NewPlanView accepts.
var PlanFormats = []string{FormatTable, FormatMarkdown, FormatJSON}

// NewPlanView returns the view of a format: table for people, markdown for
// pull-request comments, JSON (the golden format) for machines.
func NewPlanView(io *IO, format string) (PlanView, error) {
	switch format {
	case FormatTable, "":
		return &planTable{stdoutText(io)}, nil
	case FormatMarkdown:
		return &planMarkdown{w: io.Out}, nil
	case FormatJSON:
		return &planJSON{w: io.Out}, nil
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(PlanFormats, ", "))
}

type planTable struct{ textOut }

// Plan writes one block per stack: a heading with where it deploys, then
// the number of resources of each type.
func (v *planTable) Plan(p *plan.Plan) error {
	n := len(p.Resources())
	fmt.Fprintf(v.w, "%s %s: %s, %s %s\n\n", v.t.Bold.Render("Plan"), p.Topology,
		plural(len(p.Stacks), "stack"), plural(n, "resource"), v.t.Dim.Render("(offline, from mocks)"))
	for _, s := range p.Stacks {
		fmt.Fprintf(v.w, "%s  %s  %s\n", v.t.Accent.Render(s.Name), v.t.Dim.Render(where(s)),
			v.t.Bold.Render(plural(len(s.Resources), "resource")))
		counts := s.Counts()
		width := 1
		for _, c := range counts {
			width = max(width, len(fmt.Sprint(c.Count)))
		}
		for _, c := range counts {
			fmt.Fprintf(v.w, "  %s %s\n", v.t.Create.Render(fmt.Sprintf("+%*d", width, c.Count)), c.Type)
		}
		fmt.Fprintln(v.w)
	}
	CostTable(v.w, v.t, p.Cost)
	return nil
}

// where says what a stack is and where it deploys.
func where(s *plan.Stack) string {
	parts := []string{s.Kind}
	if s.Cloud != "" {
		parts = append(parts, s.Cloud)
	}
	if s.Region != "" {
		parts = append(parts, s.Region)
	}
	if s.Environment != "" {
		parts = append(parts, s.Environment)
	}
	if len(s.DependsOn) > 0 {
		parts = append(parts, "after "+plural(len(s.DependsOn), "stack"))
	}
	return strings.Join(parts, " · ")
}

type planMarkdown struct{ w io.Writer }

// Plan writes a summary table of the stacks and, folded per stack, the
// resource counts per type: short enough for a pull-request comment.
func (v *planMarkdown) Plan(p *plan.Plan) error {
	fmt.Fprintf(v.w, "### infra plan: `%s`\n\n", p.Topology)
	fmt.Fprintf(v.w, "%s in %s (offline plan, no credentials used).\n\n",
		plural(len(p.Resources()), "resource"), plural(len(p.Stacks), "stack"))
	fmt.Fprintln(v.w, "| Stack | Kind | Cloud | Region | Environment | Resources |")
	fmt.Fprintln(v.w, "|---|---|---|---|---|--:|")
	for _, s := range p.Stacks {
		fmt.Fprintf(v.w, "| `%s` | %s | %s | %s | %s | %d |\n", s.Name, s.Kind, dash(s.Cloud), dash(s.Region), dash(s.Environment), len(s.Resources))
	}
	for _, s := range p.Stacks {
		if len(s.Resources) == 0 {
			continue
		}
		fmt.Fprintf(v.w, "\n<details><summary><code>%s</code>: %s</summary>\n\n", s.Name, plural(len(s.Resources), "resource"))
		fmt.Fprintln(v.w, "| Type | Count |")
		fmt.Fprintln(v.w, "|---|--:|")
		for _, c := range s.Counts() {
			fmt.Fprintf(v.w, "| `%s` | %d |\n", c.Type, c.Count)
		}
		fmt.Fprintln(v.w, "\n</details>")
	}
	CostMarkdown(v.w, p.Cost)
	return nil
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

type planJSON struct{ w io.Writer }

// Plan writes the canonical JSON: the same bytes as a golden file.
func (v *planJSON) Plan(p *plan.Plan) error {
	b, err := p.JSON()
	if err != nil {
		return err
	}
	_, err = v.w.Write(b)
	return err
}

// PlanDiff renders the difference between a saved plan and the current one
// as a unified diff; it returns "" when they are byte-identical.
func PlanDiff(savedName string, saved []byte, currentName string, current []byte) string {
	return string(diff.Diff(savedName, saved, currentName, current))
}
