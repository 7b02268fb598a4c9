package ui

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"infra/engine"
)

// lockedClock is a fake clock the ticker goroutine reads while the test
// moves it.
type lockedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *lockedClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *lockedClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestPlainLogNeverSilent drives plain progress through its own ticker
// (an injected channel in place of time.NewTicker) and an injected clock,
// over 40 minutes of an up in which steps start and end at odd times and
// one cluster create spans the whole run: while any step runs, two
// consecutive lines of the log are never further apart than Heartbeat
// plus the ticker's period (the heartbeat is due after Heartbeat and the
// next tick notices it). No wall clock and no sleep: each tick is an
// unbuffered send, so the ticker goroutine has finished the previous one.
func TestPlainLogNeverSilent(t *testing.T) {
	var out bytes.Buffer
	clock := &lockedClock{t: time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)}
	ticks := make(chan time.Time)
	p := &plainProgress{w: &out, t: NewTheme(&out, false), now: clock.now,
		tick: func() (<-chan time.Time, func()) { return ticks, func() {} }}
	period := Heartbeat / 6
	p.Start(engine.Up, "acme", []string{"a", "b"}, false)
	step := func(urn, typ string) *engine.Step {
		return &engine.Step{URN: urn, Type: typ, Name: urn, Change: engine.Create}
	}
	eks := step("eks", "aws:eks/cluster:Cluster")
	p.Event(engine.Event{Kind: engine.StepStarted, Operation: engine.Up, Stack: "a", Step: eks})
	// Other steps come and go: one every 7 minutes, each running 2m10s.
	var other *engine.Step
	var otherEnds time.Time
	start := clock.now()
	end := start.Add(40 * time.Minute)
	for clock.now().Before(end) {
		clock.add(period)
		now := clock.now()
		if other != nil && !now.Before(otherEnds) {
			p.Event(engine.Event{Kind: engine.StepDone, Operation: engine.Up, Stack: "b", Step: other})
			other = nil
		}
		if other == nil && now.Sub(start)%(7*time.Minute) == 0 {
			other = step("sub-"+now.Format("1504"), "aws:ec2/subnet:Subnet")
			otherEnds = now.Add(2*time.Minute + 10*time.Second)
			p.Event(engine.Event{Kind: engine.StepStarted, Operation: engine.Up, Stack: "b", Step: other})
		}
		ticks <- now
	}
	ticks <- clock.now() // the previous tick is done once this one is taken
	p.Event(engine.Event{Kind: engine.StepDone, Operation: engine.Up, Stack: "a", Step: eks})
	p.Stop()

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var prev time.Time
	heartbeats := 0
	for i, l := range lines {
		stamp, err := time.Parse("15:04:05", strings.Fields(l)[0])
		if err != nil {
			t.Fatalf("line %d has no timestamp: %q", i, l)
		}
		at := time.Date(2026, 1, 2, stamp.Hour(), stamp.Minute(), stamp.Second(), 0, time.UTC)
		if i > 0 && at.Sub(prev) > Heartbeat+period {
			t.Errorf("the log is silent from %s to %s (%s), more than the heartbeat %s:\n%s\n%s",
				prev.Format("15:04:05"), at.Format("15:04:05"), at.Sub(prev), Heartbeat, lines[i-1], l)
		}
		if strings.Contains(l, "eks still creating…") {
			heartbeats++
		}
		prev = at
	}
	if want := int(40 * time.Minute / Heartbeat); heartbeats < want-1 || heartbeats > want {
		t.Errorf("%d heartbeats of the cluster over 40 minutes, want about %d", heartbeats, want)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "eks") || !strings.Contains(last, "40m00s") {
		t.Errorf("last line %q, want the cluster's end after 40m00s", last)
	}
}
