package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"infra/ui"
)

// cli runs the infra command line in-process with a fixed clock.
func cli(t *testing.T, now time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	f := &Factory{
		IO:     &ui.IO{In: strings.NewReader(""), Out: &out, Err: &errb},
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return now },
	}
	code = Run(context.Background(), f, args)
	return code, out.String(), errb.String()
}

func copyExample(t *testing.T, name, dst string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

var (
	jan15 = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	feb01 = time.Date(2026, 2, 1, 23, 59, 0, 0, time.UTC)
)

func TestADRCommand(t *testing.T) {
	tmp := t.TempDir()
	spec := filepath.Join(tmp, "topology.yaml")
	dir := filepath.Join(tmp, "docs", "adr")
	copyExample(t, "multicloud", spec)

	code, out, errs := cli(t, jan15, "adr", "-f", spec, "-o", dir)
	if code != 0 || !strings.Contains(out, "22 created, 0 updated, 0 superseded, 0 deprecated, 0 unchanged") {
		t.Fatalf("first run: exit %d\n%s%s", code, out, errs)
	}
	first := readTree(t, dir)
	if len(first) != 22 || !strings.Contains(first["0001-record-architecture-decisions.md"], "Date: 2026-01-15") {
		t.Fatalf("want 21 records and README dated by the clock, got %d files", len(first))
	}

	// Another day, same topology: byte-identical.
	code, out, _ = cli(t, feb01, "adr", "-f", spec, "-o", dir)
	if code != 0 || !strings.Contains(out, "22 unchanged") {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	if second := readTree(t, dir); !equalTrees(first, second) {
		t.Fatal("regenerating an unchanged topology changed files")
	}
	if code, out, _ = cli(t, feb01, "adr", "-f", spec, "-o", dir, "--check"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("--check on an up-to-date directory: exit %d\n%s", code, out)
	}

	// Switch the GLB steering: --check fails and writes nothing; a run supersedes.
	b, _ := os.ReadFile(spec)
	if err := os.WriteFile(spec, bytes.Replace(b, []byte("steering: dynamic_latency"), []byte("steering: geo"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = cli(t, feb01, "adr", "-f", spec, "-o", dir, "--check")
	if code != ExitChanges || !strings.Contains(out, "would be superseded by ADR-0022") || !strings.Contains(out, "out of date") {
		t.Fatalf("--check after an edit: exit %d\n%s", code, out)
	}
	if !equalTrees(first, readTree(t, dir)) {
		t.Fatal("--check wrote files")
	}
	code, out, _ = cli(t, feb01, "adr", "-f", spec, "-o", dir, "--json")
	if code != 0 {
		t.Fatalf("run after edit: exit %d\n%s", code, out)
	}
	var res struct {
		UpToDate bool `json:"upToDate"`
		Changes  []struct {
			File, Action string
			By           int `json:"supersededBy"`
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	found := false
	for _, c := range res.Changes {
		if c.Action == "superseded" && strings.HasPrefix(c.File, "0015-") && c.By == 22 {
			found = true
		}
	}
	if res.UpToDate || !found {
		t.Errorf("JSON does not report 0015 superseded by 22: %s", out)
	}
	after := readTree(t, dir)
	if !strings.Contains(after["0015-global-load-balancing-of-app-example-com-with-dynamic.md"], "Superseded by [ADR-0022](0022-global-load-balancing-of-app-example-com-with-geo-steering.md)") {
		t.Error("old record not marked superseded")
	}
	if !strings.Contains(after["0022-global-load-balancing-of-app-example-com-with-geo-steering.md"], "Date: 2026-02-01") {
		t.Error("new record not dated by the clock")
	}
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestADRDirAndFormat(t *testing.T) {
	tmp := t.TempDir()
	copyExample(t, "minimal", filepath.Join(tmp, "topology.yaml"))
	t.Chdir(tmp)
	if err := os.WriteFile(".adr-dir", []byte("doc/architecture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cli(t, jan15, "adr", "--template", "madr", "--date", "2025-12-24")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	b, err := os.ReadFile(filepath.Join("doc", "architecture", "0001-record-architecture-decisions.md"))
	if err != nil {
		t.Fatalf(".adr-dir not honoured: %v", err)
	}
	if !strings.HasPrefix(string(b), "---\nstatus: accepted\ndate: 2025-12-24\n---\n# Record architecture decisions\n") {
		t.Errorf("not a MADR record dated by --date:\n%s", b)
	}
}

func TestADRErrors(t *testing.T) {
	tmp := t.TempDir()
	good := filepath.Join(tmp, "topology.yaml")
	copyExample(t, "minimal", good)
	bad := filepath.Join(tmp, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: x\nclouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod, zonez: [a]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "adr")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"adr", "-f", good, "-o", out, "--format", "xml"}, ExitUsage, `unknown ADR format "xml"`},
		{[]string{"adr", "-f", good, "-o", out, "--date", "2026-1-5"}, ExitUsage, "invalid --date 2026-1-5"},
		{[]string{"adr", "-f", bad, "-o", out}, ExitError, bad + ":5:"},
		{[]string{"adr", "-f", filepath.Join(tmp, "missing.yaml"), "-o", out}, ExitError, "topology file not found"},
		{[]string{"adr", "extra"}, ExitUsage, "unknown command"},
	} {
		code, stdout, stderr := cli(t, jan15, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %d and %q (stdout %q)", tc.args, code, stderr, tc.code, tc.want, stdout)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed run created the directory")
	}
}

func TestGraphCommand(t *testing.T) {
	spec := filepath.Join("..", "examples", "multicloud.yaml")
	code, out, errs := cli(t, jan15, "graph", "-f", spec)
	if code != 0 || !strings.HasPrefix(out, "flowchart LR\n") || !strings.Contains(out, "WireGuard full mesh") {
		t.Fatalf("mermaid: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = cli(t, jan15, "graph", "-f", spec, "--format", "dot")
	if code != 0 || !strings.HasPrefix(out, `digraph "acme-platform" {`) || !strings.HasSuffix(out, "}\n") {
		t.Fatalf("dot: exit %d\n%s", code, out)
	}
	code, _, errs = cli(t, jan15, "graph", "-f", spec, "--format", "svg")
	if code != ExitUsage || !strings.Contains(errs, `unknown graph format "svg"`) {
		t.Errorf("bad format: exit %d, %s", code, errs)
	}
	code, _, errs = cli(t, jan15, "graph", "-f", "nope.yaml")
	if code != ExitError || !strings.Contains(errs, "topology file not found") {
		t.Errorf("missing file: exit %d, %s", code, errs)
	}
}
