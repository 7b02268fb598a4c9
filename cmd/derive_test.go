package cmd

import (
	"path/filepath"
	"strings"
	"testing"

	"infra/model"
)

// TestCommandsDeriveTheModelOnce holds every command to one derivation of
// the topology's model (addresses, mesh, transit, landing zone, guardrail
// documents): the stack graph, the guardrail gate, the ADRs, the diagram and
// the engine read the same value. A redeploy whose state pins the same
// addresses derives nothing more.
func TestCommandsDeriveTheModelOnce(t *testing.T) {
	file, dir := pairSpec(t)
	env := map[string]string{"INFRA_PASSPHRASE": "derive-test"}
	type step struct {
		args string
		code int
	}
	steps := []step{
		{"validate", ExitOK},
		{"plan", ExitOK},
		{"graph", ExitOK},
		{"adr --date 2026-01-02 --out " + filepath.Join(dir, "adr"), ExitOK},
		{"guardrails check", ExitOK},
		{"guardrails render --cloud hetzner", ExitOK},
		{"mesh config --node hetzner/nbg1 --placeholders", ExitOK},
	}
	if !testing.Short() {
		needCLI(t)
		steps = append(steps,
			step{"preview --simulate --comment " + filepath.Join(dir, "comment.md"), ExitOK},
			step{"up --simulate --yes", ExitOK},
			step{"up --simulate --yes", ExitOK}, // the state now pins every address
			step{"outputs --simulate", ExitOK},
		)
	}
	for _, s := range steps {
		before := model.Derivations()
		r := run(t, false, env, append(strings.Fields(s.args), "-f", file)...)
		if r.code != s.code {
			t.Fatalf("%s: exit %d, want %d\n%s", s.args, r.code, s.code, r.err)
		}
		n := model.Derivations() - before
		want := int64(1)
		if s.args == "validate" {
			want = 0 // validation reads the spec alone
		}
		if n != want {
			t.Errorf("%s derived the model %d times, want %d", s.args, n, want)
		}
	}
}
