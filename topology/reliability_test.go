package topology

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// TestExplicitZerosAndEmptySettingsAreErrors: a zero count or an empty
// setting written in the file is an error at its line, never replaced by a
// default; node counts have the clouds' upper bounds.
func TestExplicitZerosAndEmptySettingsAreErrors(t *testing.T) {
	const hz = "name: acme\nclouds:\n  hetzner:\n    regions:\n      - region: nbg1\n        environment: dev\n"
	const ibm = "name: acme\nclouds:\n  ibm:\n    regions:\n      - region: us-south\n        environment: prod\n"
	const ovh = "name: acme\nclouds:\n  ovh:\n    regions:\n      - region: GRA11\n        environment: prod\n"
	tests := []struct {
		name string
		yaml string
		want []want
	}{
		{"workers: 0", hz + "        cluster: {workers: 0}\n",
			[]want{{pos: "t.yaml:7:28", msg: "workers must be at least 1, got 0"}}},
		{"workers over the network's limit", hz + "        cluster: {workers: 1000000000}\n",
			[]want{{pos: "t.yaml:7:28", msg: "workers 1000000000 make 1000000002 servers", hint: "docs.hetzner.com"}}},
		{"controlPlanes: 0", hz + "        cluster: {controlPlanes: 0}\n",
			[]want{{pos: "t.yaml:7:34", msg: "controlPlanes must be 1 or 3, got 0"}}},
		{"workersPerZone: 0", ibm + "        cluster: {workersPerZone: 0}\n",
			[]want{{pos: "t.yaml:7:35", msg: "workersPerZone must be at least 1, got 0"}}},
		{"workersPerZone over Kubernetes' limit", ibm + "        cluster: {workersPerZone: 1000000000}\n",
			[]want{{pos: "t.yaml:7:35", msg: "workersPerZone 1000000000 makes 3000000000 workers in 3 zones", hint: "kubernetes.io"}}},
		{"nodesPerZone: 0", base + "        cluster: {nodesPerZone: 0}\n",
			[]want{{pos: "t.yaml:7:33", msg: "maximum node count must be at least 1, got 0"}}},
		{"nodesPerZone over the EKS quota", base + "        cluster: {nodesPerZone: 1000000000}\n",
			[]want{{pos: "t.yaml:7:33", msg: "maximum node count 1000000000 is over the limit of 450", hint: "service-quotas"}}},
		{"OVH nodes over the MKS limit", ovh + "        cluster: {nodes: {min: 3, max: 101}}\n",
			[]want{{pos: "t.yaml:7:26", msg: "maximum node count 101 is over the limit of 100", hint: "OVHcloud"}}},
		{"keepalive: 0s", base + "network:\n  mesh: {keepalive: 0s}\n",
			[]want{{pos: "t.yaml:8:21", msg: "mesh keepalive must be positive, got 0s"}}},
		{"allowed-regions: {}", base + "landingZone:\n  guardrails:\n    - allowed-regions: {}\n",
			[]want{{pos: "t.yaml:9:24", msg: "allowed-regions lists no cloud, so it enforces nothing"}}},
		{"pools: [] and fallback: \"\"", base + "network:\n  globalLoadBalancer:\n    hostname: app.example.com\n    pools: []\n    fallback: \"\"\n",
			[]want{
				{pos: "t.yaml:10:12", msg: "the global load balancer has no pools"},
				{pos: "t.yaml:11:15", msg: "the fallback pool is empty"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkRejected(t, tt.yaml, tt.want)
		})
	}
}

// TestOmittedCountsStillDefault: leaving the counts out is not an explicit
// zero.
func TestOmittedCountsStillDefault(t *testing.T) {
	spec, ds, err := Parse("t.yaml", []byte("name: acme\nclouds:\n  hetzner:\n    regions:\n      - region: nbg1\n        environment: dev\nnetwork:\n  mesh: {}\n"))
	if err != nil {
		t.Fatalf("%v\n%s", err, dump(ds))
	}
	k := spec.Clouds.Hetzner.Regions[0].Cluster
	if k.Workers != 3 || k.ControlPlanes != 1 || spec.Network.Mesh.Keepalive.Seconds() != 25 {
		t.Errorf("defaults: workers %d, control planes %d, keepalive %s", k.Workers, k.ControlPlanes, spec.Network.Mesh.Keepalive)
	}
}

// TestMergeKeys: YAML merge keys share settings between regions; what a
// mapping writes itself wins, and a problem in a merged value points at the
// anchor, where it is written.
func TestMergeKeys(t *testing.T) {
	const doc = `name: acme
clouds:
  hetzner:
    regions:
      - &dev
        region: nbg1
        environment: dev
        cluster: {workers: 2, serverType: cx33, apiAccess: [203.0.113.0/24]}
      - <<: *dev
        region: fsn1
      - region: hel1
        <<: [*dev]
        cluster: {workers: 4, apiAccess: [203.0.113.0/24]}
`
	spec, ds, err := Parse("t.yaml", []byte(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, dump(ds))
	}
	got := map[string]int{}
	for _, r := range spec.Clouds.Hetzner.Regions {
		got[r.Name+"/"+r.Environment] = r.Cluster.Workers
	}
	if got["nbg1/dev"] != 2 || got["fsn1/dev"] != 2 || got["hel1/dev"] != 4 || len(got) != 3 {
		t.Errorf("workers by region = %v", got)
	}
	if p := spec.Clouds.Hetzner.Regions[1].At("cluster"); p.Line != 8 {
		t.Errorf("the merged cluster of fsn1 is at %s, want line 8 (the anchor's)", p)
	}
	bad := strings.Replace(doc, "workers: 2,", "workers: 0,", 1)
	_, ds, err = Parse("t.yaml", []byte(bad))
	if err == nil {
		t.Fatal("workers: 0 through a merge key passed")
	}
	for _, d := range ds {
		if d.Pos.String() != "t.yaml:8:28" {
			t.Errorf("diagnostic away from the anchor: %s", d)
		}
	}
	if len(ds) != 1 { // nbg1's and fsn1's workers: 0 are one place, reported once
		t.Errorf("got %d diagnostics, want 1:\n%s", len(ds), dump(ds))
	}
	_, ds, err = Parse("t.yaml", []byte("name: acme\nclouds:\n  hetzner:\n    regions:\n      - <<: 3\n        region: nbg1\n        environment: dev\n"))
	if err == nil || !strings.Contains(dump(ds), "a merge key in clouds.hetzner.regions[0] takes a mapping") {
		t.Errorf("merging a number: %v\n%s", err, dump(ds))
	}
}

// TestOVHSingleZoneAcceptsEmptyZones: zones: [] on a single-zone OVH region
// says what the region is; zones listed there are still wrong.
func TestOVHSingleZoneAcceptsEmptyZones(t *testing.T) {
	const ovh = "name: acme\nclouds:\n  ovh:\n    regions:\n      - region: GRA11\n        environment: prod\n"
	if _, ds, err := Parse("t.yaml", []byte(ovh+"        zones: []\n")); err != nil {
		t.Errorf("zones: [] on GRA11: %v\n%s", err, dump(ds))
	}
	if _, _, err := Parse("t.yaml", []byte(ovh+"        zones: [a]\n")); err == nil {
		t.Error("a zone on single-zone GRA11 passed")
	}
}

// TestLoadUnreadablePaths: whatever stops the file being read is one error
// diagnostic naming the file, never a pass, a crash or an unbounded read.
func TestLoadUnreadablePaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "topology.yaml")
	if err := os.WriteFile(file, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.yaml")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, path, msg string }{
		{"symlink loop", loop, "symlink loop"},
		{"path through a file", filepath.Join(file, "x.yaml"), "a part of the path is a file"},
		{"character device", "/dev/zero", "not a regular file or a pipe (a character device)"},
	}
	if os.Getuid() != 0 { // root reads anything
		locked := filepath.Join(dir, "locked.yaml")
		if err := os.WriteFile(locked, []byte(base), 0o000); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct{ name, path, msg string }{"permission denied", locked, "permission denied"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if runtime.GOOS == "windows" {
				t.Skip("unix paths")
			}
			spec, ds, err := Load(c.path)
			if err == nil || spec != nil || len(ds) != 1 || ds[0].Severity != Error || ds[0].Pos.File != c.path || !strings.Contains(ds[0].Message, c.msg) {
				t.Errorf("Load(%s) = %v, %v, %v; want one error containing %q", c.path, spec, dump(ds), err, c.msg)
			}
		})
	}
}

// TestLoadPipeIsBounded: a pipe is read, but never past MaxFileSize.
func TestLoadPipeIsBounded(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("named pipes")
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	done := make(chan error, 1)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			done <- err
			return
		}
		defer w.Close()
		chunk := make([]byte, 1<<20)
		for i := range chunk {
			chunk[i] = '#'
		}
		// Twice the limit; the reader stops early, so a write fails.
		for range 2 * MaxFileSize / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				break
			}
		}
		done <- nil
	}()
	_, ds, err := Load(fifo)
	if err == nil || len(ds) != 1 || !strings.Contains(ds[0].Message, "the limit is") {
		t.Errorf("an oversized pipe: %v\n%s", err, dump(ds))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
