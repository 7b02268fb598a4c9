package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"

	"infra/topology"
)

// PendingOperation is an operation a run started on a resource and never
// saw finish, because it was killed (SIGKILL, a crash, a lost machine): the
// checkpoint keeps it so that nobody forgets that the cloud may hold a
// resource the state does not.
type PendingOperation struct {
	URN string `json:"urn"`
	// Type is pulumi's word: creating, updating, deleting, reading,
	// importing.
	Type string `json:"type"`
}

// pendingCreating is the type of a pending create.
const pendingCreating = "creating"

// What happens to pending operations (Pulumi, "Handling pending
// operations", https://www.pulumi.com/docs/iac/concepts/state-and-backends/):
// pending updates, deletes and reads are dropped by pulumi itself when the
// next operation writes the checkpoint, after a warning; pending creates it
// keeps for good, until a refresh resolves them: interactively, or with
// --clear-pending-creates (the create did not happen) or
// --import-pending-creates URN=ID (it did, and the id is known).
//
// infra reports every pending operation of a stack in every run that reads
// it (a warning on the stack's result). Before it writes the stack (up,
// refresh, destroy) it clears the pending creates with a refresh limited to
// the stack resource (the Automation API's ClearPendingCreates; the
// resources' ids are unknown, so import is not open to it) and says so,
// naming each resource: if the cloud finished one of those creates, that
// resource now exists outside the state, and the warning says how to find
// and adopt it.

// pendingWarnings are the warnings of a stack's pending operations, for a
// run that does not change it.
func pendingWarnings(name string, ops []PendingOperation) []topology.Diagnostic {
	if len(ops) == 0 {
		return nil
	}
	return []topology.Diagnostic{{Severity: topology.Warning, Rule: RulePending, Message: fmt.Sprintf(
		"%d operation(s) left unfinished by a run that was killed: %s; `infra up` (or refresh, destroy) of %s resolves them: it clears the pending creates and says which",
		len(ops), describePending(ops), name)}}
}

// describePending lists operations as "creating <urn>, ...".
func describePending(ops []PendingOperation) string {
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = op.Type + " " + op.URN
	}
	return strings.Join(parts, ", ")
}

// clearPending resolves the pending creates of a stack before op writes it,
// and records on r what it did. It is a no-op for a preview, and for a
// stack with none.
func (e *Engine) clearPending(ctx context.Context, op Operation, st auto.Stack, r *StackResult) error {
	if op == Preview {
		return nil
	}
	e.mu.Lock()
	d := e.deployed[r.Name]
	var creates, others []PendingOperation
	if d != nil {
		for _, p := range d.Pending {
			if p.Type == pendingCreating {
				creates = append(creates, p)
			} else {
				others = append(others, p)
			}
		}
	}
	e.mu.Unlock()
	if len(others) > 0 {
		e.warn(op, r, fmt.Sprintf("%d operation(s) left unfinished by a run that was killed: %s; pulumi drops them as this run writes the state: check these resources in the cloud, and `infra refresh --stack %s` reads back what they are",
			len(others), describePending(others), r.Name))
	}
	if len(creates) == 0 {
		return nil
	}
	root := fmt.Sprintf("urn:pulumi:%s::%s::pulumi:pulumi:Stack::%s-%s", r.Name, e.project, e.project, r.Name)
	if _, err := st.Refresh(ctx, optrefresh.ClearPendingCreates(), optrefresh.Target([]string{root})); err != nil {
		if auto.IsConcurrentUpdateError(err) {
			return err // fail names the lock's holder
		}
		return fmt.Errorf("clear the %d pending create(s) left by a run that was killed (%s): %w",
			len(creates), describePending(creates), cliError(err))
	}
	e.warn(op, r, fmt.Sprintf("cleared %d pending create(s) left by a run that was killed: %s; if the cloud finished one, that resource exists outside the state and this run makes another: find it by its name in the cloud and delete it, or adopt it with `pulumi import`",
		len(creates), describePending(creates)))
	e.mu.Lock()
	d.Pending = others
	e.mu.Unlock()
	return nil
}

// warn records a warning on a stack's result and shows it.
func (e *Engine) warn(op Operation, r *StackResult, msg string) {
	r.Diagnostics = append(r.Diagnostics, topology.Diagnostic{Severity: topology.Warning, Rule: RuleRun, Message: msg})
	e.emit(Event{Kind: Diag, Operation: op, Stack: r.Name, Severity: "warning", Message: msg})
}
