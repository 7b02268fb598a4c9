package engine

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// TestOwnPluginNoticeIsSilenced: pulumi's warning that infra's own plugin
// comes from $PATH is dropped; other warnings, about other plugins too, stay.
func TestOwnPluginNoticeIsSilenced(t *testing.T) {
	diag := func(msg string) events.EngineEvent {
		return events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: msg}}}
	}
	if _, ok := translate(diag("using pulumi-resource-infra from $PATH at /tmp/infra-engine-1/plugins/pulumi-resource-infra\n")); ok {
		t.Error("the notice about infra's own plugin is shown")
	}
	for _, msg := range []string{"using pulumi-resource-aws from $PATH at /usr/bin/pulumi-resource-aws", "deprecated field"} {
		if ev, ok := translate(diag(msg)); !ok || ev.Severity != "warning" {
			t.Errorf("%q is dropped", msg)
		}
	}
}
