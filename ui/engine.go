package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"

	"infra/engine"
	"infra/stacks"
)

// Redacted is how a secret output is shown unless secrets are asked for.
const Redacted = "[secret]"

// SimulatedBanner is the line every screen of a simulated run carries.
const SimulatedBanner = "SIMULATED: no cloud is touched; providers run in-process (provider/sim)"

// ProgressView shows an engine run as it happens.
type ProgressView interface {
	// Event is the engine's progress callback.
	Event(ev engine.Event)
	// Start announces a run of op over the named stacks.
	Start(op engine.Operation, project string, names []string, simulated bool)
	// Stop ends the run's live display.
	Stop()
	// Note prints a line for the user, such as what an interrupt does:
	// above the live display while there is one, so it stays on screen.
	Note(line string)
}

// NewProgressView returns a live view with a line per stack when stderr is
// a terminal, and plain lines (one per stack start and end and per changed
// resource) otherwise, as CI logs want.
func NewProgressView(io *IO) ProgressView {
	t := NewTheme(io.Err, io.Color)
	if io.ErrTTY {
		cols := 0
		if f, ok := io.Err.(*os.File); ok {
			cols = termWidth(f)
		}
		if cols <= 0 {
			cols = 80
		}
		return &liveProgress{w: io.Err, t: t, lines: map[string]*liveLine{}, now: time.Now, cols: cols}
	}
	return &plainProgress{w: io.Err, t: t}
}

// opVerbs are how a change reads in a run of each operation.
func doing(op engine.Operation, c engine.Change) string {
	if op == engine.Preview {
		switch c {
		case engine.Create:
			return "to create"
		case engine.Update:
			return "to update"
		case engine.Replace:
			return "to replace"
		case engine.Delete:
			return "to delete"
		}
		return "to " + string(c)
	}
	if op.Refreshes() {
		switch c {
		case engine.Update:
			return "drifted"
		case engine.Delete:
			return "gone"
		}
	}
	switch c {
	case engine.Create:
		return "created"
	case engine.Update:
		return "updated"
	case engine.Replace:
		return "replaced"
	case engine.Delete:
		return "deleted"
	case engine.Read:
		return "read"
	case engine.Import:
		return "imported"
	}
	return string(c)
}

func sign(c engine.Change) string {
	switch c {
	case engine.Create:
		return "+"
	case engine.Update:
		return "~"
	case engine.Replace:
		return "+-"
	case engine.Delete:
		return "-"
	}
	return " "
}

func (t Theme) change(c engine.Change, s string) string {
	switch c {
	case engine.Create:
		return t.Create.Render(s)
	case engine.Update:
		return t.Update.Render(s)
	case engine.Replace:
		return t.Replace.Render(s)
	case engine.Delete:
		return t.Delete.Render(s)
	}
	return s
}

// changeList says "45 created, 2 updated" for a stack's counts; "no
// changes" for none.
func changeList(op engine.Operation, counts map[engine.Change]int, t *Theme) string {
	var parts []string
	for _, c := range engine.Changes {
		if n := counts[c]; n > 0 {
			s := fmt.Sprintf("%d %s", n, doing(op, c))
			if t != nil {
				s = t.change(c, s)
			}
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		if op.Refreshes() {
			return "no drift"
		}
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// header is the first line of a run.
func header(op engine.Operation, project string, n int, simulated bool) string {
	s := fmt.Sprintf("%s %s: %s", op, project, plural(n, "stack"))
	if simulated {
		s = "[SIMULATED] " + s
	}
	return s
}

type plainProgress struct {
	w  io.Writer
	t  Theme
	mu sync.Mutex
}

func (p *plainProgress) Start(op engine.Operation, project string, names []string, simulated bool) {
	if simulated {
		fmt.Fprintln(p.w, p.t.Warning.Render(SimulatedBanner))
	}
	fmt.Fprintln(p.w, p.t.Bold.Render(header(op, project, len(names), simulated)))
}

func (p *plainProgress) Stop() {}

func (p *plainProgress) Note(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.w, line)
}

func (p *plainProgress) Event(ev engine.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev.Kind {
	case engine.StackStarted:
		fmt.Fprintf(p.w, "%s %s\n", p.t.Accent.Render(ev.Stack), p.t.Dim.Render(string(ev.Operation)+" started"))
	case engine.StepDone:
		if ev.Step.Change == engine.Same {
			return
		}
		fmt.Fprintf(p.w, "%s %s %s %s %s\n", p.t.Accent.Render(ev.Stack), p.t.change(ev.Step.Change, sign(ev.Step.Change)),
			ev.Step.Type, ev.Step.Name, p.t.Dim.Render(doing(ev.Operation, ev.Step.Change)+diffNote(ev.Step)))
	case engine.StepFailed:
		fmt.Fprintf(p.w, "%s %s %s %s %s\n", p.t.Accent.Render(ev.Stack), p.t.Error.Render("✗"), ev.Step.Type, ev.Step.Name, p.t.Error.Render("failed"))
	case engine.Diag:
		if ev.Severity == "error" || ev.Severity == "warning" {
			fmt.Fprintf(p.w, "%s %s %s\n", p.t.Accent.Render(ev.Stack), severityLabel(p.t, ev.Severity), ev.Message)
		}
	case engine.StackDone:
		fmt.Fprintf(p.w, "%s %s\n", p.t.Accent.Render(ev.Stack), stackOutcome(p.t, ev.Operation, ev.Result))
	}
}

func diffNote(s *engine.Step) string {
	if len(s.Replaces) > 0 {
		return " (" + strings.Join(s.Replaces, ", ") + " forces replacement)"
	}
	if len(s.Diffs) > 0 {
		return " (" + strings.Join(s.Diffs, ", ") + ")"
	}
	return ""
}

func severityLabel(t Theme, sev string) string {
	if sev == "error" {
		return t.Error.Render("error:")
	}
	return t.Warning.Render("warning:")
}

// stackOutcome is one line on how a stack ended, after its mark.
func stackOutcome(t Theme, op engine.Operation, r *engine.StackResult) string {
	return statusMark(t, r.Status) + " " + stackOutcomeText(t, op, r)
}

// statusMark is the one-character mark of a stack's status.
func statusMark(t Theme, st engine.Status) string {
	switch st {
	case engine.Pending, engine.Absent:
		return t.Dim.Render("·")
	case engine.Succeeded:
		return t.OK.Render("✓")
	case engine.Failed:
		return t.Error.Render("✗")
	}
	return t.Warning.Render("−")
}

// stackOutcomeText says how a stack ended, without its mark: the live view
// draws the mark in its own column.
func stackOutcomeText(t Theme, op engine.Operation, r *engine.StackResult) string {
	dur := ""
	if r.Duration > 0 {
		dur = " " + t.Dim.Render(fmt.Sprintf("(%.1fs)", r.Duration.Seconds()))
	}
	switch r.Status {
	case engine.Succeeded:
		return changeList(op, r.Changes, &t) + dur
	case engine.Failed:
		return t.Error.Render("failed:") + " " + errText(r.Err) + dur
	case engine.Skipped:
		return t.Warning.Render("skipped:") + " depends on " + strings.Join(r.Blocked, ", ") + ", which did not succeed"
	case engine.Canceled:
		return t.Warning.Render("canceled") + dur
	case engine.NotStarted:
		return t.Warning.Render("not started")
	case engine.Absent:
		return t.Dim.Render("not deployed: nothing to " + string(op))
	}
	return string(r.Status)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// liveLine is one stack's line in the live view.
type liveLine struct {
	status  engine.Status
	done    int
	current string
	result  *engine.StackResult
	started time.Time
}

type liveProgress struct {
	w       io.Writer
	t       Theme
	mu      sync.Mutex
	op      engine.Operation
	names   []string
	lines   map[string]*liveLine
	drawn   int
	last    time.Time
	now     func() time.Time
	width   int
	cols    int // the terminal's width: a line that wrapped would break the redraw
	spinner int
	notes   []string
}

func (p *liveProgress) Start(op engine.Operation, project string, names []string, simulated bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if simulated {
		fmt.Fprintln(p.w, p.t.Warning.Render(SimulatedBanner))
	}
	fmt.Fprintln(p.w, p.t.Bold.Render(header(op, project, len(names), simulated)))
	p.op, p.names, p.drawn = op, names, 0
	p.lines = map[string]*liveLine{}
	for _, n := range names {
		p.lines[n] = &liveLine{status: engine.Pending}
		p.width = max(p.width, len(n))
	}
	p.draw(true)
}

func (p *liveProgress) Event(ev engine.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.lines[ev.Stack]
	if l == nil {
		return
	}
	force := false
	switch ev.Kind {
	case engine.StackStarted:
		l.status, l.started = engine.Running, p.now()
		force = true
	case engine.StepStarted:
		if ev.Step.Change != engine.Same {
			l.current = doingNow(ev.Operation, ev.Step.Change) + " " + ev.Step.Type + " " + ev.Step.Name
		}
	case engine.StepDone, engine.StepFailed:
		l.done++
	case engine.Diag:
		// Warnings are printed above the live block, so they stay on
		// screen. Errors are not: the stack's line says it failed, and the
		// summary says why, once.
		if ev.Severity == "warning" {
			p.notes = append(p.notes, fmt.Sprintf("%s %s %s", p.t.Accent.Render(ev.Stack), severityLabel(p.t, ev.Severity), ev.Message))
			force = true
		}
	case engine.StackDone:
		l.status, l.result = ev.Result.Status, ev.Result
		force = true
	}
	p.draw(force)
}

func doingNow(op engine.Operation, c engine.Change) string {
	if op == engine.Preview {
		return "planning"
	}
	switch c {
	case engine.Create:
		return "creating"
	case engine.Update:
		return "updating"
	case engine.Replace:
		return "replacing"
	case engine.Delete:
		return "deleting"
	}
	return "reading"
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// draw rewrites the block of stack lines in place, at most ten times a
// second unless forced.
func (p *liveProgress) draw(force bool) {
	now := p.now()
	if !force && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.spinner++
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	for _, n := range p.notes {
		b.WriteString("\x1b[2K" + n + "\n")
	}
	p.notes = nil
	fit := lipgloss.NewStyle().MaxWidth(max(p.cols-1, 20))
	for _, name := range p.names {
		l := p.lines[name]
		var line strings.Builder
		fmt.Fprintf(&line, "  %s %-*s  ", p.icon(l), p.width, name)
		switch l.status {
		case engine.Pending:
			line.WriteString(p.t.Dim.Render("waiting"))
		case engine.Running:
			fmt.Fprintf(&line, "%s %s", p.t.Dim.Render(fmt.Sprintf("%.0fs %d done", now.Sub(l.started).Seconds(), l.done)), l.current)
		default:
			line.WriteString(stackOutcomeText(p.t, p.op, l.result))
		}
		b.WriteString("\x1b[2K" + fit.Render(line.String()) + "\n")
	}
	p.drawn = len(p.names)
	fmt.Fprint(p.w, b.String())
}

func (p *liveProgress) icon(l *liveLine) string {
	if l.status == engine.Running {
		return p.t.Accent.Render(spinner[p.spinner%len(spinner)])
	}
	return statusMark(p.t, l.status)
}

func (p *liveProgress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw(true)
	p.drawn = 0
}

func (p *liveProgress) Note(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn == 0 {
		// No live block on screen.
		fmt.Fprintln(p.w, line)
		return
	}
	p.notes = append(p.notes, line)
	p.draw(true)
}

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
	// Then is the operation the same command runs after this preview, on
	// confirmation (up after a preview, refresh after a refresh preview):
	// the closing line says so instead of naming the command to run.
	Then engine.Operation
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
	if v.opts.Outputs {
		v.outputs(r)
	}
	v.verdict(r)
	return nil
}

func opTitle(op engine.Operation) string {
	switch op {
	case engine.Preview:
		return "Preview"
	case engine.Up:
		return "Update"
	case engine.Refresh:
		return "Refresh"
	case engine.PreviewRefresh:
		return "Refresh preview"
	case engine.Destroy:
		return "Destroy"
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
	row := func(name string, cells []string, same, status string) {
		var b strings.Builder
		fmt.Fprintf(&b, "%-*s", width, name)
		for i, c := range cells {
			// Pad by characters: "·" is one column but two bytes.
			b.WriteString("  " + strings.Repeat(" ", max(0, len(heads[i])-utf8.RuneCountInString(c))) + c)
		}
		fmt.Fprintf(&b, "  %9s  %s", same, status)
		fmt.Fprintln(v.w, strings.TrimRight(b.String(), " "))
	}
	row("STACK", heads, "UNCHANGED", "STATUS")
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

func cell(n int) string {
	if n == 0 {
		return "·"
	}
	return fmt.Sprint(n)
}

func (v *runHuman) status(s *engine.StackResult) string {
	switch s.Status {
	case engine.Succeeded:
		return v.t.OK.Render("ok")
	case engine.Failed:
		return v.t.Error.Render("FAILED")
	case engine.Skipped:
		return v.t.Warning.Render("skipped")
	case engine.Canceled:
		return v.t.Warning.Render("canceled")
	case engine.NotStarted:
		return v.t.Warning.Render("not started")
	case engine.Absent:
		return v.t.Dim.Render("not deployed")
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
		keys := sortedKeys(s.Outputs)
		width := 0
		for _, k := range keys {
			width = max(width, len(k))
		}
		for _, k := range keys {
			fmt.Fprintf(w, "    %-*s  %s\n", width, k, OutputText(s.Outputs[k], v.opts.ShowSecrets))
		}
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
	switch r.Operation {
	case engine.Preview:
		switch {
		case !r.HasChanges():
			fmt.Fprintf(w, "%s no changes%s: the clouds match the topology\n", t.OK.Render("✓"), sim)
		case v.opts.Then == engine.Up:
			fmt.Fprintf(w, "%s preview done%s: these are the changes up makes next\n", t.OK.Render("✓"), sim)
		default:
			fmt.Fprintf(w, "%s preview done%s: run `infra up` to apply\n", t.OK.Render("✓"), sim)
		}
	case engine.PreviewRefresh:
		switch {
		case !r.HasChanges():
			fmt.Fprintf(w, "%s no drift%s: the state is unchanged\n", t.OK.Render("✓"), sim)
		case v.opts.Then == engine.Refresh:
			fmt.Fprintf(w, "%s refresh preview done%s: confirm to write this drift into the state\n", t.OK.Render("✓"), sim)
		default:
			fmt.Fprintf(w, "%s refresh preview done%s: the state is unchanged; `infra refresh` writes the drift into it, `infra up` puts the clouds back\n", t.OK.Render("✓"), sim)
		}
	default:
		fmt.Fprintf(w, "%s %s done%s (%.1fs)\n", t.OK.Render("✓"), r.Operation, sim, r.Duration.Seconds())
	}
}

func sortedKeys(m stacks.Outputs) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// OutputText is an output as one line: a string as is, anything else as
// compact JSON; a secret as Redacted unless show.
func OutputText(v stacks.Value, show bool) string {
	if v.Secret && !show {
		return Redacted
	}
	if v.Unknown {
		return "[unknown]"
	}
	if s, ok := v.Value.(string); ok {
		return s
	}
	b, err := json.Marshal(v.Value)
	if err != nil {
		return fmt.Sprint(v.Value)
	}
	return string(b)
}

// OutputValue is an output for JSON: the value, or Redacted.
func OutputValue(v stacks.Value, show bool) any {
	if v.Secret && !show {
		return Redacted
	}
	return v.Value
}

type runJSON struct {
	w    io.Writer
	opts RunOptions
}

// ResultJSON is the machine form of a run.
type ResultJSON struct {
	Operation   engine.Operation      `json:"operation"`
	Project     string                `json:"project"`
	Backend     string                `json:"backend"`
	Simulated   bool                  `json:"simulated"`
	Interrupted bool                  `json:"interrupted,omitempty"`
	Changes     map[engine.Change]int `json:"changes"`
	Error       string                `json:"error,omitempty"`
	Stacks      []StackJSON           `json:"stacks"`
}

// StackJSON is one stack of ResultJSON.
type StackJSON struct {
	*engine.StackResult
	Error   string         `json:"error,omitempty"`
	Outputs map[string]any `json:"outputs,omitempty"`
}

// NewResultJSON is the machine form of r.
func NewResultJSON(r *engine.Result, opts RunOptions) ResultJSON {
	out := ResultJSON{Operation: r.Operation, Project: r.Project, Backend: r.Backend, Simulated: r.Simulated,
		Interrupted: r.Interrupted, Changes: r.Totals(), Stacks: []StackJSON{}}
	if err := r.Err(); err != nil {
		out.Error = err.Error()
	}
	for _, s := range r.Stacks {
		sj := StackJSON{StackResult: s, Error: errText(s.Err)}
		if opts.Outputs && len(s.Outputs) > 0 {
			sj.Outputs = map[string]any{}
			for k, v := range s.Outputs {
				sj.Outputs[k] = OutputValue(v, opts.ShowSecrets)
			}
		}
		out.Stacks = append(out.Stacks, sj)
	}
	return out
}

func (v *runJSON) Result(r *engine.Result) error {
	return WriteJSON(v.w, NewResultJSON(r, v.opts))
}

// StackNames lists the stacks of a result, for ProgressView.Start.
func StackNames(r *engine.Result) []string {
	out := make([]string, len(r.Stacks))
	for i, s := range r.Stacks {
		out[i] = s.Name
	}
	return slices.Clip(out)
}

// OutputsView renders the deployed outputs of every stack.
type OutputsView interface {
	Outputs(r *engine.Result) error
}

// NewOutputsView returns the human or JSON view; secrets show as Redacted
// unless show.
func NewOutputsView(io *IO, asJSON, show bool) OutputsView {
	if asJSON {
		return &outputsJSON{w: io.Out, show: show}
	}
	return &outputsHuman{run: runHuman{w: io.Out, t: NewTheme(io.Out, io.Color), opts: RunOptions{ShowSecrets: show, Outputs: true}}, err: io.Err, te: NewTheme(io.Err, io.Color)}
}

type outputsHuman struct {
	run runHuman
	err io.Writer
	te  Theme
}

func (v *outputsHuman) Outputs(r *engine.Result) error {
	if r.Simulated {
		fmt.Fprintln(v.run.w, v.run.t.Warning.Render(SimulatedBanner))
	}
	v.run.outputs(r)
	if absent := r.With(engine.Absent); len(absent) > 0 {
		fmt.Fprintf(v.err, "%s not deployed: %s\n", v.te.Dim.Render("·"), strings.Join(absent, ", "))
	}
	return nil
}

type outputsJSON struct {
	w    io.Writer
	show bool
}

// Outputs writes {"stack": {"key": value}}, deployed stacks only.
func (v *outputsJSON) Outputs(r *engine.Result) error {
	out := map[string]map[string]any{}
	for _, s := range r.Stacks {
		if s.Status == engine.Absent {
			continue
		}
		m := map[string]any{}
		for k, val := range s.Outputs {
			m[k] = OutputValue(val, v.show)
		}
		out[s.Name] = m
	}
	return WriteJSON(v.w, out)
}

// DoctorView renders the checks of `infra doctor`.
type DoctorView interface {
	Checks(checks []engine.Check) error
}

// NewDoctorView returns the human or JSON view.
func NewDoctorView(io *IO, asJSON bool) DoctorView {
	if asJSON {
		return &doctorJSON{w: io.Out}
	}
	return &doctorHuman{w: io.Out, t: NewTheme(io.Out, io.Color)}
}

type doctorHuman struct {
	w io.Writer
	t Theme
}

// Checks prints one line per check and, under each problem, its fix.
func (v *doctorHuman) Checks(checks []engine.Check) error {
	width := 0
	for _, c := range checks {
		width = max(width, len(c.Name))
	}
	errs, warns := 0, 0
	for _, c := range checks {
		mark := v.t.OK.Render("✓")
		switch c.Status {
		case engine.CheckWarning:
			mark = v.t.Warning.Render("!")
			warns++
		case engine.CheckError:
			mark = v.t.Error.Render("✗")
			errs++
		}
		fmt.Fprintf(v.w, "%s %-*s  %s\n", mark, width, c.Name, c.Detail)
		if c.Fix != "" {
			fmt.Fprintf(v.w, "  %*s  %s %s\n", width, "", v.t.Hint.Render("fix:"), c.Fix)
		}
	}
	fmt.Fprintln(v.w)
	switch {
	case errs > 0:
		fmt.Fprintf(v.w, "%s %s to fix before `infra up`\n", v.t.Error.Render("✗"), plural(errs, "problem"))
	case warns > 0:
		fmt.Fprintf(v.w, "%s ready to run `infra up --simulate`; %s for a real deployment\n", v.t.OK.Render("✓"), plural(warns, "warning"))
	default:
		fmt.Fprintf(v.w, "%s ready\n", v.t.OK.Render("✓"))
	}
	return nil
}

type doctorJSON struct{ w io.Writer }

func (v *doctorJSON) Checks(checks []engine.Check) error {
	ok := true
	for _, c := range checks {
		ok = ok && c.Status != engine.CheckError
	}
	return WriteJSON(v.w, map[string]any{"ok": ok, "checks": checks})
}
