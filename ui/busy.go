package ui

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Busy shows a spinner with what is being done and for how long on stderr
// while a step that prints nothing runs (reading every stack's state before
// a preview, outputs or a destroy question: seconds of silence otherwise).
// It draws only on an interactive terminal, never into a log, and stop
// erases it.
func Busy(io *IO, what string) (stop func()) {
	if !io.ErrTTY {
		return func() {}
	}
	t := time.NewTicker(100 * time.Millisecond)
	stop = busy(io.Err, NewTheme(io.Err, io.Color), what, t.C, time.Now())
	return func() {
		t.Stop()
		stop()
	}
}

// busy draws the spinner on every tick, with the seconds from start to the
// tick's time; stop waits for the last draw and erases the line.
func busy(w io.Writer, t Theme, what string, ticks <-chan time.Time, start time.Time) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case tick := <-ticks:
				fmt.Fprintf(w, "\r\x1b[2K%s %s %s", t.Accent.Render(spinner[i%len(spinner)]), what,
					t.Dim.Render(fmt.Sprintf("%.0fs", tick.Sub(start).Seconds())))
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			fmt.Fprint(w, "\r\x1b[2K")
		})
	}
}
