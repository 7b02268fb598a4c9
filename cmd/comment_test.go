package cmd

import (
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
        cluster: {serverType: cx23, workers: 1}
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
			dir := t.TempDir()
			file := filepath.Join(dir, "topology.yaml")
			if err := os.WriteFile(file, []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
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
