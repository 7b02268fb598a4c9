package engine_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"infra/engine"
	"infra/provider/sim"
	"infra/topology/topologytest"
)

// TestReadingDuringAnUp: while an up holds a stack (infra's lock and
// pulumi's), another run opens the engine (an export of every stack),
// prints outputs and previews that very stack. Neither blocks nor breaks the
// other: reads take no lock.
func TestReadingDuringAnUp(t *testing.T) {
	slow(t, "deploys with latency")
	ctx := context.Background()
	spec := topologytest.Load(t, "testdata/pair.yaml")
	backend := t.TempDir()
	only := engine.WithStacks("hetzner-nbg1-dev")
	// Something to read before the up starts.
	mustSucceed(t, "preview that makes the stack", open(t, spec, backend, startSim(t), only).Preview(ctx))

	// The writer: a slow cloud keeps its up going once the first resource
	// is made (the checkpoint has been written), which is the signal.
	made := make(chan struct{})
	var once sync.Once
	writer := open(t, spec, backend, startSim(t, sim.WithLatency(4*time.Second)), only,
		engine.WithProgress(func(ev engine.Event) {
			if ev.Kind == engine.StepDone && ev.Step != nil && !strings.HasPrefix(ev.Step.Type, "pulumi:") {
				once.Do(func() { close(made) })
			}
		}))
	upDone := make(chan *engine.Result, 1)
	go func() { upDone <- writer.Up(ctx) }()
	select {
	case <-made:
	case r := <-upDone:
		mustSucceed(t, "up", r)
		t.Fatal("the up ended before it made anything")
	}
	lock := filepath.Join(backend, ".infra", "locks", "pair", "hetzner-nbg1-dev.json")
	if _, err := os.Stat(lock); err != nil {
		t.Fatalf("the up holds no lock while it runs: %v", err)
	}

	// The reader, as `infra outputs` and `infra preview` do it.
	reader := open(t, spec, backend, startSim(t), only)
	if s := reader.Outputs().Stack("hetzner-nbg1-dev"); s.Status != engine.Succeeded {
		t.Errorf("outputs during the up: %s %v", s.Status, s.Err)
	}
	mustSucceed(t, "preview during the up", reader.Preview(ctx))
	if _, err := os.Stat(lock); err != nil {
		t.Logf("the up finished while the reads ran (%v): they overlapped at the start only", err)
	}
	mustSucceed(t, "the up that was read from", <-upDone)
}

// TestDamagedCheckpoint: a truncated checkpoint names its stack, its file
// and the backup beside it; the other stacks are read and deployed as usual.
func TestDamagedCheckpoint(t *testing.T) {
	ctx := context.Background()
	spec := topologytest.Load(t, "testdata/pair.yaml")
	backend := t.TempDir()
	srv := startSim(t)
	regions := engine.WithStacks("hetzner-nbg1-dev", "hetzner-fsn1-dev")
	mustSucceed(t, "up", open(t, spec, backend, srv, regions).Up(ctx))
	// A second up writes the .bak pulumi keeps of the one before.
	mustSucceed(t, "up again", open(t, spec, backend, srv, regions).Up(ctx))

	file := filepath.Join(backend, ".pulumi", "stacks", "pair", "hetzner-fsn1-dev.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}

	e := open(t, spec, backend, srv, regions) // New does not fail
	out := e.Outputs()
	damaged := out.Stack("hetzner-fsn1-dev")
	var de *engine.DamagedError
	if damaged.Status != engine.Failed || !errors.As(damaged.Err, &de) {
		t.Fatalf("the damaged stack: %s %v", damaged.Status, damaged.Err)
	}
	msg := damaged.Err.Error()
	for _, want := range []string{"hetzner-fsn1-dev", file, file + ".bak", "cp "} {
		if !strings.Contains(msg, want) {
			t.Errorf("the damage report lacks %q: %s", want, msg)
		}
	}
	if s := out.Stack("hetzner-nbg1-dev"); s.Status != engine.Succeeded || len(s.Outputs) == 0 {
		t.Errorf("the sound stack: %s %v", s.Status, s.Err)
	}

	up := e.Up(ctx)
	if s := up.Stack("hetzner-nbg1-dev"); s.Status != engine.Succeeded {
		t.Errorf("an up of the sound stack: %s %v", s.Status, s.Err)
	}
	if s := up.Stack("hetzner-fsn1-dev"); s.Status != engine.Failed || !errors.As(s.Err, &de) {
		t.Errorf("an up of the damaged stack: %s %v", s.Status, s.Err)
	}

	// The advice works: restore the backup and the stack reads again.
	if err := os.Rename(file+".bak", file); err != nil {
		t.Fatal(err)
	}
	mustSucceed(t, "up after the restore", open(t, spec, backend, srv, regions).Up(ctx))
}

// TestRunLogs: every CLI call of a run lands in its stack's log file; a
// failure names the file and its first meaningful line; verbose streams it
// and debug passes pulumi's own verbosity; no log holds a secret.
func TestRunLogs(t *testing.T) {
	ctx := context.Background()
	spec := topologytest.Load(t, "testdata/pair.yaml")
	backend := t.TempDir()
	logs := t.TempDir()
	only := engine.WithStacks("hetzner-nbg1-dev")
	var stream bytes.Buffer
	var mu sync.Mutex
	e := open(t, spec, backend, startSim(t, sim.WithFail("hcloud:index/server:Server")), only,
		engine.WithLogDir(logs), engine.WithLog(engine.LogDebug, writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return stream.Write(p)
		})))
	s := e.Up(ctx).Stack("hetzner-nbg1-dev")
	if s.Status != engine.Failed || s.Err == nil {
		t.Fatalf("an up with a failing server: %s %v", s.Status, s.Err)
	}
	path := filepath.Join(e.LogDir(), "hetzner-nbg1-dev.log")
	if !strings.Contains(s.Err.Error(), "full log: "+path) {
		t.Errorf("the failure does not name its log %s: %v", path, s.Err)
	}
	if !strings.HasPrefix(e.LogDir(), logs+string(filepath.Separator)) {
		t.Errorf("the run's logs are in %s, not under %s", e.LogDir(), logs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{"pulumi -v=8 --logtostderr --non-interactive up", "=== exit ", "hcloud:index/server:Server"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	mu.Lock()
	streamed := stream.String()
	mu.Unlock()
	if !strings.Contains(streamed, "hetzner-nbg1-dev | ") || !strings.Contains(streamed, `"level":`) {
		t.Errorf("debug did not stream pulumi's output with its -v=8 logging:\n%.2000s", streamed)
	}

	// Deploy for real, and check that no log holds the secrets made.
	mustSucceed(t, "up", open(t, spec, backend, startSim(t), only, engine.WithLogDir(logs), engine.WithLog(engine.LogDebug, &bytes.Buffer{})).Up(ctx))
	reader := open(t, spec, backend, startSim(t), only, engine.WithLogDir(logs))
	var secrets []string
	for _, v := range reader.Outputs().Stack("hetzner-nbg1-dev").Outputs {
		if str, ok := v.Value.(string); ok && v.Secret && len(str) > 8 {
			secrets = append(secrets, str)
		}
	}
	if len(secrets) == 0 {
		t.Fatal("the stack has no secret output to look for")
	}
	_ = filepath.WalkDir(logs, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, _ := os.ReadFile(p)
		for _, s := range append(secrets, "engine-test-passphrase") {
			if i := strings.Index(string(data), s); i >= 0 {
				lo := max(0, i-300)
				t.Errorf("%s holds a secret in plaintext: %s", p, string(data)[lo:min(len(data), i+100)])
			}
		}
		return nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
