package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider"
	"infra/stacks"
)

// secretSig marks a secret value in an exported deployment.
const secretSig = "4dabf18193072939515e22adb298388d"

// projectDir is the work dir, under the engine's root, of the CLI calls
// about the project rather than one stack.
const projectDir = "_project"

// readDeployed finds which of the named stacks exist and reads their outputs
// and resource counts. One export per stack, with secrets decrypted in
// memory: downstream stacks need the secret outputs (a gateway's private
// key, say) as values.
//
// Reading never takes a lock: an export reads the checkpoint as it is on
// disk or in the bucket, which pulumi replaces whole (a rename, or an
// object put), so a read never blocks, or is blocked by, a run that holds
// the stack, and it needs no write access to the backend. A read that
// races the rename of a checkpoint is retried. A stack whose checkpoint is
// damaged is recorded as such (runs on it fail, naming the file and its
// backup); the other stacks are read as usual.
func (e *Engine) readDeployed(ctx context.Context, names []string) error {
	exists, err := e.listStacks(ctx)
	if err != nil {
		return err
	}
	// Stacks of the project that the topology no longer has: read too, to
	// be shown and destroyed.
	for name := range exists {
		if !slices.Contains(names, name) {
			e.orphans = append(e.orphans, name)
		}
	}
	sort.Strings(e.orphans)
	names = append(slices.Clone(names), e.orphans...)
	var mu sync.Mutex
	var errs []error
	// The project's workspace holds the Pulumi.yaml that a bare stack
	// name is resolved against.
	ws, err := e.metaWorkspace(ctx)
	if err != nil {
		return err
	}
	dir := ws.WorkDir()
	names = slices.DeleteFunc(names, func(name string) bool { return !exists[name] })
	e.inParallel(names, func(name string) {
		d, err := e.export(ctx, dir, name)
		mu.Lock()
		defer mu.Unlock()
		var de *DamagedError
		switch {
		case errors.As(err, &de):
			e.deployed[name] = &deployed{Outputs: stacks.Outputs{}, Damaged: de}
		case err != nil:
			errs = append(errs, fmt.Errorf("read stack %s: %w", name, err))
		default:
			e.deployed[name] = d
		}
	})
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return errs[0]
	}
	return nil
}

// inParallel runs fn for each name, e.set.parallel at a time, and waits
// for every one.
func (e *Engine) inParallel(names []string, fn func(name string)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, e.set.parallel)
	for _, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			fn(name)
		}()
	}
	wg.Wait()
}

// listStacks lists the project's stacks in the backend. A file backend is
// listed from its directory, without the CLI: pulumi's `stack ls` loads
// every checkpoint, so one damaged file would hide every stack.
func (e *Engine) listStacks(ctx context.Context) (map[string]bool, error) {
	exists := map[string]bool{}
	if dir, ok := strings.CutPrefix(e.backend, "file://"); ok {
		entries, err := os.ReadDir(filepath.Join(dir, ".pulumi", "stacks", e.project))
		if errors.Is(err, fs.ErrNotExist) {
			return exists, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list the stacks of %s in %s: %w", e.project, e.backend, err)
		}
		for _, en := range entries {
			if name, ok := checkpointStack(en.Name()); ok && !en.IsDir() {
				exists[name] = true
			}
		}
		return exists, nil
	}
	ws, err := e.metaWorkspace(ctx)
	if err != nil {
		return nil, err
	}
	var list []auto.StackSummary
	err = retryRead(ctx, func() error {
		var err error
		list, err = ws.ListStacks(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list the stacks of %s in %s: %w", e.project, e.backend, cliError(err))
	}
	for _, s := range list {
		exists[path.Base(s.Name)] = true
	}
	return exists, nil
}

// checkpointStack names the stack of a checkpoint file of a file backend:
// <stack>.json, compressed or not; backups (.bak), attributes (.attrs) and
// files being written (.tmp) are none.
func checkpointStack(file string) (string, bool) {
	for _, ext := range []string{".json", ".json.gz", ".json.zst"} {
		if name, ok := strings.CutSuffix(file, ext); ok && name != "" {
			return name, true
		}
	}
	return "", false
}

// checkpointFile is where a file backend keeps a stack's checkpoint, as
// found on disk; "" for other backends.
func (e *Engine) checkpointFile(stack string) string {
	dir, ok := strings.CutPrefix(e.backend, "file://")
	if !ok {
		return ""
	}
	base := filepath.Join(dir, ".pulumi", "stacks", e.project, stack)
	for _, ext := range []string{".json", ".json.gz", ".json.zst"} {
		if _, err := os.Stat(base + ext); err == nil {
			return base + ext
		}
	}
	return base + ".json"
}

// retryRead runs read again while it fails the way a read fails when it
// races a run replacing a checkpoint (a listing that sees the temporary
// file a moment before its rename), a few times, then gives up with the
// last error.
func retryRead(ctx context.Context, read func() error) error {
	delay := 50 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := read()
		if err == nil || attempt == 4 || !isRenameRace(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// isRenameRace spots the errors of a read that met a checkpoint being
// replaced. gocloud's fileblob (v0.46) writes <file>.<hex>.tmp and renames
// it, so a listing in between finds the name but not the file; and it
// rewrites the <file>.attrs sidecar in place (os.Create, then the JSON), so
// a read in between decodes an empty file: a bare EOF, where a truncated
// checkpoint says "unexpected end of JSON input".
func isRenameRace(err error) bool {
	msg := err.Error()
	if strings.Contains(msg, ".tmp: no such file or directory") ||
		strings.Contains(msg, "could not list bucket") && strings.Contains(msg, "no such file or directory") {
		return true
	}
	for l := range strings.SplitSeq(msg, "\n") {
		if strings.HasSuffix(strings.TrimSpace(l), ": EOF") {
			return true
		}
	}
	return false
}

// DamagedError is a stack whose checkpoint pulumi cannot read.
type DamagedError struct {
	Stack string
	// File is the checkpoint, and Backup the copy pulumi keeps of the one
	// before (file backends; "" otherwise).
	File, Backup string
	Backend      string
	// Reason is what pulumi said.
	Reason string
}

func (d *DamagedError) Error() string {
	if d.File == "" {
		return fmt.Sprintf("the checkpoint of stack %s in %s is damaged (%s): restore the previous version of .pulumi/stacks/%s from the bucket (or its .json.bak beside it), then run `infra refresh --stack %s`",
			d.Stack, d.Backend, d.Reason, d.Stack, d.Stack)
	}
	fix := fmt.Sprintf("no backup %s exists: restore the file from a backup of the state directory", d.Backup)
	if _, err := os.Stat(d.Backup); err == nil {
		fix = fmt.Sprintf("pulumi kept the previous checkpoint in %s: keep a copy of the damaged file, restore the backup with `cp %s %s`, then run `infra refresh --stack %s` to read back what changed since",
			d.Backup, d.Backup, d.File, d.Stack)
	}
	return fmt.Sprintf("the checkpoint of stack %s is damaged: %s (%s); %s", d.Stack, d.File, d.Reason, fix)
}

// damaged recognises pulumi's failure to read a checkpoint.
func (e *Engine) damaged(stack, stderr string) *DamagedError {
	if strings.Contains(stderr, "passphrase") || strings.Contains(stderr, "decrypt") {
		// A checkpoint that does not decrypt is sound: the key is wrong
		// (secretsError says so).
		return nil
	}
	var reason string
	for l := range strings.SplitSeq(stderr, "\n") {
		if strings.Contains(l, "failed to load checkpoint") || strings.Contains(l, "could not deserialize deployment") ||
			strings.Contains(l, "unexpected end of JSON input") || strings.Contains(l, "invalid character") {
			reason = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "error:"))
			break
		}
	}
	if reason == "" {
		return nil
	}
	return e.damagedError(stack, reason)
}

func (e *Engine) damagedError(stack, reason string) *DamagedError {
	d := &DamagedError{Stack: stack, Backend: e.backend, Reason: reason}
	if f := e.checkpointFile(stack); f != "" {
		d.File = f
		d.Backup = f + ".bak"
	}
	return d
}

// metaWorkspace is a workspace of the project, for commands about no stack
// in particular.
func (e *Engine) metaWorkspace(ctx context.Context) (auto.Workspace, error) {
	dir := filepath.Join(e.root, projectDir)
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

// export reads one stack's deployment, without a lock (pulumi's export
// takes none either).
func (e *Engine) export(ctx context.Context, dir, name string) (*deployed, error) {
	var stdout, stderr string
	err := retryRead(ctx, func() error {
		var err error
		stdout, stderr, _, err = e.cmd.Run(ctx, dir, nil, nil, nil, e.envList(),
			"stack", "export", "--show-secrets", "--stack", name)
		if err != nil {
			return fmt.Errorf("%w: %s", err, stderr)
		}
		return nil
	})
	if err != nil {
		if d := e.damaged(name, stderr); d != nil {
			return nil, d
		}
		return nil, fmt.Errorf("%w: %s", errors.Unwrap(err), firstError(stderr))
	}
	d, err := parseDeployment([]byte(stdout))
	if err != nil {
		return nil, e.damagedError(name, err.Error())
	}
	return d, nil
}

// parseDeployment reads the outputs of the stack resource, and counts the
// resources, of an exported deployment.
func parseDeployment(data []byte) (*deployed, error) {
	var doc struct {
		Deployment struct {
			Resources []struct {
				URN      string         `json:"urn"`
				Type     string         `json:"type"`
				Inputs   map[string]any `json:"inputs"`
				Outputs  map[string]any `json:"outputs"`
				Provider string         `json:"provider"`
			} `json:"resources"`
			Pending []struct {
				Resource struct {
					URN string `json:"urn"`
				} `json:"resource"`
				Type string `json:"type"`
			} `json:"pending_operations"`
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
	d := &deployed{Outputs: stacks.Outputs{},
		SecretsProvider: providerOf(doc.Deployment.SecretsProvider.Type, doc.Deployment.SecretsProvider.State.URL),
		SecretsKey:      doc.Deployment.SecretsProvider.State.EncryptedKey, Digest: stateDigest(data)}
	for _, p := range doc.Deployment.Pending {
		d.Pending = append(d.Pending, PendingOperation{URN: p.Resource.URN, Type: p.Type})
	}
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
			d.Providers = append(d.Providers, stateResource{URN: r.URN, Type: r.Type, Name: resource.URN(r.URN).Name(), Inputs: plainInputs(r.Inputs)})
		default:
			d.Resources++
			u := resource.URN(r.URN)
			d.State = append(d.State, stateResource{URN: r.URN, Type: r.Type, Name: u.Name(),
				Provider: providerName(r.Provider), Inputs: plainInputs(r.Inputs)})
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
	// part reveals one element of a map or list, noting a secret in it.
	part := func(e any) (any, error) {
		out, s, err := reveal(e)
		secret = secret || s
		return out, err
	}
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
			if m[k], err = part(e); err != nil {
				return nil, false, err
			}
		}
		return m, secret, nil
	case []any:
		a := make([]any, len(t))
		for i, e := range t {
			if a[i], err = part(e); err != nil {
				return nil, false, err
			}
		}
		return a, secret, nil
	}
	return v, false, nil
}
