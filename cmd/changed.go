package cmd

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/stacks"
	"infra/topology"
	"infra/ui"
)

// ChangedFlags are the flags of preview and up that run only the stacks a
// change affects.
type ChangedFlags struct {
	Changed bool
	Since   string
	// sel is the selection made by apply; nil when every stack runs.
	sel engine.Selection
}

func (fl *ChangedFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&fl.Changed, "changed", false, "run only the stacks whose offline plan differs from the one deployed, and the stacks downstream of them")
	cmd.Flags().StringVar(&fl.Since, "since", "", "run only the stacks whose offline plan differs from the topology's at this git ref (CI: the base branch), and the stacks downstream of them")
}

// apply narrows the session to the changed stacks, and says which run and
// which do not, on stderr. none is set when no stack changed: there is
// nothing to run.
func (fl *ChangedFlags) apply(op *operation, io *ui.IO, file string, only []string) (none bool, err error) {
	ctx, s := op.ctx, op.s
	if !fl.Changed && fl.Since == "" {
		return false, nil
	}
	if len(only) > 0 {
		return false, usageError{errors.New("--changed and --since choose the stacks themselves: drop --stack")}
	}
	var base *stacks.Graph
	if fl.Since != "" {
		var err error
		if base, err = baseGraph(ctx, file, fl.Since); err != nil {
			return false, err
		}
	}
	sel, err := s.Changed(ctx, base)
	if err != nil {
		return false, err
	}
	fl.sel = sel
	s.Only(sel.Names())
	t := ui.NewTheme(io.Err, io.Color)
	for _, c := range sel {
		mark := t.Accent.Render("▶")
		if !c.Run {
			mark = t.Dim.Render("·")
		}
		fmt.Fprintf(io.Err, "%s %s: %s\n", mark, c.Name, c.Reason)
	}
	if len(sel.Names()) == 0 {
		fmt.Fprintf(io.Err, "%s nothing changed: no stack to run (%d unchanged)\n", t.OK.Render("✓"), len(sel))
		return true, nil
	}
	return false, nil
}

// summary says, after the run, which stacks were not run and about how much
// time that saved: the mean time of the stacks that ran, for each one that
// did not (stack time; the wall time saved depends on --parallel).
func (fl *ChangedFlags) summary(io *ui.IO, res *engine.Result) {
	if fl.sel == nil {
		return
	}
	skipped := fl.sel.Unchanged()
	if len(skipped) == 0 {
		return
	}
	var spent time.Duration
	n := 0
	for _, s := range res.Stacks {
		if s.Duration > 0 {
			spent += s.Duration
			n++
		}
	}
	line := fmt.Sprintf("unchanged, not run: %s", strings.Join(skipped, ", "))
	if n > 0 {
		mean := spent / time.Duration(n)
		line += fmt.Sprintf(" (about %s of stack time saved: %d × the %s the %d stacks run took on average)",
			(mean * time.Duration(len(skipped))).Round(100*time.Millisecond), len(skipped), mean.Round(100*time.Millisecond), n)
	}
	t := ui.NewTheme(io.Err, io.Color)
	fmt.Fprintln(io.Err, t.Dim.Render(line))
}

// baseGraph builds the stack graph of the topology file as it was at a git
// ref: `git show <ref>:./<file>` from the file's directory. A file the ref
// does not have gives an empty topology: every stack is new.
func baseGraph(ctx context.Context, file, ref string) (*stacks.Graph, error) {
	dir, name := filepath.Split(file)
	if dir == "" {
		dir = "."
	}
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "show", ref+":./"+name)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "does not exist in") || strings.Contains(msg, "exists on disk, but not in") {
			return &stacks.Graph{}, nil
		}
		return nil, fmt.Errorf("--since %s: read %s at %s: %s", ref, file, ref, msg)
	}
	spec, _, err := topology.Parse(file, data)
	if err != nil {
		return nil, fmt.Errorf("--since %s: the topology at %s: %w", ref, ref, err)
	}
	return stacks.Build(spec)
}
