package cmd

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestPreviewSince: in a git repository, after one region's worker count
// changed since HEAD, `preview --since HEAD` previews that region and the
// mesh stack downstream of it, and lists the other region as unchanged,
// not run, with the time saved.
func TestPreviewSince(t *testing.T) {
	needCLI(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	file, dir := pairSpec(t)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.invalid"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "topology.yaml")
	git("commit", "-qm", "base")
	src, _ := os.ReadFile(file)
	if err := os.WriteFile(file, []byte(strings.Replace(string(src), "workers: 1", "workers: 2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, false, map[string]string{"INFRA_PASSPHRASE": "p", "INFRA_SIMULATE": "1"}, "preview", "-f", file, "--since", "HEAD")
	if r.code != ExitOK {
		t.Fatalf("preview --since: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	for _, want := range []string{"hetzner-nbg1-dev: its offline plan differs", "mesh: downstream of hetzner-nbg1-dev",
		"hetzner-fsn1-dev: unchanged, not run", "unchanged, not run: hetzner-fsn1-dev (about"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	// The monthly estimate after the preview prices the whole topology, the
	// unchanged stack included; the preview itself leaves it out.
	previewed, _, _ := strings.Cut(r.out, "Monthly estimate")
	if strings.Contains(previewed, "hetzner-fsn1-dev") {
		t.Errorf("the unchanged stack was previewed:\n%s", r.out)
	}
	if r := run(t, false, map[string]string{"INFRA_PASSPHRASE": "p", "INFRA_SIMULATE": "1"}, "preview", "-f", file, "--since", "no-such-ref"); r.code != ExitError || !strings.Contains(r.err, "--since no-such-ref") {
		t.Errorf("unknown ref: exit %d\n%s", r.code, r.err)
	}
}
