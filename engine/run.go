package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"infra/stacks"
	"infra/topology"
)

// Preview shows what an up would change in every stack. Stacks whose
// upstream stacks are not deployed yet see those outputs as unknown;
// deployed ones see the outputs they have.
func (e *Engine) Preview(ctx context.Context) *Result { return e.run(ctx, Preview) }

// Up deploys every stack, each as soon as the stacks it depends on have
// succeeded, with the real outputs of those stacks. When a stack fails, the
// stacks that depend on it are skipped and the others finish.
func (e *Engine) Up(ctx context.Context) *Result { return e.run(ctx, Up) }

// Refresh reads every deployed stack's resources back from the clouds and
// reports what drifted. Stacks are independent here, so all run at once
// (within the parallel bound).
func (e *Engine) Refresh(ctx context.Context) *Result { return e.run(ctx, Refresh) }

// PreviewRefresh is a read-only Refresh: it reports the drift and leaves
// the state as it is, so a drift detector needs no write access.
func (e *Engine) PreviewRefresh(ctx context.Context) *Result { return e.run(ctx, PreviewRefresh) }

// Destroy deletes every deployed stack's resources in reverse order: a stack
// only after every stack that depends on it. The stacks stay, empty.
func (e *Engine) Destroy(ctx context.Context) *Result { return e.run(ctx, Destroy) }

// run schedules op over the selected stacks: a stack starts when what it
// waits for has finished (its dependencies; for destroy its dependents;
// nothing for refresh), at most parallel at a time, ready stacks in graph
// order.
//
// The scheduler is the only owner of each stack's status and of the outputs
// it passes on: a stack goroutine works on a result of its own and hands it
// over on done; the scheduler records the outputs first, then the status, and
// only then considers the stacks that read them.
func (e *Engine) run(ctx context.Context, op Operation) *Result {
	start := time.Now()
	var split topology.Diagnostics
	var splitErr error
	if op == Up {
		split, splitErr = e.splitGlobal(ctx)
		clear, err := e.routeClears(ctx)
		e.mu.Lock()
		e.routeClear, e.routeErr = clear, err
		e.mu.Unlock()
	}
	res := e.newResult(op)
	sel := e.selected()
	byName := map[string]*StackResult{}
	for _, r := range res.Stacks {
		byName[r.Name] = r
	}
	if op == Preview {
		// What the preview cannot show: the up deletes these first.
		if clear, err := e.routeClears(ctx); err == nil {
			for name, urns := range clear {
				if r := byName[name]; r != nil && len(urns) > 0 {
					r.Diagnostics = append(r.Diagnostics, routeNotice(urns))
				}
			}
		}
	}
	if r := byName[stacks.LegacyGlobalName]; r != nil && r.Removed {
		r.Diagnostics = append(r.Diagnostics, split...)
		if op == Preview {
			if d := e.splitNotice(ctx); d != nil {
				r.Diagnostics = append(r.Diagnostics, *d)
			}
		}
	}
	if splitErr != nil {
		// Nothing runs: a stack of a concern would create again what
		// global still holds.
		for _, r := range res.Stacks {
			r.Status, r.Err = NotStarted, fmt.Errorf("not started: moving the resources of stack %s failed first", stacks.LegacyGlobalName)
			if r.Name == stacks.LegacyGlobalName {
				r.Status, r.Err = Failed, splitErr
			}
			e.emit(Event{Kind: StackDone, Operation: op, Stack: r.Name, Result: r})
		}
		res.Duration = time.Since(start)
		return res
	}
	waitsFor := map[string][]string{}
	for _, s := range sel {
		switch op {
		case Refresh, PreviewRefresh:
		case Destroy:
			for _, t := range sel {
				if slices.Contains(t.DependsOn, s.Name) {
					waitsFor[s.Name] = append(waitsFor[s.Name], t.Name)
				}
			}
		default:
			for _, d := range s.DependsOn {
				if byName[d] != nil {
					waitsFor[s.Name] = append(waitsFor[s.Name], d)
				}
			}
		}
	}
	orphan := map[string]bool{}
	for _, s := range sel {
		if e.isOrphan(s.Name) {
			orphan[s.Name] = true
		}
	}
	orphanWaits(op, sel, orphan, waitsFor)
	// Outputs as the run makes them; deployed ones for the rest.
	outputs := map[string]stacks.Outputs{}
	e.mu.Lock()
	for name, d := range e.deployed {
		outputs[name] = d.Outputs
	}
	e.mu.Unlock()

	finished := func(st Status) bool { return st != Pending && st != Running }
	ok := func(st Status) bool { return st == Succeeded || st == Absent }
	settle := func(r *StackResult) {
		e.emit(Event{Kind: StackDone, Operation: op, Stack: r.Name, Result: r, Elapsed: r.Duration})
	}
	done := make(chan *StackResult)
	running := 0
	for {
		progressed := true
		for progressed {
			progressed = false
			for _, s := range sel {
				r := byName[s.Name]
				if r.Status != Pending || running >= e.set.parallel && !e.stopping(ctx) {
					continue
				}
				var blocked []string
				ready := true
				for _, w := range waitsFor[s.Name] {
					switch st := byName[w].Status; {
					case !finished(st):
						ready = false
					case !ok(st):
						blocked = append(blocked, w)
					}
				}
				if !ready {
					continue
				}
				progressed = true
				switch {
				case e.stopping(ctx):
					r.Status, r.Err = NotStarted, fmt.Errorf("not started: the run was interrupted first")
					settle(r)
				case len(blocked) > 0:
					r.Status, r.Blocked = Skipped, blocked
					r.Err = fmt.Errorf("skipped: %s did not succeed", joinNames(blocked))
					settle(r)
				case e.refusedStack(r):
					settle(r)
				case op != Preview && op != Up && !e.isDeployed(s.Name):
					// Nothing to refresh or destroy.
					r.Status = Absent
					settle(r)
				case orphan[s.Name] && op == Preview:
					e.previewOrphan(r)
					settle(r)
				case !orphan[s.Name] && op == Up && !e.upstreamReady(s, outputs, r):
					settle(r)
				default:
					var up stacks.Upstream
					if !orphan[s.Name] {
						up = e.graph.Upstream(s, outputs)
					}
					running++
					r.Status = Running
					own := r.fresh()
					go func() {
						if !orphan[s.Name] {
							e.runStack(ctx, op, s, up, own)
						} else if op == Up || op == Destroy {
							// Up and destroy both delete it, then drop it.
							if e.runStack(ctx, Destroy, s, nil, own); own.Status == Succeeded {
								e.removeOrphan(ctx, own)
							}
						} else {
							e.runStack(ctx, op, s, nil, own)
						}
						done <- own
					}()
				}
			}
		}
		if running == 0 {
			break
		}
		got := <-done
		running--
		if got.Status == Succeeded && op == Up {
			outputs[got.Name] = got.Outputs
		}
		*byName[got.Name] = *got
		settle(byName[got.Name])
	}
	res.Interrupted = e.stopping(ctx)
	res.Duration = time.Since(start)
	return res
}

// upstreamReady checks, for an up of some stacks only, that the stacks it
// reads from are deployed; otherwise it fails r and says what to run.
func (e *Engine) upstreamReady(s *stacks.Stack, outputs map[string]stacks.Outputs, r *StackResult) bool {
	var missing []string
	for _, d := range s.DependsOn {
		if _, ok := outputs[d]; !ok {
			missing = append(missing, d)
		}
	}
	if len(missing) == 0 {
		return true
	}
	r.Status, r.Blocked = Failed, missing
	r.Err = fmt.Errorf("it reads the outputs of %s, which %s not deployed: deploy %s first", joinNames(missing), isAre(len(missing)), itThem(len(missing)))
	return false
}

func (e *Engine) isDeployed(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.deployed[name]
	return ok
}

// joinNames lists names in English: "a", "a and b", "a, b and c".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
