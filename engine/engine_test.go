package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/engine"
	"infra/plan"
	"infra/provider"
	"infra/provider/sim"
	"infra/provider/sim/simtest"
	"infra/stacks"
	"infra/topology"
	"infra/topology/topologytest"
)

// pulumiCLI is the pinned CLI scripts/install-pulumi builds; tests that need
// it skip without it (CI builds it first).
func pulumiCLI(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", ".bin", "pulumi"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no pulumi CLI at %s: run scripts/install-pulumi to build it (CI does)", p)
	}
	return p
}

func startSim(t testing.TB, opts ...sim.Option) *sim.Server {
	t.Helper()
	srv, err := sim.Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// open makes an engine on the simulator and a file backend, as a new
// process of infra would.
func open(t testing.TB, spec *topology.Spec, backend string, srv *sim.Server, opts ...engine.Option) *engine.Engine {
	t.Helper()
	opts = append([]engine.Option{
		engine.WithSimulator(srv), engine.WithPassphrase("engine-test-passphrase"),
		engine.WithBackend("file://" + backend), engine.WithPulumi(pulumiCLI(t)),
	}, opts...)
	e, err := engine.New(context.Background(), spec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// planned counts the resources of an engine's topology, providers aside:
// the objects a cloud holds once it is deployed.
func planned(t testing.TB, e *engine.Engine) int {
	t.Helper()
	p, err := plan.Generate(context.Background(), e.Graph())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range p.Resources() {
		if !strings.HasPrefix(r.Type, "pulumi:providers:") {
			n++
		}
	}
	return n
}

func mustSucceed(t testing.TB, step string, r *engine.Result) {
	t.Helper()
	if err := r.Err(); err != nil {
		for _, s := range r.Stacks {
			if s.Err != nil {
				t.Logf("%s: %s: %v", step, s.Name, s.Err)
			}
		}
		t.Fatalf("%s: %v", step, err)
	}
	t.Logf("%s: %v in %v", step, r.Totals(), r.Duration.Round(time.Millisecond))
}

// slow skips t under -short, saying what makes it slow.
func slow(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skip(what + ": skipped with -short")
	}
}

// deployment is a topology deployed on a simulator into a file backend:
// where the tests of what follows an up start.
type deployment struct {
	ctx     context.Context
	spec    *topology.Spec
	backend string
	srv     *sim.Server
}

// deploy ups the topology file at path, with opts, on a fresh simulator
// into a new file backend, failing t unless the up succeeds.
func deploy(t testing.TB, path string, opts ...engine.Option) *deployment {
	t.Helper()
	d := &deployment{ctx: context.Background(), spec: topologytest.Load(t, path), backend: t.TempDir(), srv: startSim(t)}
	mustSucceed(t, "up", d.open(t, opts...).Up(d.ctx))
	return d
}

// open makes an engine on the deployment's simulator and backend, as a new
// process of infra would.
func (d *deployment) open(t testing.TB, opts ...engine.Option) *engine.Engine {
	t.Helper()
	return open(t, d.spec, d.backend, d.srv, opts...)
}

// TestLifecycle drives the multicloud example through the real engine on
// the simulator: preview, up, up again (no changes), one edit (exactly that
// update), destroy (empty stacks). One up serves every assertion.
func TestLifecycle(t *testing.T) {
	slow(t, "deploys the whole multicloud example")
	ctx := context.Background()
	srv := startSim(t)
	backend := t.TempDir()
	spec := topologytest.Load(t, "../examples/multicloud.yaml")
	var msgs []string
	var mu sync.Mutex
	record := engine.WithProgress(func(ev engine.Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Message != "" {
			msgs = append(msgs, ev.Message)
		}
	})
	e := open(t, spec, backend, srv, record)

	// Preview: every resource of the offline plan, to create.
	pre := e.Preview(ctx)
	mustSucceed(t, "preview", pre)
	p, err := plan.Generate(ctx, e.Graph())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range pre.Stacks {
		want := len(p.Stack(s.Name).Resources)
		if s.Changes[engine.Create] != want || s.Total() != want {
			t.Errorf("preview of %s: %v, want %d to create (as planned)", s.Name, s.Changes, want)
		}
	}
	if n := len(srv.Cloud().Objects()); n != 0 {
		t.Fatalf("the preview made %d objects", n)
	}

	// Up: everything is made, outputs flow downstream.
	up := e.Up(ctx)
	mustSucceed(t, "up", up)
	total, providers := 0, 0
	for _, s := range up.Stacks {
		if s.Changes[engine.Create] != pre.Stack(s.Name).Changes[engine.Create] {
			t.Errorf("up of %s: %v, preview said %v", s.Name, s.Changes, pre.Stack(s.Name).Changes)
		}
		total += s.Changes[engine.Create]
		for _, st := range s.Steps {
			if strings.HasPrefix(st.Type, "pulumi:providers:") {
				providers++ // explicit providers live in state only
			}
		}
		for k, v := range s.Outputs {
			if v.Unknown || v.Value == nil || v.Value == "" {
				t.Errorf("%s output %s is empty after up: %#v", s.Name, k, v)
			}
		}
	}
	if n := len(srv.Cloud().Objects()); n != total-providers {
		t.Errorf("the cloud holds %d objects after creating %d resources, %d of them providers", n, total, providers)
	}
	var inMesh []string // hel1 dev is out of the mesh: no key, no overlay
	deployedKey := map[string]string{}
	mesh := e.Graph().Model.Mesh
	for _, g := range mesh.Gateways {
		inMesh = append(inMesh, g.ID)
	}
	for _, g := range mesh.Gateways {
		out := up.Stack(g.Region).Outputs
		priv, pub, overlay := out["meshPrivateKey"], out["meshPublicKey"], out[engine.OverlayOutput]
		if g.Zone != "" {
			// a gateway per zone (AWS): its entries of the stack's maps
			entry := func(v stacks.Value) stacks.Value {
				m, _ := v.Value.(map[string]any)
				return stacks.Value{Value: m[g.ID], Secret: v.Secret}
			}
			priv, pub = entry(out["meshPrivateKeys"]), entry(out["meshPublicKeys"])
			overlay = entry(out[engine.OverlaySitesOutput])
		}
		if !priv.Secret {
			t.Errorf("%s: its private key is not secret", g.ID)
		}
		p, _ := priv.Value.(string)
		deployedKey[g.ID] = p
		if pk, err := provider.PublicKey(p); err != nil || pk != pub.Value {
			t.Errorf("%s: the mesh public key does not belong to the private key (%v)", g.ID, err)
		}
		if overlay.Value != g.Overlay.String() {
			t.Errorf("%s: overlay output %v, want %s", g.ID, overlay.Value, g.Overlay)
		}
	}
	known := keysOf(srv.Cloud())
	if len(known.secrets) < 2*len(inMesh) {
		t.Errorf("found only %d secrets in the simulated cloud", len(known.secrets))
	}
	known.assertAbsent(t, backend, strings.Join(msgs, "\n"), resultJSON(t, pre), resultJSON(t, up))

	// The mesh keys read back from state are the deployed ones.
	e2 := open(t, spec, backend, srv)
	ids := inMesh
	keys, err := e2.MeshKeys(ids...)
	if err != nil {
		t.Fatal(err)
	}
	if keys.PrivateKey(ids[0]) == "" || keys.PrivateKey(ids[0]) != deployedKey[ids[0]] {
		t.Errorf("MeshKeys reads another private key than up made")
	}

	// Up again, from a new engine: no changes.
	again := e2.Up(ctx)
	mustSucceed(t, "second up", again)
	for _, s := range again.Stacks {
		if s.HasChanges() {
			t.Errorf("second up changed %s: %v %v (outputs changed: %v)", s.Name, s.Changes, s.Steps, s.OutputsChanged)
		}
	}

	// One cluster grows: exactly that node pool updates.
	data, err := os.ReadFile("../examples/multicloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "flavor: b3-8, nodes: {min: 3, max: 6}", "flavor: b3-8, nodes: {min: 3, max: 7}", 1)
	if edited == string(data) {
		t.Fatal("the edit did not apply: the example changed")
	}
	file := filepath.Join(t.TempDir(), "multicloud.yaml")
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	e3 := open(t, topologytest.Load(t, file), backend, srv)
	change := e3.Preview(ctx)
	mustSucceed(t, "preview of the edit", change)
	for _, s := range change.Stacks {
		if s.Name != "ovh-gra11-prod" {
			if s.HasChanges() {
				t.Errorf("the edit changes %s: %v", s.Name, s.Steps)
			}
			continue
		}
		if len(s.Steps) != 1 || s.Changes[engine.Update] != 1 || s.Steps[0].Type != "ovh:CloudProject/kubeNodePool:KubeNodePool" ||
			strings.Join(s.Steps[0].Diffs, ",") != "maxNodes" {
			t.Errorf("the edit in %s: %+v, want one update of the node pool's maxNodes", s.Name, s.Steps)
		}
	}

	// Destroy: every stack is left, empty, and the cloud is empty.
	d := e3.Destroy(ctx)
	mustSucceed(t, "destroy", d)
	if n := d.Totals()[engine.Delete]; n != total {
		t.Errorf("destroy deleted %d resources, up created %d", n, total)
	}
	// What the programs retain on delete stays (aws.md item 12: the
	// organization, its OUs and accounts, the trail's key, bucket and Object Lock, and
	// EBS default encryption, which the require-encryption SCP keeps on).
	retained := map[string]bool{
		"aws:organizations/organization:Organization":             true,
		"aws:organizations/organizationalUnit:OrganizationalUnit": true,
		"aws:organizations/account:Account":                       true,
		"aws:kms/key:Key":                                         true,
		"aws:kms/alias:Alias":                                     true,
		"aws:s3/bucketV2:BucketV2":                                true,
		"aws:ebs/encryptionByDefault:EncryptionByDefault":         true,
		// Object Lock cannot be turned off (aws.md item 19).
		"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": true,
		// protect-security-services denies guardduty:DeleteDetector in the
		// security account (aws.md item 19).
		"aws:guardduty/detector:Detector": true,
		// and config:DeleteConfigurationRecorder, DeleteDeliveryChannel and
		// StopConfigurationRecorder in every member account, whose
		// recorders keep their role (aws.md item 19).
		"aws:cfg/recorder:Recorder":               true,
		"aws:cfg/deliveryChannel:DeliveryChannel": true,
		"aws:cfg/recorderStatus:RecorderStatus":   true,
	}
	for _, o := range srv.Cloud().Objects() {
		if !retained[string(o.URN.Type())] && !strings.HasPrefix(o.URN.Name(), "landingzone-aws-config-role-") {
			t.Errorf("the cloud holds %s after destroy; only what is retained on delete may stay", o.URN)
		}
	}
	e4 := open(t, spec, backend, srv)
	for _, s := range e4.Graph().Stacks {
		if n, ok := e4.Deployed(s.Name); !ok || n != 0 {
			t.Errorf("after destroy, %s: exists %v with %d resources; want an empty stack", s.Name, ok, n)
		}
	}
	known.assertAbsent(t, backend, resultJSON(t, d))
}

func resultJSON(t testing.TB, r *engine.Result) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// keyText is WireGuard key material in text form, the base64 of 32 bytes,
// standing alone: inside a longer base64 run (a ciphertext) it is no key.
var keyText = regexp.MustCompile(`(?:^|[^A-Za-z0-9+/=])([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?:[^A-Za-z0-9+/=]|$)`)

// knownKeys are the secrets (private keys, pre-shared keys, tokens) and
// public keys the simulated cloud holds.
type knownKeys struct {
	secrets []string
	public  map[string]bool
}

func keysOf(cloud *sim.Cloud) knownKeys {
	k := knownKeys{public: map[string]bool{}}
	for _, o := range cloud.Objects() {
		for name, v := range o.Outputs {
			if v.IsSecret() && v.SecretValue().Element.IsString() {
				k.secrets = append(k.secrets, v.SecretValue().Element.StringValue())
			}
			if name == "publicKey" && v.IsString() {
				k.public[v.StringValue()] = true
			}
		}
	}
	return k
}

// assertAbsent checks that no secret appears in plaintext in the backend's
// files or in texts, and that every key-shaped string there is a public
// key.
func (k knownKeys) assertAbsent(t testing.TB, backend string, texts ...string) {
	t.Helper()
	secrets, public := k.secrets, k.public
	check := func(where, text string) {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds a secret in plaintext", where)
			}
		}
		for _, sub := range keyText.FindAllStringSubmatch(text, -1) {
			if m := sub[1]; !public[m] {
				t.Errorf("%s holds key material %s…, which is no public key", where, m[:8])
			}
		}
	}
	files := simtest.ReadTree(t, backend)
	for _, f := range files {
		check(f.Path, f.Data)
	}
	if len(files) == 0 {
		t.Error("the backend holds no files")
	}
	for i, text := range texts {
		check("output "+string(rune('A'+i)), text)
	}
}

// TestFaultSkipsDependentsAndRerunConverges: a fault in one regional stack
// fails it, skips the mesh stack that depends on it, and lets the other
// region finish; a rerun without the fault converges, with no duplicates.
func TestFaultSkipsDependentsAndRerunConverges(t *testing.T) {
	ctx := context.Background()
	spec := topologytest.Load(t, "testdata/pair.yaml")
	backend := t.TempDir()
	faulty := startSim(t, sim.WithFail("hetzner-nbg1-dev-network"))
	first := open(t, spec, backend, faulty).Up(ctx)

	if got := first.With(engine.Failed); strings.Join(got, ",") != "hetzner-nbg1-dev" {
		t.Fatalf("failed stacks %v, want hetzner-nbg1-dev", got)
	}
	if err := first.Stack("hetzner-nbg1-dev").Err; err == nil || !strings.Contains(err.Error(), "injected failure") ||
		!strings.Contains(err.Error(), "hetzner-nbg1-dev-network") {
		t.Errorf("the failure does not say what failed: %v", err)
	}
	if got := first.With(engine.Succeeded); strings.Join(got, ",") != "hetzner-fsn1-dev" {
		t.Errorf("succeeded stacks %v, want the independent hetzner-fsn1-dev", got)
	}
	g := first.Stack(stacks.MeshName)
	if g.Status != engine.Skipped || strings.Join(g.Blocked, ",") != "hetzner-nbg1-dev" {
		t.Errorf("mesh: %s blocked by %v, want skipped after hetzner-nbg1-dev", g.Status, g.Blocked)
	}
	err := first.Err()
	if err == nil || !strings.Contains(err.Error(), "failed: hetzner-nbg1-dev") || !strings.Contains(err.Error(), "skipped: mesh") {
		t.Errorf("summary = %v", err)
	}
	before := map[resource.URN]resource.ID{}
	for _, o := range faulty.Cloud().Objects() {
		before[o.URN] = o.ID
	}

	// The same world, the fault gone.
	healthy := startSim(t, sim.WithCloud(faulty.Cloud()))
	rerun := open(t, spec, backend, healthy).Up(ctx)
	mustSucceed(t, "rerun", rerun)
	if rerun.Stack("hetzner-fsn1-dev").HasChanges() {
		t.Errorf("the rerun changed the stack that had succeeded: %v", rerun.Stack("hetzner-fsn1-dev").Steps)
	}
	want := planned(t, open(t, spec, backend, healthy))
	objs := healthy.Cloud().Objects()
	if len(objs) != want {
		t.Errorf("the cloud holds %d objects, the topology has %d resources: duplicates or losses", len(objs), want)
	}
	for _, o := range objs {
		if id, ok := before[o.URN]; ok && id != o.ID {
			t.Errorf("%s was made again: %s, then %s", o.URN, id, o.ID)
		}
	}
}

// TestLockContention: a second up of a stack while the first is in flight
// (its first create held open by the simulator) gets a clear lock error;
// the first then deploys, and the state is sound after.
func TestLockContention(t *testing.T) {
	ctx := context.Background()
	spec := topologytest.Load(t, "testdata/pair.yaml")
	backend := t.TempDir()
	inFlight, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv := startSim(t, sim.WithHook(func(ctx context.Context, c sim.Call) error {
		first := false
		once.Do(func() { first = true })
		if !first {
			return nil
		}
		close(inFlight)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}))
	only := engine.WithStacks("hetzner-nbg1-dev")
	a, b := open(t, spec, backend, srv, only), open(t, spec, backend, srv, only)
	// The stack exists before the race, as it would for a second run.
	mustSucceed(t, "preview", a.Preview(ctx))

	first := make(chan *engine.Result)
	go func() { first <- a.Up(ctx) }()
	<-inFlight
	second := b.Up(ctx)
	close(release)
	results := []*engine.Result{<-first, second}
	var locked, ok int
	for _, r := range results {
		s := r.Stack("hetzner-nbg1-dev")
		switch {
		case s.Status == engine.Succeeded:
			ok++
		case errors.Is(s.Err, engine.ErrLocked):
			locked++
			t.Logf("lock error: %v", s.Err)
			if !strings.Contains(s.Err.Error(), "another run") || !strings.Contains(s.Err.Error(), "pid ") || !strings.Contains(s.Err.Error(), "wait for it to finish") {
				t.Errorf("the lock error does not say what to do: %v", s.Err)
			}
		default:
			t.Errorf("unexpected outcome: %s: %v", s.Status, s.Err)
		}
	}
	if results[0].Stack("hetzner-nbg1-dev").Status != engine.Succeeded || locked != 1 {
		t.Fatalf("%d succeeded and %d were locked out, want the first to succeed and the second locked out", ok, locked)
	}
	again := open(t, spec, backend, srv, only).Up(ctx)
	mustSucceed(t, "up after the race", again)
	if again.HasChanges() {
		t.Errorf("the state is not what the winner deployed: %v", again.Stack("hetzner-nbg1-dev").Steps)
	}
}

// TestNoPassphraseTouchesNothing: without a passphrase New fails first,
// before it finds a CLI or makes a backend.
func TestNoPassphraseTouchesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	_, err := engine.New(context.Background(), topologytest.Load(t, "testdata/pair.yaml"),
		engine.WithBackend("file://"+dir), engine.WithPulumi("/nonexistent/pulumi"))
	if !errors.Is(err, engine.ErrNoPassphrase) || !strings.Contains(err.Error(), engine.EnvPassphrase) {
		t.Fatalf("err = %v, want ErrNoPassphrase naming %s", err, engine.EnvPassphrase)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the backend directory was made without a passphrase")
	}
}

func TestBackendFor(t *testing.T) {
	spec := topologytest.Load(t, "testdata/pair.yaml")
	wd, _ := os.Getwd()
	for _, tc := range []struct{ override, want string }{
		{"", "file://" + filepath.Join(wd, "testdata", ".infra", "state")},
		{"file://rel/dir", "file://" + filepath.Join(wd, "rel", "dir")},
		{"file:///abs/dir", "file:///abs/dir"},
		{"s3://bucket/prefix", "s3://bucket/prefix"},
	} {
		got, err := engine.BackendFor(spec, tc.override)
		if err != nil || got != tc.want {
			t.Errorf("BackendFor(%q) = %q, %v; want %q", tc.override, got, err, tc.want)
		}
	}
}

// TestWithStacksNeedsDeployedUpstream: an up of the mesh stack alone,
// before its regions exist, says what to deploy first.
func TestWithStacksNeedsDeployedUpstream(t *testing.T) {
	spec := topologytest.Load(t, "testdata/pair.yaml")
	r := open(t, spec, t.TempDir(), startSim(t), engine.WithStacks(stacks.MeshName)).Up(context.Background())
	s := r.Stack(stacks.MeshName)
	if s.Status != engine.Failed || s.Err == nil || !strings.Contains(s.Err.Error(), "deploy them first") {
		t.Errorf("mesh alone: %s, %v", s.Status, s.Err)
	}
	names := append([]string{}, s.Blocked...)
	sort.Strings(names)
	if strings.Join(names, ",") != "hetzner-fsn1-dev,hetzner-nbg1-dev" {
		t.Errorf("blocked by %v", names)
	}
}

// TestRefreshReportsDrift: a property changed and a resource deleted behind
// the engine's back show as drifted and gone; the next up puts them back.
func TestRefreshReportsDrift(t *testing.T) {
	ctx := context.Background()
	spec := topologytest.Load(t, "testdata/pair.yaml")
	backend := t.TempDir()
	srv := startSim(t)
	e := open(t, spec, backend, srv, engine.WithStacks("hetzner-nbg1-dev"))
	mustSucceed(t, "up", e.Up(ctx))
	network, lb := networkAndLB(srv)
	if network.URN == "" || lb.URN == "" {
		t.Fatal("no network or load balancer in the simulated cloud")
	}
	if err := srv.Cloud().Drift(network.URN, "labels", resource.NewObjectProperty(resource.PropertyMap{"hand": resource.NewStringProperty("edited")})); err != nil {
		t.Fatal(err)
	}
	srv.Cloud().Remove(lb.URN)

	r := e.Refresh(ctx)
	mustSucceed(t, "refresh", r)
	s := r.Stack("hetzner-nbg1-dev")
	got := map[string]string{}
	for _, st := range s.Steps {
		got[st.Name] = string(st.Change) + " " + strings.Join(st.Diffs, ",")
	}
	if len(got) != 2 || got[network.URN.Name()] != "update labels" || !strings.HasPrefix(got[lb.URN.Name()], "delete") {
		t.Errorf("drift = %v, want the network's labels updated and the load balancer deleted", got)
	}
	fix := e.Up(ctx)
	mustSucceed(t, "up after drift", fix)
	// The load balancer is made again; what refers to it by id follows.
	fixed := fix.Stack("hetzner-nbg1-dev")
	labels := false
	for _, st := range fixed.StepsOf(engine.Update) {
		labels = labels || st.Name == network.URN.Name() && strings.Join(st.Diffs, ",") == "labels"
	}
	if fixed.Changes[engine.Create] != 1 || fixed.StepsOf(engine.Create)[0].Name != lb.URN.Name() || !labels {
		t.Errorf("up after drift: %+v, want the load balancer made again and the labels put back", fixed.Steps)
	}
	if n, want := len(srv.Cloud().Objects()), len(fixed.Steps)+fixed.Unchanged; n != want {
		t.Errorf("the cloud holds %d objects, want the stack's %d", n, want)
	}
}

// TestPreviewCarriesValues: after an up, an edit that moves a region's
// network (its subnet is replaced, forced by ipRange) and rescales its
// servers (an update in place; their secret user data may change with the
// addresses) previews with the old and new values of each property, the secret
// masked on both sides and nowhere in plaintext.
func TestPreviewCarriesValues(t *testing.T) {
	ctx := context.Background()
	srv := startSim(t)
	backend := t.TempDir()
	e := open(t, topologytest.Load(t, "testdata/pair.yaml"), backend, srv, engine.WithStacks("hetzner-nbg1-dev"))
	mustSucceed(t, "up", e.Up(ctx))

	data, err := os.ReadFile("testdata/pair.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}",
		"cidr: 10.50.0.0/16\n        cluster: {serverType: cx33, workers: 1, apiAccess: [203.0.113.0/24]}", 1)
	file := filepath.Join(t.TempDir(), "pair.yaml")
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	pre := open(t, topologytest.Load(t, file), backend, srv, engine.WithStacks("hetzner-nbg1-dev")).Preview(ctx)
	mustSucceed(t, "preview of the edit", pre)
	servers, networks := 0, 0
	for _, st := range pre.Stack("hetzner-nbg1-dev").Steps {
		values := map[string]engine.PropertyChange{}
		for _, v := range st.Values {
			values[v.Name] = v
		}
		switch st.Type {
		case "hcloud:index/server:Server":
			servers++
			if v := values["serverType"]; v.Old != "cx23" || v.New != "cx33" || v.Replaces {
				t.Errorf("%s serverType = %+v, want cx23 → cx33 in place", st.Name, v)
			}
			// The new network's addresses reach the servers' cloud-init
			// (only k3s 1.35 is pinned, so the version cannot move here).
			if v, ok := values["userData"]; ok && (!v.Secret || v.Old != engine.Secret || v.New != engine.Secret) {
				t.Errorf("%s userData = %+v, want masked on both sides", st.Name, v)
			}
		case "hcloud:index/networkSubnet:NetworkSubnet":
			networks++
			old, _ := values["ipRange"].Old.(string)
			if v := values["ipRange"]; st.Change != engine.Replace || !v.Replaces || v.New != "10.50.0.0/20" || !strings.HasSuffix(old, "/20") || old == v.New {
				t.Errorf("%s: %s, ipRange = %+v, want a replacement forced by ipRange, old and new CIDR", st.Name, st.Change, v)
			}
		}
	}
	if servers == 0 || networks != 1 {
		t.Fatalf("the preview changes %d servers and %d subnets: %+v", servers, networks, pre.Stack("hetzner-nbg1-dev").Steps)
	}
	keysOf(srv.Cloud()).assertAbsent(t, backend, resultJSON(t, pre))
}
