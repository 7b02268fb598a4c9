package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"infra/landingzone"
	"infra/plan"
	"infra/plan/plantest"
	"infra/rules"
	"infra/stacks/stackstest"
	"infra/ui"
)

var update = flag.Bool("update", false, "rewrite the golden plans from the examples")

func examples(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	return files
}

func planOf(t *testing.T, file string) []byte {
	t.Helper()
	b, err := generate(t, file).JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func generate(t *testing.T, file string) *plan.Plan {
	t.Helper()
	// The OVH program takes the project id from the environment when the
	// spec has none; golden files must not depend on who runs the test.
	t.Setenv(landingzone.OVHProjectEnv, "")
	spec, _ := stackstest.Load(t, file)
	_, p := plantest.Generate(t, spec)
	return p
}

func goldenPath(example string) string {
	return strings.TrimSuffix(filepath.Base(example), ".yaml") + ".json"
}

// Every example has a golden plan, and the plan still matches it.
func TestGoldenPlans(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(filepath.Base(ex), func(t *testing.T) {
			got := planOf(t, ex)
			path := goldenPath(ex)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v; run `go test ./golden -update`", err)
			}
			if d := ui.PlanDiff("golden/"+path, want, "plan of "+ex, got); d != "" {
				t.Errorf("plan of %s differs from golden/%s; if intended, run `go test ./golden -update`\n%s", ex, path, d)
			}
		})
	}
}

// No golden file outlives its example.
func TestNoOrphanGoldenFiles(t *testing.T) {
	want := map[string]bool{}
	for _, ex := range examples(t) {
		want[goldenPath(ex)] = true
	}
	files, _ := filepath.Glob("*.json")
	for _, f := range files {
		if !want[f] {
			t.Errorf("golden/%s has no example in examples/", f)
		}
	}
}

// The plan is byte-identical across runs and with a single OS thread.
func TestPlansAreDeterministic(t *testing.T) {
	for _, ex := range examples(t) {
		first := planOf(t, ex)
		if again := planOf(t, ex); !bytes.Equal(first, again) {
			t.Errorf("%s: two runs differ:\n%s", ex, ui.PlanDiff("run 1", first, "run 2", again))
		}
		prev := runtime.GOMAXPROCS(1)
		single := planOf(t, ex)
		runtime.GOMAXPROCS(prev)
		if !bytes.Equal(first, single) {
			t.Errorf("%s: GOMAXPROCS=1 differs:\n%s", ex, ui.PlanDiff("default", first, "GOMAXPROCS=1", single))
		}
	}
}

// Every golden plan passes the providers' schema, constraint and cloud-limit
// rules: the real providers would accept every planned input.
func TestGoldenPlansPassProviderRules(t *testing.T) {
	for _, ex := range examples(t) {
		t.Run(filepath.Base(ex), func(t *testing.T) {
			for _, f := range generate(t, ex).Check() {
				if f.Severity != rules.Error {
					continue
				}
				t.Errorf("%s: %s", f.Stack, f.Violation)
			}
		})
	}
}
