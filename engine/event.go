package engine

import (
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider"
)

// EventKind says what an Event reports.
type EventKind string

// The kinds of event, in the order a stack emits them.
const (
	// StackStarted: the stack's operation began.
	StackStarted EventKind = "stack-started"
	// StepStarted: the engine began a resource step (Step is set).
	StepStarted EventKind = "step-started"
	// StepDone: a resource step finished (Step is set).
	StepDone EventKind = "step-done"
	// StepFailed: a resource step failed (Step is set; Message says why).
	StepFailed EventKind = "step-failed"
	// Diag: a warning or error from the engine or a provider (Message,
	// Severity).
	Diag EventKind = "diagnostic"
	// StackDone: the stack finished, failed, was skipped or canceled
	// (Result is set).
	StackDone EventKind = "stack-done"
)

// Event is one thing that happened in a run, for progress views. Events of
// one run reach the progress function one at a time, in order per stack.
type Event struct {
	Kind      EventKind
	Operation Operation
	Stack     string
	Step      *Step
	Severity  string
	Message   string
	// Result is the stack's outcome, on StackDone.
	Result *StackResult
	// Elapsed is the time since the stack started.
	Elapsed time.Duration
}

// translate turns an engine event of the Automation API's stream into this
// package's event, or reports ok=false for events views do not need.
func translate(e events.EngineEvent) (Event, bool) {
	switch {
	case e.ResourcePreEvent != nil:
		st := stepOf(e.ResourcePreEvent.Metadata)
		if st == nil {
			return Event{}, false
		}
		return Event{Kind: StepStarted, Step: st}, true
	case e.ResOutputsEvent != nil:
		st := stepOf(e.ResOutputsEvent.Metadata)
		if st == nil {
			return Event{}, false
		}
		return Event{Kind: StepDone, Step: st}, true
	case e.ResOpFailedEvent != nil:
		st := stepOf(e.ResOpFailedEvent.Metadata)
		if st == nil {
			return Event{}, false
		}
		st.Failed = true
		return Event{Kind: StepFailed, Step: st}, true
	case e.DiagnosticEvent != nil:
		d := e.DiagnosticEvent
		if d.Ephemeral || d.Severity == "debug" || strings.TrimSpace(d.Message) == "" {
			return Event{}, false
		}
		if isOwnPluginNotice(d.Message) {
			return Event{}, false
		}
		sev := d.Severity
		if sev == "info#err" {
			sev = "info"
		}
		return Event{Kind: Diag, Severity: sev, Message: cleanMessage(d.Message), Step: urnStep(d.URN)}, true
	}
	return Event{}, false
}

// isOwnPluginNotice spots pulumi's warning that it runs a provider plugin
// found on $PATH ("using pulumi-resource-infra from $PATH at …"): for
// infra's own plugin that is by design (the engine puts it there), and the
// warning on every run would teach users to ignore warnings.
func isOwnPluginNotice(msg string) bool {
	return strings.Contains(msg, "using "+provider.PluginName+" from $PATH")
}

// stepOf reads a step's metadata. The stack resource and the default
// providers are Pulumi's bookkeeping, not the user's resources: they are
// left out, as Pulumi's own summaries leave providers out.
func stepOf(m apitype.StepEventMetadata) *Step {
	urn := resource.URN(m.URN)
	if !urn.IsValid() || urn.QualifiedType() == resource.RootStackType || strings.HasPrefix(m.Type, "pulumi:providers:") && strings.HasPrefix(urn.Name(), "default") {
		return nil
	}
	st := &Step{URN: m.URN, Type: m.Type, Name: urn.Name(), Op: string(m.Op), Diffs: m.Diffs, Replaces: m.Keys}
	c, ok := changeOf(string(m.Op))
	switch {
	case ok:
		st.Change = c
	case m.Op == apitype.OpCreateReplacement || m.Op == apitype.OpDeleteReplaced || m.Op == apitype.OpDiscardReplaced:
		st.Change = Replace
	case m.Op == apitype.OpRefresh:
		st.Change = Same
	default:
		st.Change = Change(m.Op)
	}
	if st.Change != Replace {
		st.Replaces = nil
	}
	return st
}

// rootChanged reports a step of the stack resource that changes it: the
// stack's outputs change.
func rootChanged(e events.EngineEvent) bool {
	var m *apitype.StepEventMetadata
	switch {
	case e.ResourcePreEvent != nil:
		m = &e.ResourcePreEvent.Metadata
	case e.ResOutputsEvent != nil:
		m = &e.ResOutputsEvent.Metadata
	default:
		return false
	}
	return m.Type == string(resource.RootStackType) && (m.Op == apitype.OpUpdate || m.Op == apitype.OpCreate)
}

func urnStep(u string) *Step {
	urn := resource.URN(u)
	if u == "" || !urn.IsValid() || urn.QualifiedType() == resource.RootStackType {
		return nil
	}
	return &Step{URN: u, Type: string(urn.Type()), Name: urn.Name()}
}

// cleanMessage drops the colour codes and trailing space of an engine
// message.
func cleanMessage(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		// Pulumi's colour directives look like <{%reset%}>.
		if strings.HasPrefix(s[i:], "<{%") {
			if j := strings.Index(s[i:], "%}>"); j >= 0 {
				i += j + 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return strings.TrimSpace(b.String())
}
