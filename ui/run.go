package ui

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"

	"infra/engine"
)

// RunView renders the outcome of an engine run.
type RunView interface {
	// Result renders a run's outcome; an up also lists the outputs.
	Result(r *engine.Result) error
}

// RunOptions adjust a RunView.
type RunOptions struct {
	// ShowSecrets prints secret outputs instead of Redacted.
	ShowSecrets bool
	// Outputs lists each stack's outputs after the summary.
	Outputs bool
	// Diff lists the old and new value of every changed property.
	Diff bool
	// Then is the operation the same command runs after this preview, on
	// confirmation (up after a preview, refresh after a refresh preview):
	// the closing line says so instead of naming the command to run.
	Then engine.Operation
	// Bundle is the plan bundle the preview wrote (preview --out): the
	// closing line says to apply it, not to run a fresh up.
	Bundle string
	// Cost is the change in the monthly estimate a preview makes; the JSON
	// view carries it (the human view prints CostChangeTable).
	Cost *CostChange
}

// NewRunView returns the human or JSON view of a run's outcome.
func NewRunView(io *IO, asJSON bool, opts RunOptions) RunView {
	if asJSON {
		return &runJSON{w: io.Out, opts: opts}
	}
	return &runHuman{w: io.Out, t: NewTheme(io.Out, io.Color), opts: opts}
}

type runHuman struct {
	w    io.Writer
	t    Theme
	opts RunOptions
}

// Result prints the summary table, then what needs attention: failures,
// replacements and deletions, drift, warnings; then the outputs if asked.
func (v *runHuman) Result(r *engine.Result) error {
	w, t := v.w, v.t
	fmt.Fprintln(w)
	if r.Simulated {
		fmt.Fprintln(w, t.Warning.Render(SimulatedBanner))
	}
	totals := r.Totals()
	summary := changeList(r.Operation, totals, nil)
	if failed := len(r.With(engine.Failed)); failed > 0 {
		if summary == changeList(r.Operation, nil, nil) {
			summary = "nothing changed"
		}
		summary += fmt.Sprintf(", %s failed", plural(failed, "stack"))
	}
	if r.Interrupted {
		if summary == changeList(r.Operation, nil, nil) {
			summary = "nothing changed"
		}
		summary += ", interrupted"
	}
	title := fmt.Sprintf("%s of %s: %s", opTitle(r.Operation), r.Project, summary)
	fmt.Fprintln(w, t.Bold.Render(title))
	fmt.Fprintln(w)
	v.table(r)
	v.attention(r)
	if v.opts.Diff {
		v.values(r)
	}
	if v.opts.Outputs {
		v.outputs(r)
	}
	v.verdict(r)
	return nil
}

// opTitles head a run's summary.
var opTitles = map[engine.Operation]string{engine.Preview: "Preview", engine.Up: "Update",
	engine.Refresh: "Refresh", engine.PreviewRefresh: "Refresh preview", engine.Destroy: "Destroy"}

func opTitle(op engine.Operation) string {
	if t, ok := opTitles[op]; ok {
		return t
	}
	return string(op)
}

// table is one row per stack: its counts per change and its status.
func (v *runHuman) table(r *engine.Result) {
	cols := []engine.Change{engine.Create, engine.Update, engine.Replace, engine.Delete}
	heads := []string{"CREATE", "UPDATE", "REPLACE", "DELETE"}
	if r.Operation.Refreshes() {
		cols, heads = []engine.Change{engine.Update, engine.Delete}, []string{"DRIFTED", "GONE"}
	}
	if r.Operation == engine.Destroy {
		cols, heads = []engine.Change{engine.Delete}, []string{"DELETE"}
	}
	width := len("STACK")
	label := func(s *engine.StackResult) string {
		if s.Removed {
			return s.Name + " (removed)"
		}
		return s.Name
	}
	for _, s := range r.Stacks {
		width = max(width, len(label(s)))
	}
	sameHead := "UNCHANGED"
	// A terminal narrower than the table would wrap its last column
	// (STATU/S at 72 columns): shorter headings then.
	full := width + len("  ") + len(sameHead) + len("  ") + len("not started")
	for _, h := range heads {
		full += len("  ") + len(h)
	}
	if v.t.Width > 0 && full > v.t.Width-1 {
		for i, h := range heads {
			heads[i] = compactHeads[h]
		}
		sameHead = "SAME"
	}
	row := func(name string, cells []string, same, status string) {
		var b strings.Builder
		fmt.Fprintf(&b, "%-*s", width, name)
		for i, c := range cells {
			// Pad by characters: "·" is one column but two bytes.
			b.WriteString("  " + strings.Repeat(" ", max(0, len(heads[i])-utf8.RuneCountInString(c))) + c)
		}
		fmt.Fprintf(&b, "  %*s  %s", len(sameHead), same, status)
		fmt.Fprintln(v.w, strings.TrimRight(b.String(), " "))
	}
	row("STACK", heads, sameHead, "STATUS")
	totals := map[engine.Change]int{}
	unchanged := 0
	for _, s := range r.Stacks {
		var cells []string
		for _, c := range cols {
			cells = append(cells, cell(s.Changes[c]))
			totals[c] += s.Changes[c]
		}
		unchanged += s.Unchanged
		same := fmt.Sprint(s.Unchanged)
		if s.Status != engine.Succeeded && s.Status != engine.Failed {
			// It did not run: how many stay unchanged is not known.
			same = "—"
		}
		row(label(s), cells, same, v.status(s))
	}
	var cells []string
	for _, c := range cols {
		cells = append(cells, cell(totals[c]))
	}
	row("total", cells, fmt.Sprint(unchanged), "")
}

// compactHeads are the summary's headings on a narrow terminal.
var compactHeads = map[string]string{"CREATE": "NEW", "UPDATE": "UPD", "REPLACE": "REPL", "DELETE": "DEL", "DRIFTED": "DRIFT", "GONE": "GONE"}

func cell(n int) string {
	if n == 0 {
		return "·"
	}
	return fmt.Sprint(n)
}

// statusWords are a stack's status in the summary table, with the style
// of each.
var statusWords = map[engine.Status]struct {
	word  string
	style func(Theme) lipgloss.Style
}{
	engine.Succeeded:  {"ok", func(t Theme) lipgloss.Style { return t.OK }},
	engine.Failed:     {"FAILED", func(t Theme) lipgloss.Style { return t.Error }},
	engine.Skipped:    {"skipped", func(t Theme) lipgloss.Style { return t.Warning }},
	engine.Canceled:   {"canceled", func(t Theme) lipgloss.Style { return t.Warning }},
	engine.NotStarted: {"not started", func(t Theme) lipgloss.Style { return t.Warning }},
	engine.Absent:     {"not deployed", func(t Theme) lipgloss.Style { return t.Dim }},
}

func (v *runHuman) status(s *engine.StackResult) string {
	if w, ok := statusWords[s.Status]; ok {
		return w.style(v.t).Render(w.word)
	}
	return string(s.Status)
}

// attention lists what a reviewer must not miss.
func (v *runHuman) attention(r *engine.Result) {
	w, t := v.w, v.t
	section := func(title string) { fmt.Fprintf(w, "\n%s\n", t.Bold.Render(title)) }
	if failed := r.With(engine.Failed); len(failed) > 0 {
		section("Failed:")
		for _, name := range failed {
			fmt.Fprintf(w, "  %s %s: %s\n", t.Error.Render("✗"), name, errText(r.Stack(name).Err))
		}
	}
	if removed := RemovedStacks(r); len(removed) > 0 && r.Operation != engine.Refresh {
		section(t.Delete.Render("Removed from the topology") + fmt.Sprintf(" (%s):", removedVerb(r.Operation)))
		for _, s := range removed {
			fmt.Fprintf(w, "  %s %s: %s\n", t.Delete.Render("-"), s.Name, RemovedCount(r.Operation, s))
		}
	}
	if skipped := r.With(engine.Skipped); len(skipped) > 0 {
		section("Skipped, because a stack they depend on did not succeed:")
		for _, name := range skipped {
			s := r.Stack(name)
			fmt.Fprintf(w, "  %s %s (after %s)%s\n", t.Warning.Render("−"), name, strings.Join(s.Blocked, ", "), wouldHave(r.Operation, s))
		}
	}
	if canceled := r.With(engine.Canceled); len(canceled) > 0 {
		section("Interrupted while running:")
		for _, name := range canceled {
			fmt.Fprintf(w, "  %s %s: %s\n", t.Warning.Render("−"), name, errText(r.Stack(name).Err))
		}
	}
	if notStarted := r.With(engine.NotStarted); len(notStarted) > 0 {
		section("Not started (the run was interrupted first):")
		for _, name := range notStarted {
			fmt.Fprintf(w, "  %s %s%s\n", t.Warning.Render("−"), name, wouldHave(r.Operation, r.Stack(name)))
		}
	}
	v.unfinished(r)
	switch r.Operation {
	case engine.Refresh, engine.PreviewRefresh:
		drift := false
		for _, s := range r.Stacks {
			for _, st := range s.Steps {
				if !drift {
					section("Drift (changed outside infra; `infra up` puts it back):")
					drift = true
				}
				what := "gone"
				if st.Change == engine.Update {
					what = "changed: " + strings.Join(st.Diffs, ", ")
				}
				fmt.Fprintf(w, "  %s %s %s %s: %s\n", t.change(st.Change, sign(st.Change)), s.Name, st.Type, st.Name, what)
			}
		}
		if !drift {
			fmt.Fprintf(w, "\n%s\n", t.OK.Render("No drift: every resource is as the state says."))
		}
	case engine.Destroy:
	default:
		for _, c := range []engine.Change{engine.Replace, engine.Delete} {
			first := true
			for _, s := range r.Stacks {
				for _, st := range s.StepsOf(c) {
					if st.Failed || st.Incomplete {
						continue // listed under "Not done"
					}
					if first {
						if c == engine.Replace {
							section(t.Replace.Render("Replacements") + " (deleted and created again: new ids, possible downtime):")
						} else {
							section(t.Delete.Render("Deletions") + ":")
						}
						first = false
					}
					fmt.Fprintf(w, "  %s %s %s %s%s\n", t.change(c, sign(c)), s.Name, st.Type, st.Name, t.Dim.Render(diffNote(&st)))
				}
			}
		}
	}
	var warns []string
	for _, s := range r.Stacks {
		for _, d := range s.Diagnostics {
			if d.Severity == "warning" {
				warns = append(warns, s.Name+": "+d.Message)
			}
		}
	}
	if len(warns) > 0 {
		section("Warnings:")
		for _, m := range warns {
			fmt.Fprintf(w, "  %s %s\n", t.Warning.Render("!"), m)
		}
	}
}

// values lists, under --diff, every update and replacement with the old and
// new value of each property it changes.
func (v *runHuman) values(r *engine.Result) {
	w, t := v.w, v.t
	first := true
	for _, s := range r.Stacks {
		for _, st := range s.Steps {
			lines := stepValues(&st)
			if len(lines) == 0 {
				continue
			}
			if first {
				fmt.Fprintf(w, "\n%s\n", t.Bold.Render("Changed values (old → new):"))
				first = false
			}
			fmt.Fprintf(w, "  %s %s %s %s\n", t.change(st.Change, sign(st.Change)), s.Name, st.Type, st.Name)
			for _, l := range lines {
				mark := l.sign
				switch l.sign {
				case "+":
					mark = t.Create.Render("+")
				case "-":
					mark = t.Delete.Render("-")
				case "!":
					mark = t.Update.Render("~")
				}
				fmt.Fprintf(w, "  %s %s\n", mark, l.text)
			}
		}
	}
}

// RemovedStacks lists the stacks of r that the topology no longer has.
func RemovedStacks(r *engine.Result) []*engine.StackResult {
	var out []*engine.StackResult
	for _, s := range r.Stacks {
		if s.Removed {
			out = append(out, s)
		}
	}
	return out
}

// RemovedCount says what happens to a removed stack's resources.
func RemovedCount(op engine.Operation, s *engine.StackResult) string {
	n := s.Changes[engine.Delete]
	if op == engine.Preview {
		return fmt.Sprintf("%d to delete, then the stack is removed", n)
	}
	if s.Status == engine.Succeeded {
		return fmt.Sprintf("%d deleted, stack removed", n)
	}
	return fmt.Sprintf("%d deleted, stack kept (%s)", n, s.Status)
}

func removedVerb(op engine.Operation) string {
	if op == engine.Preview {
		return "`infra up` destroys these stacks after the stacks that read from them have updated"
	}
	return "their resources are destroyed and the stacks removed from the backend"
}

// wouldHave says what a stack that did not run had planned.
func wouldHave(op engine.Operation, s *engine.StackResult) string {
	if len(s.Planned) == 0 {
		return ""
	}
	return ": would have " + changeList(op, s.Planned, nil)
}

// unfinished lists the steps that failed or were cut short: they are not in
// the counts, and a reviewer must know they did not happen.
func (v *runHuman) unfinished(r *engine.Result) {
	w, t := v.w, v.t
	first := true
	for _, s := range r.Stacks {
		for _, st := range s.Steps {
			if !st.Failed && !st.Incomplete {
				continue
			}
			if first {
				fmt.Fprintf(w, "\n%s\n", t.Bold.Render("Not done (not counted above):"))
				first = false
			}
			what := "failed"
			if !st.Failed {
				what = "did not finish"
			}
			fmt.Fprintf(w, "  %s %s %s %s: %s %s\n", t.Error.Render("✗"), s.Name, st.Type, st.Name, st.Change, what)
		}
	}
}

// outputs lists each stack's outputs, secrets masked unless asked for.
func (v *runHuman) outputs(r *engine.Result) {
	w, t := v.w, v.t
	shown := false
	for _, s := range r.Stacks {
		if len(s.Outputs) == 0 {
			continue
		}
		if !shown {
			fmt.Fprintf(w, "\n%s\n", t.Bold.Render("Outputs:"))
			shown = true
		}
		fmt.Fprintf(w, "  %s\n", t.Accent.Render(s.Name))
		writeOutputs(w, t, "    ", s.Outputs, v.opts.ShowSecrets)
	}
}

// verdict is the last line: what happened, and what to do next.
func (v *runHuman) verdict(r *engine.Result) {
	w, t := v.w, v.t
	fmt.Fprintln(w)
	if err := r.Err(); err != nil {
		fmt.Fprintf(w, "%s %s\n", t.Error.Render("✗"), err)
		if r.Interrupted {
			fmt.Fprintf(w, "  %s\n", t.Dim.Render(fmt.Sprintf("rerun `infra %s` to complete it", r.Operation)))
		}
		return
	}
	sim := ""
	if r.Simulated {
		sim = " [SIMULATED]"
	}
	// The verdict is a head, the simulation mark, then what comes next.
	head, next := string(r.Operation)+" done", fmt.Sprintf(" (%.1fs)", r.Duration.Seconds())
	switch {
	case r.Operation == engine.Preview && !r.HasChanges():
		head, next = "no changes", ": the clouds match the topology"
	case r.Operation == engine.PreviewRefresh && !r.HasChanges():
		head, next = "no drift", ": the state is unchanged"
	case r.Operation == engine.Preview:
		head, next = "preview done", ": run `infra up` to apply"
		if v.opts.Bundle != "" {
			next = ": run `infra up --plan " + v.opts.Bundle + "` to apply exactly this"
		}
		if v.opts.Then == engine.Up {
			next = ": these are the changes up makes next"
		}
	case r.Operation == engine.PreviewRefresh:
		head, next = "refresh preview done", ": the state is unchanged; `infra refresh` writes the drift into it, `infra up` puts the clouds back"
		if v.opts.Then == engine.Refresh {
			next = ": confirm to write this drift into the state"
		}
	}
	fmt.Fprintf(w, "%s %s%s%s\n", t.OK.Render("✓"), head, sim, next)
}
