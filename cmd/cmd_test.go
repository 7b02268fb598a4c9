package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"infra/topology"
	"infra/ui"
)

// result is what one CLI run produced.
type result struct {
	out, err string
	code     int
}

// run drives the CLI in-process with buffers for streams and env for the environment.
func run(t *testing.T, color bool, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	f := newTestFactory(&out, &errb, strings.NewReader(""), false, env)
	f.IO.Color = color
	code := runFactory(t, f, args)
	if slices.Contains(args, "--json") || (slices.Contains(args, "--format") && slices.Contains(args, "json")) {
		checkDocument(t, args, out.String())
	}
	return result{out.String(), errb.String(), code}
}

// schemas are the published output schemas, compiled once.
var (
	schemasOnce sync.Once
	schemas     map[string]*jsonschema.Schema
	schemasErr  error
)

// checkDocument asserts that what a --json run printed on stdout (if
// anything) is one document of a known kind that validates against the
// kind's published schema (ui/schema): the contract, checked on every
// JSON output of every test.
func checkDocument(t *testing.T, args []string, out string) {
	t.Helper()
	if out == "" {
		return
	}
	schemasOnce.Do(func() {
		schemas = map[string]*jsonschema.Schema{}
		c := jsonschema.NewCompiler()
		for _, kind := range ui.Kinds() {
			b, err := ui.SchemaOf(kind)
			if err != nil {
				schemasErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				schemasErr = err
				return
			}
			if err := c.AddResource(ui.SchemaID(kind), doc); err != nil {
				schemasErr = err
				return
			}
		}
		for _, kind := range ui.Kinds() {
			s, err := c.Compile(ui.SchemaID(kind))
			if err != nil {
				schemasErr = err
				return
			}
			schemas[kind] = s
		}
	})
	if schemasErr != nil {
		t.Fatal(schemasErr)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Errorf("infra %s: stdout is not one JSON document: %v\n%s", strings.Join(args, " "), err, out)
		return
	}
	m, _ := doc.(map[string]any)
	kind, _ := m["kind"].(string)
	s, ok := schemas[kind]
	if !ok {
		t.Errorf("infra %s: document of kind %q, not one of %v", strings.Join(args, " "), kind, ui.Kinds())
		return
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("infra %s: the %s document fails its schema: %v", strings.Join(args, " "), kind, err)
	}
	documentsSeen.Store(kind, true)
}

// documentsSeen records the kinds checkDocument validated.
var documentsSeen sync.Map

// newTestFactory is a Factory on the given streams, stdin a terminal when
// tty, with env as the environment and a fixed clock.
func newTestFactory(out, errw io.Writer, in io.Reader, tty bool, env map[string]string) *Factory {
	return &Factory{
		IO:     &ui.IO{In: in, Out: out, Err: errw, InTTY: tty},
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
}

func runFactory(t *testing.T, f *Factory, args []string) int {
	t.Helper()
	return Run(context.Background(), f, args)
}

var ansi = regexp.MustCompile("\x1b\\[")

func examples(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	return files
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// broken has two errors: an unknown field (line 7) and an unknown region (line 5).
const broken = `name: acme
clouds:
  aws:
    regions:
      - region: us-east-7
        environment: prod
        zonez: [us-east-1a]
`

func TestValidateExamples(t *testing.T) {
	for _, f := range examples(t) {
		r := run(t, false, nil, "validate", "-f", f)
		if r.code != ExitOK {
			t.Errorf("%s: exit %d\n%s", f, r.code, r.err)
		}
		if !strings.Contains(r.out, f+" is valid: ") || r.err != "" {
			t.Errorf("%s: stdout %q stderr %q", f, r.out, r.err)
		}
	}
	r := run(t, false, nil, "validate", "-f", "../examples/multicloud.yaml")
	if want := "9 regions across 4 clouds, 2 pools, 8 mesh gateways, 6 guardrails"; !strings.Contains(r.out, want) {
		t.Errorf("summary %q, want %q", r.out, want)
	}
}

func TestValidateBrokenHuman(t *testing.T) {
	p := writeFile(t, "topology.yaml", broken)
	r := run(t, false, nil, "validate", "-f", p)
	if r.code != ExitError {
		t.Fatalf("exit %d, want 1", r.code)
	}
	if r.out != "" {
		t.Errorf("stdout %q, want nothing (findings go to stderr)", r.out)
	}
	for _, want := range []string{
		"error[topology/regions]: aws has no region \"us-east-7\"\n  --> " + p + ":5:17\n",
		"5 |       - region: us-east-7\n",
		"  |                 ^^^^^^^^^\n", // carets under the value, from column 17
		"hint: did you mean us-east-1?",
		"error[schema/unknown-field]: unknown field \"zonez\" in clouds.aws.regions[0]\n  --> " + p + ":7:9\n",
		"hint: did you mean zones?",
		"✗ 2 errors in " + p + "\n",
	} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	if strings.Index(r.err, ":5:17") > strings.Index(r.err, ":7:9") {
		t.Error("diagnostics are not in file order")
	}
	if ansi.MatchString(r.err) {
		t.Errorf("plain output has ANSI escapes:\n%q", r.err)
	}
}

func TestColor(t *testing.T) {
	p := writeFile(t, "topology.yaml", broken)
	if r := run(t, true, nil, "validate", "-f", p); !ansi.MatchString(r.err) {
		t.Fatalf("colour output has no ANSI escapes, so the plain checks below prove nothing:\n%s", r.err)
	}
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"--no-color": {nil, []string{"validate", "--no-color", "-f", p}},
		"NO_COLOR":   {map[string]string{"NO_COLOR": "1"}, []string{"validate", "-f", p}},
	} {
		r := run(t, true, tc.env, tc.args...)
		if r.code != ExitError || ansi.MatchString(r.err+r.out) {
			t.Errorf("%s: exit %d, escapes in output:\n%q", name, r.code, r.err)
		}
	}
	if r := run(t, true, map[string]string{"NO_COLOR": "1"}, "validate", "-f", "../examples/minimal.yaml"); r.code != 0 || ansi.MatchString(r.out) {
		t.Errorf("NO_COLOR success output: %q", r.out)
	}
}

func TestValidateJSON(t *testing.T) {
	p := writeFile(t, "topology.yaml", broken)
	r := run(t, true, nil, "validate", "--json", "-f", p)
	if r.code != ExitError {
		t.Fatalf("exit %d, want 1", r.code)
	}
	if ansi.MatchString(r.out) {
		t.Error("JSON has ANSI escapes")
	}
	var got ui.ValidateResult
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.out)
	}
	if got.Valid || got.Errors != 2 || got.File != p || len(got.Diagnostics) != 2 {
		t.Fatalf("result: %+v", got)
	}
	d := got.Diagnostics[0]
	if d.Pos.Line != 5 || d.Pos.Col != 17 || d.Severity != topology.Error || d.Hint != "did you mean us-east-1?" {
		t.Errorf("first diagnostic: %+v", d)
	}
	// The field names are part of the interface.
	for _, key := range []string{`"valid": false`, `"errors": 2`, `"line": 7`, `"column": 9`, `"severity": "error"`, `"hint": "did you mean zones?"`} {
		if !strings.Contains(r.out, key) {
			t.Errorf("JSON lacks %s:\n%s", key, r.out)
		}
	}

	r = run(t, false, nil, "validate", "--json", "-f", "../examples/multicloud.yaml")
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || r.code != 0 || !got.Valid || got.Errors != 0 || got.Diagnostics == nil || got.Summary == "" {
		t.Errorf("valid example: exit %d %+v %v", r.code, got, err)
	}
	if !strings.Contains(r.out, `"diagnostics": []`) {
		t.Errorf("an empty diagnostics list must be [], not null:\n%s", r.out)
	}
}

func TestValidateFileDefault(t *testing.T) {
	p := writeFile(t, "from-env.yaml", broken)
	r := run(t, false, map[string]string{"INFRA_FILE": p}, "validate")
	if r.code != ExitError || !strings.Contains(r.err, p+":5:17") {
		t.Errorf("INFRA_FILE not used: exit %d\n%s", r.code, r.err)
	}
	r = run(t, false, map[string]string{"INFRA_FILE": p}, "validate", "-f", "../examples/minimal.yaml")
	if r.code != ExitOK {
		t.Errorf("-f does not override INFRA_FILE: exit %d\n%s", r.code, r.err)
	}
	// Without either, the file is topology.yaml in the working directory (none in cmd/).
	r = run(t, false, nil, "validate")
	if r.code != ExitError || !strings.Contains(r.err, "topology.yaml") || !strings.Contains(r.err, "topology file not found") || !strings.Contains(r.err, "infra init") {
		t.Errorf("default file: exit %d\n%s", r.code, r.err)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		help string // the help a usage error points at
	}{
		{[]string{"validate", "--bogus"}, "infra validate --help"},
		{[]string{"--nope"}, "infra --help"},
		{[]string{"frobnicate"}, "infra --help"},
		{[]string{"validate", "extra-arg"}, "infra validate --help"},
		{[]string{"version", "-f"}, "infra version --help"},
		{[]string{"guardrails", "render", "--cloud", "gcp"}, "infra guardrails render --help"},
		// cobra's own errors, told by where they come from, not their words
		{[]string{"guardrails", "render"}, "infra guardrails render --help"}, // required flag
		{[]string{"outputs", "a", "b", "c"}, "infra outputs --help"},         // too many arguments
	} {
		r := run(t, false, nil, tc.args...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", tc.args, r.code, ExitUsage, r.err)
		}
		if !strings.Contains(r.err, "error:") || !strings.Contains(r.err, "Run '"+tc.help+"' for usage.") {
			t.Errorf("%v: stderr %q", tc.args, r.err)
		}
	}
}

// An error of a command's run is no usage error, whatever its words.
func TestRunErrorsAreNotUsage(t *testing.T) {
	spec := writeFile(t, "t.yaml", "name: acme\nclouds: {}\n")
	r := run(t, false, nil, "plan", "-f", spec, "--check", filepath.Join(t.TempDir(), "unknown command accepts requires at least.json"))
	if r.code != ExitError || strings.Contains(r.err, "for usage") {
		t.Errorf("a missing --check file: exit %d\n%s", r.code, r.err)
	}
}

func TestVersion(t *testing.T) {
	r := run(t, false, nil, "version")
	if r.code != 0 || r.out != "infra dev ("+runtime.Version()+")\n" {
		t.Errorf("version: %d %q", r.code, r.out)
	}
	if r := run(t, false, nil, "--version"); r.code != 0 || r.out != "infra dev ("+runtime.Version()+")\n" {
		t.Errorf("--version: %d %q", r.code, r.out)
	}
	r = run(t, false, nil, "version", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(r.out), &v); err != nil || v["kind"] != "version" || v["infra"] != "dev" || v["go"] != runtime.Version() {
		t.Errorf("version --json: %q %v", r.out, err)
	}
}

func TestInit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "topology.yaml")
	r := run(t, false, nil, "init", "-f", p)
	if r.code != 0 || !strings.Contains(r.out, "wrote "+p) {
		t.Fatalf("init: exit %d\n%s%s", r.code, r.out, r.err)
	}
	data, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(data, starterTopology) {
		t.Fatalf("init wrote %d bytes (%v), want the starter", len(data), err)
	}
	if _, ds, err := topology.Load(p); err != nil || len(ds) != 0 {
		t.Errorf("the starter does not validate cleanly: %v %v", err, ds)
	}
	if r := run(t, false, nil, "validate", "-f", p); r.code != 0 {
		t.Errorf("validate of the starter: exit %d\n%s", r.code, r.err)
	}

	// A second init, and an init over any other file, changes nothing.
	const mine = "name: mine\n"
	if err := os.WriteFile(p, []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}
	r = run(t, false, nil, "init", "-f", p)
	if r.code != ExitError || !strings.Contains(r.err, p+" already exists; not overwriting it") {
		t.Errorf("init over a file: exit %d\n%s", r.code, r.err)
	}
	if data, _ := os.ReadFile(p); string(data) != mine {
		t.Errorf("init changed the existing file to %q", data)
	}
	// INFRA_FILE names the target too.
	q := filepath.Join(t.TempDir(), "env.yaml")
	if r := run(t, false, map[string]string{"INFRA_FILE": q}, "init"); r.code != 0 {
		t.Errorf("init with INFRA_FILE: exit %d %s", r.code, r.err)
	} else if _, err := os.Stat(q); err != nil {
		t.Error(err)
	}
	// A new directory is made, as the help's example needs.
	nested := filepath.Join(t.TempDir(), "platform", "topology.yaml")
	if r := run(t, false, nil, "init", "-f", nested); r.code != 0 {
		t.Errorf("init into a new directory: exit %d %s", r.code, r.err)
	} else if data, _ := os.ReadFile(nested); !strings.HasPrefix(string(data), "# yaml-language-server: $schema=topology.schema.json\n") {
		t.Errorf("the starter's schema line: %.80q", data)
	}
	// ... and the schema it names is written beside it, as `infra schema`
	// prints it; a second init keeps it.
	schema, err := os.ReadFile(filepath.Join(filepath.Dir(nested), "topology.schema.json"))
	if want := run(t, false, nil, "schema").out; err != nil || string(schema) != want || want == "" {
		t.Errorf("init's topology.schema.json (%v) differs from infra schema", err)
	}
	other := filepath.Join(filepath.Dir(nested), "other.yaml")
	if r := run(t, false, nil, "init", "-f", other); r.code != 0 || !strings.Contains(r.out, "kept "+filepath.Join(filepath.Dir(nested), "topology.schema.json")) {
		t.Errorf("a second init in the directory: exit %d\n%s", r.code, r.out)
	}
	// An unwritable place is an error, not a panic.
	file := writeFile(t, "file", "x")
	if r := run(t, false, nil, "init", "-f", filepath.Join(file, "dir.yaml")); r.code != ExitError {
		t.Errorf("init under a file: exit %d", r.code)
	}
}

func TestSchemaAcceptsExamples(t *testing.T) {
	r := run(t, false, nil, "schema")
	if r.code != 0 {
		t.Fatalf("schema: exit %d %s", r.code, r.err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(r.out))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(topology.SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(topology.SchemaID)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	check := func(name string, src []byte) error {
		var v any
		if err := yaml.Unmarshal(src, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// YAML → JSON → the validator's own decoding, so numbers are json.Number.
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			t.Fatal(err)
		}
		return sch.Validate(inst)
	}
	for _, f := range examples(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := check(f, src); err != nil {
			t.Errorf("schema rejects %s: %v", f, err)
		}
	}
	if err := check("starter", starterTopology); err != nil {
		t.Errorf("schema rejects the init starter: %v", err)
	}
	// The schema is strict where the loader is, so editors flag the same mistakes.
	for name, src := range map[string]string{
		"unknown field":    broken,
		"missing clouds":   "name: acme\n",
		"unknown guardral": "name: a\nclouds: {}\nlandingZone: {guardrails: [deny-everything]}\n",
		"wrong type":       "name: a\nclouds: {aws: {regions: [{region: us-east-1, environment: prod, cluster: {nodesPerZone: many}}]}}\n",
	} {
		if err := check(name, []byte(src)); err == nil {
			t.Errorf("schema accepts %s", name)
		}
	}
}

func TestSchemaIsCommitted(t *testing.T) {
	r := run(t, false, nil, "schema")
	file, err := os.ReadFile("../topology/topology.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if r.out != string(file) {
		t.Error("`infra schema` differs from topology/topology.schema.json; run go test ./topology -run TestSchemaFile -update")
	}
}

func TestHelpAndCompletion(t *testing.T) {
	r := run(t, false, nil, "--help")
	for _, verb := range []string{"validate", "schema", "init", "version", "completion", "Exit codes"} {
		if !strings.Contains(r.out, verb) {
			t.Errorf("--help lacks %q", verb)
		}
	}
	if r.code != 0 {
		t.Errorf("--help: exit %d", r.code)
	}
	r = run(t, false, nil, "completion", "bash")
	if r.code != 0 || !strings.Contains(r.out, "__start_infra") {
		t.Errorf("completion bash: exit %d, %d bytes", r.code, len(r.out))
	}
}
