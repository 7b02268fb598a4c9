package cmd

import (
	"testing"

	"github.com/spf13/cobra"
)

// TestBundleDriftChangedFlags: the flags of plan bundles, drift and
// change detection reach their Options, and contradictions are refused.
func TestBundleDriftChangedFlags(t *testing.T) {
	t.Run("preview", func(t *testing.T) {
		var got *PreviewOptions
		err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
			return NewCmdPreview(f, func(o *PreviewOptions) error { got = o; return nil })
		}, "--out", "plan.infra", "--changed", "--since", "origin/main")
		if err != nil || got == nil {
			t.Fatal(err)
		}
		if got.Out != "plan.infra" || !got.Changed.Changed || got.Changed.Since != "origin/main" {
			t.Errorf("preview options %+v", got)
		}
	})
	t.Run("up", func(t *testing.T) {
		var got *UpOptions
		err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
			return NewCmdUp(f, func(o *UpOptions) error { got = o; return nil })
		}, "--plan", "plan.infra", "--skip-stale", "--changed")
		if err != nil || got == nil {
			t.Fatal(err)
		}
		if got.Plan != "plan.infra" || !got.SkipStale || got.AllowStale || !got.Changed.Changed {
			t.Errorf("up options %+v", got)
		}
		if err := parseOnly(t, nil, func(f *Factory) *cobra.Command { return NewCmdUp(f, func(*UpOptions) error { return nil }) },
			"--plan", "p", "--skip-stale", "--allow-stale"); err == nil {
			t.Error("up --skip-stale --allow-stale: no error")
		}
	})
	t.Run("drift", func(t *testing.T) {
		var got *DriftOptions
		err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
			return NewCmdDrift(f, func(o *DriftOptions) error { got = o; return nil })
		}, "--detailed-exitcode", "--markdown", "d.md", "--json-report", "d.json", "--simulate", "--json")
		if err != nil || got == nil {
			t.Fatal(err)
		}
		if !got.DetailedExitcode || got.Markdown != "d.md" || got.JSONReport != "d.json" || !got.Engine.Simulate || !got.JSON || got.Open == nil {
			t.Errorf("drift options %+v", got)
		}
	})
	t.Run("show", func(t *testing.T) {
		var got *ShowOptions
		err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
			return NewCmdShow(f, func(o *ShowOptions) error { got = o; return nil })
		}, "plan.infra", "--markdown")
		if err != nil || got == nil {
			t.Fatal(err)
		}
		if got.Path != "plan.infra" || !got.Markdown || got.JSON {
			t.Errorf("show options %+v", got)
		}
		if err := parseOnly(t, nil, func(f *Factory) *cobra.Command { return NewCmdShow(f, func(*ShowOptions) error { return nil }) }); err == nil {
			t.Error("show without a file: no error")
		}
	})
}
