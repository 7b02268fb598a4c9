package cmd

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// s3Gate is an S3-compatible server on loopback (gofakes3, in memory) that
// holds back the release of the first lock pulumi takes in the bucket once
// armed: the DELETE of that lock object waits until the hold ends, so the
// run that holds it keeps holding it, without a sleep, while another run
// tries. A hold that ends with drop never deletes the lock: its holder was
// killed.
type s3Gate struct {
	srv *httptest.Server
	mu  sync.Mutex
	h   *hold
}

// hold is one armed gate.
type hold struct {
	first   string        // the path of the first lock object put
	locked  chan struct{} // closed when it is put
	release chan struct{} // closed to end the hold
	drop    bool          // when it ends: refuse the DELETE
	once    sync.Once
}

func (h *hold) end(drop bool) {
	h.once.Do(func() {
		h.drop = drop
		close(h.release)
	})
}

func startS3Gate(t *testing.T, bucket string) *s3Gate {
	t.Helper()
	mem := s3mem.New()
	if err := mem.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	s3 := gofakes3.New(mem).Server()
	g := &s3Gate{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/.pulumi/locks/") && strings.HasSuffix(r.URL.Path, ".json") {
			g.mu.Lock()
			h := g.h
			first := h != nil && r.Method == http.MethodPut && h.first == ""
			if first {
				h.first = r.URL.Path
			}
			held := h != nil && r.Method == http.MethodDelete && r.URL.Path == h.first
			g.mu.Unlock()
			if held {
				<-h.release
				if h.drop {
					http.Error(w, "the holder is gone", http.StatusServiceUnavailable)
					return
				}
			}
			if first {
				// Locked once the object is stored: a holder killed
				// while its PUT was still sending would leave none.
				s3.ServeHTTP(w, r)
				close(h.locked)
				return
			}
		}
		s3.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		g.mu.Lock()
		if g.h != nil {
			g.h.end(true)
		}
		g.mu.Unlock()
		g.srv.Close()
	})
	return g
}

// disarm lets every lock go from now on; a held one is never deleted.
func (g *s3Gate) disarm() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h != nil {
		g.h.end(true)
		g.h = nil
	}
}

// arm holds the next lock pulumi takes.
func (g *s3Gate) arm() *hold {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.h = &hold{locked: make(chan struct{}), release: make(chan struct{})}
	return g.h
}

// TestSharedS3Backend: two `infra up` runs from two working directories at
// once against one S3-compatible bucket. The first holds the stack; the
// second stops with a lock error naming the holder (pid, host, still
// running) and changes nothing; the first completes, and the state it wrote
// is whole: a preview from the second directory finds nothing to change.
func TestSharedS3Backend(t *testing.T) {
	needKill(t)
	bin := binary(t)
	gate := startS3Gate(t, "state")
	// The URL form for an S3-compatible server (gocloud.dev s3blob, as
	// pulumi v3.259 opens it): endpoint with its scheme, path-style
	// addressing, a region.
	backend := "s3://state?endpoint=" + gate.srv.URL + "&s3ForcePathStyle=true&region=us-east-1"
	stack := "hetzner-nbg1-dev"
	env := append(os.Environ(), "INFRA_PASSPHRASE=s3-test", "INFRA_BACKEND="+backend,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true")
	workdir := func() string {
		file, _ := pairSpec(t)
		return file
	}
	fileA, fileB := workdir(), workdir()
	pulumi, _ := filepath.Abs("../.bin/pulumi")
	infra := func(file string, args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append(args, "-f", file, "--no-color", "--stack", stack, "--pulumi", pulumi)...)
		cmd.Dir = filepath.Dir(file)
		cmd.Env = env
		return cmd
	}

	// start runs infra and returns once it holds the stack's lock.
	start := func(h *hold, cmd *exec.Cmd) (out *bytes.Buffer, done chan error) {
		t.Helper()
		out, done = &bytes.Buffer{}, make(chan error, 1)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case <-h.locked:
		case err := <-done:
			t.Fatalf("%v ended (%v) before it locked the stack:\n%s", cmd.Args, err, out)
		}
		return out, done
	}

	h := gate.arm()
	outA, doneA := start(h, infra(fileA, "up", "--simulate", "--yes"))
	outB, errB := infra(fileB, "up", "--simulate", "--yes").CombinedOutput()
	h.end(false)
	if err := <-doneA; err != nil {
		t.Fatalf("the first up: %v\n%s", err, outA.String())
	}
	host, _ := os.Hostname()
	if errB == nil {
		t.Fatalf("the second up went through a held lock:\n%s", outB)
	}
	for _, want := range []string{"locked by another run", "on " + host, "still running", "wait for it to finish", "s3://state"} {
		if !strings.Contains(string(outB), want) {
			t.Errorf("the second up's lock error lacks %q:\n%s", want, outB)
		}
	}
	t.Logf("the second up:\n%s", outB)

	// State intact: what the first deployed is what a fresh look finds.
	if out, err := infra(fileB, "preview", "--simulate", "--detailed-exitcode").CombinedOutput(); err != nil {
		t.Errorf("preview after both runs finds changes or fails (%v):\n%s", err, out)
	}
	out, err := infra(fileB, "outputs", "--json").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "meshPublicKey") {
		t.Errorf("outputs from the shared bucket (%v):\n%s", err, out)
	}

	// A run killed while it holds the stack leaves its lock in the bucket:
	// the next run names the dead holder, and `infra unlock` clears it (as
	// `pulumi cancel` with the stack's full name, which a bare name is not).
	h = gate.arm()
	destroy := infra(fileA, "destroy", "--simulate", "--yes")
	_, doneD := start(h, destroy)
	for _, p := range descendants(destroy.Process.Pid) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	_ = destroy.Process.Kill()
	<-doneD
	gate.disarm()
	// (infra's destroy previews first, and pulumi's destroy preview locks.)
	out, err = infra(fileB, "destroy", "--simulate", "--yes").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "that process has exited") || !strings.Contains(string(out), "infra unlock --stack "+stack) {
		t.Fatalf("a destroy after a killed run (%v) does not report the stale lock:\n%s", err, out)
	}
	if out, err := infra(fileB, "unlock", "--yes").CombinedOutput(); err != nil || !strings.Contains(string(out), "organization/pair/"+stack) {
		t.Fatalf("unlock on S3 (%v):\n%s", err, out)
	}
	if out, err := infra(fileB, "destroy", "--simulate", "--yes").CombinedOutput(); err != nil {
		t.Fatalf("a destroy after unlock (%v):\n%s", err, out)
	}
	if out, err := infra(fileA, "up", "--simulate", "--yes").CombinedOutput(); err != nil {
		t.Fatalf("an up after the destroy (%v):\n%s", err, out)
	}
	if out, err := infra(fileB, "preview", "--simulate", "--detailed-exitcode").CombinedOutput(); err != nil {
		t.Errorf("preview after the recovery finds changes or fails (%v):\n%s", err, out)
	}
}
