package hetzner

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	corev1 "k8s.io/api/core/v1"

	"infra/provider"
)

func testNodes() []node {
	region := netip.MustParsePrefix("10.20.0.0/16")
	join := netip.MustParseAddr("10.20.0.4")
	return []node{
		{Role: "server", Name: "nbg1-prod-control-plane-1", First: true, IP: netip.MustParseAddr("10.20.0.10"), Join: join, Version: "v1.35.5+k3s1", Region: region,
			Labels: map[string]string{labelRole: "control-plane"}},
		{Role: "server", Name: "nbg1-prod-control-plane-2", IP: netip.MustParseAddr("10.20.0.11"), Join: join, Version: "v1.35.5+k3s1", Region: region},
		{Role: "agent", Name: "nbg1-prod-worker-1", IP: netip.MustParseAddr("10.20.0.20"), Join: join, Version: "v1.35.5+k3s1", Region: region},
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

// userDataLimit is the most user data Hetzner accepts (Hetzner Cloud API,
// "Create a Server": user_data "is limited to 32KiB").
const userDataLimit = 32 << 10

// A server's cloud-config, with the add-on manifests and the real CA, fits
// Hetzner's user data limit, with room to spare for growth.
func TestUserDataFitsHetznerLimit(t *testing.T) {
	caCert, caKey, _, _, err := provider.ClusterCA("hetzner-nbg1-prod", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	token := strings.Repeat("0f", tokenBytes)
	for _, n := range testNodes() {
		doc := cloudInit(n, secrets{server: token, agent: token, caCert: caCert, caKey: caKey})
		t.Logf("%s %s: %d bytes of user data", n.Role, n.Name, len(doc))
		if len(doc) > userDataLimit*3/4 {
			t.Errorf("%s: %d bytes of user data, more than 3/4 of Hetzner's %d", n.Name, len(doc), userDataLimit)
		}
	}
}

// Every node hands node initialisation to the hcloud cloud-controller-
// manager under its server's name; servers stop k3s's own node controllers
// and local-path storage; no node carries the add-ons.
func TestCloudInitExternalCloudProvider(t *testing.T) {
	for _, n := range testNodes() {
		fs := files(t, cloudInit(n, secrets{server: "s", agent: "a"}))
		var cfg map[string]any
		if err := yaml.Unmarshal([]byte(fs[k3sConfigPath]), &cfg); err != nil {
			t.Fatal(err)
		}
		if cfg["node-name"] != n.Name || fmt.Sprint(cfg["kubelet-arg"]) != "[cloud-provider=external]" {
			t.Errorf("%s: node-name %v, kubelet-arg %v", n.Name, cfg["node-name"], cfg["kubelet-arg"])
		}
		server := n.Role == "server"
		if got := cfg["disable-cloud-controller"] == true && fmt.Sprint(cfg["disable"]) == "[local-storage]"; got != server {
			t.Errorf("%s (%s): disable-cloud-controller %v, disable %v", n.Name, n.Role, cfg["disable-cloud-controller"], cfg["disable"])
		}
		for path := range fs {
			if strings.HasPrefix(path, "/var/lib/rancher/k3s/server/manifests/") {
				t.Errorf("%s: %s: add-ons in user data never reach running servers; infra applies them over the API", n.Name, path)
			}
		}
		if strings.Contains(fs[k3sConfigPath], "hcloud") {
			t.Errorf("%s: the k3s config mentions hcloud: %s", n.Name, fs[k3sConfigPath])
		}
	}
}

// admissionConfig is the API server's admission configuration file, the
// PodSecurity plugin's part as typed: apiserver.config.k8s.io/v1
// AdmissionConfiguration, and pod-security.admission.config.k8s.io/v1
// PodSecurityConfiguration (k8s.io/pod-security-admission
// admission/api/v1/types.go). Decoded strictly, a misspelt field fails.
type admissionConfig struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Plugins    []struct {
		Name          string `yaml:"name"`
		Path          string `yaml:"path"`
		Configuration struct {
			APIVersion string `yaml:"apiVersion"`
			Kind       string `yaml:"kind"`
			Defaults   struct {
				Enforce        string `yaml:"enforce"`
				EnforceVersion string `yaml:"enforce-version"`
				Audit          string `yaml:"audit"`
				AuditVersion   string `yaml:"audit-version"`
				Warn           string `yaml:"warn"`
				WarnVersion    string `yaml:"warn-version"`
			} `yaml:"defaults"`
			Exemptions struct {
				Usernames      []string `yaml:"usernames"`
				Namespaces     []string `yaml:"namespaces"`
				RuntimeClasses []string `yaml:"runtimeClasses"`
			} `yaml:"exemptions"`
		} `yaml:"configuration"`
	} `yaml:"plugins"`
}

// Servers, which run the API server, start it with the Pod Security
// admission configuration: baseline enforced everywhere but the platform's
// namespaces, restricted audited and warned about. Agents carry neither the
// file nor the flag.
func TestCloudInitPodSecurityAdmission(t *testing.T) {
	for _, n := range testNodes() {
		fs := files(t, cloudInit(n, secrets{server: "s", agent: "a"}))
		var cfg struct {
			APIServerArgs []string `yaml:"kube-apiserver-arg"`
		}
		if err := yaml.Unmarshal([]byte(fs[k3sConfigPath]), &cfg); err != nil {
			t.Fatal(err)
		}
		doc, ok := fs[psaConfigPath]
		if n.Role == "agent" {
			if ok || cfg.APIServerArgs != nil {
				t.Errorf("%s (agent): admission config %v, kube-apiserver-arg %v", n.Name, ok, cfg.APIServerArgs)
			}
			continue
		}
		if want := []string{"admission-control-config-file=" + psaConfigPath}; fmt.Sprint(cfg.APIServerArgs) != fmt.Sprint(want) {
			t.Errorf("%s: kube-apiserver-arg %v, want %v", n.Name, cfg.APIServerArgs, want)
		}
		if !ok {
			t.Fatalf("%s: no %s in the user data", n.Name, psaConfigPath)
		}
		var ac admissionConfig
		dec := yaml.NewDecoder(strings.NewReader(doc))
		dec.KnownFields(true)
		if err := dec.Decode(&ac); err != nil {
			t.Fatalf("%s: admission config: %v\n%s", n.Name, err, doc)
		}
		if ac.APIVersion != "apiserver.config.k8s.io/v1" || ac.Kind != "AdmissionConfiguration" || len(ac.Plugins) != 1 {
			t.Fatalf("%s: %s %s with %d plugins", n.Name, ac.APIVersion, ac.Kind, len(ac.Plugins))
		}
		p := ac.Plugins[0]
		c := p.Configuration
		if p.Name != "PodSecurity" || p.Path != "" || c.APIVersion != "pod-security.admission.config.k8s.io/v1" || c.Kind != "PodSecurityConfiguration" {
			t.Errorf("%s: plugin %q path %q, configuration %s %s", n.Name, p.Name, p.Path, c.APIVersion, c.Kind)
		}
		d := c.Defaults
		got := [][2]string{{d.Enforce, d.EnforceVersion}, {d.Audit, d.AuditVersion}, {d.Warn, d.WarnVersion}}
		want := [][2]string{{"baseline", "latest"}, {"restricted", "latest"}, {"restricted", "latest"}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: enforce, audit, warn = %v, want %v", n.Name, got, want)
		}
		e := c.Exemptions
		if fmt.Sprint(e.Namespaces) != "[kube-system system-upgrade]" || len(e.Usernames) != 0 || len(e.RuntimeClasses) != 0 {
			t.Errorf("%s: exemptions %+v", n.Name, e)
		}
	}
}

// baselineViolations lists what in a pod spec the baseline Pod Security
// Standard refuses among the host-sharing controls
// (kubernetes.io/docs/concepts/security/pod-security-standards, Baseline:
// Host Namespaces, Privileged Containers, HostPath Volumes, Host Ports).
func baselineViolations(spec corev1.PodSpec) []string {
	var out []string
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		out = append(out, "host namespaces")
	}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			out = append(out, "hostPath volume "+v.Name)
		}
	}
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		if c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
			out = append(out, "privileged container "+c.Name)
		}
		for _, p := range c.Ports {
			if p.HostPort != 0 {
				out = append(out, "host port in "+c.Name)
			}
		}
	}
	return out
}

// Every add-on pod that baseline would refuse runs in an exempt namespace,
// so enforcing baseline leaves the cluster's own components running; and
// the add-ons do have such pods (the CCM on the host network, the CSI node
// plugin privileged), so the check is not vacuous.
func TestAddonsRunUnderPodSecurity(t *testing.T) {
	exempt := map[string]bool{}
	for _, ns := range psaExempt {
		exempt[ns] = true
	}
	refused := 0
	for _, o := range append(ccmObjects(), csiObjects("nbg1")...) {
		if o["kind"] != "Deployment" && o["kind"] != "DaemonSet" {
			continue
		}
		data, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var w struct {
			Metadata struct{ Name, Namespace string }
			Spec     struct{ Template corev1.PodTemplateSpec }
		}
		if err := json.Unmarshal(data, &w); err != nil {
			t.Fatal(err)
		}
		v := baselineViolations(w.Spec.Template.Spec)
		if len(v) == 0 {
			continue
		}
		refused++
		if !exempt[w.Metadata.Namespace] {
			t.Errorf("%s %s/%s needs an exemption (%s), its namespace has none", o["kind"], w.Metadata.Namespace, w.Metadata.Name, strings.Join(v, ", "))
		}
	}
	if refused < 2 {
		t.Errorf("%d add-on workloads need an exemption, want the CCM and the CSI node plugin at least", refused)
	}
}
