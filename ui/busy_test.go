package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The spinner draws on each tick with the time since it started, erases its
// line when stopped, and draws nothing off a terminal.
func TestBusy(t *testing.T) {
	var out bytes.Buffer
	ticks := make(chan time.Time)
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	stop := busy(&out, NewTheme(&out, false), "reading the deployed state", ticks, start)
	ticks <- start
	ticks <- start.Add(3 * time.Second)
	ticks <- start.Add(4 * time.Second) // the second draw is done once the third tick is taken
	stop()
	stop() // twice is harmless
	got := out.String()
	containsAll(t, "spinner", got, "\r\x1b[2K⠋ reading the deployed state 0s", "\r\x1b[2K⠙ reading the deployed state 3s")
	if !strings.HasSuffix(got, "\r\x1b[2K") {
		t.Errorf("stop does not erase the line: %q", got)
	}
	out.Reset()
	Busy(&IO{Err: &out}, "x")()
	if out.Len() != 0 {
		t.Errorf("off a terminal the spinner wrote %q", out.String())
	}
}
