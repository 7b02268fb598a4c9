package ui

import (
	"fmt"
	"sort"
	"strings"

	"infra/engine"
)

type typeCount struct {
	typ string
	n   map[engine.Change]int
}

// typeCounts counts a stack's changes per resource type, types sorted.
func typeCounts(s *engine.StackResult) []typeCount {
	by := map[string]map[engine.Change]int{}
	for _, st := range s.Steps {
		if st.Change == engine.Same || st.Failed {
			continue
		}
		if by[st.Type] == nil {
			by[st.Type] = map[engine.Change]int{}
		}
		by[st.Type][st.Change]++
	}
	out := make([]typeCount, 0, len(by))
	for t, n := range by {
		out = append(out, typeCount{t, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].typ < out[j].typ })
	return out
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

// stackDetails is one stack's collapsible list of changes, in a ```diff
// block that GitHub colours by the first column: + green, - red, !
// orange. Each update and replacement is followed by the old → new value
// of every property it changes, long values as a diff of their text.
func stackDetails(s *engine.StackResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary><code>%s</code>: %s</summary>\n\n", s.Name, changeList(engine.Preview, s.Changes, nil))
	if len(s.Steps) > 0 {
		fmt.Fprintln(&b, "```diff")
		for _, st := range s.Steps {
			line := fmt.Sprintf("%s %s %s%s", diffSign(st.Change), st.Type, st.Name, diffNote(&st))
			fmt.Fprintln(&b, strings.ReplaceAll(line, "```", "'''"))
			for _, l := range stepValues(&st) {
				fmt.Fprintln(&b, strings.ReplaceAll(l.sign+" "+l.text, "```", "'''"))
			}
		}
		fmt.Fprintln(&b, "```")
	}
	for _, d := range s.Diagnostics {
		fmt.Fprintf(&b, "\n%s: %s\n", d.Severity, mdEscape(d.Message))
	}
	fmt.Fprintln(&b, "\n</details>")
	return b.String()
}

// diffSign is the first column of a ```diff line, then a word
// (changeWords).
func diffSign(c engine.Change) string {
	if w := changeWords[c].diff; w != "" {
		return w
	}
	return "  " + fmt.Sprintf("%-7s", c)
}

// diagramLegend says what the diagram's marks mean, when a preview marked
// some.
func diagramLegend(r *engine.Result) string {
	if r == nil {
		return ""
	}
	m := MarksOf(r)
	if len(m.Added)+len(m.Changed)+len(m.Removed) == 0 {
		return ""
	}
	return " (green: added, orange: changed, red dashed: removed)"
}

// MarksOf is what a preview does to each region, for the diagram.
func MarksOf(r *engine.Result) GraphMarks {
	m := GraphMarks{Added: map[string]bool{}, Changed: map[string]bool{}}
	for _, s := range r.Stacks {
		switch {
		case s.Removed:
			m.Removed = append(m.Removed, s.Name)
		case s.Unchanged == 0 && s.Changes[engine.Create] > 0 && s.Total() == s.Changes[engine.Create]:
			m.Added[s.Name] = true
		case s.Total() > 0:
			m.Changed[s.Name] = true
		}
	}
	return m
}

// mdEscape keeps a message from breaking the markdown around it.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "<", "&lt;")
	return strings.ReplaceAll(s, "|", "\\|")
}
