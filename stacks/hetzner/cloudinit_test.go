package hetzner

import (
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func testNodes() []node {
	region := netip.MustParsePrefix("10.20.0.0/16")
	join := netip.MustParseAddr("10.20.0.4")
	return []node{
		{Role: "server", First: true, IP: netip.MustParseAddr("10.20.0.10"), Join: join, Version: "v1.35.5+k3s1", Region: region,
			Labels: map[string]string{labelRole: "control-plane"}},
		{Role: "server", IP: netip.MustParseAddr("10.20.0.11"), Join: join, Version: "v1.35.5+k3s1", Region: region},
		{Role: "agent", IP: netip.MustParseAddr("10.20.0.20"), Join: join, Version: "v1.35.5+k3s1", Region: region},
	}
}

// files parses a cloud-config and returns its write_files by path.
func files(t *testing.T, doc string) map[string]string {
	t.Helper()
	var c struct {
		WriteFiles []struct{ Path, Content string } `yaml:"write_files"`
	}
	if err := yaml.Unmarshal([]byte(doc), &c); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, doc)
	}
	out := map[string]string{}
	for _, f := range c.WriteFiles {
		out[f.Path] = f.Content
	}
	return out
}

// The real tools accept what a node boots with: cloud-init's schema, sh's
// parser for the install script, nft for the firewall (check mode), and the
// k3s config is YAML.
func TestCloudInitWithRealTools(t *testing.T) {
	for _, n := range testNodes() {
		doc := cloudInit(n, secrets{server: "s3rv3r", agent: "ag3nt"})
		fs := files(t, doc)
		var cfg map[string]any
		if err := yaml.Unmarshal([]byte(fs[k3sConfigPath]), &cfg); err != nil {
			t.Errorf("%s: k3s config is not YAML: %v", n.IP, err)
		}
		if n.Role == "agent" && (cfg["token"] != "ag3nt" || cfg["agent-token"] != nil) {
			t.Errorf("%s: agent config holds %v", n.IP, cfg)
		}
		dir := t.TempDir()
		write := func(name, content string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		if out, err := exec.Command("sh", "-n", write("install.sh", fs[installPath])).CombinedOutput(); err != nil {
			t.Errorf("%s: sh -n: %v\n%s\n%s", n.IP, err, out, fs[installPath])
		}
		if ci, err := exec.LookPath("cloud-init"); err == nil {
			out, err := exec.Command(ci, "schema", "--config-file", write("user-data", doc)).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "Valid cloud-config") {
				t.Errorf("%s: cloud-init schema: %v\n%s", n.IP, err, out)
			}
		} else {
			t.Log("cloud-init not installed: schema not checked")
		}
		if nft, err := exec.LookPath("nft"); err == nil {
			if out, err := exec.Command(nft, "-c", "-f", write("node.nft", fs[nodeFWPath])).CombinedOutput(); err != nil {
				t.Errorf("%s: nft -c: %v\n%s\n%s", n.IP, err, out, fs[nodeFWPath])
			}
		}
	}
}

func TestK3sVersion(t *testing.T) {
	if v, err := k3sVersion("1.35"); err != nil || v != "v1.35.5+k3s1" {
		t.Errorf("k3sVersion(1.35) = %q, %v", v, err)
	}
	if _, err := k3sVersion("1.20"); err == nil {
		t.Error("no error for an unpinned minor version")
	}
}
