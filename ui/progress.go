package ui

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"infra/engine"
)

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
	// Expect tells the next run how many resources each stack has to go
	// through (what a preview found), so progress reads "18/45 done".
	Expect(resources map[string]int)
}

// ExpectedResources is what a run after this preview goes through per
// stack: every resource it changes or leaves as it is.
func ExpectedResources(pre *engine.Result) map[string]int {
	out := map[string]int{}
	for _, s := range pre.Stacks {
		n := s.Unchanged
		for _, c := range s.Changes {
			n += c
		}
		out[s.Name] = n
	}
	return out
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
	return newPlainProgress(io.Err, t)
}

// changeWords are how the views write each change: "to create" in a
// preview, "created" after a run, its sign in the live and summary views,
// and its word in the comment's ```diff blocks. GitHub's diff highlighter
// knows only +, - and ! (tfcmt rewrites Terraform's ~ to ! for this
// reason), and a replacement must not look like a deletion, so it is an
// orange ! with its own word.
var changeWords = map[engine.Change]struct{ past, sign, diff string }{
	engine.Create:  {"created", "+", "+ create "},
	engine.Update:  {"updated", "~", "! update "},
	engine.Replace: {"replaced", "+-", "! replace"},
	engine.Delete:  {"deleted", "-", "- delete "},
	engine.Read:    {past: "read"},
	engine.Import:  {past: "imported"},
}

// doing is how a change reads in a run of each operation.
func doing(op engine.Operation, c engine.Change) string {
	if op == engine.Preview {
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
	if w := changeWords[c].past; w != "" {
		return w
	}
	return string(c)
}

func sign(c engine.Change) string {
	if w := changeWords[c].sign; w != "" {
		return w
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

// Heartbeat is how often plain progress says that a step is still running:
// a CI log that stays silent through a 15-minute cluster create looks hung.
const Heartbeat = 30 * time.Second

type plainProgress struct {
	w  io.Writer
	t  Theme
	mu sync.Mutex
	// now is the clock of the timestamps and elapsed times; tick, when
	// set, drives the heartbeats (a ticker in production, nil in tests,
	// which call heartbeat themselves).
	now     func() time.Time
	tick    func() (<-chan time.Time, func())
	stop    func()
	op      engine.Operation
	running map[string]*runningStep
}

// runningStep is a step in flight, for the heartbeat.
type runningStep struct {
	stack, text, verb string
	started           time.Time
	last              time.Time
}

// newPlainProgress is plain progress on w with the wall clock and a ticker.
func newPlainProgress(w io.Writer, t Theme) *plainProgress {
	return &plainProgress{w: w, t: t, now: time.Now, tick: func() (<-chan time.Time, func()) {
		tk := time.NewTicker(Heartbeat / 6)
		return tk.C, tk.Stop
	}}
}

// line prints one line with a timestamp, as CI logs want.
func (p *plainProgress) line(format string, a ...any) {
	fmt.Fprintf(p.w, "%s %s\n", p.t.Dim.Render(p.now().Format("15:04:05")), fmt.Sprintf(format, a...))
}

func (p *plainProgress) Start(op engine.Operation, project string, names []string, simulated bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if simulated {
		p.line("%s", p.t.Warning.Render(SimulatedBanner))
	}
	p.line("%s", p.t.Bold.Render(header(op, project, len(names), simulated)))
	p.op, p.running = op, map[string]*runningStep{}
	if p.tick != nil && p.stop == nil {
		c, stopTicker := p.tick()
		done := make(chan struct{})
		go func() {
			for {
				select {
				case <-c:
					p.heartbeat()
				case <-done:
					return
				}
			}
		}()
		p.stop = func() { stopTicker(); close(done) }
	}
}

func (p *plainProgress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		p.stop()
		p.stop = nil
	}
}

// heartbeat prints, for every step running for a Heartbeat or more since it
// started or was last reported, that it is still running and for how long.
func (p *plainProgress) heartbeat() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	keys := slices.Sorted(maps.Keys(p.running))
	for _, k := range keys {
		r := p.running[k]
		if now.Sub(r.last) < Heartbeat {
			continue
		}
		r.last = now
		p.line("%s %s %s", p.t.Accent.Render(r.stack), r.text, p.t.Dim.Render("still "+r.verb+"… "+elapsed(now.Sub(r.started))))
	}
}

// elapsed is a duration as CI logs show it: 45s, 4m30s.
func elapsed(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// Expect does nothing: plain lines name each resource as it finishes.
func (p *plainProgress) Expect(map[string]int) {}

func (p *plainProgress) Note(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line("%s", line)
}

func (p *plainProgress) Event(ev engine.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running == nil {
		p.running = map[string]*runningStep{}
	}
	key := ""
	if ev.Step != nil {
		key = ev.Stack + "\x00" + ev.Step.URN
	}
	switch ev.Kind {
	case engine.StackStarted:
		p.line("%s %s", p.t.Accent.Render(ev.Stack), p.t.Dim.Render(string(ev.Operation)+" started"))
	case engine.StepStarted:
		if ev.Step.Change == engine.Same {
			return
		}
		text := p.t.change(ev.Step.Change, sign(ev.Step.Change)) + " " + ev.Step.Type + " " + ev.Step.Name
		now := p.now()
		p.running[key] = &runningStep{stack: ev.Stack, text: text, verb: doingNow(ev.Operation, ev.Step.Change), started: now, last: now}
		if ev.Operation != engine.Preview {
			// A preview plans hundreds of steps in seconds: their ends
			// say enough. A real operation says when each begins.
			p.line("%s %s %s", p.t.Accent.Render(ev.Stack), text, p.t.Dim.Render(doingNow(ev.Operation, ev.Step.Change)+"…"))
		}
	case engine.StepDone:
		r := p.running[key]
		delete(p.running, key)
		if ev.Step.Change == engine.Same {
			return
		}
		took := ""
		if r != nil && ev.Operation != engine.Preview {
			took = " (" + elapsed(p.now().Sub(r.started)) + ")"
		}
		p.line("%s %s %s %s %s", p.t.Accent.Render(ev.Stack), p.t.change(ev.Step.Change, sign(ev.Step.Change)),
			ev.Step.Type, ev.Step.Name, p.t.Dim.Render(doing(ev.Operation, ev.Step.Change)+diffNote(ev.Step)+took))
	case engine.StepFailed:
		delete(p.running, key)
		p.line("%s %s %s %s %s", p.t.Accent.Render(ev.Stack), p.t.Error.Render("✗"), ev.Step.Type, ev.Step.Name, p.t.Error.Render("failed"))
	case engine.Diag:
		if ev.Severity == "error" || ev.Severity == "warning" {
			p.line("%s %s %s", p.t.Accent.Render(ev.Stack), severityLabel(p.t, ev.Severity), ev.Message)
		}
	case engine.StackDone:
		for k, r := range p.running {
			if r.stack == ev.Stack {
				delete(p.running, k)
			}
		}
		p.line("%s %s", p.t.Accent.Render(ev.Stack), stackOutcome(p.t, ev.Operation, ev.Result))
	}
}

func diffNote(s *engine.Step) string {
	if len(s.Replaces) > 0 {
		return " (" + forcingValues(s) + " forces replacement)"
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
