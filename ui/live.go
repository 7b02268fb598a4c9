package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/lipgloss"

	"infra/engine"
)

// liveLine is one stack's line in the live view.
type liveLine struct {
	status engine.Status
	// done holds the resources finished (a replacement's several steps
	// are one resource); total is how many to go through, 0 if unknown.
	done    map[string]bool
	total   int
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
	// expected is what Expect was told, for the next Start.
	expected map[string]int
}

func (p *liveProgress) Expect(resources map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expected = resources
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
		p.lines[n] = &liveLine{status: engine.Pending, done: map[string]bool{}, total: p.expected[n]}
		p.width = max(p.width, len(n))
	}
	p.expected = nil
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
		l.done[ev.Step.URN] = true
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
			fmt.Fprintf(&line, "%s %s", p.t.Dim.Render(fmt.Sprintf("%.0fs %s", now.Sub(l.started).Seconds(), p.count(l))), l.current)
		default:
			line.WriteString(stackOutcomeText(p.t, p.op, l.result))
		}
		b.WriteString("\x1b[2K" + fit.Render(line.String()) + "\n")
	}
	p.drawn = len(p.names)
	fmt.Fprint(p.w, b.String())
}

// count is how far a running stack is: "18/45 done" when the total is
// known; a preview, which changes nothing, counts what it has planned.
func (p *liveProgress) count(l *liveLine) string {
	switch {
	case l.total > 0:
		return fmt.Sprintf("%d/%d done", min(len(l.done), l.total), l.total)
	case p.op == engine.Preview:
		return fmt.Sprintf("%d planned", len(l.done))
	}
	return fmt.Sprintf("%d done", len(l.done))
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
