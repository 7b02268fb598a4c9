package engine

import (
	"context"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A preview never creates a stack in the backend. Pulumi can only preview a
// stack that exists, so a stack the backend does not have yet is previewed
// in a scratch stack: an empty stack of the same name in a file backend
// inside the engine's temporary directory, removed by Close.
//
// Why a scratch stack rather than the offline plan's resources counted as
// creates: the preview then stays one code path through the real engine,
// with the providers' Check, the engine's diagnostics and its event stream,
// exactly as for the deployed stacks; an empty stack previews every resource
// as a create, which is what an up of it will do. It costs one `stack init`
// in a local directory, the call the preview made before in the backend.

// scratchPassphrase encrypts the scratch stacks when the run has no
// passphrase (a key-service secrets provider): they hold no secret and
// are deleted with the run.
const scratchPassphrase = "infra-preview-scratch"

// workspaceFor returns the stack to run op on: the backend's, or a scratch
// one for a preview of a stack the backend does not have.
func (e *Engine) workspaceFor(ctx context.Context, op Operation, name string, program pulumi.RunFunc) (auto.Stack, error) {
	if op != Preview || e.isDeployed(name) {
		return e.stackWorkspace(ctx, name, program)
	}
	dir := filepath.Join(e.root, "scratch", name)
	state := filepath.Join(e.root, "scratch-state")
	for _, d := range []string{dir, state} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return auto.Stack{}, err
		}
	}
	env := make(map[string]string, len(e.env)+1)
	for k, v := range e.env {
		env[k] = v
	}
	env["PULUMI_BACKEND_URL"] = pulumiBackendURL("file://" + state)
	if e.set.passphrase == "" {
		env["PULUMI_CONFIG_PASSPHRASE"] = scratchPassphrase
	}
	// Later options win: the same workspace as the stack's, but on the
	// scratch backend, with the passphrase provider (no key service is
	// asked for a key to encrypt nothing).
	opts := append(e.workspaceOptions(dir),
		auto.EnvVars(env),
		auto.SecretsProvider("passphrase"),
		auto.Project(workspace.Project{
			Name:    tokens.PackageName(e.project),
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: env["PULUMI_BACKEND_URL"]},
		}),
		auto.Program(program),
	)
	lw, err := auto.NewLocalWorkspace(ctx, opts...)
	if err != nil {
		return auto.Stack{}, cliError(err)
	}
	st, err := auto.NewStack(ctx, name, &stackWorkspace{Workspace: lw, e: e})
	if err != nil {
		return auto.Stack{}, cliError(err)
	}
	return st, nil
}
