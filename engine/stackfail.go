package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// fail records why a stack failed: the engine's error diagnostics when it
// printed some, else the first meaningful line the CLI said; either way
// with the path of the stack's full log.
func (e *Engine) fail(ctx context.Context, r *StackResult, err error) {
	if e.aborting(ctx) {
		r.Status, r.Err = Canceled, errors.New("stopped at once by the interrupt: operations in flight may be left pending; a rerun completes them")
		return
	}
	var msgs []string
	for _, d := range r.Diagnostics {
		if d.Severity != "error" || isBoilerplate(d.Message) {
			continue
		}
		if !slices.Contains(msgs, d.Message) {
			msgs = append(msgs, d.Message)
		}
	}
	if closed(e.set.stop) && len(msgs) == 0 {
		// pulumi's graceful cancel: what was in flight finished.
		r.Status, r.Err = Canceled, errors.New("interrupted: the operations in flight finished and are recorded; the rest did not start")
		return
	}
	r.Status = Failed
	e.mu.Lock()
	d := e.deployed[r.Name]
	e.mu.Unlock()
	switch {
	case d != nil && d.Damaged != nil:
		r.Err = d.Damaged
		return
	case auto.IsConcurrentUpdateError(err):
		r.Err = e.lockError(r.Name, stderrOf(err))
		return
	}
	if de := e.damaged(r.Name, stderrOf(err)); de != nil {
		r.Err = de
		return
	}
	if len(msgs) > 0 {
		err = errors.New(strings.Join(msgs, "; "))
	} else {
		err = cliError(err)
	}
	if where := e.cmd.log.where(r.Name); where != "" {
		err = fmt.Errorf("%w (%s)", err, where)
	}
	r.Err = err
}

// isBoilerplate spots the engine's summary errors that repeat what the
// resource errors said, or that it was canceled.
func isBoilerplate(msg string) bool {
	if strings.HasPrefix(msg, "One or more errors occurred") || strings.Contains(msg, "failed to run") {
		return true
	}
	for _, verb := range []Operation{Up, Preview, Refresh, Destroy, "update"} {
		if strings.HasPrefix(msg, string(verb)+" failed") || strings.HasPrefix(msg, string(verb)+" canceled") {
			return true
		}
	}
	return false
}

// ownVerb gives the engine's "update failed" and "update canceled" the
// operation's own verb: pulumi says "update" of every operation that is not
// a preview (pkg/resource/deploy/deployment_executor.go reportExecResult).
func ownVerb(op Operation, msg string) string {
	if op != Refresh && op != Destroy {
		return msg
	}
	for _, outcome := range []string{"failed", "canceled"} {
		if rest, ok := strings.CutPrefix(msg, "update "+outcome); ok {
			return string(op) + " " + outcome + rest
		}
	}
	return msg
}

// cliError shortens an Automation API error to the first meaningful line
// the CLI said (a panic's message and frame, the first real "error:").
func cliError(err error) error {
	if err == nil {
		return nil
	}
	if stderr := stderrOf(err); stderr != "" {
		if s := firstError(stderr); s != "" {
			return errors.New(s)
		}
	}
	return err
}

// stderrOf is what the CLI printed on stderr, as an Automation API error
// carries it ("...\nstderr: <text>\n"), or "".
func stderrOf(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	if i := strings.Index(msg, "\nstderr: "); i >= 0 {
		return msg[i+len("\nstderr: "):]
	}
	return ""
}
