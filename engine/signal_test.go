package engine

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

func TestOwnVerb(t *testing.T) {
	for _, tc := range []struct {
		op       Operation
		msg, out string
	}{
		{Destroy, "update failed", "destroy failed"},
		{Destroy, "update canceled", "destroy canceled"},
		{Refresh, "update failed: boom", "refresh failed: boom"},
		{Up, "update failed", "update failed"},
		{Preview, "preview failed", "preview failed"},
		{Destroy, "sim: cannot delete", "sim: cannot delete"},
	} {
		if got := ownVerb(tc.op, tc.msg); got != tc.out {
			t.Errorf("ownVerb(%s, %q) = %q, want %q", tc.op, tc.msg, got, tc.out)
		}
	}
}

// TestOnlyOperationsAreInterrupted: a graceful stop interrupts a stack's
// operation, never the CLI calls that read its results back.
func TestOnlyOperationsAreInterrupted(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"--non-interactive", "up", "--yes", "--skip-preview"}, true},
		{[]string{"destroy", "--yes"}, true},
		{[]string{"preview"}, true},
		{[]string{"--non-interactive", "refresh", "--yes"}, true},
		{[]string{"stack", "export", "--show-secrets", "--stack", "up"}, false},
		{[]string{"stack", "select", "--stack", "destroy"}, false},
		{[]string{"version"}, false},
	} {
		if got := isOperation(tc.args); got != tc.want {
			t.Errorf("isOperation(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
	ack := events.EngineEvent{EngineEvent: apitype.EngineEvent{StdoutEvent: &apitype.StdoutEngineEvent{
		Message: "^C received; cancelling. If you would like to terminate immediately, press ^C again.\n"}}}
	if !isCancelAck(ack) || isCancelAck(events.EngineEvent{}) {
		t.Error("pulumi's answer to an interrupt is not recognised")
	}
}
