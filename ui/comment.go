package ui

import (
	"fmt"
	"strings"

	"infra/engine"
)

// GitHubCommentLimit is the most characters GitHub takes in a comment body.
const GitHubCommentLimit = 65536

// CommentMarker starts every preview comment, hidden, so a workflow can find
// the comment it posted before and update it instead of adding another.
func CommentMarker(project string) string {
	return "<!-- infra-preview:" + project + " -->"
}

// Comment is what a pull-request comment of a preview holds.
type Comment struct {
	Preview *engine.Result
	// Guardrails is the guardrail check of the same topology; nil when not
	// checked.
	Guardrails *GuardrailReport
	// Mermaid is the topology diagram as a ```mermaid block; "" for none.
	Mermaid string
	// Limit is the size to stay under; 0 means GitHubCommentLimit.
	Limit int
}

// RenderComment writes a preview as a markdown comment: the marker, a
// summary table, what needs attention (failures, replacements, deletions,
// warnings), the guardrail results, then a collapsible section per stack and
// the diagram. When the whole would pass the limit, per-stack sections and
// the diagram are left out, last first, and a note says so: the summary and
// the attention items are never cut.
func RenderComment(c Comment) string {
	limit := c.Limit
	if limit <= 0 {
		limit = GitHubCommentLimit
	}
	r := c.Preview
	var head strings.Builder
	fmt.Fprintln(&head, CommentMarker(r.Project))
	title := fmt.Sprintf("### infra preview: `%s`", r.Project)
	if r.Simulated {
		title += " — SIMULATED"
	}
	fmt.Fprintln(&head, title)
	fmt.Fprintln(&head)
	if r.Simulated {
		fmt.Fprintf(&head, "> [!NOTE]\n> %s. Nothing here was checked against a real cloud.\n\n", SimulatedBanner)
	}
	fmt.Fprintf(&head, "**%s** across %s.\n\n", changeList(engine.Preview, r.Totals(), nil), plural(len(r.Stacks), "stack"))
	if removed := RemovedStacks(r); len(removed) > 0 {
		fmt.Fprintf(&head, "> [!WARNING]\n> **Removed from the topology**: `infra up` destroys these stacks after the stacks that read from them have updated:\n")
		for _, s := range removed {
			fmt.Fprintf(&head, "> - `%s`: %s\n", s.Name, RemovedCount(engine.Preview, s))
		}
		fmt.Fprintln(&head)
	}
	fmt.Fprintln(&head, "| Stack | Create | Update | Replace | Delete | Unchanged | Status |")
	fmt.Fprintln(&head, "|---|--:|--:|--:|--:|--:|---|")
	for _, s := range r.Stacks {
		name := "`" + s.Name + "`"
		if s.Removed {
			name += " (removed)"
		}
		fmt.Fprintf(&head, "| %s | %s | %s | %s | %s | %d | %s |\n", name,
			cell(s.Changes[engine.Create]), cell(s.Changes[engine.Update]), cell(s.Changes[engine.Replace]),
			cell(s.Changes[engine.Delete]), s.Unchanged, mdStatus(s))
	}
	attentionMarkdown(&head, r)
	if c.Guardrails != nil {
		// The same section `infra guardrails check --format markdown` writes.
		_ = (&guardrailsMarkdown{w: &head}).Report(*c.Guardrails)
		if c.Guardrails.Failed() {
			fmt.Fprintln(&head, "\n`infra up` refuses to deploy while a mandatory guardrail is violated.")
		}
	}

	var sections []string
	for _, s := range r.Stacks {
		if len(s.Steps) == 0 && len(s.Diagnostics) == 0 {
			continue
		}
		sections = append(sections, stackDetails(s))
	}
	diagram := ""
	if c.Mermaid != "" {
		diagram = "\n<details><summary>Topology</summary>\n\n" + strings.TrimRight(c.Mermaid, "\n") + "\n\n</details>\n"
	}
	footer := "\n<sub>Posted by `infra preview --comment`; it is updated in place on every push.</sub>\n"

	out := head.String()
	// Room for the cut note, whatever it says.
	const noteRoom = 300
	budget := limit - len(footer) - noteRoom
	kept := 0
	for _, sec := range sections {
		if len(out)+len(sec) > budget {
			break
		}
		out += sec
		kept++
	}
	omittedDiagram := false
	if diagram != "" {
		if len(out)+len(diagram) <= budget {
			out += diagram
		} else {
			omittedDiagram = true
		}
	}
	if kept < len(sections) || omittedDiagram {
		var cut []string
		if n := len(sections) - kept; n > 0 {
			cut = append(cut, fmt.Sprintf("the details of %s", plural(n, "stack")))
		}
		if omittedDiagram {
			cut = append(cut, "the topology diagram")
		}
		out += fmt.Sprintf("\n> [!WARNING]\n> Cut to stay under GitHub's %d-character limit: %s left out. Run `infra preview` for the full output.\n",
			GitHubCommentLimit, strings.Join(cut, " and "))
	}
	if len(out)+len(footer) > limit {
		// Even the summary is too long (thousands of stacks): cut hard,
		// at a line boundary.
		out = out[:strings.LastIndex(out[:limit-len(footer)-noteRoom], "\n")+1] +
			"\n> [!WARNING]\n> Cut to stay under GitHub's limit. Run `infra preview` for the full output.\n"
	}
	return out + footer
}

func mdStatus(s *engine.StackResult) string {
	switch s.Status {
	case engine.Succeeded:
		if s.HasChanges() {
			return "changes"
		}
		return "no changes"
	case engine.Failed:
		return "❌ failed"
	case engine.Skipped:
		return "⏭ skipped"
	case engine.Canceled:
		return "canceled"
	case engine.NotStarted:
		return "not started"
	}
	return string(s.Status)
}

// attentionMarkdown lists failures, replacements, deletions and warnings.
func attentionMarkdown(b *strings.Builder, r *engine.Result) {
	if failed := r.With(engine.Failed); len(failed) > 0 {
		fmt.Fprintf(b, "\n#### ❌ Failed\n\n")
		for _, name := range failed {
			fmt.Fprintf(b, "- `%s`: %s\n", name, mdEscape(errText(r.Stack(name).Err)))
		}
	}
	if skipped := r.With(engine.Skipped); len(skipped) > 0 {
		fmt.Fprintf(b, "\n#### Skipped (a stack they depend on did not succeed)\n\n")
		for _, name := range skipped {
			fmt.Fprintf(b, "- `%s` (after `%s`)\n", name, strings.Join(r.Stack(name).Blocked, "`, `"))
		}
	}
	for _, c := range []engine.Change{engine.Replace, engine.Delete} {
		var lines []string
		for _, s := range r.Stacks {
			for _, st := range s.StepsOf(c) {
				lines = append(lines, fmt.Sprintf("- `%s` `%s` **%s**%s", s.Name, st.Type, st.Name, mdEscape(diffNote(&st))))
			}
		}
		if len(lines) == 0 {
			continue
		}
		if c == engine.Replace {
			fmt.Fprintf(b, "\n#### ⚠️ Replacements (deleted and created again: new ids, possible downtime)\n\n")
		} else {
			fmt.Fprintf(b, "\n#### ⚠️ Deletions\n\n")
		}
		fmt.Fprintln(b, strings.Join(lines, "\n"))
	}
	var warns []string
	for _, s := range r.Stacks {
		for _, d := range s.Diagnostics {
			if d.Severity == "warning" {
				warns = append(warns, fmt.Sprintf("- `%s`: %s", s.Name, mdEscape(d.Message)))
			}
		}
	}
	if len(warns) > 0 {
		fmt.Fprintf(b, "\n#### Warnings\n\n%s\n", strings.Join(warns, "\n"))
	}
}

// stackDetails is one stack's collapsible list of changes.
func stackDetails(s *engine.StackResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary><code>%s</code>: %s</summary>\n\n", s.Name, changeList(engine.Preview, s.Changes, nil))
	if len(s.Steps) > 0 {
		fmt.Fprintln(&b, "```diff")
		for _, st := range s.Steps {
			line := fmt.Sprintf("%s %s %s%s", diffSign(st.Change), st.Type, st.Name, diffNote(&st))
			fmt.Fprintln(&b, strings.ReplaceAll(line, "```", "'''"))
		}
		fmt.Fprintln(&b, "```")
	}
	for _, d := range s.Diagnostics {
		fmt.Fprintf(&b, "\n%s: %s\n", d.Severity, mdEscape(d.Message))
	}
	fmt.Fprintln(&b, "\n</details>")
	return b.String()
}

// diffSign is the first column of a ```diff block: + and - colour there.
func diffSign(c engine.Change) string {
	switch c {
	case engine.Create:
		return "+"
	case engine.Delete:
		return "-"
	case engine.Replace:
		return "-+"
	}
	return "~"
}

// mdEscape keeps a message from breaking the markdown around it.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "<", "&lt;")
	return strings.ReplaceAll(s, "|", "\\|")
}
