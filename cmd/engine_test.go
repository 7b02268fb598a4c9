package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"infra/engine"
	"infra/provider"
	"infra/topology/topologytest"
	"infra/ui"
)

// needCLI skips a test that runs the engine when the pinned pulumi CLI has
// not been built (CI builds it first).
func needCLI(t *testing.T) {
	t.Helper()
	p, _ := filepath.Abs("../.bin/pulumi")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no pulumi CLI at %s: run scripts/install-pulumi to build it (CI does)", p)
	}
}

// needDeploy skips a test that deploys (what it does, for the message)
// under -short, and one that runs the engine without the pulumi CLI.
func needDeploy(t *testing.T, what string) {
	t.Helper()
	if testing.Short() {
		t.Skip(what + ": skipped with -short")
	}
	needCLI(t)
}

// needKill skips as needDeploy a test that builds the infra binary and
// kills pulumi's processes, and one on a system without /proc, where it
// cannot find them.
func needKill(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("finds pulumi's processes to kill in /proc")
	}
	needDeploy(t, "builds the infra binary")
}

// specIn writes a topology into a directory of its own, so its default
// backend (.infra/state beside it) is the test's.
func specIn(t *testing.T, src []byte) (file, dir string) {
	t.Helper()
	dir = t.TempDir()
	file = filepath.Join(dir, "topology.yaml")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, dir
}

// copySpec copies a topology file as specIn does; src is its content.
func copySpec(t *testing.T, path string) (src []byte, file, dir string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file, dir = specIn(t, src)
	return src, file, dir
}

// pairSpec copies the two-region test topology as specIn does.
func pairSpec(t *testing.T) (file, dir string) {
	t.Helper()
	_, file, dir = copySpec(t, "../engine/testdata/pair.yaml")
	return file, dir
}

// upPair deploys stacks of the pair topology on the simulator from a
// directory of its own (see pairSpec), with env and the passphrase.
func upPair(t *testing.T, env map[string]string, passphrase, stacks string) (file, dir string) {
	t.Helper()
	needCLI(t)
	file, dir = pairSpec(t)
	env["INFRA_PASSPHRASE"] = passphrase
	stepper(t, env)(ExitOK, "up", "--simulate", "--yes", "-f", file, "--stack", stacks)
	return file, dir
}

// stepper runs the CLI in-process with env, failing the test at once when
// a run does not exit with the code wanted.
func stepper(t *testing.T, env map[string]string) func(want int, args ...string) result {
	return func(want int, args ...string) result {
		t.Helper()
		r := run(t, false, env, args...)
		if r.code != want {
			t.Fatalf("infra %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.out, r.err)
		}
		return r
	}
}

// scpOverflowSpec writes a topology whose 200 required tags split the
// RequireTags SCP into more policies than an OU may have attached.
func scpOverflowSpec(t *testing.T) string {
	t.Helper()
	var tags, list []string
	for i := range 200 {
		tags = append(tags, fmt.Sprintf("Tag%03d: v", i))
		list = append(list, fmt.Sprintf("Tag%03d", i))
	}
	return writeFile(t, "topology.yaml", "name: acme\ntags: {"+strings.Join(tags, ", ")+"}\n"+
		"clouds:\n  aws:\n    regions:\n      - {region: us-east-1, environment: prod}\n"+
		"landingZone:\n  aws: {accounts: [prod]}\n  guardrails:\n    - deny-root-account\n    - require-tags: ["+strings.Join(list, ", ")+"]\n")
}

func TestEngineCommandsNeedAPassphrase(t *testing.T) {
	file, dir := pairSpec(t)
	for _, verb := range []string{"preview", "refresh --preview-only", "outputs"} {
		args := append(strings.Fields(verb), "--simulate", "-f", file)
		r := run(t, false, map[string]string{}, args...)
		if r.code != ExitError || !strings.Contains(r.err, "INFRA_PASSPHRASE") {
			t.Errorf("%s without a passphrase: exit %d, stderr %q", verb, r.code, r.err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".infra")); !os.IsNotExist(err) {
		t.Errorf("a command without a passphrase touched the backend")
	}
}

func TestUpAndDestroyNeedYesWithoutATerminal(t *testing.T) {
	file, _ := pairSpec(t)
	for _, verb := range []string{"up", "destroy"} {
		r := run(t, false, map[string]string{"INFRA_PASSPHRASE": "p"}, verb, "--simulate", "-f", file)
		if r.code != ExitUsage || !strings.Contains(r.err, "--yes") {
			t.Errorf("%s off a terminal without --yes: exit %d, stderr %q", verb, r.code, r.err)
		}
	}
}

func TestDoctor(t *testing.T) {
	file, _ := pairSpec(t)
	r := run(t, false, map[string]string{}, "doctor", "-f", file, "--pulumi", "/nonexistent/pulumi")
	if r.code != ExitError {
		t.Errorf("doctor with problems: exit %d", r.code)
	}
	for _, want := range []string{"✗ pulumi CLI", "✗ passphrase", "fix: export INFRA_PASSPHRASE", "! hetzner credentials", "fix: export HCLOUD_TOKEN", "✓ backend"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, false, map[string]string{"INFRA_PASSPHRASE": "p", "HCLOUD_TOKEN": "t"}, "doctor", "-f", file, "--json", "--pulumi", "/nonexistent/pulumi")
	var doc struct {
		OK     bool `json:"ok"`
		Checks []struct{ Name, Status, Fix string }
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, r.out)
	}
	status := map[string]string{}
	for _, c := range doc.Checks {
		status[c.Name] = c.Status
	}
	if doc.OK || status["pulumi CLI"] != "error" || status["passphrase"] != "ok" || status["hetzner credentials"] != "ok" {
		t.Errorf("doctor --json = %+v", doc)
	}
}

// keyText is WireGuard key material in text form, the base64 of 32 bytes,
// standing alone: inside a longer base64 run (a ciphertext) it is no key.
var keyText = regexp.MustCompile(`(?:^|[^A-Za-z0-9+/=])([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?:[^A-Za-z0-9+/=]|$)`)

// TestSimulatedWorkflow runs the commands a newcomer runs, in-process, on the
// simulator and the topology's default backend: preview with a PR comment,
// up, the outputs, the mesh config from state, a no-op preview and up,
// refresh, destroy. No output but the --show-secrets ones holds a secret.
func TestSimulatedWorkflow(t *testing.T) {
	needCLI(t)
	file, dir := pairSpec(t)
	env := map[string]string{"INFRA_PASSPHRASE": "cmd-test"}
	var shown []string // outputs that must not hold secrets
	step := stepper(t, env)
	comment := filepath.Join(dir, "comment.md")
	r := step(ExitChanges, "preview", "--simulate", "-f", file, "--detailed-exitcode", "--comment", comment)
	shown = append(shown, r.out, r.err)
	for _, want := range []string{ui.SimulatedBanner, "Preview of pair: 62 to create", "hetzner-nbg1-dev", "mesh"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("preview output lacks %q:\n%s", want, r.out)
		}
	}
	c, err := os.ReadFile(comment)
	if err != nil {
		t.Fatal(err)
	}
	shown = append(shown, string(c))
	for _, want := range []string{ui.CommentMarker(file), "SIMULATED", "| `mesh` |", "### Guardrails", "```mermaid", "<details>"} {
		if !strings.Contains(string(c), want) {
			t.Errorf("comment lacks %q:\n%s", want, c)
		}
	}

	r = step(ExitOK, "up", "--simulate", "--yes", "-f", file)
	shown = append(shown, r.out, r.err)
	for _, want := range []string{ui.SimulatedBanner, "Update of pair: 62 created", "Outputs:", "meshPrivateKey", ui.Redacted, "up done [SIMULATED]"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("up output lacks %q:\n%s", want, r.out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".infra", "state", ".pulumi", "stacks", "pair", "mesh.json")); err != nil {
		t.Errorf("the default backend beside the topology holds no mesh stack: %v", err)
	}

	r = step(ExitOK, "outputs", "-f", file, "--json")
	shown = append(shown, r.out)
	// One output: a string alone with --raw, a secret only when asked for.
	r = step(ExitOK, "outputs", "-f", file, "hetzner-nbg1-dev", "zones", "--raw")
	if r.out != `["nbg1"]`+"\n" {
		t.Errorf("outputs hetzner-nbg1-dev zones --raw: %q", r.out)
	}
	r = step(ExitOK, "outputs", "-f", file, "mesh", "meshGateways")
	if !strings.Contains(r.out, `"hetzner-nbg1-dev": "`) {
		t.Errorf("outputs mesh meshGateways:\n%s", r.out)
	}
	r = step(ExitUsage, "outputs", "-f", file, "hetzner-nbg1-dev", "meshPrivateKey")
	if !strings.Contains(r.err, "meshPrivateKey of hetzner-nbg1-dev is secret: pass --show-secrets") || r.out != "" {
		t.Errorf("a secret output without --show-secrets:\n%s%s", r.out, r.err)
	}
	r = step(ExitUsage, "outputs", "-f", file, "global", "meshGateways")
	if !strings.Contains(r.err, "global was split into") || !strings.Contains(r.err, "outputs are in mesh") {
		t.Errorf("outputs of the legacy global stack:\n%s", r.err)
	}
	r = step(ExitUsage, "outputs", "-f", file, "mesh", "noSuchOutput")
	if !strings.Contains(r.err, `stack mesh has no output "noSuchOutput"; it has `) {
		t.Errorf("a missing output:\n%s", r.err)
	}
	r = step(ExitUsage, "outputs", "-f", file, "no-such-stack")
	if !strings.Contains(r.err, `no stack "no-such-stack"`) {
		t.Errorf("outputs no-such-stack:\n%s", r.err)
	}
	r = step(ExitOK, "outputs", "-f", file, "--json", "--show-secrets")
	var outsDoc struct {
		Stacks map[string]map[string]any `json:"stacks"`
	}
	if err := json.Unmarshal([]byte(r.out), &outsDoc); err != nil {
		t.Fatal(err)
	}
	outs := outsDoc.Stacks
	var secrets []string
	for _, id := range []string{"hetzner-nbg1-dev", "hetzner-fsn1-dev"} {
		k, _ := outs[id]["meshPrivateKey"].(string)
		if len(k) != 44 {
			t.Fatalf("%s: --show-secrets gave no private key: %v", id, outs[id]["meshPrivateKey"])
		}
		secrets = append(secrets, k)
	}
	r = step(ExitOK, "mesh", "config", "-f", file, "--node", "hetzner/nbg1", "--show-secrets")
	psk := regexp.MustCompile(`PresharedKey = (\S+)`).FindStringSubmatch(r.out)
	if !strings.Contains(r.out, "PrivateKey = "+secrets[0]) || psk == nil || len(psk[1]) != 44 {
		t.Fatalf("mesh config --show-secrets does not hold the deployed keys:\n%s", r.out)
	}
	secrets = append(secrets, psk[1])
	r = step(ExitOK, "mesh", "config", "-f", file, "--node", "hetzner/nbg1", "--placeholders")
	shown = append(shown, r.out)

	r = step(ExitOK, "preview", "--simulate", "-f", file, "--detailed-exitcode")
	shown = append(shown, r.out, r.err)
	if !strings.Contains(r.out, "no changes") {
		t.Errorf("second preview:\n%s", r.out)
	}
	r = step(ExitOK, "up", "--simulate", "--yes", "-f", file, "--json")
	shown = append(shown, r.out, r.err)
	var upDoc struct {
		Preview ui.ResultJSON `json:"preview"`
		Up      ui.ResultJSON `json:"up"`
	}
	if err := json.Unmarshal([]byte(r.out), &upDoc); err != nil {
		t.Fatalf("up --json: %v\n%s", err, r.out)
	}
	if len(upDoc.Preview.Changes) != 0 || len(upDoc.Up.Stacks) != 3 || !upDoc.Up.Simulated {
		t.Errorf("no-op up --json: %+v", upDoc)
	}
	r = step(ExitOK, "refresh", "--simulate", "--yes", "-f", file, "--detailed-exitcode")
	shown = append(shown, r.out, r.err)
	if !strings.Contains(r.out, "No drift") {
		t.Errorf("refresh:\n%s", r.out)
	}

	// An edit of the mesh's MTU and a server type: the gateways' secret
	// pushed configuration (infra:mesh:Peers, with their WireGuard private
	// keys and PSKs) changes in place, and so does a plain value. The terminal (--diff), the JSON and the comment show
	// the plain value old → new and the secret as [secret] on both sides.
	edited := filepath.Join(dir, "edited.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "overlay: 10.100.0.0/24", "overlay: 10.100.0.0/24\n    mtu: 1400", 1)
	text = strings.Replace(text, "cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}", "cluster: {serverType: cx33, workers: 1, apiAccess: [203.0.113.0/24]}", 1)
	if err := os.WriteFile(edited, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// The edited file's default backend is the same .infra/state beside it.
	r = step(ExitChanges, "preview", "--simulate", "-f", edited, "--detailed-exitcode", "--diff", "--comment", comment)
	shown = append(shown, r.out, r.err)
	for _, want := range []string{"Changed values (old → new):", `serverType: "cx23" → "cx33"`, "config: [secret] → [secret]"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("preview --diff lacks %q:\n%s", want, r.out)
		}
	}
	c, err = os.ReadFile(comment)
	if err != nil {
		t.Fatal(err)
	}
	shown = append(shown, string(c))
	for _, want := range []string{`!     serverType: "cx23" → "cx33"`, "!     config: [secret] → [secret]", ui.CommentMarker(edited)} {
		if !strings.Contains(string(c), want) {
			t.Errorf("comment of the edit lacks %q:\n%s", want, c)
		}
	}
	r = step(ExitOK, "preview", "--simulate", "-f", edited, "--json")
	shown = append(shown, r.out)
	if !strings.Contains(r.out, `"name":"config","kind":"update","old":"[secret]","new":"[secret]"`) &&
		!strings.Contains(r.out, `"name": "config",`) {
		t.Errorf("preview --json lacks the masked config values:\n%.3000s", r.out)
	}
	if !strings.Contains(r.out, `"cx33"`) {
		t.Errorf("preview --json lacks the new server type")
	}

	// Nothing shown holds a secret; key-shaped text is a public key.
	var public []string
	for _, id := range []string{"hetzner-nbg1-dev", "hetzner-fsn1-dev"} {
		public = append(public, outs[id]["meshPublicKey"].(string))
	}
	scan := func(where, text string) {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds a secret in plaintext", where)
			}
		}
		for _, sub := range keyText.FindAllStringSubmatch(text, -1) {
			if m := sub[1]; !slices.Contains(public, m) {
				t.Errorf("%s holds key material that is no public key: %s…", where, m[:8])
			}
		}
	}
	for i, s := range shown {
		scan("output "+string(rune('A'+i)), s)
	}
	_ = filepath.WalkDir(filepath.Join(dir, ".infra"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(path)
			scan(path, string(data))
		}
		return nil
	})

	// The question counts what the destroy then deletes (the explicit
	// providers too, as the plan and every summary do).
	r = runHooked(t, true, "n\n", env, nil, "destroy", "--simulate", "-f", file)
	if r.code != ExitError || !strings.Contains(r.err, "Destroy 62 resources in 3 stacks of pair (SIMULATED)?") || !strings.Contains(r.err, "Nothing destroyed.") {
		t.Errorf("destroy answered no: exit %d\n%s", r.code, r.err)
	}
	r = step(ExitOK, "destroy", "--simulate", "--yes", "-f", file)
	if !strings.Contains(r.out, "Destroy of pair: 62 deleted") {
		t.Errorf("destroy:\n%s", r.out)
	}
	if locks, _ := filepath.Glob(filepath.Join(dir, ".infra", "state", ".infra", "locks", "pair", "*")); len(locks) > 0 {
		t.Errorf("locks left behind: %v", locks)
	}
}

var buildOnce struct {
	sync.Once
	path string
	err  error
}

// binary builds infra once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "infra-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "infra")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, "..").CombinedOutput()
		if err != nil {
			buildOnce.err = &exec.ExitError{Stderr: out}
		}
	})
	if buildOnce.err != nil {
		t.Fatalf("go build: %v", buildOnce.err)
	}
	return buildOnce.path
}

// runTTY drives the CLI as from a terminal, answering prompts with answer.
func runTTY(t *testing.T, answer string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	f := &Factory{
		IO:     &ui.IO{In: strings.NewReader(answer), Out: &out, Err: &errb, InTTY: true},
		Getenv: func(k string) string { return env[k] },
		Now:    time.Now,
	}
	code := Run(context.Background(), f, args)
	return result{out.String(), errb.String(), code}
}

// TestUpAsksFirst: on a terminal, up shows the preview and deploys nothing
// unless the answer is yes.
func TestUpAsksFirst(t *testing.T) {
	needCLI(t)
	file, _ := pairSpec(t)
	r := runTTY(t, "n\n", map[string]string{"INFRA_PASSPHRASE": "p"}, "up", "--simulate", "-f", file)
	if r.code != ExitError || !strings.Contains(r.err, "Deploy 62 changes to 3 stacks? [y/N]") || !strings.Contains(r.err, "Nothing deployed.") {
		t.Fatalf("up answered no: exit %d\nstderr:\n%s", r.code, r.err)
	}
	r = run(t, false, map[string]string{"INFRA_PASSPHRASE": "p"}, "outputs", "-f", file, "--json")
	if r.code != ExitOK || strings.Contains(r.out, "meshPublicKey") {
		t.Errorf("something was deployed after a no (exit %d):\n%s", r.code, r.out)
	}
}

// TestUpRefusesOnGuardrailViolation: a mandatory guardrail that cannot hold
// stops up before anything is touched, passphrase or not.
func TestUpRefusesOnGuardrailViolation(t *testing.T) {
	f := scpOverflowSpec(t)
	r := run(t, false, map[string]string{"INFRA_PASSPHRASE": "p"}, "up", "--simulate", "--yes", "-f", f)
	if r.code != ExitError || !strings.Contains(r.err, "over the limit of 5") {
		t.Errorf("up with an SCP that cannot fit: exit %d\n%s", r.code, r.err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(f), ".infra")); !os.IsNotExist(err) {
		t.Errorf("up touched the backend despite the violation")
	}
}

// TestSimulatedUpWithFakeIBM runs the real IBM provider code, through the
// CLI, against the in-memory IBM Cloud (INFRA_IBM_FAKE=1) while the other
// clouds stay simulated.
func TestSimulatedUpWithFakeIBM(t *testing.T) {
	if !provider.FakeIBMBuilt {
		t.Skip("the fake IBM Cloud is built only with -tags fakeibm (scripts/test passes it)")
	}
	needCLI(t)
	file, _ := specIn(t, []byte(`name: fakeibm
tags: {Owner: platform-team}
clouds:
  ibm:
    regions:
      - {region: us-south, environment: prod, cluster: {workersPerZone: 1}}
network:
  transit:
    ibm: {routing: local}
`))
	env := map[string]string{"INFRA_PASSPHRASE": "cmd-test", "INFRA_IBM_FAKE": "1"}
	r := run(t, false, env, "up", "--simulate", "--yes", "-f", file)
	if r.code != ExitOK {
		t.Fatalf("up with fake IBM: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.err)
	}
	// Ids in the fake IBM Cloud's shapes prove the IBM provider, not the
	// simulator, made them.
	for _, want := range []string{"r006-security_group-", ".containers.cloud.ibm.com", "tgw-", "up done [SIMULATED]"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, false, env, "destroy", "--simulate", "--yes", "-f", file)
	if r.code != ExitOK {
		t.Fatalf("destroy with fake IBM: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
}

// TestFakeIBMRefusedWithoutTheTag: a binary built without the fake IBM Cloud
// (a release) says so when INFRA_IBM_FAKE asks for it, before touching a
// stack.
func TestFakeIBMRefusedWithoutTheTag(t *testing.T) {
	if provider.FakeIBMBuilt {
		t.Skip("built with -tags fakeibm")
	}
	file, dir := pairSpec(t)
	env := map[string]string{"INFRA_PASSPHRASE": "p", provider.EnvFakeIBM: "1"}
	r := run(t, false, env, "preview", "--simulate", "-f", file)
	if r.code != ExitError || !strings.Contains(r.err, "-tags fakeibm") {
		t.Errorf("INFRA_IBM_FAKE=1 without the fake built in: exit %d, stderr %q", r.code, r.err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".infra", "state")); !os.IsNotExist(err) {
		t.Errorf("the refused run touched the backend: %v", err)
	}
}

// TestOVHSettingsBeforeADeployment: with neither clouds.ovh.project nor
// OVH_CLOUD_PROJECT_SERVICE (and the same for the vRack), doctor warns and a
// real preview or up refuses before any stack runs, naming the variable;
// the simulator takes the placeholder.
func TestOVHSettingsBeforeADeployment(t *testing.T) {
	spec := topologytest.Load(t, "../examples/multicloud.yaml")
	r := run(t, false, map[string]string{}, "doctor", "-f", "../examples/multicloud.yaml", "--pulumi", "/nonexistent/pulumi")
	for _, want := range []string{"! ovh project", "fix: set clouds.ovh.project in the topology or export OVH_CLOUD_PROJECT_SERVICE", "! ovh vrack"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, false, map[string]string{"OVH_CLOUD_PROJECT_SERVICE": "abc", "OVH_VRACK_SERVICE": "pn-1"}, "doctor", "-f", "../examples/multicloud.yaml", "--pulumi", "/nonexistent/pulumi")
	if !strings.Contains(r.out, "✓ ovh project") || !strings.Contains(r.out, "✓ ovh vrack") {
		t.Errorf("doctor with both set:\n%s", r.out)
	}

	var errb bytes.Buffer
	io := &ui.IO{Err: &errb}
	real := &operation{spec: spec, s: &session{Engine: &engine.Engine{}}}
	if err := real.deployable(io, func(string) string { return "" }); err == nil {
		t.Error("a real run with no OVH project: no error")
	}
	for _, want := range []string{"OVH_CLOUD_PROJECT_SERVICE", "OVH_VRACK_SERVICE", "multicloud.yaml:"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, errb.String())
		}
	}
	set := func(k string) string {
		return map[string]string{"OVH_CLOUD_PROJECT_SERVICE": "abc", "OVH_VRACK_SERVICE": "pn-1"}[k]
	}
	if err := real.deployable(io, set); err != nil {
		t.Errorf("a real run with both set: %v", err)
	}
}
