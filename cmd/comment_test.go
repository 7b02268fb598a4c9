package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"infra/ui"
)

// TestPreviewCommentsOnEveryOutcome: a topology that does not load, or
// that breaks a mandatory guardrail, still gets a pull-request comment
// under the same marker, saying why nothing was previewed, with the
// commit and the run from GitHub Actions' environment.
func TestPreviewCommentsOnEveryOutcome(t *testing.T) {
	env := map[string]string{
		"INFRA_PASSPHRASE": "p", "GITHUB_SHA": "merge000", "INFRA_COMMIT": "0123456789abcdef",
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_RUN_ID": "42",
	}
	base := `name: acme
clouds:
  hetzner:
    regions:
      - region: hel1
        environment: dev
        cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}
`
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"a typo", strings.Replace(base, "serverType", "serverTyp", 1), []string{
			"is invalid", `unknown field "serverTyp"`, ":7:", "hint: "}},
		{"a mandatory guardrail", base + "landingZone:\n  guardrails:\n    - allowed-regions:\n        hetzner: [nbg1]\n", []string{
			"violates a mandatory guardrail", "region hel1 is not in the guardrail's allowed regions", ":5:", "^", "hint: add hel1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file, dir := specIn(t, []byte(tt.src))
			comment := filepath.Join(dir, "preview.md")
			r := run(t, false, env, "preview", "--simulate", "-f", file, "--comment", comment)
			if r.code != ExitError {
				t.Errorf("exit %d, want %d\n%s", r.code, ExitError, r.err)
			}
			data, err := os.ReadFile(comment)
			if err != nil {
				t.Fatalf("no comment written: %v\nstderr:\n%s", err, r.err)
			}
			c := string(data)
			want := append([]string{ui.CommentMarker(file) + "\n", "commit `0123456789ab`", "[CI run](https://github.com/acme/infra/actions/runs/42)", "Nothing was previewed"}, tt.want...)
			for _, w := range want {
				if !strings.Contains(c, w) {
					t.Errorf("comment lacks %q:\n%s", w, c)
				}
			}
		})
	}
}

// TestJSONErrorsAndRefusals: under --json an error is a JSON document on
// stdout with the exit code, and a command with no JSON output refuses
// --json instead of ignoring it.
func TestJSONErrorsAndRefusals(t *testing.T) {
	file, _ := pairSpec(t)
	r := run(t, false, map[string]string{}, "graph", "-f", file, "--json")
	if r.code != ExitUsage || !strings.Contains(r.err, "has no JSON output") {
		t.Errorf("graph --json: exit %d, stderr %q", r.code, r.err)
	}
	var doc errorDoc
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.Kind != "error" || doc.Version != ui.JSONVersion || doc.Error.Code != ExitUsage {
		t.Errorf("graph --json stdout = %q (%v)", r.out, err)
	}
	r = run(t, false, map[string]string{}, "preview", "--simulate", "-f", file, "--json")
	doc = errorDoc{}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || r.code != ExitError || doc.Error.Code != ExitError || !strings.Contains(doc.Error.Message, "INFRA_PASSPHRASE") {
		t.Errorf("preview --json without a passphrase: exit %d, stdout %q (%v)", r.code, r.out, err)
	}
	r = run(t, false, map[string]string{}, "graph", "-f", file)
	if r.code != ExitOK || r.out == "" {
		t.Errorf("graph without --json: exit %d", r.code)
	}
}

// errorDoc is the error document's shape (ui/schema/error.json).
type errorDoc struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	Error   struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	} `json:"error"`
}
