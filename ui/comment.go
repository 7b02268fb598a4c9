package ui

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"infra/engine"
	"infra/topology"
)

// GitHubCommentLimit is the most characters GitHub takes in a comment body.
const GitHubCommentLimit = 65536

// commentMarkerPrefix starts every marker; a workflow that finds a comment
// of infra starting with it but with another key (the marker of an older
// release, keyed by project name) replaces that comment too.
const commentMarkerPrefix = "<!-- infra-preview:"

// CommentMarker starts every preview comment, hidden, so a workflow can find
// the comment it posted before and update it instead of adding another. It
// is keyed by the topology file, which is known on every outcome, even when
// the file cannot be read, so that a failure replaces the comment of the
// previous commit instead of leaving it looking current.
func CommentMarker(file string) string {
	return commentMarkerPrefix + "file=" + filepath.ToSlash(filepath.Clean(file)) + " -->"
}

// Comment is what a pull-request comment of a preview holds. Exactly one
// of Preview, Invalid and Failure says what happened.
type Comment struct {
	// File is the topology file: the marker's key, and the title when the
	// topology could not be read.
	File string
	// Preview is the engine's preview; nil when it did not run.
	Preview *engine.Result
	// Invalid are the diagnostics of a topology that failed to load or
	// violates a mandatory guardrail: nothing was previewed.
	Invalid topology.Diagnostics
	// Failure says why the preview did not run on a valid topology (a
	// lock, a backend that cannot be read).
	Failure string
	// Guardrails is the guardrail check of the same topology; nil when not
	// checked.
	Guardrails *GuardrailReport
	// Cost is the change in the monthly estimate; nil when not estimated.
	Cost *CostChange
	// Mermaid is the topology diagram as a ```mermaid block; "" for none.
	Mermaid string
	// Commit is the commit previewed and RunURL the CI run that previewed
	// it; "" when unknown.
	Commit, RunURL string
	// FullPreview is the name of the file that holds the whole preview
	// (see RenderFullPreview), which CI uploads as an artifact of the run;
	// "" when there is none.
	FullPreview string
	// Limit is the size to stay under; 0 means GitHubCommentLimit.
	Limit int
}

// RenderComment writes the outcome of a preview as a markdown comment:
//   - the marker, a title saying how it went, the commit and run;
//   - when nothing was previewed, why: the diagnostics as the terminal
//     shows them (file:line, the line with a caret, the hint), or the error;
//   - a summary table with the changed stacks first and the unchanged ones
//     folded into one row, then what needs attention (failures,
//     replacements with their forcing values, deletions, warnings) and the
//     guardrail results: this head is never cut;
//   - the topology diagram, with added, changed and removed regions marked,
//     and a collapsible section per changed stack with every change and the
//     old → new values.
//
// When the whole would pass the limit, the diagram goes first, then the
// largest stack sections; a note at the top names each stack cut with its
// changes per resource type, and points at the full preview.
func RenderComment(c Comment) string {
	limit := c.Limit
	if limit <= 0 {
		limit = GitHubCommentLimit
	}
	head := commentHead(c)
	footer := "\n<sub>Posted by `infra preview --comment`; it is updated in place on every push.</sub>\n"

	var sections []commentSection
	if r := c.Preview; r != nil {
		for _, s := range orderedStacks(r) {
			if len(s.Steps) == 0 && len(s.Diagnostics) == 0 {
				continue
			}
			sections = append(sections, commentSection{stack: s, text: stackDetails(s)})
		}
	}
	diagram := ""
	if c.Mermaid != "" {
		diagram = "\n<details><summary>Topology" + diagramLegend(c.Preview) + "</summary>\n\n" + strings.TrimRight(c.Mermaid, "\n") + "\n\n</details>\n"
	}

	// What to leave out: nothing if it all fits; else the diagram, then
	// the largest sections, until it fits with the note that says so.
	kept := make([]bool, len(sections))
	for i := range kept {
		kept[i] = true
	}
	withDiagram := diagram != ""
	assemble := func() string {
		var b strings.Builder
		b.WriteString(head.top)
		b.WriteString(cutNote(c, sections, kept, diagram != "" && !withDiagram))
		b.WriteString(head.rest)
		if withDiagram {
			b.WriteString(diagram)
		}
		for i, s := range sections {
			if kept[i] {
				b.WriteString(s.text)
			}
		}
		return b.String()
	}
	out := assemble()
	if len(out)+len(footer) > limit && withDiagram {
		withDiagram = false
		out = assemble()
	}
	bySize := make([]int, len(sections))
	for i := range bySize {
		bySize[i] = i
	}
	sort.SliceStable(bySize, func(a, b int) bool { return len(sections[bySize[a]].text) > len(sections[bySize[b]].text) })
	for _, i := range bySize {
		if len(out)+len(footer) <= limit {
			break
		}
		kept[i] = false
		out = assemble()
	}
	if len(out)+len(footer) > limit {
		// Even the head is too long (thousands of stacks): cut hard, at a
		// line boundary.
		const noteRoom = 300
		out = head.top + head.rest
		out = out[:strings.LastIndex(out[:limit-len(footer)-noteRoom], "\n")+1] +
			"\n> [!WARNING]\n> Cut to stay under GitHub's limit" + fullPreviewPointer(c) + "\n"
	}
	return out + footer
}

// RenderFullPreview is the comment with nothing cut, for a file the
// workflow uploads as an artifact when the comment itself had to be cut.
func RenderFullPreview(c Comment) string {
	c.Limit = math.MaxInt
	return RenderComment(c)
}

type commentSection struct {
	stack *engine.StackResult
	text  string
}

// head is the part of a comment that is never cut, in two pieces: the cut
// note goes between them, at the top where a reviewer sees it.
type head struct{ top, rest string }

func commentHead(c Comment) head {
	var top, rest strings.Builder
	r := c.Preview
	fmt.Fprintln(&top, CommentMarker(c.File))
	name := c.File
	if r != nil && r.Project != "" {
		name = r.Project
	}
	title := fmt.Sprintf("### infra preview: `%s`", name)
	switch {
	case len(c.Invalid) > 0:
		title = fmt.Sprintf("### ❌ infra preview: `%s` is invalid", c.File)
		if mandatoryViolation(c.Invalid) {
			title = fmt.Sprintf("### ❌ infra preview: `%s` violates a mandatory guardrail", c.File)
		}
	case c.Failure != "":
		title = fmt.Sprintf("### ❌ infra preview of `%s` failed", name)
	case r != nil && r.Err() != nil:
		title = fmt.Sprintf("### ❌ infra preview of `%s` is incomplete", name)
	}
	if r != nil && r.Simulated {
		title += " — SIMULATED"
	}
	fmt.Fprintln(&top, title)
	fmt.Fprintln(&top)
	if ctx := commentContext(c); ctx != "" {
		fmt.Fprintf(&top, "<sub>%s</sub>\n\n", ctx)
	}
	if r != nil && r.Simulated {
		fmt.Fprintf(&top, "> [!NOTE]\n> %s. Nothing here was checked against a real cloud.\n\n", SimulatedBanner)
	}
	switch {
	case len(c.Invalid) > 0:
		errs, warns := count(c.Invalid)
		fmt.Fprintf(&top, "> [!CAUTION]\n> Nothing was previewed: %s%s in `%s`. `infra up` refuses this topology; fix it, then push again.\n\n",
			plural(errs, "error"), andWarnings(warns), c.File)
		fmt.Fprintln(&top, "```text")
		var b bytes.Buffer
		t := NewTheme(&b, false)
		for _, d := range c.Invalid {
			RenderDiagnostic(&b, t, d)
		}
		fmt.Fprint(&top, strings.ReplaceAll(strings.TrimRight(b.String(), "\n"), "```", "'''")+"\n")
		fmt.Fprintln(&top, "```")
	case c.Failure != "":
		fmt.Fprintf(&top, "> [!CAUTION]\n> Nothing was previewed: the engine could not start.\n\n```text\n%s\n```\n",
			strings.ReplaceAll(strings.TrimSpace(c.Failure), "```", "'''"))
	}
	if r == nil {
		return head{top: top.String(), rest: rest.String()}
	}
	fmt.Fprintf(&top, "**%s** across %s.\n\n", changeList(engine.Preview, r.Totals(), nil), plural(len(r.Stacks), "stack"))
	if removed := RemovedStacks(r); len(removed) > 0 {
		fmt.Fprintf(&rest, "> [!WARNING]\n> **Removed from the topology**: `infra up` destroys these stacks after the stacks that read from them have updated:\n")
		for _, s := range removed {
			fmt.Fprintf(&rest, "> - `%s`: %s\n", s.Name, RemovedCount(engine.Preview, s))
		}
		fmt.Fprintln(&rest)
	}
	summaryTable(&rest, r)
	costChangeMarkdown(&rest, c.Cost)
	attentionMarkdown(&rest, r)
	if c.Guardrails != nil {
		// The same section `infra guardrails check --format markdown` writes.
		_ = (&guardrailsMarkdown{w: &rest}).Report(*c.Guardrails)
		if c.Guardrails.Failed() {
			fmt.Fprintln(&rest, "\n`infra up` refuses to deploy while a mandatory guardrail is violated.")
		}
	}
	return head{top: top.String(), rest: rest.String()}
}

// mandatoryViolation reports whether the errors of a topology include a
// mandatory guardrail's.
func mandatoryViolation(ds topology.Diagnostics) bool {
	for _, d := range ds {
		if d.Severity == topology.Error && strings.Contains(d.Message, "guardrail") {
			return true
		}
	}
	return false
}

// commentContext is the commit and the CI run, so that a reviewer knows
// which push a comment speaks of.
func commentContext(c Comment) string {
	var parts []string
	if c.Commit != "" {
		short := c.Commit
		if len(short) > 12 {
			short = short[:12]
		}
		parts = append(parts, "commit `"+short+"`")
	}
	if c.RunURL != "" {
		parts = append(parts, "[CI run]("+c.RunURL+")")
	}
	return strings.Join(parts, " · ")
}

// orderedStacks lists the stacks that change or need attention first, in
// graph order, then the rest.
func orderedStacks(r *engine.Result) []*engine.StackResult {
	var first, rest []*engine.StackResult
	for _, s := range r.Stacks {
		if quiet(s) {
			rest = append(rest, s)
		} else {
			first = append(first, s)
		}
	}
	return append(first, rest...)
}

// quiet is a stack a reviewer can skip: it succeeded with no change.
func quiet(s *engine.StackResult) bool {
	return s.Status == engine.Succeeded && !s.HasChanges() && !s.Removed && len(s.Diagnostics) == 0
}

// summaryTable is one row per stack that changes or did not succeed, and
// one row for all the stacks with nothing to do.
func summaryTable(b *strings.Builder, r *engine.Result) {
	fmt.Fprintln(b, "| Stack | Create | Update | Replace | Delete | Unchanged | Status |")
	fmt.Fprintln(b, "|---|--:|--:|--:|--:|--:|---|")
	var quietNames []string
	quietUnchanged := 0
	for _, s := range orderedStacks(r) {
		if quiet(s) {
			quietNames = append(quietNames, "`"+s.Name+"`")
			quietUnchanged += s.Unchanged
			continue
		}
		name := "`" + s.Name + "`"
		if s.Removed {
			name += " (removed)"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %d | %s |\n", name,
			cell(s.Changes[engine.Create]), cell(s.Changes[engine.Update]), cell(s.Changes[engine.Replace]),
			cell(s.Changes[engine.Delete]), s.Unchanged, mdStatus(s))
	}
	if len(quietNames) > 0 {
		fmt.Fprintf(b, "| %s with no changes: %s | · | · | · | · | %d | no changes |\n",
			plural(len(quietNames), "stack"), strings.Join(quietNames, ", "), quietUnchanged)
	}
}

// cutNote is the warning at the top of a cut comment: which stacks' details
// were left out, with their changes per resource type, and where the full
// preview is.
func cutNote(c Comment, sections []commentSection, kept []bool, diagramCut bool) string {
	var cut []*engine.StackResult
	for i, s := range sections {
		if !kept[i] {
			cut = append(cut, s.stack)
		}
	}
	if len(cut) == 0 && !diagramCut {
		return ""
	}
	var what []string
	if len(cut) > 0 {
		names := make([]string, len(cut))
		for i, s := range cut {
			names[i] = fmt.Sprintf("`%s` (%s)", s.Name, changeList(engine.Preview, s.Changes, nil))
		}
		what = append(what, "the details of "+strings.Join(names, ", "))
	}
	if diagramCut {
		what = append(what, "the topology diagram")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> [!WARNING]\n> Cut to stay under GitHub's %d-character limit: %s left out%s\n\n",
		GitHubCommentLimit, strings.Join(what, " and "), fullPreviewPointer(c))
	if len(cut) > 0 {
		fmt.Fprintln(&b, "<details><summary>Changes per resource type in the stacks left out</summary>")
		fmt.Fprintln(&b)
		fmt.Fprintln(&b, "| Stack | Type | Create | Update | Replace | Delete |")
		fmt.Fprintln(&b, "|---|---|--:|--:|--:|--:|")
		for _, s := range cut {
			for _, tc := range typeCounts(s) {
				fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s | %s |\n", s.Name, tc.typ,
					cell(tc.n[engine.Create]), cell(tc.n[engine.Update]), cell(tc.n[engine.Replace]), cell(tc.n[engine.Delete]))
			}
		}
		fmt.Fprintln(&b, "\n</details>")
		fmt.Fprintln(&b)
	}
	return b.String()
}

// fullPreviewPointer says where the whole preview is: reviewers cannot run
// `infra preview` themselves (it needs the state's passphrase and cloud
// credentials).
func fullPreviewPointer(c Comment) string {
	switch {
	case c.FullPreview != "" && c.RunURL != "":
		return fmt.Sprintf(". The full preview, `%s`, is an artifact of [this CI run](%s).", filepath.Base(c.FullPreview), c.RunURL)
	case c.FullPreview != "":
		return fmt.Sprintf(". The full preview is in `%s`.", filepath.Base(c.FullPreview))
	}
	return ". Run `infra preview --diff` for the full output."
}
