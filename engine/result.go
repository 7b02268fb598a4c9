package engine

import (
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"infra/stacks"
	"infra/topology"
)

// Operation is what a run does to every stack.
type Operation string

// The operations.
const (
	Preview Operation = "preview"
	Up      Operation = "up"
	Refresh Operation = "refresh"
	Destroy Operation = "destroy"
	// PreviewRefresh reads the clouds like Refresh and reports the drift,
	// but writes nothing to the state (pulumi refresh --preview-only).
	PreviewRefresh Operation = "preview-refresh"
)

// Refreshes reports whether op reads the resources back from the clouds
// (Refresh, PreviewRefresh): its changes are drift.
func (op Operation) Refreshes() bool { return op == Refresh || op == PreviewRefresh }

// Status is where a stack is in a run.
type Status string

// The statuses a stack goes through. Pending and Running are transient;
// every stack of a finished run is Succeeded, Failed, Skipped, Canceled,
// NotStarted or Absent.
const (
	Pending   Status = "pending"
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	// Skipped: a stack this one depends on (or, in a destroy, one that
	// depends on it) failed or was skipped, so running it would act on
	// inputs that do not exist.
	Skipped Status = "skipped"
	// Canceled: the run was interrupted while the stack ran. After a
	// graceful stop its operations in flight finished and are in its state
	// (and counted); after a stop at once they may be pending.
	Canceled Status = "canceled"
	// NotStarted: the run was interrupted before the stack's operation
	// began; nothing of it changed.
	NotStarted Status = "not-started"
	// Absent: the stack was never deployed, so there is nothing to refresh,
	// destroy or read.
	Absent Status = "absent"
)

// Change is what a step does to one resource, as the views count it.
type Change string

// The changes. Pulumi's finer operations map onto them: a create-replacement,
// delete-replaced and replace of one resource are one Replace.
const (
	Create  Change = "create"
	Update  Change = "update"
	Replace Change = "replace"
	Delete  Change = "delete"
	Same    Change = "same"
	Read    Change = "read"
	Import  Change = "import"
)

// Changes in the order views list them.
var Changes = []Change{Create, Update, Replace, Delete, Read, Import}

// changeOf maps Pulumi's step operation to a Change; ok is false for the
// bookkeeping steps that are part of another (the delete half of a
// replacement, a refresh step before its outcome).
func changeOf(op string) (c Change, ok bool) {
	switch op {
	case "create":
		return Create, true
	case "update":
		return Update, true
	case "replace":
		return Replace, true
	case "delete", "discard":
		return Delete, true
	case "same":
		return Same, true
	case "read", "read-replacement":
		return Read, true
	case "import", "import-replacement":
		return Import, true
	}
	return "", false
}

// Step is one resource's change in a run.
type Step struct {
	URN  string `json:"urn"`
	Type string `json:"type"`
	Name string `json:"name"`
	// Change is what happens to the resource; Op is Pulumi's own word.
	Change Change `json:"change"`
	Op     string `json:"op"`
	// Diffs are the inputs that change; Replaces those of them that force
	// a replacement. Refresh reports drifted properties in Diffs.
	Diffs    []string `json:"diffs,omitempty"`
	Replaces []string `json:"replaces,omitempty"`
	// Values are the changed inputs with their old and new values (an
	// update or replacement), secrets masked.
	Values []PropertyChange `json:"values,omitempty"`
	// Failed is set when the step failed.
	Failed bool `json:"failed,omitempty"`
	// Incomplete is set when the step started but did not finish (the run
	// was interrupted or its stack failed meanwhile): it is not counted.
	Incomplete bool `json:"incomplete,omitempty"`
	done       bool
}

// Rule ids of the diagnostics a run records (topology.Diagnostic.Rule).
const (
	// RulePulumi: what the pulumi engine or a provider said.
	RulePulumi = "engine/pulumi"
	// RulePending: operations a killed run left unfinished.
	RulePending = "engine/pending"
	// RuleSidecar: damaged state metadata a killed run left, removed.
	RuleSidecar = "engine/sidecar"
	// RuleRun: infra's own warnings about a run.
	RuleRun = "engine/run"
)

// StackResult is one stack's outcome.
type StackResult struct {
	Name        string      `json:"name"`
	Kind        stacks.Kind `json:"kind"`
	Cloud       string      `json:"cloud,omitempty"`
	Region      string      `json:"region,omitempty"`
	Environment string      `json:"environment,omitempty"`
	DependsOn   []string    `json:"dependsOn,omitempty"`
	Status      Status      `json:"status"`
	// Removed marks a stack the backend holds that the topology no longer
	// has: the run deletes its resources and then the stack.
	Removed bool `json:"removed,omitempty"`
	// Changes counts the resources per change, without Same (and without
	// the stack resource and default providers, which Pulumi counts).
	Changes map[Change]int `json:"changes"`
	// Unchanged counts the resources left as they are.
	Unchanged int `json:"unchanged"`
	// OutputsChanged is set when the stack's outputs change (or are made).
	OutputsChanged bool `json:"outputsChanged,omitempty"`
	// Steps lists every resource that changes, sorted by URN.
	Steps []Step `json:"steps,omitempty"`
	// Diagnostics are the warnings and errors of the run, in order.
	Diagnostics []topology.Diagnostic `json:"diagnostics,omitempty"`
	// Outputs after an up, or as deployed (preview, refresh, outputs).
	Outputs stacks.Outputs `json:"-"`
	// Err says why the stack failed; nil otherwise.
	Err error `json:"-"`
	// Planned is what a skipped or canceled stack would have changed, from
	// the preview that came before the run (see Result.NotePlanned).
	Planned map[Change]int `json:"planned,omitempty"`
	// Blocked names the failed or skipped stacks that made this one Skipped.
	Blocked  []string      `json:"blocked,omitempty"`
	Duration time.Duration `json:"-"`
}

// fresh returns a copy of a pending result for a stack goroutine to fill:
// it shares nothing the scheduler reads.
func (s *StackResult) fresh() *StackResult {
	c := *s
	c.Changes = map[Change]int{}
	c.DependsOn = slices.Clone(s.DependsOn)
	return &c
}

// HasChanges reports whether the stack changes anything, its outputs
// included.
func (s *StackResult) HasChanges() bool {
	if s.OutputsChanged {
		return true
	}
	for c, n := range s.Changes {
		if c != Same && n > 0 {
			return true
		}
	}
	return false
}

// Total counts the resources that change.
func (s *StackResult) Total() int {
	n := 0
	for c, k := range s.Changes {
		if c != Same {
			n += k
		}
	}
	return n
}

// StepsOf returns the steps of one change.
func (s *StackResult) StepsOf(c Change) []Step {
	var out []Step
	for _, st := range s.Steps {
		if st.Change == c {
			out = append(out, st)
		}
	}
	return out
}

// Result is the outcome of one operation over the stack graph.
type Result struct {
	Operation Operation `json:"operation"`
	// Project is the Pulumi project: the topology's name.
	Project   string `json:"project"`
	Backend   string `json:"backend"`
	Simulated bool   `json:"simulated"`
	// Interrupted is set when the user interrupted the run.
	Interrupted bool `json:"interrupted,omitempty"`
	// Stacks in graph order (destroy too: the order is the graph's, not
	// the run's).
	Stacks   []*StackResult `json:"stacks"`
	Duration time.Duration  `json:"-"`
}

// NotePlanned records, on every stack of r that was skipped, canceled or
// not started, what pre (the preview before r) planned for it, so a summary
// can say what did not happen.
func (r *Result) NotePlanned(pre *Result) {
	for _, s := range r.Stacks {
		if s.Status != Skipped && s.Status != Canceled && s.Status != NotStarted {
			continue
		}
		if p := pre.Stack(s.Name); p != nil && p.Total() > 0 {
			s.Planned = maps.Clone(p.Changes)
		}
	}
}

// Stack returns the named stack's result, or nil.
func (r *Result) Stack(name string) *StackResult {
	if i := slices.IndexFunc(r.Stacks, func(s *StackResult) bool { return s.Name == name }); i >= 0 {
		return r.Stacks[i]
	}
	return nil
}

// With returns the names of the stacks with a status, in graph order.
func (r *Result) With(st Status) []string {
	var out []string
	for _, s := range r.Stacks {
		if s.Status == st {
			out = append(out, s.Name)
		}
	}
	return out
}

// HasChanges reports whether any stack changes anything.
func (r *Result) HasChanges() bool {
	for _, s := range r.Stacks {
		if s.HasChanges() {
			return true
		}
	}
	return false
}

// Totals sums the changes of every stack.
func (r *Result) Totals() map[Change]int {
	out := map[Change]int{}
	for _, s := range r.Stacks {
		for c, n := range s.Changes {
			out[c] += n
		}
	}
	return out
}

// Err is nil when every stack succeeded (or had nothing to do); otherwise
// it says which stacks failed, were skipped or canceled.
func (r *Result) Err() error {
	failed, skipped, canceled, notStarted := r.With(Failed), r.With(Skipped), r.With(Canceled), r.With(NotStarted)
	if len(failed)+len(skipped)+len(canceled)+len(notStarted) == 0 {
		return nil
	}
	var parts []string
	if len(failed) > 0 {
		parts = append(parts, "failed: "+strings.Join(failed, ", "))
	}
	if len(skipped) > 0 {
		parts = append(parts, "skipped: "+strings.Join(skipped, ", "))
	}
	if len(canceled) > 0 {
		parts = append(parts, "canceled: "+strings.Join(canceled, ", "))
	}
	if len(notStarted) > 0 {
		parts = append(parts, "not started: "+strings.Join(notStarted, ", "))
	}
	msg := string(r.Operation) + " incomplete (" + strings.Join(parts, "; ") + ")"
	if r.Interrupted {
		return &IncompleteError{msg: msg + ": interrupted", interrupted: true}
	}
	return &IncompleteError{msg: msg}
}

// IncompleteError is a run in which some stack did not succeed.
type IncompleteError struct {
	msg         string
	interrupted bool
}

func (e *IncompleteError) Error() string { return e.msg }

// Interrupted reports whether the run stopped because the user asked.
func (e *IncompleteError) Interrupted() bool { return e.interrupted }

// ErrLocked is wrapped by errors of a stack that another update holds.
var ErrLocked = errors.New("stack locked")

func sortSteps(steps []Step) {
	sort.Slice(steps, func(i, j int) bool { return steps[i].URN < steps[j].URN })
}
