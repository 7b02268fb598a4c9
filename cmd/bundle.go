package cmd

import (
	"context"
	"errors"
	"fmt"

	"infra/engine"
	"infra/ui"
)

// previewRun runs the preview of `infra preview`; with --out it also writes
// the reviewed plan bundle that `infra up --plan` applies.
func previewRun(ctx context.Context, opts *PreviewOptions, s *session, progress ui.ProgressView) (*engine.Result, error) {
	if opts.Out == "" {
		return preview(ctx, s, progress), nil
	}
	progress.Start(engine.Preview, s.Graph().Spec.Name, s.stackNames(), s.Simulated())
	res, b, err := s.PreviewBundle(ctx)
	progress.Stop()
	if err != nil {
		return nil, err
	}
	t := ui.NewTheme(opts.F.IO.Err, opts.F.IO.Color)
	if b == nil {
		fmt.Fprintf(opts.F.IO.Err, "%s no plan bundle written: the preview did not succeed\n", t.Error.Render("✗"))
		return res, nil
	}
	b.Infra = Version
	if err := b.Write(opts.Out); err != nil {
		return nil, err
	}
	fmt.Fprintf(opts.F.IO.Err, "%s wrote the plan bundle to %s: review it with `infra show %s`, apply it with `infra up --plan %s`\n",
		t.OK.Render("✓"), opts.Out, opts.Out, opts.Out)
	return res, nil
}

// runUpPlan applies a reviewed plan bundle: it checks every stack's
// starting point first (read-only), refuses the bundle when one moved
// (unless --allow-stale or --skip-stale), asks, then applies.
func runUpPlan(ctx context.Context, opts *UpOptions) error {
	f := opts.F
	if opts.AllowStale && opts.SkipStale {
		return usageError{errors.New("--allow-stale and --skip-stale exclude each other")}
	}
	b, err := engine.ReadBundle(opts.Plan)
	if err != nil {
		return err
	}
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	if err := guardrailGate(ctx, opts.F, opts.File, spec); err != nil {
		return err
	}
	progress := ui.NewProgressView(f.IO)
	ctx, in := watchInterrupt(ctx, f, progress)
	defer in.Close()
	s, err := startEngine(ctx, f, spec, &opts.Engine, progress, in.options()...)
	if err != nil {
		if in.stopped() {
			return exitError{ExitInterrupted}
		}
		return err
	}
	defer s.Close()
	t := ui.NewTheme(f.IO.Err, f.IO.Color)
	fmt.Fprintf(f.IO.Err, "checking where the %d stacks of %s start from (read-only)\n", len(b.Stacks), opts.Plan)
	progress.Start(engine.PreviewRefresh, spec.Name, s.stackNames(), s.Simulated())
	stale, err := s.CheckBundle(ctx, b)
	progress.Stop()
	if err != nil {
		return err
	}
	if len(stale) > 0 {
		ui.RenderStale(f.IO.Err, t, stale, opts.AllowStale)
		if !opts.AllowStale && !opts.SkipStale {
			fmt.Fprintf(f.IO.Err, "%s nothing applied: preview again, or pass --skip-stale to apply the other stacks, --allow-stale to apply all anyway\n", t.Error.Render("✗"))
			if opts.JSON {
				_ = ui.WriteJSON(f.IO.Out, map[string]any{"kind": "up", "version": ui.JSONVersion, "stale": stale})
			}
			return exitError{ExitError}
		}
	}
	if in.stopped() {
		return exitError{ExitInterrupted}
	}
	pre := b.Result()
	if !opts.Yes {
		n, changed := changeCounts(pre)
		ok, err := confirm(f, in.stop, fmt.Sprintf("Apply the reviewed plan: %s to %s?", plural(n, "change"), plural(changed, "stack")))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(f.IO.Err, "Nothing deployed.")
			return exitError{ExitError}
		}
	}
	progress.Start(engine.Up, spec.Name, s.stackNames(), s.Simulated())
	res, _, err := s.ApplyBundle(ctx, b, engine.ApplyOptions{AllowStale: opts.AllowStale, SkipStale: opts.SkipStale, Checked: true, Stale: stale})
	progress.Stop()
	if err != nil {
		return err
	}
	res.NotePlanned(pre)
	if opts.JSON {
		if err := ui.WriteJSON(f.IO.Out, map[string]any{"stale": stale, "up": ui.NewResultJSON(res, ui.RunOptions{Outputs: true})}); err != nil {
			return err
		}
	} else if err := ui.NewRunView(f.IO, false, ui.RunOptions{Outputs: true}).Result(res); err != nil {
		return err
	}
	for _, r := range res.Stacks {
		for _, d := range r.Diagnostics {
			if d.Severity == "error" {
				return exitError{ExitError}
			}
		}
	}
	if err := runResult(res); err != nil {
		return err
	}
	if opts.DetailedExitcode && res.HasChanges() {
		return exitError{ExitChanges}
	}
	return nil
}
