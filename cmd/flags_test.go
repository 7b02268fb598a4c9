package cmd

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"infra/ui"
)

// parseOnly runs a lone command (built by its NewCmdX with a runF that
// records the Options) under a parent carrying the global flags, as the
// root does: flags are parsed and nothing runs, so no pulumi CLI is needed.
func parseOnly(t *testing.T, env map[string]string, build func(f *Factory) *cobra.Command, args ...string) error {
	t.Helper()
	f := &Factory{IO: &ui.IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}},
		Getenv: func(k string) string { return env[k] }, Now: time.Now}
	parent := &cobra.Command{Use: "infra", SilenceErrors: true, SilenceUsage: true}
	addGlobalFlags(parent, f, f.Global())
	cmd := build(f)
	parent.AddCommand(cmd)
	parent.SetArgs(append(strings.Fields(cmd.Use)[:1], args...))
	parent.SetOut(&bytes.Buffer{})
	parent.SetErr(&bytes.Buffer{})
	return parent.Execute()
}

// parseOptions parses args with a verb's NewCmd and returns the options
// its run would get; the test fails if parsing does.
func parseOptions[O any](t *testing.T, env map[string]string, newCmd func(*Factory, func(*O) error) *cobra.Command, args ...string) *O {
	t.Helper()
	var got *O
	err := parseOnly(t, env, func(f *Factory) *cobra.Command {
		return newCmd(f, func(o *O) error { got = o; return nil })
	}, args...)
	if err != nil || got == nil {
		t.Fatal(err)
	}
	return got
}

// engineFlags are the engine flags after parsing args.
func engineFlagsWant(backend string, simulate bool, parallel int, stacks ...string) EngineFlags {
	return EngineFlags{Backend: backend, Simulate: simulate, Parallel: parallel, Stacks: stacks}
}

func TestEngineVerbFlags(t *testing.T) {
	engineArgs := []string{"--backend", "s3://b", "--simulate", "--parallel", "3", "--stack", "a,b", "--stack", "c", "-f", "t.yaml", "--json"}
	wantEngine := engineFlagsWant("s3://b", true, 3, "a", "b", "c")
	check := func(t *testing.T, o OperationOptions) {
		t.Helper()
		if !reflect.DeepEqual(o.Engine, wantEngine) || !o.JSON || o.Open == nil || o.LoadSpec == nil || o.IO == nil {
			t.Errorf("operation options %+v", o)
		}
	}
	t.Run("preview", func(t *testing.T) {
		got := parseOptions(t, map[string]string{"GITHUB_SHA": "abc"}, NewCmdPreview, append(engineArgs, "--comment", "c.md", "--full-preview", "full.md", "--diff", "--detailed-exitcode")...)
		check(t, got.OperationOptions)
		if got.File != "t.yaml" || got.Comment != "c.md" || got.FullPreview != "full.md" || !got.Diff || !got.DetailedExitcode || got.Getenv("GITHUB_SHA") != "abc" {
			t.Errorf("preview options %+v", got)
		}
	})
	t.Run("up", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdUp, append(engineArgs, "-y", "--diff", "--detailed-exitcode")...)
		check(t, got.OperationOptions)
		if got.File != "t.yaml" || !got.Yes || !got.Diff || !got.DetailedExitcode || got.Gate == nil {
			t.Errorf("up options %+v", got)
		}
	})
	t.Run("refresh", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdRefresh, append(engineArgs, "--preview-only", "--diff", "--detailed-exitcode")...)
		check(t, got.OperationOptions)
		if !got.PreviewOnly || got.Yes || !got.Diff || !got.DetailedExitcode {
			t.Errorf("refresh options %+v", got)
		}
		// --yes and --preview-only contradict each other.
		err := parseOnly(t, nil, func(f *Factory) *cobra.Command { return NewCmdRefresh(f, func(*RefreshOptions) error { return nil }) },
			"--preview-only", "--yes")
		if err == nil {
			t.Error("refresh --preview-only --yes: no error")
		}
	})
	t.Run("destroy", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdDestroy, append(engineArgs, "--yes")...)
		check(t, got.OperationOptions)
		if !got.Yes {
			t.Errorf("destroy options %+v", got)
		}
	})
	t.Run("outputs", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdOutputs, append(engineArgs, "--show-secrets")...)
		if !reflect.DeepEqual(got.Engine, wantEngine) || !got.JSON || !got.ShowSecrets || got.Open == nil {
			t.Errorf("outputs options %+v", got)
		}
		got = nil
		if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
			return NewCmdOutputs(f, func(o *OutputsOptions) error { got = o; return nil })
		}, "mesh", "meshGateways", "--raw"); err != nil || got == nil || got.Stack != "mesh" || got.Name != "meshGateways" || !got.Raw {
			t.Errorf("outputs STACK NAME --raw: %v %+v", err, got)
		}
		if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
			return NewCmdOutputs(f, func(o *OutputsOptions) error { return nil })
		}, "mesh", "--raw"); err == nil || !strings.Contains(err.Error(), "--raw prints one output") {
			t.Errorf("--raw without a name: %v", err)
		}
	})
	t.Run("change-secrets-provider", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdChangeSecretsProvider, "awskms://alias/x", "--yes", "--backend", "s3://b")
		if got.Engine.Secrets != "awskms://alias/x" || !got.Yes || got.Engine.Backend != "s3://b" || got.Open == nil {
			t.Errorf("change-secrets-provider options %+v", got)
		}
	})
	t.Run("kubeconfig", func(t *testing.T) {
		got := parseOptions(t, nil, NewCmdKubeconfig, append(engineArgs, "hetzner-nbg1-prod", "--output", "k.yaml")...)
		if !reflect.DeepEqual(got.Engine, wantEngine) || !got.JSON || got.Open == nil || got.Output != "k.yaml" || got.Merge ||
			!reflect.DeepEqual(got.Clusters, []string{"hetzner-nbg1-prod"}) || got.Reach != nil {
			t.Errorf("kubeconfig options %+v (a simulated run probes no address)", got)
		}
		if got := parseOptions(t, nil, NewCmdKubeconfig, "hetzner-nbg1-prod"); got.Reach == nil {
			t.Error("kubeconfig of deployed clusters probes no control plane")
		}
		if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
			return NewCmdKubeconfig(f, func(*KubeconfigOptions) error { return nil })
		}, "--merge", "--output", "k.yaml"); err == nil || !strings.Contains(err.Error(), "cannot be used together") {
			t.Errorf("--merge with --output: %v", err)
		}
	})
	t.Run("doctor", func(t *testing.T) {
		got := parseOptions(t, map[string]string{"INFRA_PASSPHRASE": "p"}, NewCmdDoctor,
			"--backend", "s3://b", "--pulumi", "/opt/pulumi", "--secrets-provider", "awskms://alias/x", "-f", "t.yaml", "--json")
		if got.Backend != "s3://b" || got.Pulumi != "/opt/pulumi" || got.Secrets != "awskms://alias/x" || got.File != "t.yaml" || !got.JSON ||
			got.Getenv("INFRA_PASSPHRASE") != "p" {
			t.Errorf("doctor options %+v", got)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		var got *PreviewOptions
		err := parseOnly(t, map[string]string{"INFRA_FILE": "env.yaml"}, func(f *Factory) *cobra.Command {
			return NewCmdPreview(f, func(o *PreviewOptions) error { got = o; return nil })
		})
		if err != nil || got == nil {
			t.Fatal(err)
		}
		if got.File != "env.yaml" || got.JSON || got.Engine.Parallel != 10 || got.Engine.Simulate || len(got.Engine.Stacks) != 0 {
			t.Errorf("default preview options %+v", got)
		}
	})
}

func TestEngineVerbsRejectBadFlags(t *testing.T) {
	builds := map[string]func(f *Factory) *cobra.Command{
		"preview": func(f *Factory) *cobra.Command { return NewCmdPreview(f, func(*PreviewOptions) error { return nil }) },
		"up":      func(f *Factory) *cobra.Command { return NewCmdUp(f, func(*UpOptions) error { return nil }) },
		"refresh": func(f *Factory) *cobra.Command { return NewCmdRefresh(f, func(*RefreshOptions) error { return nil }) },
		"destroy": func(f *Factory) *cobra.Command { return NewCmdDestroy(f, func(*DestroyOptions) error { return nil }) },
		"outputs": func(f *Factory) *cobra.Command { return NewCmdOutputs(f, func(*OutputsOptions) error { return nil }) },
	}
	for name, build := range builds {
		extra := []string{"extra-arg"}
		if name == "outputs" { // takes STACK and NAME
			extra = []string{"stack", "name", "extra-arg"}
		}
		for _, args := range [][]string{{"--parallel", "x"}, {"--bogus"}, extra} {
			if err := parseOnly(t, nil, build, args...); err == nil {
				t.Errorf("%s %v: no error", name, args)
			}
		}
	}
}

func TestOfflineVerbFlags(t *testing.T) {
	var plan *PlanOptions
	if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
		return NewCmdPlan(f, func(o *PlanOptions) error { plan = o; return nil })
	}, "--stack", "mesh", "--format", "markdown", "--out", "p.json"); err != nil || plan == nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plan.Stacks, []string{"mesh"}) || plan.Format != "markdown" || plan.Out != "p.json" {
		t.Errorf("plan options %+v", plan)
	}
	err := parseOnly(t, nil, func(f *Factory) *cobra.Command { return NewCmdPlan(f, func(*PlanOptions) error { return nil }) },
		"--json", "--format", "table")
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("plan --json --format table: %v, want a usage error", err)
	}
	var adr *ADROptions
	if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
		return NewCmdADR(f, func(o *ADROptions) error { adr = o; return nil })
	}, "-o", "d", "--template", "madr", "--check"); err != nil || adr == nil {
		t.Fatal(err)
	}
	if adr.Dir != "d" || adr.Template != "madr" || !adr.Check || adr.Date == "" {
		t.Errorf("adr options %+v", adr)
	}
	// --format is --template's old name: still taken, and a contradiction
	// of the two is a usage error.
	adr = nil
	if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
		return NewCmdADR(f, func(o *ADROptions) error { adr = o; return nil })
	}, "--format", "madr"); err != nil || adr == nil || adr.Template != "madr" {
		t.Errorf("adr --format madr: %v %+v", err, adr)
	}
	if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
		return NewCmdADR(f, func(o *ADROptions) error { return nil })
	}, "--format", "madr", "--template", "nygard"); !errors.As(err, &ue) {
		t.Errorf("adr --format madr --template nygard: %v, want a usage error", err)
	}
	var render *GuardrailsRenderOptions
	if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
		return NewCmdGuardrails(f, nil, func(o *GuardrailsRenderOptions) error { render = o; return nil })
	}, "render", "--cloud", "ibm"); err != nil || render == nil {
		t.Fatal(err)
	}
	if render.Cloud != "ibm" {
		t.Errorf("render options %+v", render)
	}
	var mesh *MeshConfigOptions
	if err := parseOnly(t, nil, func(f *Factory) *cobra.Command {
		return NewCmdMesh(f, func(o *MeshConfigOptions) error { mesh = o; return nil })
	}, "config", "--node", "aws/us-east-1", "--show-secrets"); err != nil || mesh == nil {
		t.Fatal(err)
	}
	if mesh.Node != "aws/us-east-1" || !mesh.ShowSecrets || mesh.Keys == nil {
		t.Errorf("mesh options %+v", mesh)
	}
}

// Flags that name things of the topology complete with their values.
func TestValueCompletion(t *testing.T) {
	multi := "../examples/multicloud.yaml"
	for _, tc := range []struct {
		args []string
		want []string
		not  string
	}{
		{[]string{"__complete", "preview", "-f", multi, "--stack", ""}, []string{"mesh", "aws-us-east-1-prod", "landingzone-aws"}, ""},
		{[]string{"__complete", "plan", "-f", multi, "--stack", "mesh,"}, []string{"mesh,aws-us-east-1-prod"}, ""},
		{[]string{"__complete", "mesh", "config", "-f", multi, "--node", ""}, []string{"aws/us-east-1/prod"}, ""},
		{[]string{"__complete", "guardrails", "render", "--cloud", ""}, []string{"aws", "ibm", "ovh", "hetzner"}, ""},
		{[]string{"__complete", "plan", "--format", ""}, []string{"table", "markdown", "json"}, ""},
		{[]string{"__complete", "validate", "--format", ""}, []string{"github", "sarif"}, ""},
		{[]string{"__complete", "schema", "--output", ""}, []string{"run", "plan", "error"}, ""},
		{[]string{"__complete", "validate", "-f", ""}, []string{"yaml", "yml", ":8"}, ""}, // file names filtered by extension
		// a topology that does not load completes nothing, quietly
		{[]string{"__complete", "up", "-f", "/nonexistent.yaml", "--stack", ""}, []string{":4"}, "error"},
	} {
		r := run(t, false, nil, tc.args...)
		lines := strings.Split(r.out, "\n")
		for _, w := range tc.want {
			if !slices.Contains(lines, w) {
				t.Errorf("%v: no %q in\n%s", tc.args, w, r.out)
			}
		}
		if tc.not != "" && strings.Contains(r.out, tc.not) {
			t.Errorf("%v: %q in\n%s", tc.args, tc.not, r.out)
		}
	}
}
