package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider"
	"infra/stacks"
)

// secretSig marks a secret value in an exported deployment.
const secretSig = "4dabf18193072939515e22adb298388d"

// readDeployed finds which of the named stacks exist and reads their outputs
// and resource counts. One export per stack, with secrets decrypted in
// memory: downstream stacks need the secret outputs (a gateway's private
// key, say) as values.
func (e *Engine) readDeployed(ctx context.Context, names []string) error {
	ws, err := e.metaWorkspace(ctx)
	if err != nil {
		return err
	}
	list, err := ws.ListStacks(ctx)
	if err != nil {
		return fmt.Errorf("list the stacks of %s in %s: %w", e.project, e.backend, cliError(err))
	}
	exists := map[string]bool{}
	for _, s := range list {
		name := path.Base(s.Name)
		exists[name] = true
		if !slices.Contains(names, name) {
			e.orphans = append(e.orphans, name)
		}
	}
	sort.Strings(e.orphans)
	names = append(slices.Clone(names), e.orphans...)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	sem := make(chan struct{}, e.set.parallel)
	for _, name := range names {
		if !exists[name] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var d *deployed
			unlock, err := e.lock(name, "read")
			if err == nil {
				d, err = e.export(ctx, ws.WorkDir(), name)
				unlock()
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("read stack %s: %w", name, err))
				return
			}
			e.deployed[name] = d
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return errs[0]
	}
	return nil
}

// metaWorkspace is a workspace of the project, for commands about no stack
// in particular.
func (e *Engine) metaWorkspace(ctx context.Context) (auto.Workspace, error) {
	dir := filepath.Join(e.root, "_project")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return auto.NewLocalWorkspace(ctx, e.workspaceOptions(dir)...)
}

// envList is the engine's environment as KEY=value pairs.
func (e *Engine) envList() []string {
	out := make([]string, 0, len(e.env))
	for k, v := range e.env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// export reads one stack's deployment.
func (e *Engine) export(ctx context.Context, dir, name string) (*deployed, error) {
	stdout, stderr, _, err := e.cmd.Run(ctx, dir, nil, nil, nil, e.envList(),
		"stack", "export", "--show-secrets", "--stack", name)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, lastLines(stderr, 3))
	}
	return parseDeployment([]byte(stdout))
}

// parseDeployment reads the outputs of the stack resource, and counts the
// resources, of an exported deployment.
func parseDeployment(data []byte) (*deployed, error) {
	var doc struct {
		Deployment struct {
			Resources []struct {
				URN     string         `json:"urn"`
				Type    string         `json:"type"`
				Outputs map[string]any `json:"outputs"`
			} `json:"resources"`
			Pending         []json.RawMessage `json:"pending_operations"`
			SecretsProvider struct {
				Type  string `json:"type"`
				State struct {
					URL          string `json:"url"`
					EncryptedKey string `json:"encryptedkey"`
				} `json:"state"`
			} `json:"secrets_providers"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not a deployment: %w", err)
	}
	d := &deployed{Outputs: stacks.Outputs{}, Pending: len(doc.Deployment.Pending),
		SecretsProvider: providerOf(doc.Deployment.SecretsProvider.Type, doc.Deployment.SecretsProvider.State.URL),
		SecretsKey:      doc.Deployment.SecretsProvider.State.EncryptedKey}
	for _, r := range doc.Deployment.Resources {
		switch {
		case r.Type == string(resource.RootStackType):
			for k, v := range r.Outputs {
				val, secret, err := reveal(v)
				if err != nil {
					return nil, fmt.Errorf("output %s: %w", k, err)
				}
				d.Outputs[k] = stacks.Value{Value: val, Secret: secret}
			}
		case strings.HasPrefix(r.Type, "pulumi:providers:"):
		default:
			d.Resources++
			u := resource.URN(r.URN)
			d.State = append(d.State, stateResource{URN: r.URN, Type: r.Type, Name: u.Name()})
			if r.Type == provider.PresharedKeyType {
				// Pre-shared keys are no stack output: the mesh
				// configuration of `infra mesh config --show-secrets`
				// reads them from here.
				if v, _, err := reveal(r.Outputs["key"]); err == nil {
					if k, ok := v.(string); ok {
						if d.PSKs == nil {
							d.PSKs = map[string]string{}
						}
						d.PSKs[resource.URN(r.URN).Name()] = k
					}
				}
			}
		}
	}
	return d, nil
}

// reveal unwraps the secrets of an exported value; secret is set when any
// part of it was one.
func reveal(v any) (out any, secret bool, err error) {
	switch t := v.(type) {
	case map[string]any:
		if sig, ok := t[secretSig]; ok && sig != nil {
			text, ok := t["plaintext"].(string)
			if !ok {
				return nil, true, fmt.Errorf("secret is still encrypted")
			}
			var inner any
			if err := json.Unmarshal([]byte(text), &inner); err != nil {
				return nil, true, err
			}
			inner, _, err := reveal(inner)
			return inner, true, err
		}
		m := make(map[string]any, len(t))
		for k, e := range t {
			var s bool
			if m[k], s, err = reveal(e); err != nil {
				return nil, false, err
			}
			secret = secret || s
		}
		return m, secret, nil
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			var s bool
			if a[i], s, err = reveal(e); err != nil {
				return nil, false, err
			}
			secret = secret || s
		}
		return a, secret, nil
	}
	return v, false, nil
}

// lastLines returns the last n non-empty lines of s, joined.
func lastLines(s string, n int) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "; ")
}
