package cmd

import (
	"testing"

	"github.com/spf13/cobra"
)

// TestBundleDriftChangedFlags: the flags of plan bundles, drift and
// change detection reach their Options, and contradictions are refused.
func TestBundleDriftChangedFlags(t *testing.T) {
	t.Run("preview", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdPreview, "--out", "plan.infra", "--changed", "--since", "origin/main")
		if got.Out != "plan.infra" || !got.Changed.Changed || got.Changed.Since != "origin/main" {
			t.Errorf("preview options %+v", got)
		}
	})
	t.Run("up", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdUp, "--plan", "plan.infra", "--skip-stale", "--changed")
		if got.Plan != "plan.infra" || !got.SkipStale || got.AllowStale || !got.Changed.Changed {
			t.Errorf("up options %+v", got)
		}
		if err := parseOnly(t, nil, func(f *Factory) *cobra.Command { return NewCmdUp(f, func(*UpOptions) error { return nil }) },
			"--plan", "p", "--skip-stale", "--allow-stale"); err == nil {
			t.Error("up --skip-stale --allow-stale: no error")
		}
	})
	t.Run("drift", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdDrift, "--detailed-exitcode", "--markdown", "d.md", "--json-report", "d.json", "--simulate", "--json")
		if !got.DetailedExitcode || got.Markdown != "d.md" || got.JSONReport != "d.json" || !got.Engine.Simulate || !got.JSON || got.Open == nil {
			t.Errorf("drift options %+v", got)
		}
	})
	t.Run("show", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdShow, "plan.infra", "--markdown")
		if got.Path != "plan.infra" || !got.Markdown || got.JSON {
			t.Errorf("show options %+v", got)
		}
		if err := parseOnly(t, nil, func(f *Factory) *cobra.Command { return NewCmdShow(f, func(*ShowOptions) error { return nil }) }); err == nil {
			t.Error("show without a file: no error")
		}
	})
}
