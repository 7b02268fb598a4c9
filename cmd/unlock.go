package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/topology"
	"infra/ui"
)

// UnlockOptions are the inputs of `infra unlock`.
type UnlockOptions struct {
	IO       *ui.IO
	Now      func() time.Time
	LoadSpec func() (*topology.Spec, error)
	// Backend overrides the topology's backend (--backend, INFRA_BACKEND).
	Backend string
	Stack   string
	Pulumi  string
	Yes     bool
}

// NewCmdUnlock builds `infra unlock`; runF replaces the run in tests.
func NewCmdUnlock(f *Factory, runF func(*UnlockOptions) error) *cobra.Command {
	opts := &UnlockOptions{IO: f.IO, Now: f.Now, LoadSpec: f.loadSpec}
	cmd := &cobra.Command{
		Use:   "unlock --stack NAME",
		Short: "Clear the locks a killed run left on a stack",
		Long: `Unlock clears the locks on one stack that no running process holds: those a run
left when it was killed (SIGKILL, a crash, a closed terminal) before it could
release them. It lists each lock with its holder (pid, host, since when) and
asks before it clears them; --yes skips the question.

In a file backend it reads infra's and pulumi's lock files and refuses while a
process of this machine that holds one still runs. In a bucket (s3://, gs://,
azblob://) pulumi keeps its locks where only the pulumi CLI reads them: unlock
runs ` + "`pulumi cancel`" + ` for the stack, which clears every lock of it, a running
update's too; make sure none runs (a lock error names the holder).`,
		Example: "  infra unlock --stack hetzner-nbg1-dev\n  infra unlock --stack mesh --yes",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Backend == "" {
				opts.Backend = f.Getenv(engine.EnvBackend)
			}
			return runOrCtx(cmd.Context(), opts, runF, runUnlock)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Stack, "stack", "", "the stack to unlock (required)")
	fl.StringVar(&opts.Backend, "backend", "", "Pulumi backend URL (env INFRA_BACKEND; default: the topology's)")
	fl.StringVar(&opts.Pulumi, "pulumi", "", "pulumi CLI to use for a bucket backend (default: .bin/pulumi, else pulumi on PATH)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "clear without asking (required when stdin is not a terminal)")
	_ = cmd.MarkFlagRequired("stack")
	return cmd
}

func runUnlock(ctx context.Context, opts *UnlockOptions) error {
	if !opts.Yes && !opts.IO.InTTY {
		return usageError{errors.New("infra unlock clears locks and stdin is not a terminal to confirm on: pass --yes")}
	}
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	backend, err := engine.BackendFor(spec, opts.Backend)
	if err != nil {
		return err
	}
	locks, readable, err := engine.StackLocks(backend, spec.Name, opts.Stack)
	if err != nil {
		return err
	}
	w, t := opts.IO.Err, ui.NewTheme(opts.IO.Err, opts.IO.Color)
	now := opts.Now()
	question := ""
	if readable {
		if len(locks) == 0 {
			fmt.Fprintf(opts.IO.Out, "Stack %s has no lock in %s.\n", opts.Stack, backend)
			return nil
		}
		fmt.Fprintf(w, "Locks of stack %s in %s:\n", opts.Stack, backend)
		live := false
		for _, l := range locks {
			mark := t.Warning.Render("!")
			if l.State == engine.LockLive {
				mark, live = t.Error.Render("✗"), true
			}
			fmt.Fprintf(w, "  %s %s lock %s\n    held by %s\n", mark, l.Owner, l.Path, l.Holder(now))
		}
		if live {
			fmt.Fprintf(w, "%s a run that holds stack %s is still going: infra never breaks its lock; wait for it to finish\n", t.Error.Render("✗"), opts.Stack)
			return exitError{ExitError}
		}
		question = fmt.Sprintf("Clear %s of stack %s?", plural(len(locks), "lock"), opts.Stack)
	} else {
		fmt.Fprintf(w, "Pulumi keeps the locks of stack %s in %s, where infra cannot read their holders\n(a lock error names them). This runs `pulumi %s`,\nwhich clears every lock of the stack, a running update's too.\n",
			opts.Stack, backend, strings.Join(engine.CancelArgs(backend, spec.Name, opts.Stack), " "))
		question = fmt.Sprintf("Clear every lock of stack %s?", opts.Stack)
	}
	if !opts.Yes {
		ok, err := confirm(opts.IO, nil, question)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(w, "Nothing cleared.")
			return exitError{ExitError}
		}
	}
	cleared, err := engine.Unlock(ctx, backend, spec.Name, opts.Stack, opts.Pulumi, nil)
	if err != nil {
		return err
	}
	what := "its locks"
	if readable {
		what = plural(len(cleared), "lock")
	}
	fmt.Fprintf(opts.IO.Out, "%s cleared %s of stack %s; the next run resolves what the killed run left pending.\n", t.OK.Render("✓"), what, opts.Stack)
	return nil
}
