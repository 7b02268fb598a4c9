package cmd

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"infra/provider"
	"infra/provider/computed/certtest"
	"infra/ui"
)

// kubectlView loads a kubeconfig with a real loader (Debian's kubectl,
// client-go's clientcmd inside) and returns it as JSON with the data
// fields kept.
func kubectlView(t *testing.T, path string) map[string]any {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed (apt-get install kubernetes-client): the kubeconfig is not loaded")
	}
	out, err := exec.Command(kubectl, "--kubeconfig", path, "config", "view", "--raw", "-o", "json").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl config view: %v\n%s", err, out)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func named(doc map[string]any, list, name, field string) map[string]any {
	items, _ := doc[list].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if m["name"] == name {
			v, _ := m[field].(map[string]any)
			return v
		}
	}
	return nil
}

func TestKubeconfigOnTheSimulator(t *testing.T) {
	needDeploy(t, "deploys three clusters")
	file, dir := specIn(t, []byte(`name: kc
clouds:
  aws:
    regions:
      - {region: eu-west-1, environment: dev, zones: [eu-west-1a, eu-west-1b], cidr: 10.10.0.0/16, cluster: {nodesPerZone: 1}}
  hetzner:
    regions:
      - {region: nbg1, environment: dev, cidr: 10.20.0.0/16, cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}}
  ovh:
    project: 0123456789abcdef0123456789abcdef
    regions:
      - {region: GRA11, environment: dev, cidr: 10.30.0.0/16, cluster: {flavor: b3-8, nodes: 1}}
  ibm:
    regions:
      - {region: us-south, environment: dev, cidr: 10.40.0.0/16, cluster: {workersPerZone: 1}}
`))
	home := filepath.Join(dir, "home")
	env := map[string]string{"INFRA_PASSPHRASE": "kubeconfig-test", "HOME": home}
	// With the fake IBM Cloud built in, the IKS kubeconfig comes from the
	// real provider code asking the in-memory Kubernetes Service's cluster
	// config API; without it, from the simulator's model of that answer.
	if provider.FakeIBMBuilt {
		env[provider.EnvFakeIBM] = "1"
	}
	stepper(t, env)(ExitOK, "up", "--simulate", "--yes", "-f", file)

	// --merge into an existing kubeconfig keeps its entries.
	kube := filepath.Join(home, ".kube", "config")
	if err := os.MkdirAll(filepath.Dir(kube), 0o700); err != nil {
		t.Fatal(err)
	}
	mine := "apiVersion: v1\nkind: Config\nclusters:\n- name: mine\n  cluster: {server: \"https://mine.example:6443\"}\nusers:\n- name: mine\n  user: {token: t0k3n}\ncontexts:\n- name: mine\n  context: {cluster: mine, user: mine}\ncurrent-context: mine\n"
	if err := os.WriteFile(kube, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, false, env, "kubeconfig", "--simulate", "-f", file, "--merge", "--json")
	if r.code != ExitOK {
		t.Fatalf("kubeconfig --merge: exit %d\n%s%s", r.code, r.out, r.err)
	}
	var doc ui.KubeconfigJSON
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.File != kube || len(doc.Contexts) != 4 || len(doc.Skipped) != 0 {
		t.Fatalf("%v: %s", err, r.out)
	}
	if strings.Contains(r.out, "PRIVATE KEY") || strings.Contains(r.out, "client-key-data") {
		t.Errorf("--json shows a key:\n%s", r.out)
	}
	if st, err := os.Stat(kube); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("kubeconfig mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	view := kubectlView(t, kube)
	if view["current-context"] != "mine" || named(view, "users", "mine", "user")["token"] != "t0k3n" {
		t.Errorf("--merge clobbered the user's entries: %v", view)
	}
	for _, c := range []string{"aws-eu-west-1-dev", "hetzner-nbg1-dev", "ovh-gra11-dev", "ibm-us-south-dev"} {
		if named(view, "contexts", c, "context")["cluster"] != c {
			t.Errorf("no context %s: %v", c, view["contexts"])
		}
		server, _ := named(view, "clusters", c, "cluster")["server"].(string)
		simulated := strings.HasSuffix(server, ".sim.invalid") || strings.HasSuffix(server, ":6443") ||
			provider.FakeIBMBuilt && strings.HasSuffix(server, ".us-south.containers.cloud.ibm.com:30000")
		if !strings.HasPrefix(server, "https://") || !simulated {
			t.Errorf("%s: server %q is not a simulated endpoint", c, server)
		}
		// Every cluster's CA is a real certificate (EKS's too), so the
		// kubeconfig is complete.
		if ca := decodePEM(t, named(view, "clusters", c, "cluster")["certificate-authority-data"]); !ca.IsCA {
			t.Errorf("%s: the CA is not a CA certificate", c)
		}
	}
	// IKS and MKS: an admin certificate signed by the cluster's CA.
	for _, c := range []string{"ibm-us-south-dev", "ovh-gra11-dev"} {
		ca := decodePEM(t, named(view, "clusters", c, "cluster")["certificate-authority-data"])
		cert := decodePEM(t, named(view, "users", c, "user")["client-certificate-data"])
		if err := cert.CheckSignatureFrom(ca); err != nil || named(view, "users", c, "user")["client-key-data"] == nil {
			t.Errorf("%s: admin certificate not signed by the cluster CA (%v), or no key", c, err)
		}
	}
	exec := named(view, "users", "aws-eu-west-1-dev", "user")["exec"].(map[string]any)
	if exec["command"] != "aws" || !strings.Contains(strings.Join(strs(exec["args"]), " "), "eks get-token --cluster-name kc-aws-eu-west-1-dev --region eu-west-1") {
		t.Errorf("EKS exec credential: %v", exec)
	}
	// The k3s admin certificate verifies against the CA the kubeconfig trusts
	// (the CA cloud-init installs; stacks/hetzner tests the node's copy).
	k3s := named(view, "users", "hetzner-nbg1-dev", "user")
	ca := decodePEM(t, named(view, "clusters", "hetzner-nbg1-dev", "cluster")["certificate-authority-data"])
	cert := decodePEM(t, k3s["client-certificate-data"])
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("k3s admin certificate: %v", err)
	}
	if named(view, "users", "ovh-gra11-dev", "user")["client-key-data"] == nil {
		t.Errorf("MKS user has no client key: %v", named(view, "users", "ovh-gra11-dev", "user"))
	}

	// A second merge replaces infra's entries only.
	r = run(t, false, env, "kubeconfig", "--simulate", "-f", file, "--merge", "--json")
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || len(doc.Replaced) != 4 {
		t.Errorf("second merge: %v %s", err, r.out)
	}
	if v := kubectlView(t, kube); len(v["contexts"].([]any)) != 5 {
		t.Errorf("contexts after two merges: %v", v["contexts"])
	}

	// One cluster to a file; stdout refuses a terminal when a key is in it.
	out := filepath.Join(dir, "k3s.yaml")
	if r := run(t, false, env, "kubeconfig", "--simulate", "-f", file, "hetzner-nbg1-dev", "--output", out); r.code != ExitOK {
		t.Fatalf("--output: exit %d\n%s", r.code, r.err)
	}
	if v := kubectlView(t, out); v["current-context"] != "hetzner-nbg1-dev" || len(v["contexts"].([]any)) != 1 {
		t.Errorf("--output: %v", v)
	}
	if r := run(t, false, env, "kubeconfig", "--simulate", "-f", file, "nowhere"); r.code != ExitUsage || !strings.Contains(r.err, "hetzner-nbg1-dev") {
		t.Errorf("unknown cluster: exit %d\n%s", r.code, r.err)
	}
	if r := runTTYOut(t, env, "kubeconfig", "--simulate", "-f", file); r.code != ExitUsage || strings.Contains(r.out, "client-key-data") {
		t.Errorf("keys to a terminal: exit %d\n%s", r.code, r.out)
	}
}

func runTTYOut(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	f := newTestFactory(&out, &errb, strings.NewReader(""), false, env)
	f.IO.OutTTY = true
	code := runFactory(t, f, args)
	return result{out.String(), errb.String(), code}
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func decodePEM(t *testing.T, v any) *x509.Certificate {
	t.Helper()
	s, _ := v.(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return certtest.Parse(t, b)
}
