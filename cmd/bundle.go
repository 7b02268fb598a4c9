package cmd

import (
	"fmt"

	"infra/engine"
	"infra/ui"
)

// previewRun runs the preview of `infra preview`; with --out it also writes
// the reviewed plan bundle that `infra up --plan` applies.
func previewRun(op *operation, opts *PreviewOptions) (*engine.Result, error) {
	if opts.Out == "" {
		return op.run(engine.Preview), nil
	}
	op.progress.Start(engine.Preview, op.spec.Name, op.s.stackNames(), op.s.Simulated())
	res, b, err := op.s.PreviewBundle(op.ctx)
	op.progress.Stop()
	if err != nil {
		return nil, err
	}
	io := opts.IO
	t := ui.NewTheme(io.Err, io.Color)
	if b == nil {
		fmt.Fprintf(io.Err, "%s no plan bundle written: the preview did not succeed\n", t.Error.Render("✗"))
		return res, nil
	}
	b.Infra = Version
	if err := b.Write(opts.Out); err != nil {
		return nil, err
	}
	fmt.Fprintf(io.Err, "%s wrote the plan bundle to %s: review it with `infra show %s`, apply it with `infra up --plan %s`\n",
		t.OK.Render("✓"), opts.Out, opts.Out, opts.Out)
	return res, nil
}

// upPlanOperation applies a reviewed plan bundle: it checks every stack's
// starting point first (read-only), refuses the bundle when one moved
// (unless --allow-stale or --skip-stale), asks, then applies.
func upPlanOperation(op *operation, opts *UpOptions) error {
	io, s := opts.IO, op.s
	b, err := engine.ReadBundle(opts.Plan)
	if err != nil {
		return err
	}
	t := ui.NewTheme(io.Err, io.Color)
	fmt.Fprintf(io.Err, "checking where the %d stacks of %s start from (read-only)\n", len(b.Stacks), opts.Plan)
	op.progress.Start(engine.PreviewRefresh, op.spec.Name, s.stackNames(), s.Simulated())
	stale, err := s.CheckBundle(op.ctx, b)
	op.progress.Stop()
	if err != nil {
		return err
	}
	if len(stale) > 0 {
		ui.RenderStale(io.Err, t, stale, opts.AllowStale)
		if !opts.AllowStale && !opts.SkipStale {
			fmt.Fprintf(io.Err, "%s nothing applied: preview again, or pass --skip-stale to apply the other stacks, --allow-stale to apply all anyway\n", t.Error.Render("✗"))
			if opts.JSON {
				_ = ui.WriteUpPlanJSON(io.Out, stale, nil)
			}
			return exitError{ExitError}
		}
	}
	pre := b.Result()
	n, changed := changeCounts(pre)
	if err := op.ask(io, opts.Yes, fmt.Sprintf("Apply the reviewed plan: %s to %s?", plural(n, "change"), plural(changed, "stack")), "Nothing deployed."); err != nil {
		return err
	}
	op.progress.Expect(ui.ExpectedResources(pre))
	op.progress.Start(engine.Up, op.spec.Name, s.stackNames(), s.Simulated())
	res, _, err := s.ApplyBundle(op.ctx, b, engine.ApplyOptions{AllowStale: opts.AllowStale, SkipStale: opts.SkipStale, Checked: true, Stale: stale})
	op.progress.Stop()
	if err != nil {
		return err
	}
	res.NotePlanned(pre)
	if opts.JSON {
		if err := ui.WriteUpPlanJSON(io.Out, stale, res); err != nil {
			return err
		}
	} else if err := ui.NewRunView(io, false, ui.RunOptions{Outputs: true}).Result(res); err != nil {
		return err
	}
	for _, r := range res.Stacks {
		for _, d := range r.Diagnostics {
			if d.Severity == "error" {
				return exitError{ExitError}
			}
		}
	}
	return finish(res, opts.DetailedExitcode)
}
