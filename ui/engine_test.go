package ui

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"infra/engine"
	"infra/stacks"
	"infra/topology"
)

// sampleResult is a preview of three stacks: one with a replacement and a
// deletion, one failed, one skipped after it.
func sampleResult(op engine.Operation, simulated bool) *engine.Result {
	return &engine.Result{
		Operation: op, Project: "acme", Backend: "file:///state", Simulated: simulated,
		Stacks: []*engine.StackResult{
			{Name: "aws-us-east-1-prod", Kind: stacks.Regional, Status: engine.Succeeded,
				Changes:   map[engine.Change]int{engine.Create: 2, engine.Replace: 1, engine.Delete: 1},
				Unchanged: 5,
				Steps: []engine.Step{
					{URN: "u1", Type: "aws:ec2/vpc:Vpc", Name: "vpc", Change: engine.Replace, Diffs: []string{"cidrBlock"}, Replaces: []string{"cidrBlock"}},
					{URN: "u2", Type: "aws:ec2/subnet:Subnet", Name: "old", Change: engine.Delete},
					{URN: "u3", Type: "aws:ec2/subnet:Subnet", Name: "a", Change: engine.Create},
					{URN: "u4", Type: "aws:ec2/subnet:Subnet", Name: "b", Change: engine.Create},
				},
				Diagnostics: []topology.Diagnostic{{Severity: topology.Warning, Message: "deprecated argument <x> | y"}},
				Outputs: stacks.Outputs{
					"cidr":           {Value: "10.0.0.0/16"},
					"meshPrivateKey": {Value: "c2VjcmV0LWtleS1tYXRlcmlhbC1ub3QtZm9yLXlvdQ==", Secret: true},
					"zones":          {Value: []any{"a", "b"}},
				}},
			{Name: "hetzner-nbg1-prod", Kind: stacks.Regional, Status: engine.Failed, Changes: map[engine.Change]int{},
				Err: errors.New("sim: injected failure: cannot create network")},
			{Name: "global", Kind: stacks.Global, Status: engine.Skipped, Changes: map[engine.Change]int{},
				Blocked: []string{"hetzner-nbg1-prod"}},
		},
	}
}

func TestRunViewHuman(t *testing.T) {
	var out bytes.Buffer
	v := NewRunView(&IO{Out: &out}, false, RunOptions{Outputs: true})
	if err := v.Result(sampleResult(engine.Preview, true)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	containsAll(t, "human view", got,
		SimulatedBanner,
		"Preview of acme: 2 to create, 1 to replace, 1 to delete",
		"STACK               CREATE  UPDATE  REPLACE  DELETE  UNCHANGED  STATUS\n",
		"aws-us-east-1-prod       2       ·        1       1          5  ok\n",
		"hetzner-nbg1-prod        ·       ·        ·       ·          0  FAILED\n",
		"total                    2       ·        1       1          5\n",
		"Failed:\n  ✗ hetzner-nbg1-prod: sim: injected failure",
		"Skipped, because a stack they depend on did not succeed:\n  − global (after hetzner-nbg1-prod)",
		"Replacements", "+- aws-us-east-1-prod aws:ec2/vpc:Vpc vpc (cidrBlock forces replacement)",
		"Deletions", "- aws-us-east-1-prod aws:ec2/subnet:Subnet old",
		"Warnings:", "meshPrivateKey  [secret]", "    zones\n      - a\n      - b\n",
		"✗ preview incomplete (failed: hetzner-nbg1-prod; skipped: global)",
	)
	if strings.Contains(got, "c2VjcmV0") || ansi(got) {
		t.Errorf("the view shows a secret or colour:\n%s", got)
	}
}

func ansi(s string) bool { return strings.Contains(s, "\x1b[") }

func TestRunViewJSONMasksSecrets(t *testing.T) {
	for _, show := range []bool{false, true} {
		var out bytes.Buffer
		if err := NewRunView(&IO{Out: &out}, true, RunOptions{Outputs: true, ShowSecrets: show}).Result(sampleResult(engine.Up, false)); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), "c2VjcmV0"); got != show {
			t.Errorf("show=%v: secret in JSON = %v:\n%s", show, got, out.String())
		}
		containsAll(t, "JSON", out.String(), `"operation": "up"`, `"status": "failed"`, `"error": "sim: injected failure`, `"blocked": [`, `"create": 2`)
	}
}

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func testPlain(w *bytes.Buffer, c *fakeClock) *plainProgress {
	return &plainProgress{w: w, t: NewTheme(w, false), now: c.now}
}

func TestPlainProgress(t *testing.T) {
	var errb bytes.Buffer
	clock := &fakeClock{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	p := testPlain(&errb, clock)
	p.Start(engine.Up, "acme", []string{"a"}, true)
	p.Event(engine.Event{Kind: engine.StackStarted, Operation: engine.Up, Stack: "a"})
	vpc := &engine.Step{URN: "u1", Type: "aws:ec2/vpc:Vpc", Name: "vpc", Change: engine.Create}
	p.Event(engine.Event{Kind: engine.StepStarted, Operation: engine.Up, Stack: "a", Step: vpc})
	clock.add(2 * time.Second)
	p.Event(engine.Event{Kind: engine.StepDone, Operation: engine.Up, Stack: "a", Step: vpc})
	p.Event(engine.Event{Kind: engine.StepDone, Operation: engine.Up, Stack: "a", Step: &engine.Step{Type: "aws:ec2/vpc:Vpc", Name: "same", Change: engine.Same}})
	p.Event(engine.Event{Kind: engine.StackDone, Operation: engine.Up, Stack: "a", Result: &engine.StackResult{Status: engine.Succeeded, Changes: map[engine.Change]int{engine.Create: 1}}})
	p.Stop()
	want := "03:04:05 " + SimulatedBanner + "\n03:04:05 [SIMULATED] up acme: 1 stack\n03:04:05 a up started\n" +
		"03:04:05 a + aws:ec2/vpc:Vpc vpc creating…\n03:04:07 a + aws:ec2/vpc:Vpc vpc created (2s)\n03:04:07 a ✓ 1 created\n"
	if errb.String() != want {
		t.Errorf("plain progress:\n%s\nwant:\n%s", errb.String(), want)
	}
}

// TestPlainProgressHeartbeat: a step that runs long is reported every
// Heartbeat with its elapsed time, and no more once it is done; a preview
// does not print when each step starts.
func TestPlainProgressHeartbeat(t *testing.T) {
	var errb bytes.Buffer
	clock := &fakeClock{time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)}
	p := testPlain(&errb, clock)
	p.Start(engine.Up, "acme", []string{"a"}, false)
	eks := &engine.Step{URN: "u1", Type: "aws:eks/cluster:Cluster", Name: "eks", Change: engine.Create}
	sub := &engine.Step{URN: "u2", Type: "aws:ec2/subnet:Subnet", Name: "sub", Change: engine.Create}
	p.Event(engine.Event{Kind: engine.StepStarted, Operation: engine.Up, Stack: "a", Step: eks})
	p.Event(engine.Event{Kind: engine.StepStarted, Operation: engine.Up, Stack: "a", Step: sub})
	errb.Reset()
	clock.add(10 * time.Second)
	p.heartbeat() // too early
	p.Event(engine.Event{Kind: engine.StepDone, Operation: engine.Up, Stack: "a", Step: sub})
	for range 9 { // 10s + 9×30s = 4m40s
		clock.add(30 * time.Second)
		p.heartbeat()
	}
	got := errb.String()
	if n := strings.Count(got, "still creating…"); n != 9 || strings.Count(got, "a + aws:eks/cluster:Cluster eks still creating…") != 9 {
		t.Errorf("%d heartbeats, want 9 for the cluster only:\n%s", n, got)
	}
	for _, want := range []string{"03:00:40 a + aws:eks/cluster:Cluster eks still creating… 40s\n", "03:04:40 a + aws:eks/cluster:Cluster eks still creating… 4m40s\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("heartbeats lack %q:\n%s", want, got)
		}
	}
	p.Event(engine.Event{Kind: engine.StepDone, Operation: engine.Up, Stack: "a", Step: eks})
	errb.Reset()
	clock.add(time.Minute)
	p.heartbeat()
	if errb.Len() != 0 {
		t.Errorf("a heartbeat after the step ended: %q", errb.String())
	}

	errb.Reset()
	p.Start(engine.Preview, "acme", []string{"a"}, false)
	p.Event(engine.Event{Kind: engine.StepStarted, Operation: engine.Preview, Stack: "a", Step: eks})
	if strings.Contains(errb.String(), "eks") {
		t.Errorf("a preview prints when a step starts: %q", errb.String())
	}
}

// TestDecisionPointMessages: a failed preview is headlined as failed even
// with nothing to change, its row has one cross, and a preview inside up
// closes with what comes next rather than "run infra up".
func TestDecisionPointMessages(t *testing.T) {
	failed := &engine.Result{Operation: engine.Preview, Project: "acme", Stacks: []*engine.StackResult{
		{Name: "hetzner-hel1-dev", Status: engine.Failed, Err: errors.New("no plugin"), Changes: map[engine.Change]int{}},
	}}
	var out bytes.Buffer
	if err := NewRunView(&IO{Out: &out}, false, RunOptions{}).Result(failed); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "Preview of acme: nothing changed, 1 stack failed\n") || strings.Contains(got, "no changes") {
		t.Errorf("failed preview headline:\n%s", got)
	}
	var errb bytes.Buffer
	p := NewProgressView(&IO{Err: &errb, ErrTTY: true})
	p.Start(engine.Preview, "acme", []string{"hetzner-hel1-dev"}, false)
	p.Event(engine.Event{Kind: engine.StackDone, Operation: engine.Preview, Stack: "hetzner-hel1-dev", Result: failed.Stacks[0]})
	p.Stop()
	last := ""
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.Contains(line, "hetzner-hel1-dev") {
			last = line
		}
	}
	if strings.Count(last, "✗") != 1 || !strings.Contains(last, "failed: no plugin") {
		t.Errorf("failed row with %d crosses: %q", strings.Count(last, "✗"), last)
	}
	changes := sampleResult(engine.Preview, false)
	changes.Stacks = changes.Stacks[:1]
	for then, want := range map[engine.Operation]string{"": "run `infra up` to apply", engine.Up: "these are the changes up makes next"} {
		out.Reset()
		if err := NewRunView(&IO{Out: &out}, false, RunOptions{Then: then}).Result(changes); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("Then=%q: closing line lacks %q:\n%s", then, want, out.String())
		}
	}
	// A preview that wrote a bundle says to apply the bundle.
	out.Reset()
	if err := NewRunView(&IO{Out: &out}, false, RunOptions{Bundle: "plan.infra"}).Result(changes); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "run `infra up --plan plan.infra` to apply exactly this") || strings.Contains(out.String(), "run `infra up` to apply") {
		t.Errorf("closing line after preview --out:\n%s", out.String())
	}
}

func TestLiveProgressRedrawsInPlace(t *testing.T) {
	var errb bytes.Buffer
	p := NewProgressView(&IO{Err: &errb, ErrTTY: true})
	p.Start(engine.Up, "acme", []string{"a", "b"}, false)
	p.Event(engine.Event{Kind: engine.StackStarted, Operation: engine.Up, Stack: "a"})
	p.Event(engine.Event{Kind: engine.StackDone, Operation: engine.Up, Stack: "a", Result: &engine.StackResult{Status: engine.Succeeded, Changes: map[engine.Change]int{engine.Create: 3}}})
	p.Stop()
	got := errb.String()
	if !strings.Contains(got, "\x1b[2A") || !strings.Contains(got, "3 created") || !strings.Contains(got, "waiting") {
		t.Errorf("live view does not redraw its two lines in place:\n%q", got)
	}
}

// TestLiveProgressNotes: a note (an interrupt's notice) and a warning are
// printed above the live block, which is then redrawn below them; errors
// stay out of the block (the stack's line and the summary say them).
func TestLiveProgressNotes(t *testing.T) {
	var errb bytes.Buffer
	p := NewProgressView(&IO{Err: &errb, ErrTTY: true})
	p.Note("before the run")
	p.Start(engine.Up, "acme", []string{"a", "b"}, false)
	p.Event(engine.Event{Kind: engine.StackStarted, Operation: engine.Up, Stack: "a"})
	errb.Reset()
	p.Note("Interrupted: finishing")
	p.Event(engine.Event{Kind: engine.Diag, Operation: engine.Up, Stack: "a", Severity: "error", Message: "raw engine error"})
	p.Event(engine.Event{Kind: engine.Diag, Operation: engine.Up, Stack: "a", Severity: "warning", Message: "a warning"})
	p.Event(engine.Event{Kind: engine.StackDone, Operation: engine.Up, Stack: "b", Result: &engine.StackResult{Status: engine.NotStarted}})
	p.Stop()
	got := errb.String()
	// Each redraw goes up over the two stack lines only, clears the first
	// line there and writes the note in its place.
	if !strings.HasPrefix(got, "\x1b[2A\x1b[2KInterrupted: finishing\n\x1b[2K  ") {
		t.Errorf("the note is not written over the top of the live block:\n%q", got)
	}
	if strings.Count(got, "Interrupted: finishing") != 1 || !strings.Contains(got, "a warning") {
		t.Errorf("the note or the warning is not printed once:\n%q", got)
	}
	if strings.Contains(got, "raw engine error") {
		t.Errorf("an engine error is written into the live block:\n%q", got)
	}
	if !strings.Contains(got, "not started") {
		t.Errorf("the never-started stack is not shown as such:\n%q", got)
	}
	errb.Reset()
	p.Note("after the run")
	if errb.String() != "after the run\n" {
		t.Errorf("a note with no live block = %q", errb.String())
	}
}

// TestWorkflowFindsTheComment: the documented workflow runs the preview
// with --comment and finds its comment by the marker RenderComment writes.
func TestWorkflowFindsTheComment(t *testing.T) {
	data, err := os.ReadFile("../docs/workflows/infra-preview.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		On   map[string]any `yaml:"on"`
		Jobs map[string]struct {
			Steps []struct {
				Name string            `yaml:"name"`
				Run  string            `yaml:"run"`
				Uses string            `yaml:"uses"`
				If   string            `yaml:"if"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	if _, ok := wf.On["pull_request"]; !ok {
		t.Error("the workflow does not run on pull requests")
	}
	var preview, post, upload bool
	for _, s := range wf.Jobs["preview"].Steps {
		if strings.Contains(s.Run, "infra preview --comment preview.md --full-preview preview-full.md") {
			preview = true
		}
		if strings.HasPrefix(s.Uses, "actions/upload-artifact") && s.With["path"] == "preview-full.md" {
			upload = true
		}
		// Posted on every outcome, under the marker RenderComment writes
		// for the workflow's INFRA_FILE.
		if strings.HasPrefix(s.Uses, "actions/github-script") && s.If == "always()" &&
			strings.Contains(s.With["script"], "`"+strings.Replace(CommentMarker("topology.yaml"), "topology.yaml", "${process.env.INFRA_FILE}", 1)+"`") &&
			strings.Contains(s.With["script"], "updateComment") && strings.Contains(s.With["script"], "createComment") {
			post = true
		}
	}
	if !preview || !post || !upload {
		t.Errorf("workflow: preview step %v, sticky comment step on every outcome %v, full preview uploaded %v", preview, post, upload)
	}
}

// A run after a preview shows each stack's progress against what the
// preview found ("2/5 done"), a replacement's several steps counting once;
// a preview counts what it has planned.
func TestLiveProgressDenominator(t *testing.T) {
	pre := &engine.Result{Operation: engine.Preview, Stacks: []*engine.StackResult{
		{Name: "a", Changes: map[engine.Change]int{engine.Create: 2, engine.Replace: 1}, Unchanged: 2},
	}}
	if got := ExpectedResources(pre); got["a"] != 5 || len(got) != 1 {
		t.Fatalf("ExpectedResources = %v, want a: 5", got)
	}
	for _, tt := range []struct {
		op     engine.Operation
		expect bool
		want   string
	}{
		{engine.Up, true, "2/5 done"},
		{engine.Up, false, "2 done"},
		{engine.Preview, false, "2 planned"},
	} {
		var errb bytes.Buffer
		p := NewProgressView(&IO{Err: &errb, ErrTTY: true})
		if tt.expect {
			p.Expect(ExpectedResources(pre))
		}
		p.Start(tt.op, "acme", []string{"a"}, false)
		p.Event(engine.Event{Kind: engine.StackStarted, Operation: tt.op, Stack: "a"})
		for _, urn := range []string{"urn:vpc", "urn:vpc", "urn:subnet"} { // the vpc is replaced: two steps
			p.Event(engine.Event{Kind: engine.StepDone, Operation: tt.op, Stack: "a", Step: &engine.Step{URN: urn}})
		}
		p.Note("redraw") // forces a draw
		if got := errb.String(); !strings.Contains(got, tt.want) {
			t.Errorf("%s (expect %v): live line lacks %q:\n%q", tt.op, tt.expect, tt.want, got)
		}
		p.Stop()
	}
}

// On a terminal narrower than the summary table, its headings shorten so
// that no row wraps; a wide terminal or a file keeps them whole.
func TestSummaryFitsANarrowTerminal(t *testing.T) {
	r := sampleResult(engine.Up, false)
	for _, tt := range []struct {
		width   int
		heading string
	}{
		{0, "CREATE  UPDATE  REPLACE  DELETE  UNCHANGED  STATUS"},
		{120, "CREATE  UPDATE  REPLACE  DELETE  UNCHANGED  STATUS"},
		{72, "NEW  UPD  REPL  DEL  SAME  STATUS"},
	} {
		var out bytes.Buffer
		v := &runHuman{w: &out, t: Theme{Width: tt.width}, opts: RunOptions{}}
		v.table(r)
		if !strings.Contains(out.String(), tt.heading) {
			t.Errorf("width %d: table lacks %q:\n%s", tt.width, tt.heading, out.String())
		}
		for _, l := range strings.Split(out.String(), "\n") {
			if tt.width > 0 && utf8.RuneCountInString(l) > tt.width-1 {
				t.Errorf("width %d: row %q is %d wide", tt.width, l, utf8.RuneCountInString(l))
			}
		}
	}
}
