package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/engine"
	"infra/topology/topologytest"
)

// stepKeys lists a result's steps as "change urn", sorted.
func stepKeys(steps []engine.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, string(s.Change)+" "+s.URN)
	}
	slices.Sort(out)
	return out
}

// TestBundleAppliesExactlyTheReview: a bundle of the pair topology made
// before anything is deployed, written and read back, deploys exactly the
// previewed steps in every stack; its plans carry no secret in plaintext.
func TestBundleAppliesExactlyTheReview(t *testing.T) {
	ctx := context.Background()
	spec := topologytest.Load(t, "testdata/pair.yaml")
	backend := t.TempDir()
	srv := startSim(t)

	e := open(t, spec, backend, srv)
	pre, b, err := e.PreviewBundle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustSucceed(t, "preview", pre)
	if b == nil || len(b.Stacks) != len(pre.Stacks) {
		t.Fatalf("bundle %+v, want one stack per previewed stack", b)
	}
	path := filepath.Join(t.TempDir(), "plan.infra")
	if err := b.Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, s := range b.Stacks {
		if len(s.Plan) == 0 || s.EncryptionSalt == "" {
			t.Errorf("stack %s: no update plan or salt in the bundle", s.Name)
		}
	}
	if !strings.Contains(string(data), `"ciphertext"`) {
		t.Errorf("the bundle holds no encrypted secret: the WireGuard keys' plan should")
	}
	if strings.Contains(string(data), "PRIVATE KEY") || strings.Contains(string(data), `"plaintext"`) {
		t.Errorf("the bundle holds a secret in plaintext")
	}
	read, err := engine.ReadBundle(path)
	if err != nil {
		t.Fatal(err)
	}

	e2 := open(t, spec, backend, srv)
	res, stale, err := e2.ApplyBundle(ctx, read, engine.ApplyOptions{})
	if err != nil || len(stale) > 0 {
		t.Fatalf("apply: %v (stale %v)", err, stale)
	}
	mustSucceed(t, "apply", res)
	for _, s := range b.Stacks {
		got := res.Stack(s.Name)
		if got == nil {
			t.Errorf("stack %s not applied", s.Name)
			continue
		}
		for _, d := range got.Diagnostics {
			if d.Severity == "error" {
				t.Errorf("stack %s: %s", s.Name, d.Message)
			}
		}
		if w, g := stepKeys(s.Steps), stepKeys(got.Steps); !slices.Equal(w, g) {
			t.Errorf("stack %s did %v, reviewed %v", s.Name, g, w)
		}
	}
	// Applied twice: every stack's state moved, so all are refused.
	e3 := open(t, spec, backend, srv)
	if _, stale, err := e3.ApplyBundle(ctx, read, engine.ApplyOptions{}); err == nil || len(stale) != len(b.Stacks) {
		t.Errorf("second apply: %v, stale %v; want every stack refused", err, stale)
	}
}

// TestBundleRefusesMovedStack: a bundle made on a deployed pair is refused,
// before anything runs, after one stack's resources were changed outside
// infra, naming that stack and the resource; with SkipStale the other
// stacks apply and the stale one, and what depends on it, do not.
func TestBundleRefusesMovedStack(t *testing.T) {
	d := deploy(t, "testdata/pair.yaml")

	// A change to review: one more worker in each region.
	src, _ := os.ReadFile("testdata/pair.yaml")
	edited := filepath.Join(t.TempDir(), "pair.yaml")
	if err := os.WriteFile(edited, []byte(strings.ReplaceAll(string(src), "workers: 1", "workers: 2")), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := topologytest.Load(t, edited)
	pre, b, err := open(t, spec, d.backend, d.srv).PreviewBundle(d.ctx)
	if err != nil {
		t.Fatal(err)
	}
	mustSucceed(t, "preview", pre)

	// Out of band: a label on the nbg1 network.
	var network resource.URN
	for _, o := range d.srv.Cloud().Objects() {
		if o.URN.Type() == "hcloud:index/network:Network" && o.URN.Stack() == "hetzner-nbg1-dev" {
			network = o.URN
		}
	}
	if err := d.srv.Cloud().Drift(network, "labels", resource.NewObjectProperty(resource.PropertyMap{"hand": resource.NewStringProperty("edited")})); err != nil {
		t.Fatal(err)
	}
	before := len(d.srv.Cloud().Objects())
	checkpoint := filepath.Join(d.backend, ".pulumi", "stacks", "pair", "hetzner-fsn1-dev.json")
	was, _ := os.ReadFile(checkpoint)

	_, stale, err := open(t, spec, d.backend, d.srv).ApplyBundle(d.ctx, b, engine.ApplyOptions{})
	var se *engine.StaleError
	if !errors.As(err, &se) || len(stale) != 1 || stale[0].Stack != "hetzner-nbg1-dev" ||
		!strings.Contains(strings.Join(stale[0].Moved, " "), network.Name()) {
		t.Fatalf("apply over drift: %v, stale %+v; want hetzner-nbg1-dev refused naming %s", err, stale, network.Name())
	}
	if !strings.Contains(err.Error(), "hetzner-nbg1-dev") {
		t.Errorf("the refusal does not name the stack: %v", err)
	}
	if now, _ := os.ReadFile(checkpoint); string(now) != string(was) || len(d.srv.Cloud().Objects()) != before {
		t.Errorf("a refused bundle touched something")
	}

	res, _, err := open(t, spec, d.backend, d.srv).ApplyBundle(d.ctx, b, engine.ApplyOptions{SkipStale: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]engine.Status{}
	for _, s := range res.Stacks {
		got[s.Name] = s.Status
	}
	if got["hetzner-nbg1-dev"] != engine.Failed || got["hetzner-fsn1-dev"] != engine.Succeeded {
		t.Errorf("skip-stale: %v; want nbg1 refused and fsn1 applied", got)
		for _, s := range res.Stacks {
			t.Logf("%s: %v %+v", s.Name, s.Err, s.Diagnostics)
		}
	}
	for _, s := range res.Stacks {
		if slices.Contains(s.DependsOn, "hetzner-nbg1-dev") && s.Status != engine.Skipped {
			t.Errorf("%s depends on the refused stack but is %s", s.Name, s.Status)
		}
	}
}
